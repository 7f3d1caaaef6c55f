// Completion of keys and enum values from the policy schema. The text being typed is usually not
// valid YAML yet (`  incl` under filesystem_policy), so the position is read line by line from
// indentation, `key:` and `- ` markers instead of from a parse tree.
import { LineIndex } from '../text/lines';
import { descriptionOf, enumValuesOf, propertiesOf, schemaAt, typeLabel, typesOf } from './schema-nav';
import type { SchemaNode } from './schema-nav';

export interface CompletionInfo {
  label: string;
  kind: 'key' | 'value';
  /** Plain text to insert (also used when the client has no snippets). */
  insertText: string;
  /** Snippet with tab stops, for clients with snippet support. */
  snippet?: string;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** The range the insertion replaces (the partial word typed so far). */
  replace: { start: number; end: number };
  sortText: string;
}

type Frame = { col: number; kind: 'seq' } | { col: number; kind: 'key'; name: string };

interface ScannedLine {
  blank: boolean;
  separator: boolean;
  frames: Frame[];
}

// A plain key's body is taken whole, up to the first `:`, `#` or line break, through `(?=(...))\N` (an
// atomic group): a lazy body followed by `[ \t]*:` backtracks quadratically on a long line of blanks
// without a colon (100 KB of tabs froze the server). unquote() trims the trailing blanks it keeps.
const KEY_AT = /^("(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^\s#'"{}[\],:&*!|>%@`-](?=([^\n#:]*))\2|-[^\s\n#:](?=([^\n#:]*))\3)[ \t]*:(?=[ \t]|$)/;

function unquote(key: string): string {
  if (key.startsWith('"')) {
    try {
      return JSON.parse(key) as string;
    } catch {
      return key.slice(1, -1);
    }
  }
  if (key.startsWith("'")) return key.slice(1, -1).replace(/''/g, "'");
  return key.trim();
}

/** The sequence dashes and the mapping key that start a line, with their columns. */
function scanLine(line: string): ScannedLine {
  let i = 0;
  while (i < line.length && line[i] === ' ') i++;
  const rest = line.slice(i);
  if (/^(---|\.\.\.)(\s|$)/.test(line)) return { blank: false, separator: true, frames: [] };
  if (rest === '' || rest.startsWith('#')) return { blank: true, separator: false, frames: [] };
  const frames: Frame[] = [];
  for (;;) {
    if (line[i] === '-' && (i + 1 === line.length || line[i + 1] === ' ' || line[i + 1] === '\t')) {
      frames.push({ col: i, kind: 'seq' });
      i++;
      while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
      continue;
    }
    break;
  }
  const m = KEY_AT.exec(line.slice(i));
  if (m) frames.push({ col: i, kind: 'key', name: unquote(m[1]) });
  return { blank: false, separator: false, frames };
}

/**
 * The logical path of the mapping that holds a node starting at column `col` of line `lineNo`
 * (keys as strings, sequence items as 0). `leading` are the frames of that line left of `col`.
 */
function parentPath(lines: LineIndex, lineNo: number, col: number, leading: Frame[]): (string | number)[] {
  const path: (string | number)[] = [];
  let target = col;
  let lastWasSeq = false;
  const take = (f: Frame) => {
    path.unshift(f.kind === 'seq' ? 0 : f.name);
    target = f.col;
    lastWasSeq = f.kind === 'seq';
  };
  for (const f of [...leading].reverse()) if (f.col < target) take(f);
  for (let ln = lineNo - 1; ln >= 0; ln--) {
    if (target === 0 && !lastWasSeq) break;
    const scanned = scanLine(lines.lineText(ln));
    if (scanned.separator) break;
    if (scanned.blank) continue;
    for (const f of [...scanned.frames].reverse()) {
      // A block sequence may sit at the same column as the key that holds it (`key:\n- item`).
      if (f.col < target || (f.kind === 'key' && f.col === target && lastWasSeq)) take(f);
    }
  }
  return path;
}

/** Keys already present in the mapping that holds a key at (lineNo, col). */
function siblingKeys(lines: LineIndex, lineNo: number, col: number, startsItem: boolean): Set<string> {
  const keys = new Set<string>();
  const visit = (ln: number): boolean => {
    const s = scanLine(lines.lineText(ln));
    if (s.separator) return false;
    if (s.blank) return true;
    const first = s.frames[0];
    const key = s.frames.find((f) => f.col === col && f.kind === 'key');
    if (key && key.kind === 'key') keys.add(key.name);
    if (!first) return true; // a continuation line of some scalar
    if (first.col < col) return false; // a parent, or the start of another item
    return true;
  };
  if (!startsItem) {
    for (let ln = lineNo - 1; ln >= 0; ln--) {
      const s = scanLine(lines.lineText(ln));
      const cont = visit(ln);
      // The dash line that starts this item holds a sibling key too: it was visited, now stop.
      if (!cont || s.frames.some((f) => f.kind === 'seq' && f.col < col)) break;
    }
  }
  for (let ln = lineNo + 1; ln < lines.lineCount; ln++) if (!visit(ln)) break;
  return keys;
}

const IDENT = /[A-Za-z0-9_-]*$/;

export function completionsAt(text: string, offset: number, lines: LineIndex = new LineIndex(text)): CompletionInfo[] {
  const pos = lines.positionAt(offset);
  const lineText = lines.lineText(pos.line);
  const before = lineText.slice(0, pos.character);
  const after = lineText.slice(pos.character);
  const lineStart = lines.lineStart(pos.line);

  // `key: partial` -> enum values of key.
  // (The plain key is matched atomically, as in KEY_AT: group 4 is that helper group.)
  const valueMatch = /^([ \t]*)((?:-[ \t]+)*)("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{}[\],:-](?=([^#:]*))\4)[ \t]*:[ \t]+(["']?)([^\s#'",[\]{}]*)$/.exec(before);
  if (valueMatch) {
    const keyCol = valueMatch[1].length + valueMatch[2].length;
    const leading = scanLine(lineText).frames.filter((f) => f.col < keyCol);
    const path = [...parentPath(lines, pos.line, keyCol, leading), unquote(valueMatch[3])];
    const schema = schemaAt(path);
    const partial = valueMatch[6];
    const quote = valueMatch[5];
    const start = offset - partial.length - quote.length;
    let end = offset;
    const rest = /^[^\s#,\]}]*/.exec(after)?.[0] ?? '';
    end += rest.length;
    return enumValuesOf(schema).map((v, i) => ({
      label: v.value,
      kind: 'value' as const,
      insertText: v.value,
      detail: typeLabel(schema),
      documentation: v.markdownDescription ?? v.description,
      replace: { start, end },
      sortText: String(i).padStart(3, '0'),
    }));
  }

  // Indentation, optional `- ` markers, and a partial key -> the keys the enclosing mapping accepts.
  const keyMatch = /^([ \t]*)((?:-[ \t]+)*)([A-Za-z0-9_-]*)$/.exec(before);
  if (!keyMatch) return [];
  if (/^[ \t]*-[ \t]*$/.test(before) && !/-[ \t]+$/.test(before)) return []; // `-` just typed: nothing yet
  const partial = IDENT.exec(before)![0];
  const keyCol = pos.character - partial.length;
  const frames = scanLine(lineText).frames;
  const leading = frames.filter((f) => f.col < keyCol);
  const path = parentPath(lines, pos.line, keyCol, leading);
  const container = schemaAt(path);
  const props = propertiesOf(container);
  if (props.length === 0) return [];
  const startsItem = leading.some((f) => f.kind === 'seq');
  const present = siblingKeys(lines, pos.line, keyCol, startsItem);
  const restWord = /^[A-Za-z0-9_-]*/.exec(after)![0];
  const hasColonAfter = /^[A-Za-z0-9_-]*[ \t]*:/.test(after);
  const replace = { start: lineStart + keyCol, end: offset + restWord.length };
  const childIndent = ' '.repeat(keyCol + 2);
  return props
    .filter((p) => !present.has(p.name))
    .map((p, i) => {
      const info = keyInsertion(p.name, p.schema, childIndent, hasColonAfter);
      return {
        label: p.name,
        kind: 'key' as const,
        insertText: info.plain,
        snippet: info.snippet,
        detail: typeLabel(p.schema),
        documentation: descriptionOf(p.schema, true),
        replace,
        sortText: String(i).padStart(3, '0'),
      };
    });
}

function escapeSnippet(s: string): string {
  return s.replace(/[$}\\]/g, '\\$&');
}

function keyInsertion(name: string, schema: SchemaNode, childIndent: string, hasColonAfter: boolean): { plain: string; snippet?: string } {
  if (hasColonAfter) return { plain: name };
  const types = typesOf(schema);
  const values = enumValuesOf(schema);
  if (values.length && !types.has('object') && !types.has('array')) {
    const choices = values.map((v) => v.value.replace(/[,|$}\\]/g, '\\$&')).join(',');
    return { plain: `${name}: `, snippet: `${escapeSnippet(name)}: \${1|${choices}|}` };
  }
  if (types.has('array') && !types.has('object')) {
    return { plain: `${name}:`, snippet: `${escapeSnippet(name)}:\n${childIndent}- $0` };
  }
  if (types.has('object')) {
    return { plain: `${name}:`, snippet: `${escapeSnippet(name)}:\n${childIndent}$0` };
  }
  return { plain: `${name}: `, snippet: `${escapeSnippet(name)}: $0` };
}
