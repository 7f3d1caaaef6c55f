// Minimal text edits on the original document: a fix touches only the characters it must, so
// comments, indentation, flow style and line endings all survive. Never re-serialise the document.
import type { PolicyModel, PathEntry } from '../model';
import type { Fix, OffsetEdit, Span } from '../types';

/** A plain YAML scalar that reads back as the same string (no quoting needed). */
export function isSafePlain(value: string): boolean {
  return /^[A-Za-z0-9_/.][A-Za-z0-9_/.@+=%-]*$/.test(value) && !/^(true|false|null|~|[-+]?[0-9.]+([eE][-+]?[0-9]+)?)$/i.test(value);
}

/** Renders a string in the quoting style of an existing scalar (or plain/double-quoted when unknown). */
export function renderScalarLike(original: string, value: string): string {
  if (original.startsWith("'")) return `'${value.replace(/'/g, "''")}'`;
  if (original.startsWith('"')) return JSON.stringify(value);
  return isSafePlain(value) ? value : JSON.stringify(value);
}

export function replaceScalarEdit(text: string, span: Span, value: string): OffsetEdit {
  return { start: span.start, end: span.end, newText: renderScalarLike(text.slice(span.start, span.end), value) };
}

export function replaceScalarFix(text: string, span: Span, value: string, title: string, safe: boolean): Fix {
  return { title, safe, preferred: safe, edits: [replaceScalarEdit(text, span, value)] };
}

function lineStartOf(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** Offset just after the line break ending the line that holds `offset` (or the text's end). */
function nextLineStart(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  if (text[i] === '\r' && text[i + 1] === '\n') return i + 2;
  if (i < text.length) return i + 1;
  return i;
}

/** The edit that removes one item of a block (`- x`) or flow (`[a, x, b]`) sequence. */
export function removeSequenceItemEdit(text: string, item: Span): OffsetEdit {
  const lineStart = lineStartOf(text, item.start);
  const before = text.slice(lineStart, item.start);
  if (/^[ \t]*-[ \t]+$/.test(before)) {
    // Block item alone on its line(s): drop the whole line, including a trailing comment on it.
    const end = nextLineStart(text, item.end);
    if (end === text.length && !/[\r\n]$/.test(text.slice(item.end, end)) && lineStart > 0) {
      // Last line without a final newline: remove the preceding line break instead of leaving a blank line.
      const prevBreak = text[lineStart - 2] === '\r' && text[lineStart - 1] === '\n' ? lineStart - 2 : lineStart - 1;
      return { start: prevBreak, end, newText: '' };
    }
    return { start: lineStart, end, newText: '' };
  }
  // Flow item: remove it with the comma after it, or the comma before it when it is the last one.
  let end = item.end;
  let i = end;
  while (i < text.length && /[ \t]/.test(text[i])) i++;
  if (text[i] === ',') {
    i++;
    while (i < text.length && /[ \t]/.test(text[i])) i++;
    end = i;
    return { start: item.start, end, newText: '' };
  }
  let j = item.start;
  while (j > 0 && /[ \t\r\n]/.test(text[j - 1])) j--;
  if (text[j - 1] === ',') return { start: j - 1, end: item.end, newText: '' };
  return { start: item.start, end: item.end, newText: '' };
}

export function removeListItemFix(text: string, _model: PolicyModel, entry: PathEntry, title: string, safe: boolean): Fix {
  return { title, safe, preferred: safe, edits: [removeSequenceItemEdit(text, entry.span)] };
}

/** Applies non-overlapping edits (any order) to a text. */
export function applyEdits(text: string, edits: OffsetEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let lastStart = Infinity;
  for (const e of sorted) {
    if (e.end > lastStart) throw new Error('overlapping edits');
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
    lastStart = e.start;
  }
  return out;
}
