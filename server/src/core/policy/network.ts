// OpenShell's network and middleware checks, ported from the source with their exact texts.
//
// Source: NVIDIA/OpenShell @2f7fb65 (the commit the spec cites). That commit is not itself in the
// code index we read, so the port follows the stored versions around it whose layout matches the
// spec's line numbers (no MCP-version checks yet, no rule sorting, string `tls`, L7 fields without
// `tls`, map-keyed middleware configs with a required `middleware` and an optional `name`):
//   * crates/openshell-policy/src/lib.rs `validate_sandbox_policy` (lib.rs:1416-1706): the network
//     loop, `host_wildcard_shape_invalid`, `validate_tcp_dns_host_selector`; message texts from
//     `impl Display for PolicyViolation` (lib.rs:1199-1399).
//   * crates/openshell-policy/src/l7_validate.rs `validate_l7_endpoint_semantics` (l7_validate.rs:100-178),
//     `is_explicit_tcp_protocol`, `validate_explicit_tcp_additional_fields`.
//   * crates/openshell-policy/src/middleware.rs `validate` (map-keyed configs, sorted by key).
//   * crates/openshell-core/src/host_pattern.rs `HostPattern`, `HostSelector` (glob 0.3 per label).
//   * hickory-proto 0.26 `Name::from_ascii` / `Label::from_ascii` for the explicit-TCP DNS check.
//   * Rust std `IpAddr::from_str` for the IP-literal check.
//
// Input is the plain JS value of the whole document. OpenShell only validates a policy that parsed,
// so values of the wrong shape (which the schema reports) are treated as absent here and never throw.
//
// Not reproducible from the file alone (and therefore skipped):
//   * implementation-owned middleware `config` validation: the gateway asks its middleware registry
//     (`validate_json_with_config`), which depends on what is installed;
//   * `failed to convert network middleware config` (protobuf Struct conversion of `config`);
//   * endpoint ambiguity across rules (ambiguity.rs, a separate FAILED_PRECONDITION check);
//   * the supervisor's own L7 validation when it builds OPA data (l7/mod.rs).
import { utf8Length } from './validate';

export interface Violation {
  message: string;
  path: (string | number)[];
}

type Path = (string | number)[];
type Obj = Record<string, unknown>;

const MAX_MIDDLEWARE_CONFIGS = 10; // openshell-core middleware.rs
const MAX_MIDDLEWARE_SELECTOR_PATTERNS = 32; // openshell-core middleware.rs

// ---------------------------------------------------------------------------
// Reading the document the way serde would have typed it
// ---------------------------------------------------------------------------

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function has(o: Obj, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** A `String` field: serde_yml accepts any scalar there, so numbers and booleans become their text. */
function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return '';
}

function bool(v: unknown): boolean {
  return v === true;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function isUint(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

function u32(v: unknown): number {
  return isUint(v, 4294967295) ? v : 0;
}

function isI32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
}

/** Points at `key` inside `base` when the document has it, else at `base` itself. */
function at(base: Path, node: Obj, key: string): Path {
  return has(node, key) ? [...base, key] : base;
}

/** Rust `str::trim` (Unicode White_Space; unlike JS it trims U+0085 and keeps U+FEFF). */
const RUST_WS = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const RUST_TRIM = new RegExp(`^[${RUST_WS}]+|[${RUST_WS}]+$`, 'g');
const RUST_IS_WS = new RegExp(`[${RUST_WS}]`);
function rustTrim(s: string): string {
  return s.replace(RUST_TRIM, '');
}

/** Rust `to_ascii_lowercase`: only A-Z change. */
function asciiLower(s: string): string {
  // Most hosts and protocols are lower case already: no replace (and no callback per letter) for them.
  return ASCII_UPPER.test(s) ? s.replace(ASCII_UPPER_ALL, (c) => c.toLowerCase()) : s;
}
const ASCII_UPPER = /[A-Z]/;
const ASCII_UPPER_ALL = /[A-Z]/g;

/** Rust `str` ordering (UTF-8 bytes = code points); JS `<` compares UTF-16 units. */
function compareCodePoints(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

// ---------------------------------------------------------------------------
// Rust std `IpAddr::from_str` (library/core/src/net/parser.rs)
// ---------------------------------------------------------------------------

class IpParser {
  pos = 0;
  constructor(readonly s: string) {}

  private atomically<T>(f: () => T | undefined): T | undefined {
    const start = this.pos;
    const r = f();
    if (r === undefined) this.pos = start;
    return r;
  }

  private peek(): string | undefined {
    return this.s[this.pos];
  }

  private readGiven(c: string): true | undefined {
    return this.atomically(() => (this.s[this.pos] === c ? (this.pos++, true) : undefined));
  }

  private readSeparator<T>(sep: string, index: number, inner: () => T | undefined): T | undefined {
    return this.atomically(() => {
      if (index > 0 && this.readGiven(sep) === undefined) return undefined;
      return inner();
    });
  }

  private readNumber(radix: number, maxDigits: number, allowZeroPrefix: boolean, max: number): number | undefined {
    return this.atomically(() => {
      let result = 0;
      let digits = 0;
      const leadingZero = this.peek() === '0';
      for (;;) {
        const c = this.peek();
        const d = c === undefined ? NaN : parseInt(c, radix);
        if (c === undefined || Number.isNaN(d) || !/^[0-9a-fA-F]$/.test(c) || d >= radix) break;
        this.pos++;
        result = result * radix + d;
        if (result > max) return undefined;
        digits++;
        if (digits > maxDigits) return undefined;
      }
      if (digits === 0) return undefined;
      if (!allowZeroPrefix && leadingZero && digits > 1) return undefined;
      return result;
    });
  }

  readIpv4(): number[] | undefined {
    return this.atomically(() => {
      const groups: number[] = [];
      for (let i = 0; i < 4; i++) {
        // Octal-looking octets are refused (allow_zero_prefix = false).
        const g = this.readSeparator('.', i, () => this.readNumber(10, 3, false, 255));
        if (g === undefined) return undefined;
        groups.push(g);
      }
      return groups;
    });
  }

  private readGroups(groups: number[], limit: number): [number, boolean] {
    for (let i = 0; i < limit; i++) {
      if (i < limit - 1) {
        const v4 = this.readSeparator(':', i, () => this.readIpv4());
        if (v4) {
          groups[i] = (v4[0] << 8) | v4[1];
          groups[i + 1] = (v4[2] << 8) | v4[3];
          return [i + 2, true];
        }
      }
      const g = this.readSeparator(':', i, () => this.readNumber(16, 4, true, 0xffff));
      if (g === undefined) return [i, false];
      groups[i] = g;
    }
    return [limit, false];
  }

  readIpv6(): true | undefined {
    return this.atomically(() => {
      const head: number[] = [];
      const [headSize, headIpv4] = this.readGroups(head, 8);
      if (headSize === 8) return true;
      if (headIpv4) return undefined;
      if (this.readGiven(':') === undefined || this.readGiven(':') === undefined) return undefined;
      const tail: number[] = [];
      this.readGroups(tail, 8 - (headSize + 1));
      return true;
    });
  }
}

/** `host.parse::<IpAddr>().is_ok()`. */
export function isRustIpAddr(s: string): boolean {
  const v4 = new IpParser(s);
  if (v4.readIpv4() !== undefined) return v4.pos === s.length;
  const v6 = new IpParser(s);
  return v6.readIpv6() !== undefined && v6.pos === s.length;
}

// ---------------------------------------------------------------------------
// glob 0.3 `Pattern` (one DNS label at a time, as HostPattern uses it)
// ---------------------------------------------------------------------------

type Spec = { single: string } | { from: string; to: string };
type GlobToken =
  | { t: 'char'; c: string }
  | { t: 'any' }
  | { t: 'seq' }
  | { t: 'rec' }
  | { t: 'within'; specs: Spec[] }
  | { t: 'except'; specs: Spec[] };

const ERROR_WILDCARDS = 'wildcards are either regular `*` or recursive `**`';
const ERROR_RECURSIVE_WILDCARDS = 'recursive wildcards must form a single path component';
const ERROR_INVALID_RANGE = 'invalid range pattern';

const isSeparator = (c: string): boolean => c === '/';

function parseSpecs(chars: string[]): Spec[] {
  const out: Spec[] = [];
  let i = 0;
  while (i < chars.length) {
    if (i + 3 <= chars.length && chars[i + 1] === '-') {
      out.push({ from: chars[i], to: chars[i + 2] });
      i += 3;
    } else {
      out.push({ single: chars[i] });
      i += 1;
    }
  }
  return out;
}

/** `glob::Pattern::new`; the error is `PatternError`'s Display text. */
function compileGlob(pattern: string): GlobToken[] | string {
  const chars = Array.from(pattern);
  const tokens: GlobToken[] = [];
  const err = (pos: number, msg: string) => `Pattern syntax error near position ${pos}: ${msg}`;
  let i = 0;
  while (i < chars.length) {
    const c = chars[i];
    if (c === '?') {
      tokens.push({ t: 'any' });
      i += 1;
    } else if (c === '*') {
      const old = i;
      while (i < chars.length && chars[i] === '*') i += 1;
      const count = i - old;
      if (count > 2) return err(old + 2, ERROR_WILDCARDS);
      if (count === 2) {
        if (i === 2 || isSeparator(chars[i - count - 1])) {
          if (i < chars.length && isSeparator(chars[i])) i += 1;
          else if (i !== chars.length) return err(i, ERROR_RECURSIVE_WILDCARDS);
        } else {
          return err(old - 1, ERROR_RECURSIVE_WILDCARDS);
        }
        const last = tokens[tokens.length - 1];
        if (!(tokens.length > 1 && last.t === 'rec')) tokens.push({ t: 'rec' });
      } else {
        tokens.push({ t: 'seq' });
      }
    } else if (c === '[') {
      if (i + 4 <= chars.length && chars[i + 1] === '!') {
        const j = chars.slice(i + 3).indexOf(']');
        if (j >= 0) {
          tokens.push({ t: 'except', specs: parseSpecs(chars.slice(i + 2, i + 3 + j)) });
          i += j + 4;
          continue;
        }
      } else if (i + 3 <= chars.length && chars[i + 1] !== '!') {
        const j = chars.slice(i + 2).indexOf(']');
        if (j >= 0) {
          tokens.push({ t: 'within', specs: parseSpecs(chars.slice(i + 1, i + 2 + j)) });
          i += j + 3;
          continue;
        }
      }
      return err(i, ERROR_INVALID_RANGE);
    } else {
      tokens.push({ t: 'char', c });
      i += 1;
    }
  }
  return tokens;
}

function inSpecs(specs: Spec[], c: string): boolean {
  const cp = c.codePointAt(0)!;
  return specs.some((s) =>
    'single' in s ? s.single === c : cp >= s.from.codePointAt(0)! && cp <= s.to.codePointAt(0)!,
  );
}

type MatchResult = 'match' | 'sub' | 'entire';

/** `Pattern::matches_from` with the default `MatchOptions` (case-sensitive, no literal separators). */
function globMatchFrom(tokens: GlobToken[], followsSep: boolean, chars: string[], ci: number, ti: number): MatchResult {
  for (let k = ti; k < tokens.length; k++) {
    const token = tokens[k];
    if (token.t === 'seq' || token.t === 'rec') {
      const r = globMatchFrom(tokens, followsSep, chars, ci, k + 1);
      if (r !== 'sub') return r;
      while (ci < chars.length) {
        const c = chars[ci++];
        followsSep = isSeparator(c);
        if (token.t === 'rec' && !followsSep) continue;
        const r2 = globMatchFrom(tokens, followsSep, chars, ci, k + 1);
        if (r2 !== 'sub') return r2;
      }
    } else {
      if (ci >= chars.length) return 'entire';
      const c = chars[ci++];
      const ok =
        token.t === 'any' ? true
        : token.t === 'within' ? inSpecs(token.specs, c)
        : token.t === 'except' ? !inSpecs(token.specs, c)
        : token.c === c;
      if (!ok) return 'sub';
      followsSep = isSeparator(c);
    }
  }
  return ci >= chars.length ? 'match' : 'sub';
}

function globMatches(tokens: GlobToken[], s: string): boolean {
  return globMatchFrom(tokens, true, Array.from(s), 0, 0) === 'match';
}

// ---------------------------------------------------------------------------
// openshell-core host_pattern.rs
// ---------------------------------------------------------------------------

type HostLabel = { rec: true } | { rec: false; source: string; glob: GlobToken[]; literal: boolean };

interface HostPattern {
  source: string;
  labels: HostLabel[];
}

/** `HostPattern::new`: the compiled pattern, or the error text. */
function hostPattern(pattern: string): HostPattern | string {
  if (pattern === '') return 'host pattern must not be empty';
  if (RUST_IS_WS.test(pattern)) return 'host pattern must not contain whitespace';
  if (/[{}]/.test(pattern)) {
    return 'host pattern must not contain brace alternates; list each host pattern separately';
  }
  const source = asciiLower(pattern);
  if (source.split('.').some((l) => l === '')) return 'host pattern must not contain empty DNS labels';
  const labels: HostLabel[] = [];
  for (const label of source.split('.')) {
    if (label === '**') {
      labels.push({ rec: true });
      continue;
    }
    const glob = compileGlob(label);
    if (typeof glob === 'string') return `invalid host pattern: ${glob}`;
    labels.push({ rec: false, source: label, glob, literal: !/[*?[]/.test(label) });
  }
  return { source, labels };
}

function hostMatches(p: HostPattern, host: string): boolean {
  const labels = asciiLower(host).split('.');
  if (labels.some((l) => l === '')) return false;
  const pending: [number, number][] = [[0, 0]];
  const seen = new Set<string>();
  while (pending.length) {
    const [pi, hi] = pending.pop()!;
    const key = `${pi},${hi}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (pi === p.labels.length && hi === labels.length) return true;
    const l = p.labels[pi];
    if (!l || hi >= labels.length) continue;
    if (l.rec) {
      pending.push([pi + 1, hi + 1], [pi, hi + 1]);
    } else if (globMatches(l.glob, labels[hi])) {
      pending.push([pi + 1, hi + 1]);
    }
  }
  return false;
}

function literalOf(p: HostPattern): string | undefined {
  return p.labels.every((l) => !l.rec && l.literal) ? p.source : undefined;
}

function labelsMayOverlap(a: HostLabel, b: HostLabel): boolean {
  if (a.rec || b.rec) return true;
  if (a.literal && b.literal) return a.source === b.source;
  if (a.literal) return globMatches(b.glob, a.source);
  if (b.literal) return globMatches(a.glob, b.source);
  return true;
}

function overlaps(a: HostPattern, b: HostPattern): boolean {
  const queue: [number, number][] = [[0, 0]];
  const seen = new Set<string>();
  while (queue.length) {
    const [li, ri] = queue.shift()!;
    const key = `${li},${ri}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (li === a.labels.length && ri === b.labels.length) return true;
    const l = a.labels[li];
    const r = b.labels[ri];
    if (!l || !r) continue;
    if (l.rec && r.rec) queue.push([li + 1, ri + 1], [li, ri + 1], [li + 1, ri]);
    else if (l.rec) queue.push([li + 1, ri + 1], [li, ri + 1]);
    else if (r.rec) queue.push([li + 1, ri + 1], [li + 1, ri]);
    else if (labelsMayOverlap(l, r)) queue.push([li + 1, ri + 1]);
  }
  return false;
}

interface HostSelector {
  includes: HostPattern[];
  excludes: HostPattern[];
}

/** `HostSelector::new`. */
function hostSelector(include: string[], exclude: string[]): HostSelector | string {
  if (include.length === 0) return 'endpoint selector must include at least one host pattern';
  const compile = (list: string[]): HostPattern[] | string => {
    const out: HostPattern[] = [];
    for (const p of list) {
      const c = hostPattern(p);
      if (typeof c === 'string') return c;
      out.push(c);
    }
    return out;
  };
  const includes = compile(include);
  if (typeof includes === 'string') return includes;
  const excludes = compile(exclude);
  if (typeof excludes === 'string') return excludes;
  return { includes, excludes };
}

/** `HostSelector::may_match_pattern`: conservative "can a host admitted by `candidate` be selected". */
function mayMatchPattern(sel: HostSelector, candidate: HostPattern): boolean {
  return sel.includes.some((include) => {
    if (!overlaps(include, candidate)) return false;
    const concrete = literalOf(candidate) ?? literalOf(include);
    const excluded =
      concrete === undefined
        ? sel.excludes.some(
            (ex) =>
              (ex.labels.length === 1 && ex.labels[0].rec) || ex.source === include.source || ex.source === candidate.source,
          )
        : sel.excludes.some((ex) => hostMatches(ex, concrete));
    return !excluded;
  });
}

// ---------------------------------------------------------------------------
// hickory-proto `Name::from_ascii` (enough of it to reproduce its errors)
// ---------------------------------------------------------------------------

const isNumericChar = (c: string): boolean => /\p{N}/u.test(c);
const isControlChar = (c: string): boolean => /\p{Cc}/u.test(c);
const octalDigit = (c: string): number | undefined => (/^[0-7]$/.test(c) ? Number(c) : undefined);

function isSafeAscii(c: string, first: boolean): boolean {
  if (/^[A-Za-z0-9]$/.test(c)) return true;
  if (c === '-') return !first;
  if (c === '_' || c === '.') return true;
  if (c === '*') return first;
  return false;
}

/** `Label::from_ascii`: undefined when fine, else the error text. */
function labelFromAscii(s: string): string | undefined {
  const len = utf8Length(s);
  if (len > 63) return `label bytes exceed 63: ${len}`;
  if (s === '*') return undefined;
  const chars = Array.from(s);
  // eslint-disable-next-line no-control-regex
  const ascii = /^[\x00-\x7f]*$/.test(s);
  if (s !== '' && ascii && chars.every((c, i) => isSafeAscii(c, i === 0))) return undefined;
  return `Malformed label: ${s}`;
}

/** `Name::from_ascii(local)`: `{root}` or the error text. */
function nameFromAscii(local: string): { root: boolean } | string {
  if (local === '.') return { root: true };
  let labels = 0;
  let data = 0;
  const append = (label: string): string | undefined => {
    const e = labelFromAscii(label);
    if (e !== undefined) return e;
    const size = utf8Length(label);
    const newLen = labels + data + 1 + size + 1; // encoded_len() + label + length byte
    if (newLen > 255) return `name label data exceed 255: ${newLen}`;
    labels += 1;
    data += size;
    return undefined;
  };
  let label = '';
  let state: { s: 'label' } | { s: 'esc1' } | { s: 'esc2'; i: number } | { s: 'esc3'; i: number; ii: number } = { s: 'label' };
  for (const ch of local) {
    if (state.s === 'label') {
      if (ch === '.') {
        const e = append(label);
        if (e !== undefined) return e;
        label = '';
      } else if (ch === '\\') {
        state = { s: 'esc1' };
      } else if (!isControlChar(ch) && !RUST_IS_WS.test(ch)) {
        label += ch;
      } else {
        return `unrecognized char: ${ch}`;
      }
    } else if (state.s === 'esc1') {
      if (isNumericChar(ch)) {
        const d = octalDigit(ch);
        if (d === undefined) return `illegal char: ${ch}`;
        state = { s: 'esc2', i: d };
      } else {
        label += ch;
        state = { s: 'label' };
      }
    } else if (state.s === 'esc2') {
      if (!isNumericChar(ch)) return `unrecognized char: ${ch}`;
      const d = octalDigit(ch);
      if (d === undefined) return `illegal char: ${ch}`;
      state = { s: 'esc3', i: state.i, ii: d };
    } else {
      if (!isNumericChar(ch)) return `unrecognized char: ${ch}`;
      const d = octalDigit(ch);
      if (d === undefined) return `illegal char: ${ch}`;
      label += String.fromCodePoint(state.i * 64 + state.ii * 8 + d);
      state = { s: 'label' };
    }
  }
  if (label !== '') {
    const e = append(label);
    if (e !== undefined) return e;
  }
  return { root: labels === 0 && local !== '' && label === '' };
}

/** lib.rs `validate_tcp_dns_host_selector`: undefined when accepted, else the reason. */
function tcpDnsHostSelectorError(host: string): string | undefined {
  if (rustTrim(host) !== host) return 'leading or trailing whitespace is not allowed';
  if (host.endsWith('.')) return 'omit the trailing DNS root dot';
  const selector = hostSelector([host], []);
  if (typeof selector === 'string') return selector;
  const representative = host
    .split('.')
    .map((label) => (label === '**' ? 'x' : label.replace(/\*/g, 'x')))
    .join('.');
  const parsed = nameFromAscii(`${representative}.`);
  if (typeof parsed === 'string') return `selector cannot represent a valid DNS name: ${parsed}`;
  if (parsed.root) return 'DNS root is not a destination hostname';
  return undefined;
}

/** lib.rs `host_wildcard_shape_invalid`. */
function hostWildcardShapeInvalid(host: string): boolean {
  if (host === '*' || host === '**') return true;
  if (!host.includes('*')) return false;
  const labels = host.split('.');
  const first = labels[0] ?? '';
  if (first.includes('**') && first !== '**') return true;
  return labels.slice(1).some((l) => l.includes('**') || (l.includes('*') && l !== '*'));
}

// ---------------------------------------------------------------------------
// l7_validate.rs
// ---------------------------------------------------------------------------

const L7_PROTOCOLS = ['rest', 'websocket', 'graphql', 'sql', 'json-rpc', 'mcp'];

function l7Protocol(protocol: string): string | undefined {
  const p = asciiLower(protocol);
  return L7_PROTOCOLS.includes(p) ? p : undefined;
}

function isExplicitTcp(protocol: string): boolean {
  return asciiLower(protocol) === 'tcp';
}

interface L7Fields {
  protocol: string;
  access: string;
  hasRules: boolean;
  hasDenyRules: boolean;
  rulesWouldDenyAll: boolean;
  allowAllKnownMcpMethods: boolean;
}

type Where = 'protocol' | 'access' | 'rules' | 'deny_rules';
interface Reason {
  text: string;
  where: Where;
}

/** `validate_l7_endpoint_semantics` (l7_validate.rs:100-178), each reason tagged with the key to underline. */
function l7EndpointSemantics(ep: L7Fields): Reason[] {
  const errors: Reason[] = [];
  const { protocol } = ep;
  const l7 = l7Protocol(protocol);
  const explicitTcp = isExplicitTcp(protocol);
  const jsonRpcFamily = l7 === 'json-rpc' || l7 === 'mcp';
  const isMcp = l7 === 'mcp';
  const isJsonRpc = l7 === 'json-rpc';

  if (protocol !== '' && l7 === undefined && !explicitTcp) {
    errors.push({
      text: `unknown protocol '${protocol}' (expected tcp, rest, websocket, graphql, sql, json-rpc, or mcp)`,
      where: 'protocol',
    });
  }
  if (explicitTcp && (ep.access !== '' || ep.hasRules || ep.hasDenyRules)) {
    errors.push({
      text: 'protocol tcp does not support access, rules, or deny_rules; remove those L7 fields',
      where: ep.access !== '' ? 'access' : ep.hasRules ? 'rules' : 'deny_rules',
    });
  }
  if (ep.hasRules && ep.access !== '') {
    errors.push({ text: 'rules and access are mutually exclusive', where: 'access' });
  }
  if (jsonRpcFamily && ep.access !== '') {
    errors.push({
      text: isMcp
        ? `protocol ${protocol} does not support access presets; use rules/deny_rules or set mcp.allow_all_known_mcp_methods: true for an allow-all MCP policy`
        : `protocol ${protocol} does not support access presets; use explicit rules with allow.method such as "*"`,
      where: 'access',
    });
  }
  if (isJsonRpc && !ep.hasRules && ep.access === '') {
    errors.push({ text: `protocol ${protocol} requires explicit rules with allow.method`, where: 'protocol' });
  }
  if (l7 !== undefined && !isMcp && !isJsonRpc && !ep.hasRules && ep.access === '') {
    errors.push({ text: 'protocol requires rules or access to define allowed traffic', where: 'protocol' });
  }
  if (isMcp && !ep.hasRules && ep.access === '' && !ep.allowAllKnownMcpMethods) {
    errors.push({ text: 'protocol mcp requires rules when mcp.allow_all_known_mcp_methods is false', where: 'protocol' });
  }
  if (ep.rulesWouldDenyAll && !(isMcp && ep.allowAllKnownMcpMethods)) {
    errors.push({
      text: 'rules would deny all traffic (no allow clause found). Use `access: full` or add allow clauses to rules.',
      where: 'rules',
    });
  }
  if (ep.hasDenyRules && l7 === undefined) {
    errors.push({ text: 'deny_rules require protocol (L7 inspection must be enabled)', where: 'deny_rules' });
  }
  if (ep.hasDenyRules && !isMcp && !ep.hasRules && ep.access === '') {
    errors.push({ text: 'deny_rules require rules or access to define the base allow set', where: 'deny_rules' });
  }
  return errors;
}

// ---------------------------------------------------------------------------
// validate_sandbox_policy: network part
// ---------------------------------------------------------------------------

/** An L7 allow clause that allows nothing (lib.rs `rules_would_deny_all`; `query` does not count). */
function allowIsEmpty(allow: unknown): boolean {
  if (!isObj(allow)) return true;
  const tool = allow.tool;
  const params = isObj(allow.params) ? Object.keys(allow.params).length : 0;
  return (
    str(allow.method) === '' &&
    str(allow.path) === '' &&
    str(allow.command) === '' &&
    str(allow.operation_type) === '' &&
    str(allow.operation_name) === '' &&
    list(allow.fields).length === 0 &&
    params === 0 &&
    (tool === undefined || tool === null)
  );
}

const GRAPHQL_OPERATION_TYPES = ['query', 'mutation', 'subscription'];

function validateEndpoint(out: Violation[], name: string, ep: Obj, base: Path, index: number): void {
  const host = str(ep.host);
  const protocol = str(ep.protocol);
  const explicitTcp = isExplicitTcp(protocol);
  const hostPath = at(base, ep, 'host');

  if (rustTrim(host) === '' && explicitTcp) {
    out.push({
      message: `network policy '${name}': protocol tcp requires a DNS hostname; hostless allowed_ips endpoints are supported only by the forward proxy`,
      path: hostPath,
    });
  } else if (rustTrim(host) === '' && list(ep.allowed_ips).length === 0) {
    out.push({
      message: `network policy '${name}': endpoint host must not be empty unless allowed_ips constrains a non-TCP proxy endpoint`,
      path: hostPath,
    });
  } else if (explicitTcp) {
    if (isRustIpAddr(host)) {
      out.push({
        message: `network policy '${name}': protocol tcp endpoint '${host}' must use a DNS hostname, not an IP literal; direct IP connections bypass policy DNS and are blocked`,
        path: hostPath,
      });
    } else {
      const reason = tcpDnsHostSelectorError(host);
      if (reason !== undefined) {
        out.push({
          message: `network policy '${name}': protocol tcp endpoint has invalid DNS host selector '${host}': ${reason}`,
          path: hostPath,
        });
      }
    }
  }

  // Effective ports: `ports` wins, else a non-zero `port`. u16 makes 0 the only invalid port left;
  // values serde would refuse (not u16) are the schema's to report, so they count as declared here.
  const ports = list(ep.ports);
  let declared: boolean;
  if (ports.length > 0) {
    declared = true;
    for (let j = 0; j < ports.length; j++) {
      if (ports[j] === 0) {
        out.push({
          message: `network policy '${name}': endpoint '${host}' has invalid port 0; expected 1..=65535`,
          path: [...base, 'ports', j],
        });
      }
    }
  } else {
    // `port: 0` and no `port` are both "no port"; a value serde refuses is the schema's to report.
    declared = has(ep, 'port') && ep.port !== 0;
  }
  if (!declared) {
    out.push({
      message: `network policy '${name}': endpoint '${host}' must declare at least one port`,
      path: has(ep, 'port') ? [...base, 'port'] : has(ep, 'ports') ? [...base, 'ports'] : base,
    });
  }

  if (host.includes('*') && (host.startsWith('*.') || host.startsWith('**.')) && host.split('.').length <= 2) {
    out.push({
      message: `network policy '${name}': TLD wildcard '${host}' is not allowed; use subdomain wildcards like '*.example.com' instead`,
      path: hostPath,
    });
  }
  if (hostWildcardShapeInvalid(host)) {
    out.push({
      message: `network policy '${name}': invalid host wildcard '${host}'; middle DNS label wildcards must be the entire label '*' and recursive '**' is only allowed as the entire first label`,
      path: hostPath,
    });
  }

  const signing = str(ep.credential_signing);
  if (signing !== '' && !['sigv4', 'sigv4:body', 'sigv4:no_body'].includes(signing)) {
    out.push({
      message: `network policy '${name}': endpoint '${host}' has unrecognized credential_signing value '${signing}' (expected sigv4, sigv4:body, or sigv4:no_body)`,
      path: [...base, 'credential_signing'],
    });
  }
  if (signing !== '' && str(ep.signing_service) === '') {
    out.push({
      message: `network policy '${name}': endpoint '${host}' has credential_signing set but signing_service is empty`,
      path: has(ep, 'signing_service') ? [...base, 'signing_service'] : [...base, 'credential_signing'],
    });
  }
  if (signing !== '' && bool(ep.request_body_credential_rewrite)) {
    out.push({
      message: `network policy '${name}': endpoint '${host}' has both credential_signing and request_body_credential_rewrite set; these options are mutually exclusive`,
      path: [...base, 'request_body_credential_rewrite'],
    });
  }

  // --- L7 (every reason becomes `endpoint {i} has invalid L7 configuration: {reason}`) ---
  const rules = list(ep.rules);
  const denyRules = list(ep.deny_rules);
  const mcp = isObj(ep.mcp) ? ep.mcp : undefined;
  const jsonRpc = isObj(ep.json_rpc) ? ep.json_rpc : undefined;
  // to_proto: the proto `mcp` options exist only when strict_tool_names or allow_all_known_mcp_methods
  // is set; the JSON-RPC body limit comes from the `mcp` block whenever it exists.
  const protoMcp =
    mcp !== undefined &&
    (typeof mcp.strict_tool_names === 'boolean' || typeof mcp.allow_all_known_mcp_methods === 'boolean');
  const jsonRpcMaxBodyBytes = mcp !== undefined ? u32(mcp.max_body_bytes) : u32(jsonRpc?.max_body_bytes);
  const access = str(ep.access);
  const enforcement = str(ep.enforcement);
  const path = str(ep.path);
  const persistedQueries = str(ep.persisted_queries);
  const graphqlPersisted = isObj(ep.graphql_persisted_queries) ? ep.graphql_persisted_queries : {};

  const l7: { text: string; path: Path }[] = l7EndpointSemantics({
    protocol,
    access,
    hasRules: rules.length > 0,
    hasDenyRules: denyRules.length > 0,
    rulesWouldDenyAll: rules.length > 0 && rules.every((r) => allowIsEmpty(isObj(r) ? r.allow : undefined)),
    allowAllKnownMcpMethods: mcp?.allow_all_known_mcp_methods === true,
  }).map((r) => ({ text: r.text, path: at(base, ep, r.where) }));

  if (explicitTcp) {
    const present: string[] = [];
    if (enforcement !== '') present.push('enforcement');
    if (path !== '') present.push('path');
    if (bool(ep.allow_encoded_slash)) present.push('allow_encoded_slash');
    if (bool(ep.websocket_credential_rewrite)) present.push('websocket_credential_rewrite');
    if (bool(ep.request_body_credential_rewrite)) present.push('request_body_credential_rewrite');
    if (persistedQueries !== '') present.push('persisted_queries');
    if (Object.keys(graphqlPersisted).length > 0) present.push('graphql_persisted_queries');
    if (u32(ep.graphql_max_body_bytes) > 0) present.push('graphql_max_body_bytes');
    if (jsonRpcMaxBodyBytes > 0) present.push('json_rpc_max_body_bytes');
    if (protoMcp) present.push('mcp');
    if (present.length > 0) {
      // Underline the first offending key; the body limit is written under `mcp` or `json_rpc`.
      const first = present[0] === 'json_rpc_max_body_bytes' ? (mcp !== undefined ? 'mcp' : 'json_rpc') : present[0];
      l7.push({
        text: `protocol tcp does not support L7-only fields: ${present.join(', ')}; remove those fields`,
        path: at(base, ep, first),
      });
    }
  }
  if (path !== '' && !path.startsWith('/') && path !== '**') {
    l7.push({ text: "path must start with '/' or be '**'", path: [...base, 'path'] });
  }
  if (persistedQueries !== '' && persistedQueries !== 'deny' && persistedQueries !== 'allow_registered') {
    l7.push({
      text: `persisted_queries must be 'deny' or 'allow_registered', got '${persistedQueries}'`,
      path: [...base, 'persisted_queries'],
    });
  }
  if (protocol === 'sql' && enforcement === 'enforce') {
    l7.push({ text: 'SQL enforcement requires full SQL parsing; use enforcement: audit', path: [...base, 'enforcement'] });
  }
  if (protoMcp && protocol !== 'mcp') {
    l7.push({ text: 'mcp options are only valid for protocol mcp', path: [...base, 'mcp'] });
  }
  if (protocol === 'graphql') {
    rules.forEach((rule, k) => {
      const allow = isObj(rule) && isObj(rule.allow) ? rule.allow : undefined;
      if (!GRAPHQL_OPERATION_TYPES.includes(str(allow?.operation_type))) {
        const rulePath: Path = [...base, 'rules', k];
        l7.push({
          text: `rules[${k}].allow.operation_type must be query, mutation, or subscription`,
          path: allow ? at([...rulePath, 'allow'], allow, 'operation_type') : rulePath,
        });
      }
    });
    denyRules.forEach((rule, k) => {
      const r = isObj(rule) ? rule : {};
      if (!GRAPHQL_OPERATION_TYPES.includes(str(r.operation_type))) {
        l7.push({
          text: `deny_rules[${k}].operation_type must be query, mutation, or subscription`,
          path: at([...base, 'deny_rules', k], r, 'operation_type'),
        });
      }
    });
    // A protobuf map: OpenShell iterates it in no fixed order; we use key order.
    for (const key of Object.keys(graphqlPersisted).sort(compareCodePoints)) {
      const op = isObj(graphqlPersisted[key]) ? (graphqlPersisted[key] as Obj) : {};
      if (!GRAPHQL_OPERATION_TYPES.includes(str(op.operation_type))) {
        l7.push({
          text: `graphql_persisted_queries[${key}].operation_type must be query, mutation, or subscription`,
          path: at([...base, 'graphql_persisted_queries', key], op, 'operation_type'),
        });
      }
    }
  }
  for (const e of l7) {
    out.push({
      message: `network policy '${name}': endpoint ${index} has invalid L7 configuration: ${e.text}`,
      path: e.path,
    });
  }
}

interface RuleRef {
  key: string;
  name: string;
  rule: Obj;
}

function networkRules(doc: Obj): RuleRef[] {
  const np = doc.network_policies;
  if (!isObj(np)) return [];
  const out: RuleRef[] = [];
  // `network_policies` is a protobuf map (a Rust HashMap) at validation time, so OpenShell reports
  // rules in no fixed order; document order is the useful one here.
  for (const key of Object.keys(np)) {
    const rule = np[key];
    if (!isObj(rule)) continue;
    out.push({ key, name: str(rule.name) || key, rule });
  }
  return out;
}

// ---------------------------------------------------------------------------
// middleware.rs `validate`
// ---------------------------------------------------------------------------

function validateMiddlewares(out: Violation[], doc: Obj, rules: RuleRef[]): void {
  const mws = doc.network_middlewares;
  if (!isObj(mws)) return;
  const keys = Object.keys(mws);
  if (keys.length > MAX_MIDDLEWARE_CONFIGS) {
    out.push({
      message: `too many middleware configs (${keys.length} > ${MAX_MIDDLEWARE_CONFIGS})`,
      path: ['network_middlewares'],
    });
  }
  const invalid = (name: string, reason: string, path: Path) =>
    out.push({ message: `middleware config '${name}' is invalid: ${reason}`, path });

  const orders = new Map<number, string>();
  for (const key of [...keys].sort(compareCodePoints)) {
    const m = mws[key];
    if (!isObj(m)) continue;
    const base: Path = ['network_middlewares', key];
    if (key === '') invalid(key, 'name must not be empty', base);

    const order = m.order === undefined ? 0 : isI32(m.order) ? m.order : undefined;
    if (order !== undefined) {
      // BTreeMap::insert replaces the stored name, so a third duplicate pairs with the second.
      const first = orders.get(order);
      orders.set(order, key);
      if (first !== undefined) {
        out.push({
          message: `middleware configs '${first}' and '${key}' use duplicate order ${order}`,
          path: at(base, m, 'order'),
        });
      }
    }
    if (str(m.middleware) === '') invalid(key, 'middleware must not be empty', at(base, m, 'middleware'));
    const onError = str(m.on_error);
    if (!['', 'fail_closed', 'fail_open'].includes(onError)) {
      invalid(key, `invalid on_error '${onError}'`, [...base, 'on_error']);
    }

    const sel = m.endpoints;
    if (sel === undefined || sel === null) {
      invalid(key, 'endpoint selector is required', at(base, m, 'endpoints'));
      continue;
    }
    if (!isObj(sel)) continue; // not a map: serde rejects the file before validation
    const selPath: Path = [...base, 'endpoints'];
    const include = list(sel.include).map(str);
    const exclude = list(sel.exclude).map(str);
    if (include.length === 0) {
      invalid(key, 'endpoint selector must include at least one host pattern', at(selPath, sel, 'include'));
    }
    const count = include.length + exclude.length;
    if (count > MAX_MIDDLEWARE_SELECTOR_PATTERNS) {
      out.push({
        message: `middleware config '${key}' has too many selector patterns (${count} > ${MAX_MIDDLEWARE_SELECTOR_PATTERNS})`,
        path: selPath,
      });
      continue;
    }
    let selectorValid = include.length > 0;
    const patterns: [string, Path][] = [
      ...include.map((p, j): [string, Path] => [p, [...selPath, 'include', j]]),
      ...exclude.map((p, j): [string, Path] => [p, [...selPath, 'exclude', j]]),
    ];
    for (const [pattern, path] of patterns) {
      const compiled = hostPattern(pattern);
      if (typeof compiled === 'string') {
        selectorValid = false;
        invalid(key, `endpoint selector pattern '${pattern}' is invalid: ${compiled}`, path);
      }
    }
    const selector = selectorValid ? hostSelector(include, exclude) : undefined;
    const compiledSelector = typeof selector === 'object' ? selector : undefined;

    // Only a middleware that must inspect (fail_closed, the default) conflicts with `tls: skip`.
    if (onError !== '' && onError !== 'fail_closed') continue;
    if (!compiledSelector) continue;
    for (const { name, rule } of rules) {
      list(rule.endpoints).forEach((ep) => {
        if (!isObj(ep) || str(ep.tls) !== 'skip') return;
        const host = str(ep.host);
        const candidate = hostPattern(host);
        if (typeof candidate === 'string' || !mayMatchPattern(compiledSelector, candidate)) return;
        out.push({
          message: `middleware config '${key}' selects network policy '${name}' tls: skip endpoint '${host}'`,
          path: selPath,
        });
      });
    }
  }
}

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/**
 * Every network and middleware check of `validate_sandbox_policy`, in OpenShell's order: per rule and
 * endpoint (host, ports, wildcards, signing, L7), then the middleware configs sorted by key.
 */
export function validateNetwork(doc: unknown): Violation[] {
  const out: Violation[] = [];
  if (!isObj(doc)) return out;
  const rules = networkRules(doc);
  for (const { key, name, rule } of rules) {
    list(rule.endpoints).forEach((ep, i) => {
      if (isObj(ep)) validateEndpoint(out, name, ep, ['network_policies', key, 'endpoints', i], i);
    });
  }
  validateMiddlewares(out, doc, rules);
  return out;
}

/**
 * The gateway's `validate_no_reserved_provider_policy_keys` (openshell-server grpc/validation.rs):
 * user policies may not use `_provider_*` rule keys. The gateway stops at the first key it finds.
 */
export function validateReservedKeys(doc: unknown): Violation[] {
  if (!isObj(doc) || !isObj(doc.network_policies)) return [];
  const key = Object.keys(doc.network_policies).find((k) => k.startsWith('_provider_'));
  if (key === undefined) return [];
  return [
    {
      message: `network_policies key '${key}' uses reserved '_provider_' prefix for provider composition; use 'openshell policy get <sandbox> --base' for a round-trippable base policy, or use 'openshell policy get <sandbox> --full' to inspect the effective policy including provider entries`,
      path: ['network_policies', key],
    },
  ];
}
