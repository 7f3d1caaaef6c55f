// Minimal text edits on the original document: a fix touches only the characters it must, so
// comments, blank lines, indentation, flow style, quoting and line endings all survive. The document
// is never re-serialised; new text copies the style of its neighbours (dash style and indentation of
// block items, separators of flow items, CRLF, a missing final newline).
import type { ListName, PathEntry, PolicyModel } from '../model';
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
  const newText = renderScalarLike(text.slice(span.start, span.end), value);
  // An empty value right before a comment (`compatibility: # note`): keep a blank before the `#`, or
  // the comment would become part of the new scalar (`best_effort# note`) and break the line.
  return { start: span.start, end: span.end, newText: text[span.end] === '#' ? newText + ' ' : newText };
}

export function replaceScalarFix(text: string, span: Span, value: string, title: string, safe: boolean): Fix {
  return { title, safe, preferred: safe, edits: [replaceScalarEdit(text, span, value)] };
}

/** The document's line break: CRLF if it uses any, else LF. */
export function lineBreakOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

export function lineStartOf(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

/** Offset of the line break ending the line that holds `offset` (or the text's end). */
export function lineEndOf(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

/** Offset just after the line break ending the line that holds `offset` (or the text's end). */
export function nextLineStart(text: string, offset: number): number {
  const i = lineEndOf(text, offset);
  if (text[i] === '\r' && text[i + 1] === '\n') return i + 2;
  if (i < text.length) return i + 1;
  return i;
}

function columnOf(text: string, offset: number): number {
  return offset - lineStartOf(text, offset);
}

function indentAt(text: string, lineStart: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart, lineEndOf(text, lineStart)))![0];
}

/** A `# comment` after `offset` on the same line (only blanks before it), as a span to the line end. */
export function trailingComment(text: string, offset: number): Span | undefined {
  let i = offset;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  if (text[i] !== '#' || (i === offset && offset > 0 && !/[ \t\r\n]/.test(text[offset - 1] ?? ''))) return undefined;
  return { start: i, end: lineEndOf(text, i) };
}

/** The `  - ` before a block sequence item alone on its line, or undefined for flow items. */
function blockPrefix(text: string, item: Span): string | undefined {
  // Only blanks and a dash may precede a block item on its line: scan back over those alone, so an
  // item deep in a long flow line costs nothing (a scan to the line start per item is quadratic).
  let i = item.start;
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t' || text[i - 1] === '-')) i--;
  if (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') return undefined;
  const before = text.slice(i, item.start);
  return /^[ \t]*-[ \t]+$/.test(before) ? before : undefined;
}

/** Whether a sequence item is a block item alone on its line (`- x`), not a flow item. */
export function isBlockItem(text: string, item: Span): boolean {
  return blockPrefix(text, item) !== undefined;
}

/**
 * The edit that removes one item of a block (`- x`) or flow (`[a, x, b]`) sequence. A trailing comment
 * on the removed block item's line stays, as a comment line at the item's indentation, unless
 * `keepComment` is false (the caller moves the comment elsewhere).
 */
export function removeSequenceItemEdit(text: string, item: Span, keepComment = true): OffsetEdit {
  const prefix = blockPrefix(text, item);
  if (prefix !== undefined) {
    const lineStart = item.start - prefix.length;
    const comment = trailingComment(text, item.end);
    if (keepComment && comment) {
      const dashIndent = /^[ \t]*/.exec(prefix)![0];
      return { start: lineStart, end: comment.start, newText: dashIndent };
    }
    // Block item alone on its line(s): drop the whole line.
    const end = nextLineStart(text, item.end);
    if (end === text.length && !/[\r\n]$/.test(text.slice(item.end, end)) && lineStart > 0) {
      // Last line without a final newline: remove the preceding line break instead of leaving a blank line.
      const prevBreak = text[lineStart - 2] === '\r' && text[lineStart - 1] === '\n' ? lineStart - 2 : lineStart - 1;
      return { start: prevBreak, end, newText: '' };
    }
    return { start: lineStart, end, newText: '' };
  }
  // Flow item: remove it with the comma after it, or the comma before it when it is the last one.
  let i = item.end;
  while (i < text.length && /[ \t]/.test(text[i])) i++;
  if (text[i] === ',') {
    i++;
    while (i < text.length && /[ \t]/.test(text[i])) i++;
    return { start: item.start, end: i, newText: '' };
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

/**
 * Orders edits and merges insertions at the same offset (in the order given) into one edit, so a fix
 * never depends on how a client orders equal positions. Returns undefined when two edits overlap.
 */
export function combineEdits(edits: OffsetEdit[]): OffsetEdit[] | undefined {
  const indexed = edits.map((e, i) => ({ e, i }));
  // Insertions at an offset come before a replacement starting there (they are inserted in front of it).
  indexed.sort((a, b) => a.e.start - b.e.start || (a.e.end - a.e.start) - (b.e.end - b.e.start) || a.i - b.i);
  const out: OffsetEdit[] = [];
  for (const { e } of indexed) {
    const last = out[out.length - 1];
    if (last && last.start === e.start && last.end === last.start) {
      out[out.length - 1] = { start: last.start, end: e.end, newText: last.newText + e.newText };
      continue;
    }
    if (last && e.start < last.end) return undefined;
    out.push({ ...e });
  }
  return out;
}

/** An item to add to a list: its string value and an optional comment (`# ...`) carried along. */
export interface NewItem {
  value: string;
  comment?: string;
  /** Exact scalar text to write (keeps an entry's original quoting when it moves to the other list). */
  source?: string;
}

export interface ListChange {
  /** Entries of this list to remove. */
  remove: PathEntry[];
  /** Entries whose trailing comment moves with them (removed without leaving their comment behind). */
  moved?: Set<PathEntry>;
  add: NewItem[];
  /** Comment lines (without `#`) to put just above the list's key line. */
  notes?: string[];
}

function listState(model: PolicyModel, list: ListName) {
  const fs = model.filesystem;
  return list === 'read_only'
    ? { entries: fs.readOnly, keySpan: fs.readOnlyKeySpan, span: fs.readOnlySpan, otherItems: fs.readOnlyOtherItems ?? 0 }
    : { entries: fs.readWrite, keySpan: fs.readWriteKeySpan, span: fs.readWriteSpan, otherItems: fs.readWriteOtherItems ?? 0 };
}

function otherList(list: ListName): ListName {
  return list === 'read_only' ? 'read_write' : 'read_only';
}

function renderItem(text: string, like: string | undefined, item: NewItem): string {
  return item.source ?? (like ? renderScalarLike(like, item.value) : isSafePlain(item.value) ? item.value : JSON.stringify(item.value));
}

/** Text inserted at `at`: complete lines when `at` starts a line, else a line break first (no final newline). */
function linesAt(text: string, at: number, lines: string[], eol: string): string {
  if (lines.length === 0) return '';
  const atLineStart = at === 0 || text[at - 1] === '\n' || text[at - 1] === '\r';
  return atLineStart ? lines.map((l) => l + eol).join('') : lines.map((l) => eol + l).join('');
}

/**
 * Where a block sequence ends for insertion: after the last item's line and the comment lines that
 * continue it (comment-only lines indented deeper than its dash), never past a blank line.
 */
function blockInsertionPoint(text: string, lastItem: Span, dashColumn: number, keyColumn: number): number {
  let at = nextLineStart(text, lastItem.end);
  while (at < text.length) {
    const lineText = text.slice(at, lineEndOf(text, at));
    const m = /^([ \t]*)#/.exec(lineText);
    if (!m) break;
    const col = m[1].length;
    if (!(col > dashColumn || (col === dashColumn && dashColumn > keyColumn))) break;
    at = nextLineStart(text, at);
  }
  return at;
}

interface ListLayout {
  /** Offset where new block items (or the new key) go. */
  insertAt: number;
  dashPrefix?: string;
}

/** Indentation of block items relative to their key, from any list of the document (default 2). */
function itemOffset(text: string, model: PolicyModel): number {
  for (const list of ['read_only', 'read_write'] as ListName[]) {
    const s = listState(model, list);
    if (!s.keySpan) continue;
    for (const e of s.entries) {
      const prefix = blockPrefix(text, e.span);
      if (prefix !== undefined) return Math.max(0, /^[ \t]*/.exec(prefix)![0].length - columnOf(text, s.keySpan.start));
    }
  }
  return 2;
}

function blockLayout(text: string, model: PolicyModel, list: ListName): ListLayout | undefined {
  const s = listState(model, list);
  if (!s.keySpan || !s.span) return undefined;
  const keyCol = columnOf(text, s.keySpan.start);
  // The last block item (from the end: a long list costs nothing here).
  let last: PathEntry | undefined;
  let prefix: string | undefined;
  for (let i = s.entries.length - 1; i >= 0 && !last; i--) {
    prefix = blockPrefix(text, s.entries[i].span);
    if (prefix !== undefined) last = s.entries[i];
  }
  if (!last || prefix === undefined) return undefined;
  return { insertAt: blockInsertionPoint(text, last.span, prefix.length - prefix.trimStart().length, keyCol), dashPrefix: prefix };
}

/** Where a list's text ends (for creating the other list after it). */
function listEnd(text: string, model: PolicyModel, list: ListName): number | undefined {
  const s = listState(model, list);
  if (!s.keySpan || !s.span) return undefined;
  const block = blockLayout(text, model, list);
  if (block) return block.insertAt;
  const valueText = text.slice(s.span.start, s.span.end);
  const end = valueText.startsWith('[') ? s.span.end : Math.max(s.span.end, s.keySpan.end);
  return nextLineStart(text, end);
}

function commentLines(indent: string, notes: string[] | undefined): string[] {
  return (notes ?? []).map((n) => `${indent}# ${n}`);
}

/**
 * Edits that remove and add items of one filesystem list, creating the key when it does not exist.
 * Block lists get `- item` lines after their last item, in the dash style and indentation of that
 * item; flow lists keep their separators (and their comments); a null list (`key:`, `~`) becomes a
 * block list; every item removed and none added leaves `key: []`.
 */
export function listChangeEdits(text: string, model: PolicyModel, list: ListName, change: ListChange): OffsetEdit[] | undefined {
  const eol = lineBreakOf(text);
  const s = listState(model, list);
  const edits: OffsetEdit[] = [];
  const removed = new Set(change.remove);
  if (change.add.length === 0 && removed.size === 0 && !(change.notes && change.notes.length)) return [];
  // A list holding items that are not paths (a nested list, a mapping): the edits below only know the
  // paths, and could empty it wrongly or rebuild it without them. Fix the schema error first.
  if (s.otherItems > 0) return undefined;
  const fs = model.filesystem;

  if (!s.keySpan || !s.span) {
    // No such key yet: create it after the other list (or at the end of the filesystem mapping).
    if (change.add.length === 0) return [];
    const other = listState(model, otherList(list));
    if (!fs.span || fs.state !== 'present') return undefined;
    const fsText = text.slice(fs.span.start, fs.span.end);
    const items = change.add.map((i) => renderItem(text, undefined, i));
    if (fsText.startsWith('{')) {
      // Flow mapping: `{read_only: [...]}` -> `{read_only: [...], read_write: [a, b]}`.
      let close = fs.span.end - 1;
      while (close > fs.span.start && text[close] !== '}') close--;
      let j = close;
      while (j > fs.span.start && /[ \t\r\n]/.test(text[j - 1])) j--;
      const lineStart = lineStartOf(text, fs.span.start);
      if (change.notes?.length) edits.push({ start: lineStart, end: lineStart, newText: linesAt(text, lineStart, commentLines(indentAt(text, lineStart), change.notes), eol) });
      edits.push({ start: j, end: j, newText: `${text[j - 1] === '{' ? '' : ', '}${list}: [${items.join(', ')}]` });
      return edits;
    }
    const keyCol = other.keySpan ? columnOf(text, other.keySpan.start) : firstKeyColumn(text, model);
    const at = listEnd(text, model, otherList(list)) ?? nextLineStart(text, fs.span.end - 1);
    const keyIndent = ' '.repeat(keyCol);
    const itemIndent = ' '.repeat(keyCol + itemOffset(text, model));
    const lines = [...commentLines(keyIndent, change.notes), `${keyIndent}${list}:`, ...change.add.map((i) => `${itemIndent}- ${renderItem(text, undefined, i)}${i.comment ? '  ' + i.comment : ''}`)];
    edits.push({ start: at, end: at, newText: linesAt(text, at, lines, eol) });
    return edits;
  }

  const keyLineStart = lineStartOf(text, s.keySpan.start);
  const keyIndent = indentAt(text, keyLineStart);
  const notesAbove = () => {
    if (change.notes?.length) edits.push({ start: keyLineStart, end: keyLineStart, newText: linesAt(text, keyLineStart, commentLines(keyIndent, change.notes), eol) });
  };
  const valueText = text.slice(s.span.start, s.span.end);

  if (valueText.startsWith('[')) {
    notesAbove();
    const open = s.span.start;
    let close = s.span.end - 1;
    while (close > open && text[close] !== ']') close--;
    const interior = text.slice(open + 1, close);
    const kept = s.entries.filter((e) => !removed.has(e));
    const like = s.entries.length ? text.slice(s.entries[s.entries.length - 1].span.start, s.entries[s.entries.length - 1].span.end) : undefined;
    const carried = change.add.filter((i) => i.comment).map((i) => i.comment!.replace(/^#\s?/, ''));
    if (carried.length) {
      // A flow list cannot hold a comment after an item on one line: the moved comments go above the key.
      edits.push({ start: keyLineStart, end: keyLineStart, newText: linesAt(text, keyLineStart, commentLines(keyIndent, carried), eol) });
    }
    const added = change.add.map((i) => renderItem(text, like, i));
    if (!interior.includes('#')) {
      // Rebuild the interior from the kept items' own text, reusing the list's separator and padding.
      const all = s.entries;
      const multiLine = /[\r\n]/.test(interior);
      let sep = ', ';
      if (all.length >= 2) sep = text.slice(all[0].span.end, all[1].span.start);
      else if (multiLine && all.length === 1) sep = ',' + eol + indentAt(text, lineStartOf(text, all[0].span.start));
      if (!sep.includes(',')) sep = ', ';
      const lead = all.length ? text.slice(open + 1, all[0].span.start) : multiLine ? interior.replace(/[^\r\n]*$/, '') : '';
      const trail = all.length ? text.slice(all[all.length - 1].span.end, close) : multiLine ? /[ \t]*$/.exec(interior)![0] : '';
      const items = [...kept.map((e) => text.slice(e.span.start, e.span.end)), ...added];
      const newInterior = items.length ? lead + items.join(sep) + trail : '';
      if (newInterior !== interior) edits.push({ start: open + 1, end: close, newText: newInterior });
      return edits;
    }
    // Comments inside the flow list: item-level edits only, so the comments stay where they are. A
    // removed item goes with the comma after it (its whole line when nothing else is on it); the last
    // item has no comma after it, so the comma after the last kept item before it goes instead.
    const commaAfter = (end: number): number | undefined => {
      let i = end;
      while (i < close && (text[i] === ' ' || text[i] === '\t')) i++;
      return text[i] === ',' ? i : undefined;
    };
    for (let k = 0; k < s.entries.length; k++) {
      const e = s.entries[k];
      if (!removed.has(e)) continue;
      const comma = commaAfter(e.span.end);
      let end = comma === undefined ? e.span.end : comma + 1;
      const lineStart = lineStartOf(text, e.span.start);
      const lineEnd = lineEndOf(text, end);
      if (lineStart > open && /^[ \t]*$/.test(text.slice(lineStart, e.span.start)) && /^[ \t]*$/.test(text.slice(end, lineEnd))) {
        edits.push({ start: lineStart, end: nextLineStart(text, lineEnd), newText: '' });
      } else {
        while (end < lineEnd && (text[end] === ' ' || text[end] === '\t') && comma !== undefined) end++;
        edits.push({ start: e.span.start, end, newText: '' });
      }
      if (comma === undefined) {
        const before = s.entries.slice(0, k).filter((x) => !removed.has(x));
        const prev = before[before.length - 1];
        const prevComma = prev ? commaAfter(prev.span.end) : undefined;
        if (prev && prevComma !== undefined && !s.entries.slice(k + 1).some((x) => !removed.has(x))) edits.push({ start: prevComma, end: prevComma + 1, newText: '' });
      }
    }
    if (added.length) {
      const anchor = kept.length ? kept[kept.length - 1].span.end : open + 1;
      edits.push({ start: anchor, end: anchor, newText: kept.length ? ', ' + added.join(', ') : added.join(', ') });
    }
    return edits;
  }

  const block = blockLayout(text, model, list);
  if (!block) {
    // Null or empty value (`read_write:`, `~`, `null`): write block items under the key.
    if (s.entries.length > 0) return undefined; // an unusual layout this editor does not touch
    notesAbove();
    if (change.add.length === 0) return edits;
    const colon = text.indexOf(':', s.keySpan.end);
    if (colon < 0) return undefined;
    if (fs.span && text.slice(fs.span.start, fs.span.end).startsWith('{')) {
      // Inside a flow mapping the value must stay on its line: `read_write: ~` -> `read_write: [a, b]`.
      const items = `[${change.add.map((i) => renderItem(text, undefined, i)).join(', ')}]`;
      if (s.span.end > s.span.start) edits.push({ start: s.span.start, end: s.span.end, newText: items });
      else edits.push({ start: colon + 1, end: colon + 1, newText: ' ' + items });
      return edits;
    }
    const valueEnd = Math.max(s.span.end, colon + 1);
    const comment = trailingComment(text, valueEnd);
    // Keep a comment on the key line; drop only the null value itself.
    edits.push({ start: colon + 1, end: comment ? comment.start : lineEndOf(text, colon), newText: comment ? ' ' : '' });
    const itemIndent = ' '.repeat(columnOf(text, s.keySpan.start) + itemOffset(text, model));
    const at = nextLineStart(text, colon);
    edits.push({ start: at, end: at, newText: linesAt(text, at, change.add.map((i) => `${itemIndent}- ${renderItem(text, undefined, i)}${i.comment ? '  ' + i.comment : ''}`), eol) });
    return edits;
  }

  notesAbove();
  const moved = change.moved ?? new Set<PathEntry>();
  // Whole removed lines are merged, so that removing the last lines of a file without a final newline
  // takes the line break before them (once) and the file still ends without one.
  const deletions: Span[] = [];
  for (const e of removed) {
    const comment = trailingComment(text, e.span.end);
    if (blockPrefix(text, e.span) === undefined || (comment && !moved.has(e))) edits.push(removeSequenceItemEdit(text, e.span, !moved.has(e)));
    else deletions.push({ start: lineStartOf(text, e.span.start), end: nextLineStart(text, e.span.end) });
  }
  deletions.sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const d of deletions) {
    const last = merged[merged.length - 1];
    if (last && d.start <= last.end) last.end = Math.max(last.end, d.end);
    else merged.push({ ...d });
  }
  for (const d of merged) {
    let start = d.start;
    if (d.end === text.length && !/[\r\n]$/.test(text) && start > 0) start -= text[start - 2] === '\r' && text[start - 1] === '\n' ? 2 : 1;
    edits.push({ start, end: d.end, newText: '' });
  }
  const keptCount = s.entries.length - removed.size;
  if (change.add.length) {
    const like = text.slice(s.entries[s.entries.length - 1].span.start, s.entries[s.entries.length - 1].span.end);
    const lines = change.add.map((i) => `${block.dashPrefix}${renderItem(text, like, i)}${i.comment ? '  ' + i.comment : ''}`);
    edits.push({ start: block.insertAt, end: block.insertAt, newText: linesAt(text, block.insertAt, lines, eol) });
  } else if (keptCount === 0) {
    // Every item removed and nothing added: an explicit empty list rather than a bare key.
    const colon = text.indexOf(':', s.keySpan.end);
    if (colon >= 0) edits.push({ start: colon + 1, end: colon + 1, newText: ' []' });
  }
  return edits;
}

function firstKeyColumn(text: string, model: PolicyModel): number {
  const fs = model.filesystem;
  const key = fs.includeWorkdir?.keySpan ?? fs.readOnlyKeySpan ?? fs.readWriteKeySpan;
  if (key) return columnOf(text, key.start);
  return fs.keySpan ? columnOf(text, fs.keySpan.start) + 2 : 2;
}

/** Sets `include_workdir: false` (changing the value, or adding the key to the filesystem section). */
export function includeWorkdirFalseEdits(text: string, model: PolicyModel): OffsetEdit[] | undefined {
  const fs = model.filesystem;
  if (fs.includeWorkdir) {
    return fs.includeWorkdir.value === false ? [] : [{ start: fs.includeWorkdir.span.start, end: fs.includeWorkdir.span.end, newText: 'false' }];
  }
  // A present section defaults to false; only an absent or null section would need one (no entries there).
  if (fs.state === 'present') return [];
  return undefined;
}
