// OpenShell's validate_sandbox_policy for the process and filesystem sections, with its exact texts
// (OpenShell crates/openshell-policy/src/lib.rs:1416-1706 @2f7fb65). Violations accumulate.
import type { PolicyModel } from '../model';
import type { Span } from '../types';
import { hasParentComponent, isOnlySlashes } from '../fsview/paths';

export const MAX_FILESYSTEM_PATHS = 256;
export const MAX_PATH_LENGTH = 4096;

export interface LocatedViolation {
  message: string;
  span: Span;
  yamlPath: (string | number)[];
  subject: string;
}

const utf8 = new TextEncoder();

/**
 * UTF-8 byte length without allocating (Rust's `str::len`); a lone surrogate counts as the 3 bytes of
 * the U+FFFD it becomes when encoded, exactly as TextEncoder counts.
 */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && isLowSurrogate(s.charCodeAt(i + 1))) { n += 2; i++; } // a pair: 4 bytes for 2 code units
    else n += 2;
  }
  return n;
}

const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** A UTF-16 code unit is at most 3 UTF-8 bytes (a surrogate pair 4 for 2): shorter paths need no count. */
const ALWAYS_WITHIN_PATH_LENGTH = Math.floor(MAX_PATH_LENGTH / 3);

/** Whether a path is over OpenShell's 4,096-byte limit; counts bytes only when it could be. */
export function exceedsPathLength(path: string): boolean {
  return path.length > ALWAYS_WITHIN_PATH_LENGTH && utf8Length(path) > MAX_PATH_LENGTH;
}

/** Absolute, no `..` component, at most 4,096 bytes: a path validate_sandbox_policy lets through. */
export function isValidRulePath(path: string): boolean {
  return path.startsWith('/') && !hasParentComponent(path) && !exceedsPathLength(path);
}

/** `{path}` in the length message: cut to 77 bytes + "..." when longer than 80 bytes, on a char boundary. */
export function truncateForMessage(path: string): string {
  if (utf8.encode(path).length <= 80) return path;
  let out = '';
  let bytes = 0;
  for (const ch of path) {
    const n = utf8.encode(ch).length;
    if (bytes + n > 77) break;
    out += ch;
    bytes += n;
  }
  return out + '...';
}

/** Rust `is_valid_sandbox_identity`: "sandbox", or a u32 (u32::from_str: optional '+', digits) in 1..=4294967294. */
export function isValidSandboxIdentity(value: string): boolean {
  if (value === 'sandbox') return true;
  if (!/^\+?[0-9]+$/.test(value)) return false;
  const n = Number(value.replace(/^\+/, ''));
  return Number.isSafeInteger(n) && n >= 1 && n <= 4294967294;
}

export function validateProcessAndFilesystem(model: PolicyModel): LocatedViolation[] {
  const out: LocatedViolation[] = [];
  for (const [field, loc] of [['run_as_user', model.process.runAsUser], ['run_as_group', model.process.runAsGroup]] as const) {
    if (!loc || loc.value === '') continue;
    if (!isValidSandboxIdentity(loc.value)) {
      out.push({
        message: `${field} must be 'sandbox' or a numeric UID/GID in range [1, 4294967294], got '${loc.value}'`,
        span: loc.span,
        yamlPath: ['process', field],
        subject: loc.value,
      });
    }
  }

  const fs = model.filesystem;
  if (fs.state !== 'present') return out;
  const count = fs.readOnly.length + fs.readWrite.length;
  if (count > MAX_FILESYSTEM_PATHS) {
    out.push({ message: `too many filesystem paths (${count} > ${MAX_FILESYSTEM_PATHS})`, span: fs.keySpan ?? { start: 0, end: 0 }, yamlPath: ['filesystem_policy'], subject: String(count) });
  }
  for (const entry of [...fs.readOnly, ...fs.readWrite]) {
    const at = { span: entry.span, yamlPath: entry.yamlPath, subject: entry.raw };
    if (exceedsPathLength(entry.raw)) {
      out.push({ message: `path exceeds maximum length (${utf8Length(entry.raw)} > ${MAX_PATH_LENGTH}): ${truncateForMessage(entry.raw)}`, ...at });
      continue; // OpenShell skips the other checks for this path
    }
    if (!entry.raw.startsWith('/')) {
      out.push({ message: `path must be absolute (start with '/'): ${entry.raw}`, ...at });
    }
    if (hasParentComponent(entry.raw)) {
      out.push({ message: `path contains '..' traversal component: ${entry.raw}`, ...at });
    }
  }
  for (const entry of fs.readWrite) {
    if (isOnlySlashes(entry.raw)) {
      out.push({ message: `read-write path is overly broad: ${entry.raw}`, span: entry.span, yamlPath: entry.yamlPath, subject: entry.raw });
    }
  }
  return out;
}
