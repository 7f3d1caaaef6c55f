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

export function nodeSpan(node: YamlNode | null | undefined, fallback: Span = { start: 0, end: 0 }): Span {
  if (!node || !node.range) return fallback;
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

const INT_DEC = /^[-+]?[0-9]+$/;
const INT_PREFIXED = /^[-+]?0(x[0-9a-fA-F]+|o[0-7]+|b[01]+)$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const FLOAT_SPECIAL = /^[-+]?(\.inf|\.Inf|\.INF)$|^\.(nan|NaN|NAN)$/;

/**
 * How serde_yml resolves an untagged plain scalar when a number, a bool or "anything" is expected:
 * only true/false in three spellings are booleans, integers may be 0x/0o/0b-prefixed, and digits with
 * a leading zero are not a number (they stay a string, so `version: 01` is a type error).
 */
export function resolvePlain(source: string): null | boolean | number | string {
  if (source === '' || source === '~' || source === 'null' || source === 'Null' || source === 'NULL') return null;
  if (/^(true|True|TRUE)$/.test(source)) return true;
  if (/^(false|False|FALSE)$/.test(source)) return false;
  if (INT_DEC.test(source)) {
    const digits = source.replace(/^[-+]/, '');
    if (digits.length > 1 && digits.startsWith('0')) return source; // digits_but_not_number
    return Number(source);
  }
  if (INT_PREFIXED.test(source)) {
    const negative = source.startsWith('-');
    const body = source.replace(/^[-+]/, '');
    const base = body[1] === 'x' ? 16 : body[1] === 'o' ? 8 : 2;
    const n = parseInt(body.slice(2), base);
    return negative ? -n : n;
  }
  if (FLOAT.test(source) && /[0-9]/.test(source)) {
    const digits = source.replace(/^[-+]/, '');
    if (/^0[0-9]/.test(digits)) return source;
    const n = Number(source);
    // An integer-valued float (`1.0`, `1e3`) stays text so that the schema check sees a non-integer:
    // serde rejects a float where an integer is expected. As a string field it is "1.0" anyway.
    return Number.isInteger(n) ? source : n;
  }
  if (FLOAT_SPECIAL.test(source)) {
    if (/nan/i.test(source)) return NaN;
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

export interface LoaderView {
  value: unknown;
  /** JSON pointer (RFC 6901) -> origin. */
  origins: Map<string, NodeOrigin>;
  duplicates: DuplicateKey[];
  /** Alias expansions stopped at MAX_ALIAS_EXPANSIONS. */
  aliasBudgetExceeded: boolean;
  /** Keys that are not scalars (`? [a]: b`), placed where they are. */
  complexKeys: Span[];
}

export function escapePointer(segment: string | number): string {
  const s = String(segment);
  // Most keys need no escaping: skip the two regex passes (this runs once per mapping key).
  if (s.indexOf('~') < 0 && s.indexOf('/') < 0) return s;
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Builds the loader view of a document. Mappings become objects (first key wins on duplicates, and the
 * duplicate is recorded), sequences arrays, plain scalars are resolved like serde_yml resolves untyped
 * scalars, quoted and block scalars are strings. Aliases are followed within a budget.
 */
export function buildLoaderView(doc: Document.Parsed): LoaderView {
  const origins = new Map<string, NodeOrigin>();
  const duplicates: DuplicateKey[] = [];
  const complexKeys: Span[] = [];
  let aliasBudget = MAX_ALIAS_EXPANSIONS;
  let aliasBudgetExceeded = false;
  /** Nodes and scalar characters converted through an alias so far. */
  let expanded = 0;

  const convert = (node: unknown, pointer: string, keySpan: Span | undefined, depth: number, viaAlias = false): unknown => {
    let target = node;
    if (isAlias(target)) {
      if (aliasBudget-- <= 0 || expanded > MAX_ALIAS_EXPANDED) {
        aliasBudgetExceeded = true;
        target = null;
      } else {
        target = target.resolve(doc) ?? null;
        viaAlias = true;
      }
    }
    if (viaAlias) expanded += 1 + (isScalar(target) && typeof target.source === 'string' ? target.source.length : 0);
    const yamlNode = (target ?? null) as YamlNode | null;
    const span = nodeSpan(isAlias(node) ? (node as YamlNode) : yamlNode, keySpan);
    const origin: NodeOrigin = {
      node: yamlNode,
      keySpan,
      span,
      emptyPlain: isEmptyPlain(target),
      plain: target == null || isPlainScalar(target),
      quoted: isScalar(target) && !isPlainScalar(target),
    };
    origins.set(pointer, origin);
    if (depth > 200) return null; // pathological nesting: nothing a policy needs lives this deep
    if (isMap(target)) {
      const out: Record<string, unknown> = Object.create(null);
      const seenAt = new Map<string, Span>();
      for (const item of target.items) {
        const pair = item as Pair;
        if (!isPair(pair)) continue;
        const keyNode = pair.key as unknown;
        if (keyNode != null && !isScalar(keyNode) && !isAlias(keyNode)) {
          complexKeys.push(nodeSpan(keyNode as YamlNode));
          continue;
        }
        const keyScalar = (isAlias(keyNode) ? keyNode.resolve(doc) : keyNode) as Scalar | null;
        const key = keyScalar && isScalar(keyScalar) ? scalarString(keyScalar) : '';
        const kSpan = nodeSpan(keyNode as YamlNode);
        const childPointer = pointer + '/' + escapePointer(key);
        const first = seenAt.get(key);
        if (first) {
          duplicates.push({ key, pointer, span: kSpan, firstSpan: first });
          continue;
        }
        seenAt.set(key, kSpan);
        out[key] = convert(pair.value, childPointer, kSpan, depth + 1, viaAlias);
      }
      return out;
    }
    if (isSeq(target)) {
      return target.items.map((item, i) => convert(item, pointer + '/' + i, undefined, depth + 1, viaAlias));
    }
    if (isScalar(target)) {
      const text = scalarString(target);
      origin.scalarText = text;
      if (isPlainScalar(target)) return resolvePlain(text);
      return text;
    }
    return null;
  };

  const value = convert(doc.contents, '', undefined, 0);
  return { value, origins, duplicates, aliasBudgetExceeded, complexKeys };
}

/** Follows an alias to its anchor (one level), so model extraction sees the real node. */
export function deref(doc: Document.Parsed, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) ?? null : node;
}
