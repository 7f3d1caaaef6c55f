// The extension's decisions that do not need the `vscode` module, so unit tests can run them in Node:
// which path the cursor is on, what the status item says, what the user is told.
import type { PolicyStatus } from './protocol';

/**
 * The absolute path written in the YAML scalar under the cursor, if any. Handles block list items
 * (`- /sandbox/x`), `key: /path` values, flow lists (`[/a, "/b"]`), quotes and trailing comments.
 * `character` is the 0-based cursor column; a cursor just after the last character still counts.
 */
export function pathAtCursor(lineText: string, character: number): string | undefined {
  for (const scalar of scalarsOf(lineText)) {
    if (character >= scalar.start && character <= scalar.end && scalar.value.startsWith('/')) {
      return scalar.value;
    }
  }
  return undefined;
}

interface Scalar {
  value: string;
  start: number;
  end: number;
}

/** Splits one line of YAML into scalars with their columns (a line-level reading, good enough here). */
function scalarsOf(line: string): Scalar[] {
  const out: Scalar[] = [];
  let i = 0;
  let depth = 0; // flow nesting: inside [ ] or { }, a comma ends a plain scalar
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === ',') { i++; continue; }
    if (c === '#' && (i === 0 || /[\t ]/.test(line[i - 1]))) break; // comment
    if (c === '[' || c === '{') { depth++; i++; continue; }
    if (c === ']' || c === '}') { depth = Math.max(0, depth - 1); i++; continue; }
    if (c === '-' && /^-(?:[\t ]|$)/.test(line.slice(i))) { i++; continue; } // block list item
    if (c === '"' || c === "'") {
      const start = i;
      let value = '';
      i++;
      while (i < line.length) {
        const d = line[i];
        if (c === '"' && d === '\\' && i + 1 < line.length) { value += unescape(line[i + 1]); i += 2; continue; }
        if (d === c) {
          if (c === "'" && line[i + 1] === "'") { value += "'"; i += 2; continue; }
          i++;
          break;
        }
        value += d;
        i++;
      }
      out.push({ value, start, end: i });
      continue;
    }
    // A plain scalar runs to ": " (it was a key), " #", or, in a flow collection, to , ] }.
    const start = i;
    while (i < line.length) {
      const d = line[i];
      if (d === ':' && (i + 1 === line.length || /[\t ,\]}]/.test(line[i + 1]))) break;
      if (d === '#' && /[\t ]/.test(line[i - 1])) break;
      if (depth > 0 && /[,\]}]/.test(d)) break;
      i++;
    }
    const raw = line.slice(start, i);
    const value = raw.trimEnd();
    out.push({ value, start, end: start + value.length });
    if (line[i] === ':') i++;
  }
  return out;
}

function unescape(c: string): string {
  return ({ n: '\n', t: '\t', '"': '"', '\\': '\\', '/': '/' } as Record<string, string>)[c] ?? c;
}

/** Validation message for the path input box, or undefined when the input is acceptable. */
export function validatePathInput(value: string): string | undefined {
  const v = value.trim();
  if (v === '') return 'Enter the absolute path of a file or directory inside the sandbox.';
  if (!v.startsWith('/')) return 'Landlock rules and OpenShell policies use absolute paths: start with "/".';
  return undefined;
}

export interface StatusView {
  text: string;
  detail: string;
  busy: boolean;
  /** Whether "Show effective access" makes sense for this document. */
  isPolicy: boolean;
}

/** What the language status item shows for the active YAML document. */
export function describeStatus(status: PolicyStatus | undefined): StatusView {
  if (!status) {
    return { text: 'Landlock Lens', detail: 'Analysing…', busy: true, isPolicy: false };
  }
  if (!status.isPolicy) {
    return {
      text: 'Not an OpenShell policy',
      detail: `${clause(status.detection)}. Add the file to landlockLens.policyFiles to analyse it anyway.`,
      busy: false,
      isPolicy: false,
    };
  }
  return {
    text: 'OpenShell policy',
    detail: `${clause(status.detection)}; ${countProblems(status.errors, status.warnings)}`,
    busy: false,
    isPolicy: true,
  };
}

/** The server's detection reason without a final period, to embed it in a sentence. */
function clause(text: string): string {
  return text.trim().replace(/\.+$/, '');
}

function countProblems(errors: number, warnings: number): string {
  if (errors === 0 && warnings === 0) return 'no errors or warnings';
  const part = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [errors ? part(errors, 'error') : '', warnings ? part(warnings, 'warning') : ''].filter(Boolean).join(', ');
}

/** The message shown when a command needs a policy and the document is not analysed as one. */
export function notPolicyMessage(fileName: string, status: PolicyStatus | undefined): string {
  const why = status ? ` (${clause(status.detection)})` : '';
  return `${fileName} is not analysed as an OpenShell policy${why}. ` +
    'To analyse it anyway, add a glob that matches it to the "landlockLens.policyFiles" setting.';
}

/** Title of the read-only document that shows a result, e.g. "Access of SOUL.md". */
export function resultTitle(kind: 'explain' | 'effectiveAccess', subject: string): string {
  const base = subject.replace(/\/+$/, '').split('/').pop() || subject;
  return kind === 'explain' ? `Access of ${base}` : `Effective access of ${base}`;
}
