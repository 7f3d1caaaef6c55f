// YAML text -> documents with source spans, plus the "loader view": the value OpenShell's serde_yml
// loader sees, with a map from each value's JSON pointer to the YAML node it came from.
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, Scalar } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { Span } from '../types';
import { fastParse } from './fast-parse';

export type YamlNode = Node;

export interface YamlError {
  message: string;
  span: Span;
}

export interface ParsedStream {
  documents: Document.Parsed[];
  /** Syntax errors of the whole stream, each placed where the parser found it. */
  errors: YamlError[];
}

/** At most this many alias expansions per document: a billion-laughs file stays cheap. */
export const MAX_ALIAS_EXPANSIONS = 1000;
/**
 * At most this much aliased content (nodes plus scalar characters read through aliases) per document:
 * a few aliases of one huge anchor (`&big "<1 MB>"` used 1000 times) would otherwise make every later
 * step handle gigabytes.
 */
export const MAX_ALIAS_EXPANDED = 1_000_000;

export function parseStream(text: string): ParsedStream {
  // Most policies are plain block YAML, which the fast reader handles at a fraction of the cost; it
  // declines anything else, and the `yaml` library reads that.
  const fast = fastParse(text);
  if (fast) return { documents: [fast], errors: [] };
  const parsed = parseAllDocuments(text, {
    uniqueKeys: false, // serde reports duplicates in its own words; see loader below
    prettyErrors: false,
    strict: false,
    keepSourceTokens: false,
    merge: false,
    version: '1.2',
  });
  const documents = Array.isArray(parsed) ? parsed : [];
  const errors: YamlError[] = [];
  for (const doc of documents) {
    for (const e of doc.errors) {
      const [start, end] = e.pos;
      let message = e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '');
      // The parser catches its own stack overflow on absurd nesting and reports the RangeError's text.
      if (/Maximum call stack size exceeded/.test(message)) message = 'The YAML nests too deeply to be read (the parser ran out of stack): a policy needs only a few levels.';
      // An error at the end of the input is reported one character past it, and one inside an emoji
      // between its two UTF-16 halves: keep spans inside the text, on whole characters.
      const at = outsidePair(text, Math.min(start, text.length), -1);
      errors.push({ message, span: { start: at, end: outsidePair(text, Math.min(Math.max(end, at), text.length), 1) } });
    }
  }
  return { documents, errors };
}

/** An offset moved off the middle of a surrogate pair (towards `direction`). */
function outsidePair(text: string, offset: number, direction: -1 | 1): number {
  const before = text.charCodeAt(offset - 1);
  const after = text.charCodeAt(offset);
  const splits = before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
  return splits ? offset + (direction < 0 ? -1 : 1) : offset;
}

export function nodeSpan(node: YamlNode | null | undefined, fallback?: Span): Span {
  // (A default parameter would build the fallback on every call, ranged nodes included.)
  if (!node || !node.range) return fallback ?? { start: 0, end: 0 };
  return { start: node.range[0], end: node.range[1] };
}

/** Whether a scalar is plain (unquoted, not a block scalar). */
export function isPlainScalar(node: unknown): node is Scalar {
  return isScalar(node) && (node.type === Scalar.PLAIN || node.type === undefined);
}

/** A plain scalar with nothing in it: `key:` — serde_yml reads it as an empty list/map, or as "absent". */
export function isEmptyPlain(node: unknown): boolean {
  return node == null || (isPlainScalar(node) && (node.source ?? '') === '');
}

/** A plain null (`~`, `null`, empty): what serde_yml treats as None/unit. */
export function isNullPlain(node: unknown): boolean {
  if (node == null) return true;
  if (!isPlainScalar(node)) return false;
  const s = node.source ?? '';
  return s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL';
}

/** The string serde_yml would read for a scalar: the source text of plain scalars, the value otherwise. */
export function scalarString(node: Scalar): string {
  const value: unknown = node.value;
  if (node.type === Scalar.PLAIN || node.type === undefined) return node.source ?? String(value ?? '');
  return typeof value === 'string' ? value : String(value ?? '');
}

/** The first characters of every null, bool and number spelling serde_yml resolves (and the empty string). */
const MAY_BE_TYPED = /^(?:$|[-+.~0-9nNtTfF])/;
const INT_DEC = /^[-+]?[0-9]+$/;
const INT_PREFIXED = /^[-+]?0(x[0-9a-fA-F]+|o[0-7]+|b[01]+)$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const FLOAT_SPECIAL = /^[-+]?(\.inf|\.Inf|\.INF)$|^\.(nan|NaN|NAN)$/;
const TRUE = /^(true|True|TRUE)$/;
const FALSE = /^(false|False|FALSE)$/;
const SIGN = /^[-+]/;
const A_DIGIT = /[0-9]/;
const LEADING_ZERO = /^0[0-9]/;
const NAN = /nan/i;

/**
 * How serde_yml resolves an untagged plain scalar when a number, a bool or "anything" is expected:
 * only true/false in three spellings are booleans, integers may be 0x/0o/0b-prefixed, and digits with
 * a leading zero are not a number (they stay a string, so `version: 01` is a type error).
 */
export function resolvePlain(source: string): null | boolean | number | string {
  // Most plain scalars are paths and names: a first character that can start no null, bool or number
  // settles it without the regexes below.
  if (!MAY_BE_TYPED.test(source)) return source;
  if (source === '' || source === '~' || source === 'null' || source === 'Null' || source === 'NULL') return null;
  if (TRUE.test(source)) return true;
  if (FALSE.test(source)) return false;
  if (INT_DEC.test(source)) {
    const digits = source.replace(SIGN, '');
    if (digits.length > 1 && digits.startsWith('0')) return source; // digits_but_not_number
    return Number(source);
  }
  if (INT_PREFIXED.test(source)) {
    const negative = source.startsWith('-');
    const body = source.replace(SIGN, '');
    const base = body[1] === 'x' ? 16 : body[1] === 'o' ? 8 : 2;
    const n = parseInt(body.slice(2), base);
    return negative ? -n : n;
  }
  if (FLOAT.test(source) && A_DIGIT.test(source)) {
    const digits = source.replace(SIGN, '');
    if (LEADING_ZERO.test(digits)) return source;
    const n = Number(source);
    // An integer-valued float (`1.0`, `1e3`) stays text so that the schema check sees a non-integer:
    // serde rejects a float where an integer is expected. As a string field it is "1.0" anyway.
    return Number.isInteger(n) ? source : n;
  }
  if (FLOAT_SPECIAL.test(source)) {
    if (NAN.test(source)) return NaN;
    return source.startsWith('-') ? -Infinity : Infinity;
  }
  return source;
}

/** Where a value of the loader view came from. */
export interface NodeOrigin {
  node: YamlNode | null;
  /** The key of the pair holding the value, if any. */
  keySpan?: Span;
  /** Value span (for a missing value: the key span). */
  span: Span;
  /** The value was written as an empty plain scalar (`key:`). */
  emptyPlain: boolean;
  /** The value was a plain scalar (so numbers/bools are untyped text to serde). */
  plain: boolean;
  /** The original scalar text, for messages like `invalid type: string "01"`. */
  scalarText?: string;
  quoted: boolean;
}

export interface DuplicateKey {
  key: string;
  pointer: string;
  span: Span;
  firstSpan: Span;
}

/** Where values came from, by JSON pointer (RFC 6901): recorded in a map, or looked up on demand (below). */
export interface OriginLookup {
  get(pointer: string): NodeOrigin | undefined;
  /** The origin of the item or value `segment` (an index or an unescaped key) of the container at `pointer`. */
  child(pointer: string, segment: string | number): NodeOrigin | undefined;
}

/** Origins recorded in a map, as a lookup. */
function recordedLookup(origins: Map<string, NodeOrigin>): OriginLookup & { recorded: Map<string, NodeOrigin> } {
  return {
    recorded: origins,
    get: (pointer) => origins.get(pointer),
    child: (pointer, segment) => origins.get(pointer + '/' + escapePointer(segment)),
  };
}

export interface LoaderView {
  value: unknown;
  /** JSON pointer (RFC 6901) -> origin. */
  origins: OriginLookup;
  duplicates: DuplicateKey[];
  /** Alias expansions stopped at MAX_ALIAS_EXPANSIONS. */
  aliasBudgetExceeded: boolean;
  /** Keys that are not scalars (`? [a]: b`): the loader cannot read them as a field name or a string. */
  complexKeys: ComplexKey[];
  /** Aliases to an anchor that is not defined before them: the loader rejects the file ("unknown anchor"). */
  unknownAliases: Span[];
}

export interface ComplexKey {
  span: Span;
  /** Keys and indexes of the mapping that holds the key. */
  containerPath: (string | number)[];
  kind: 'sequence' | 'map';
}

export function escapePointer(segment: string | number): string {
  const s = String(segment);
  // Most keys need no escaping: skip the two regex passes (this runs once per mapping key).
  if (s.indexOf('~') < 0 && s.indexOf('/') < 0) return s;
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The JSON pointer of a path of keys and indexes (`['a', 0]` -> `/a/0`). */
export function pointerOf(segments: readonly (string | number)[]): string {
  return segments.map((segment) => '/' + escapePointer(segment)).join('');
}

/** Past this depth the loader view holds null: nothing a policy needs lives this deep. */
const MAX_VIEW_DEPTH = 200;

/** A mapping key as the loader reads it: a scalar's string, '' for a missing key; undefined for a complex key. */
function keyString(doc: Document.Parsed, keyNode: unknown): string | undefined {
  if (keyNode != null && !isScalar(keyNode) && !isAlias(keyNode)) return undefined;
  const keyScalar = (isAlias(keyNode) ? keyNode.resolve(doc) : keyNode) as Scalar | null;
  return keyScalar && isScalar(keyScalar) ? scalarString(keyScalar) : '';
}

/** The origin of a value read from `node` (null: absent), held under a key at `keySpan` if any. */
function originOf(node: YamlNode | null, spanNode: YamlNode | null, keySpan: Span | undefined): NodeOrigin {
  const origin: NodeOrigin = {
    node,
    keySpan,
    span: nodeSpan(spanNode, keySpan),
    emptyPlain: isEmptyPlain(node),
    plain: node == null || isPlainScalar(node),
    quoted: isScalar(node) && !isPlainScalar(node),
  };
  if (isScalar(node)) origin.scalarText = scalarString(node);
  return origin;
}

/**
 * Builds the loader view of a document. Mappings become objects (first key wins on duplicates, and the
 * duplicate is recorded), sequences arrays, plain scalars are resolved like serde_yml resolves untyped
 * scalars, quoted and block scalars are strings. Aliases are followed within a budget.
 *
 * Origins are looked up on demand by walking the YAML nodes (a few per lookup): recording one for
 * every node up front cost more than the rest of the conversion, and only a few are ever asked for.
 * Through aliases the walk could disagree with the expansion budget, so a document with aliases gets
 * them recorded during a second conversion instead.
 */
export function buildLoaderView(doc: Document.Parsed): LoaderView {
  const lazy = convertDocument(doc, false);
  return lazy.sawAlias ? buildLoaderViewRecordingOrigins(doc) : { ...lazy, origins: lazyOrigins(doc) };
}

/** The loader view with every origin recorded during conversion: what documents with aliases get, and the reference the lazy lookup is tested against. */
export function buildLoaderViewRecordingOrigins(doc: Document.Parsed): LoaderView & { origins: { recorded: Map<string, NodeOrigin> } } {
  const view = convertDocument(doc, true);
  return { ...view, origins: recordedLookup(view.origins) };
}

function convertDocument(doc: Document.Parsed, recordOrigins: boolean): Omit<LoaderView, 'origins'> & { origins: Map<string, NodeOrigin>; sawAlias: boolean } {
  const origins = new Map<string, NodeOrigin>();
  const duplicates: DuplicateKey[] = [];
  const complexKeys: ComplexKey[] = [];
  const unknownAliases = new Map<number, Span>();
  const noteIfUnknown = (alias: YamlNode, resolved: unknown) => {
    if (resolved === undefined && alias.range) unknownAliases.set(alias.range[0], nodeSpan(alias));
  };
  let aliasBudget = MAX_ALIAS_EXPANSIONS;
  let aliasBudgetExceeded = false;
  let sawAlias = false;
  /** Nodes and scalar characters converted through an alias so far. */
  let expanded = 0;
  /** Keys and indexes from the root to the node being converted: a pointer is only spelled out when needed. */
  const path: (string | number)[] = [];
  const pointer = () => pointerOf(path);

  const convert = (node: unknown, keySpan: Span | undefined, depth: number, viaAlias = false): unknown => {
    let target = node;
    if (isAlias(target)) {
      sawAlias = true;
      if (aliasBudget-- <= 0 || expanded > MAX_ALIAS_EXPANDED) {
        aliasBudgetExceeded = true;
        target = null;
      } else {
        const resolved = target.resolve(doc);
        noteIfUnknown(target, resolved);
        target = resolved ?? null;
        viaAlias = true;
      }
    }
    if (viaAlias) expanded += 1 + (isScalar(target) && typeof target.source === 'string' ? target.source.length : 0);
    const yamlNode = (target ?? null) as YamlNode | null;
    if (recordOrigins) origins.set(pointer(), originOf(yamlNode, isAlias(node) ? (node as YamlNode) : yamlNode, keySpan));
    if (depth > MAX_VIEW_DEPTH) return null;
    if (isMap(target)) {
      const out: Record<string, unknown> = Object.create(null);
      const items = target.items as Pair[];
      for (let i = 0; i < items.length; i++) {
        const pair = items[i];
        if (!isPair(pair)) continue;
        const keyNode = pair.key as unknown;
        if (isAlias(keyNode)) {
          sawAlias = true;
          noteIfUnknown(keyNode, keyNode.resolve(doc));
        }
        const key = keyString(doc, keyNode);
        if (key === undefined) {
          complexKeys.push({ span: nodeSpan(keyNode as YamlNode), containerPath: [...path], kind: isMap(keyNode) ? 'map' : 'sequence' });
          continue;
        }
        if (key in out) {
          // Rare: look for the first spelling of the key again rather than remember every key's span.
          const first = items.findIndex((p) => isPair(p) && keyString(doc, p.key) === key);
          duplicates.push({ key, pointer: pointer(), span: nodeSpan(keyNode as YamlNode), firstSpan: nodeSpan(items[first].key as YamlNode) });
          continue;
        }
        path.push(key);
        // The key's span is only kept in a recorded origin: the lazy view finds it again when asked.
        out[key] = convert(pair.value, recordOrigins ? nodeSpan(keyNode as YamlNode) : undefined, depth + 1, viaAlias);
        path.pop();
      }
      return out;
    }
    if (isSeq(target)) {
      const items = target.items;
      const out = new Array<unknown>(items.length);
      for (let i = 0; i < items.length; i++) {
        path.push(i);
        out[i] = convert(items[i], undefined, depth + 1, viaAlias);
        path.pop();
      }
      return out;
    }
    if (isScalar(target)) {
      const text = scalarString(target);
      return isPlainScalar(target) ? resolvePlain(text) : text;
    }
    return null;
  };

  const value = convert(doc.contents, undefined, 0);
  return { value, origins, duplicates, aliasBudgetExceeded, complexKeys, unknownAliases: [...unknownAliases.values()], sawAlias };
}

/**
 * Origins of an alias-free document, found by following the pointer through the YAML nodes with the
 * conversion's rules: first of duplicate keys, complex keys skipped, canonical list indexes, nothing
 * deeper than the view. The containers walked to are remembered by pointer, so the lookups of a
 * list's items (`/filesystem_policy/read_only/0`, `/1`...) each cost one step; each mapping gets a key
 * index on its first lookup.
 */
function lazyOrigins(doc: Document.Parsed): OriginLookup {
  const root = (doc.contents ?? null) as YamlNode | null;
  const keyIndexes = new WeakMap<object, Map<string, Pair>>();
  /** Pointer -> the node there (null: a missing or null value; false: nothing there). */
  const nodes = new Map<string, YamlNode | null | false>();

  const pairFor = (map: { items: unknown[] }, segment: string): Pair | undefined => {
    let index = keyIndexes.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) {
        const key = isPair(p) ? keyString(doc, p.key) : undefined;
        if (key === undefined) continue;
        const escaped = escapePointer(key);
        if (!index.has(escaped)) index.set(escaped, p as Pair);
      }
      keyIndexes.set(map, index);
    }
    return index.get(segment);
  };

  /** The child of `parent` at a pointer segment, with the span of its key; undefined when there is none. */
  const childOf = (parent: YamlNode | null | false, segment: string): { node: YamlNode | null; keySpan?: Span } | undefined => {
    if (isMap(parent)) {
      const pair = pairFor(parent, segment);
      return pair && { node: (pair.value ?? null) as YamlNode | null, keySpan: nodeSpan(pair.key as YamlNode) };
    }
    if (isSeq(parent)) {
      const i = Number(segment);
      if (!Number.isInteger(i) || i < 0 || i >= parent.items.length || String(i) !== segment) return undefined;
      return { node: (parent.items[i] ?? null) as YamlNode | null };
    }
    return undefined;
  };

  const depthOf = (pointer: string) => {
    let n = 0;
    for (let i = pointer.indexOf('/'); i !== -1; i = pointer.indexOf('/', i + 1)) n++;
    return n;
  };

  /** The node at a pointer (cached); false when nothing is there. Callers keep the pointer within the view's depth. */
  const nodeAt = (pointer: string): YamlNode | null | false => {
    if (pointer === '') return root;
    if (pointer.charCodeAt(0) !== 47 /* / */) return false;
    const known = nodes.get(pointer);
    if (known !== undefined) return known;
    const cut = pointer.lastIndexOf('/');
    const c = childOf(nodeAt(pointer.slice(0, cut)), pointer.slice(cut + 1));
    const found = c ? c.node : false;
    nodes.set(pointer, found);
    return found;
  };

  const childOrigin = (parent: YamlNode | null | false, segment: string): NodeOrigin | undefined => {
    const c = childOf(parent, segment);
    return c && originOf(c.node, c.node, c.keySpan);
  };

  return {
    child(pointer: string, segment: string | number): NodeOrigin | undefined {
      if (pointer !== '' && depthOf(pointer) > MAX_VIEW_DEPTH) return undefined;
      const parent = nodeAt(pointer);
      // A list item by number: no string to build or parse back.
      if (typeof segment === 'number' && isSeq(parent)) {
        if (!Number.isInteger(segment) || segment < 0 || segment >= parent.items.length) return undefined;
        const node = (parent.items[segment] ?? null) as YamlNode | null;
        return originOf(node, node, undefined);
      }
      return childOrigin(parent, escapePointer(segment));
    },
    get(pointer: string): NodeOrigin | undefined {
      if (pointer === '') return originOf(root, root, undefined);
      if (pointer.charCodeAt(0) !== 47 /* / */) return undefined;
      const cut = pointer.lastIndexOf('/');
      const parentPointer = pointer.slice(0, cut);
      if (cut > 0 && depthOf(parentPointer) > MAX_VIEW_DEPTH) return undefined;
      return childOrigin(nodeAt(parentPointer), pointer.slice(cut + 1));
    },
  };
}

/** Follows an alias to its anchor (one level), so model extraction sees the real node. */
export function deref(doc: Document.Parsed, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) ?? null : node;
}
