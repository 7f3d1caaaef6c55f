// A fast reader for the plain block YAML that policies are written in, producing the same nodes (types,
// sources, ranges) as the `yaml` library's parser would, at a fraction of its cost.
//
// Why: the `yaml` library's parser (its CST stage, built on generators) is most of what an analysis
// costs, and a language server runs on every keystroke. Policies use a small part of YAML: block
// mappings and sequences, plain and simply quoted scalars, one-line flow collections and comments.
//
// How it stays exact: it reads only what it positively recognises and gives up (returns undefined) on
// anything else: anchors, aliases, tags, block scalars, multi-line scalars, escapes, tabs, directives,
// several documents, odd indentation, anything the `yaml` library might report as an error. The caller
// then uses the `yaml` library, so an input is always read by one of two readers that agree; a
// differential test (test/unit/fast-parse.test.ts) checks that they do on the corpus and on thousands of
// mutated policies.
import { Document, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Node } from 'yaml';
import { nodes } from './fast-nodes';

/** Thrown (and caught in fastParse) when the input leaves the subset this reader handles. */
class GiveUp extends Error {}
const GIVE_UP = new GiveUp('outside the fast subset');
function giveUp(): never {
  throw GIVE_UP;
}

/**
 * Characters this reader does not handle anywhere: tabs, control characters, a BOM, non-characters,
 * surrogates (astral characters), C1 controls and Unicode line separators, a CR not followed by LF.
 */
const UNSUPPORTED = /[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]|\r(?!\n)/;

const SPACE = 32;
const HASH = 35;
const COLON = 58;
const DASH = 45;

/** Longest implicit key the `yaml` library accepts is 1024 characters; stay well inside. */
const MAX_KEY = 1000;
/** Deeper nesting goes to the full parser (which has its own limits and messages). */
const MAX_DEPTH = 100;

interface Collection {
  node: YAMLMap | YAMLSeq;
  /** Column of its items (keys, or `-`): what the `yaml` parser compares comment lines with. */
  col: number;
  /** End of trailing comment lines absorbed after the last item (the `yaml` library's commentEnd). */
  commentEnd: number;
}

export function fastParse(text: string): Document.Parsed | undefined {
  if (text.length === 0 || UNSUPPORTED.test(text)) return undefined;
  try {
    return new FastReader(text).document();
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

class FastReader {
  private readonly text: string;
  /** Start of the current line. */
  private lineStart = 0;
  /** End of the current line's content (before CR LF / LF). */
  private lineEnd = 0;
  /** Start of the next line (text.length at the end). */
  private nextStart = 0;
  /** Indentation of the current line; -1 when past the end. */
  private indent = -1;
  private readonly stack: Collection[] = [];
  /** Where the last plain scalar read ends, and its colon when it is a key (set by `plain`, read at once). */
  private plainEnd = 0;
  private plainKeyEnd: number | undefined = undefined;

  constructor(text: string) {
    this.text = text;
  }

  document(): Document.Parsed {
    this.loadLine(0);
    this.skipNonContent(); // leading blank and comment lines
    if (this.indent < 0) giveUp(); // empty or comment-only: the full parser says what that is
    const start = this.lineStart;
    this.checkNotMarker();
    const root = this.blockNode(this.indent, 0);
    if (this.indent >= 0) giveUp(); // content left over (less indented than the root)
    if (!(root instanceof YAMLMap || root instanceof YAMLSeq) || root.flow) giveUp();
    const doc = new Document(undefined, { version: '1.2' }) as unknown as Document.Parsed;
    (doc as { contents: unknown }).contents = root;
    (doc as { range: unknown }).range = [start, root.range![2], this.text.length];
    return doc;
  }

  // ---- lines ------------------------------------------------------------------------------------

  private loadLine(start: number): void {
    const text = this.text;
    if (start >= text.length) {
      this.lineStart = this.lineEnd = this.nextStart = text.length;
      this.indent = -1;
      return;
    }
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    this.lineStart = start;
    this.nextStart = nl < text.length ? nl + 1 : nl;
    this.lineEnd = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    let i = start;
    while (i < this.lineEnd && text.charCodeAt(i) === SPACE) i++;
    this.indent = i - start;
  }

  /** Whether the current line holds nothing but spaces or a comment. */
  private isNonContent(): boolean {
    const at = this.lineStart + this.indent;
    return at >= this.lineEnd || this.text.charCodeAt(at) === HASH;
  }

  private skipNonContent(): void {
    while (this.indent >= 0 && this.isNonContent()) this.loadLine(this.nextStart);
  }

  /** `---`, `...` and `%` directives at the start of a line: documents and directives are not handled. */
  private checkNotMarker(): void {
    if (this.indent !== 0) return;
    const c = this.text.charCodeAt(this.lineStart);
    if (c === 37 /* % */) giveUp();
    if ((c === DASH || c === 46) && this.text.startsWith(c === DASH ? '---' : '...', this.lineStart)) giveUp();
  }

  /**
   * After an inline value that ends its line: moves to the next content line. Comment lines in between
   * end up where the `yaml` parser puts them, which decides node ranges: while they are more indented
   * than the value's collection they extend the value's end; from the first one that is not, they are
   * held (`pending`) and travel outwards with each collection that closes, staying in the first one they
   * are not all less indented than (its end then runs to the next content).
   */
  private finishLine(node: Node): void {
    const innermost = this.stack[this.stack.length - 1];
    const ownIndent = innermost ? innermost.col : -1;
    this.loadLine(this.nextStart);
    let extending = true;
    let maxIndent = -1;
    while (this.indent >= 0 && this.isNonContent()) {
      if (this.lineStart + this.indent < this.lineEnd) {
        // a comment line
        const c = this.indent;
        if (extending && c > ownIndent) node.range![2] = this.nextStart;
        else {
          extending = false;
          if (c > maxIndent) maxIndent = c;
        }
      }
      this.loadLine(this.nextStart);
    }
    this.pending = maxIndent < 0 ? undefined : { maxIndent, end: this.indent < 0 ? this.text.length : this.lineStart + this.indent };
    this.checkNotMarker();
  }

  /** Held comment lines (see finishLine): the most indented one, and where the next content starts. */
  private pending: { maxIndent: number; end: number } | undefined;

  /** A collection closes: it keeps the held comments unless they are all less indented than it. */
  private close(self: Collection): void {
    if (this.pending && self.col !== 0 && this.pending.maxIndent >= self.col) {
      self.commentEnd = this.pending.end;
      this.pending = undefined;
    }
  }

  // ---- block structure --------------------------------------------------------------------------

  /** A node starting at column `col` of the current line. */
  private blockNode(col: number, depth: number): Node {
    if (depth > MAX_DEPTH) giveUp();
    const at = this.lineStart + col;
    const c = this.text.charCodeAt(at);
    if (c === DASH && this.isIndicator(at)) return this.blockSeq(col, depth);
    const first = this.inlineValue(at, 'block');
    if (first.keyEnd !== undefined) return this.blockMap(col, first, depth);
    // A scalar or flow collection on its own line (the root, or a value on the line after its key).
    this.endOfLine(first.end);
    this.finishLine(first.node);
    return first.node;
  }

  private isIndicator(at: number): boolean {
    const next = this.text.charCodeAt(at + 1);
    if (at + 1 >= this.lineEnd) giveUp(); // `-` alone: an item on the next line (not handled)
    return next === SPACE;
  }

  private blockSeq(col: number, depth: number): YAMLSeq {
    const seq = nodes.seq();
    const self: Collection = { node: seq, col, commentEnd: -1 };
    this.stack.push(self);
    const start = this.lineStart + col;
    let end = start;
    for (;;) {
      // At `- ` in column `col` of the current line.
      self.commentEnd = -1;
      let at = this.lineStart + col + 1;
      while (at < this.lineEnd && this.text.charCodeAt(at) === SPACE) at++;
      if (at >= this.lineEnd || this.text.charCodeAt(at) === HASH) giveUp(); // empty item / item below
      if (this.isDashSpace(at)) giveUp(); // `- - x`
      const itemCol = at - this.lineStart;
      const first = this.inlineValue(at, 'block');
      let item: Node;
      if (first.keyEnd !== undefined) {
        item = this.blockMap(itemCol, first, depth + 1);
      } else {
        this.endOfLine(first.end);
        item = first.node;
        this.finishLine(item);
      }
      seq.items.push(item);
      end = item.range![2];
      if (this.indent < 0 || this.indent < col) break;
      if (this.indent > col) giveUp();
      if (!this.isDashSpace(this.lineStart + col)) break;
      this.pending = undefined; // held comments open the next item
    }
    this.close(self);
    this.stack.pop();
    seq.range = [start, end, Math.max(end, self.commentEnd)];
    return seq;
  }

  private blockMap(col: number, firstKey: Inline, depth: number): YAMLMap {
    const map = nodes.map();
    const self: Collection = { node: map, col, commentEnd: -1 };
    this.stack.push(self);
    const start = firstKey.node.range![0];
    let key = firstKey;
    let end = start;
    for (;;) {
      self.commentEnd = -1;
      const keyNode = key.node;
      if (!(keyNode instanceof Scalar)) giveUp(); // flow collection as a key
      if (keyNode.range![1] - keyNode.range![0] > MAX_KEY) giveUp();
      // The key's range ends at the key text (no trailing node end).
      keyNode.range![2] = keyNode.range![1];
      let at = key.keyEnd! + 1; // after the colon
      while (at < this.lineEnd && this.text.charCodeAt(at) === SPACE) at++;
      let value: Node;
      if (at >= this.lineEnd || this.text.charCodeAt(at) === HASH) {
        // Nothing after the colon: the value is on the following lines, or empty.
        const hasComment = at < this.lineEnd;
        const empty = nodes.scalar(null, '', Scalar.PLAIN, [at, at, at]);
        const keyLineNext = this.nextStart;
        this.loadLine(this.nextStart);
        // After `key: # comment` the empty value's end runs to the next content.
        if (hasComment) empty.range![2] = this.lineStart + Math.max(this.indent, 0);
        this.skipNonContent();
        this.checkNotMarker();
        this.pending = undefined; // comments between a key and its block value stay with the pair
        if (this.indent > col) {
          value = this.blockNode(this.indent, depth + 1);
        } else if (this.indent === col && this.text.charCodeAt(this.lineStart + col) === DASH && this.isIndicator(this.lineStart + col)) {
          value = this.blockSeq(col, depth + 1);
        } else {
          // An empty value; blank or comment lines after it change its range in ways not modelled here.
          if (this.lineStart !== keyLineNext) giveUp();
          // At the very end of the text the `yaml` library ends the document before the last line break.
          if (this.indent < 0) giveUp();
          value = empty;
        }
      } else {
        if (this.isDashSpace(at)) giveUp(); // `key: - x`
        const inline = this.inlineValue(at, 'block');
        if (inline.keyEnd !== undefined) giveUp(); // `a: b: c`
        this.endOfLine(inline.end);
        value = inline.node;
        this.finishLine(value);
      }
      map.items.push(nodes.pair(keyNode, value));
      end = value.range![2];
      if (this.indent < 0 || this.indent < col) break;
      if (this.indent > col) giveUp();
      this.pending = undefined; // held comments open the next pair
      const next = this.lineStart + col;
      const c = this.text.charCodeAt(next);
      if (c === DASH && this.isIndicator(next)) giveUp(); // a sequence where a key belongs
      key = this.inlineValue(next, 'block');
      if (key.keyEnd === undefined) giveUp(); // a lone scalar in a mapping
    }
    this.close(self);
    this.stack.pop();
    map.range = [start, end, Math.max(end, self.commentEnd)];
    return map;
  }

  /** Only spaces and a comment may follow an inline value on its line. */
  private endOfLine(from: number): void {
    let i = from;
    while (i < this.lineEnd && this.text.charCodeAt(i) === SPACE) i++;
    if (i >= this.lineEnd) return;
    if (this.text.charCodeAt(i) === HASH && i > from) return;
    giveUp();
  }

  // ---- inline values ----------------------------------------------------------------------------

  /**
   * A scalar or flow collection starting at `at`. When it is followed by `: ` (or `:` at the end of the
   * line), it is a key and `keyEnd` is the colon's offset.
   */
  private inlineValue(at: number, context: 'block' | 'flow'): Inline {
    const text = this.text;
    const c = text.charCodeAt(at);
    let node: Node;
    let end: number;
    if (c === 39 /* ' */ || c === 34 /* " */) {
      const q = this.quoted(at, c);
      node = q.node;
      end = q.end;
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      const f = this.flow(at, 0);
      node = f.node;
      end = f.end;
    } else {
      node = this.plain(at, context);
      if (this.plainKeyEnd !== undefined) return { node, end: this.plainKeyEnd, keyEnd: this.plainKeyEnd };
      end = this.plainEnd;
    }
    // A quoted scalar or flow collection followed by `:` is a key.
    let i = end;
    while (i < this.lineEnd && text.charCodeAt(i) === SPACE) i++;
    if (text.charCodeAt(i) === COLON && i < this.lineEnd) {
      const after = text.charCodeAt(i + 1);
      if (i + 1 >= this.lineEnd || after === SPACE) {
        if (i !== end) giveUp(); // `"a" : b`: spaces before the colon (rare; not modelled)
        return { node, end, keyEnd: i };
      }
      if (context === 'flow' || c === 39 || c === 34) giveUp();
    }
    // In block context the node's end runs to the next line (set by finishLine).
    node.range![2] = context === 'block' ? this.nextStart : end;
    return { node, end };
  }

  private quoted(at: number, quote: number): { node: Scalar; end: number } {
    const text = this.text;
    let i = at + 1;
    let value = '';
    let from = i;
    for (;;) {
      if (i >= this.lineEnd) giveUp(); // runs onto the next line
      const c = text.charCodeAt(i);
      if (c === quote) {
        if (quote === 39 && text.charCodeAt(i + 1) === 39 && i + 1 < this.lineEnd) {
          value += text.slice(from, i + 1);
          i += 2;
          from = i;
          continue;
        }
        break;
      }
      if (c === 92 /* \ */ && quote === 34) giveUp(); // escapes: the full parser
      i++;
    }
    value += text.slice(from, i);
    const end = i + 1;
    const node = nodes.scalar(value, value, quote === 39 ? Scalar.QUOTE_SINGLE : Scalar.QUOTE_DOUBLE, [at, end, end]);
    this.checkAfterClosing(end);
    return { node, end };
  }

  /**
   * A plain scalar; stops at ` #`, at `: ` (then it is a key) and, in flow context, at `,[]{}`. Its end
   * and key colon go to plainEnd and plainKeyEnd rather than into a result object: one per scalar read.
   */
  private plain(at: number, context: 'block' | 'flow'): Scalar {
    const text = this.text;
    const lineEnd = this.lineEnd;
    const c0 = text.charCodeAt(at);
    if (!PLAIN_FIRST[c0]) {
      // `-`, `?`, `:` may start a plain scalar when a safe character follows.
      if (c0 === DASH || c0 === 63 || c0 === COLON) {
        if (at + 1 >= lineEnd || !PLAIN_FIRST[text.charCodeAt(at + 1)]) giveUp();
      } else if (c0 < 128) {
        giveUp();
      }
    }
    // The scalar's text, found natively (see PLAIN_BLOCK): a loop over its characters would run in
    // V8's interpreter during the first analyses of a fresh process.
    const scan = context === 'block' ? PLAIN_BLOCK : PLAIN_FLOW;
    scan.lastIndex = at;
    scan.test(text);
    const i = scan.lastIndex;
    let keyEnd: number | undefined;
    if (i < lineEnd && text.charCodeAt(i) === COLON) {
      // Stopped at a colon: one that ends the line or precedes a space makes this a key; in flow
      // context one before `,[]{}` is not handled.
      const n = i + 1 < lineEnd ? text.charCodeAt(i + 1) : -1;
      if (n !== -1 && n !== SPACE) giveUp();
      keyEnd = i;
    }
    let last = i; // end of the last non-space character
    while (last > at && text.charCodeAt(last - 1) === SPACE) last--;
    const source = text.slice(at, last);
    this.plainEnd = last;
    this.plainKeyEnd = keyEnd;
    return nodes.scalar(resolveCorePlain(source), source, Scalar.PLAIN, [at, last, last]);
  }

  /** A flow sequence or mapping that closes on the same line. */
  private flow(at: number, depth: number): { node: YAMLSeq | YAMLMap; end: number } {
    if (depth > MAX_DEPTH) giveUp();
    const text = this.text;
    const isMap = text.charCodeAt(at) === 123;
    const close = isMap ? 125 : 93;
    const node = isMap ? nodes.map() : nodes.seq();
    node.flow = true;
    let i = at + 1;
    const skip = () => {
      while (i < this.lineEnd && text.charCodeAt(i) === SPACE) i++;
      if (i >= this.lineEnd) giveUp(); // continues on the next line
    };
    skip();
    if (text.charCodeAt(i) !== close) {
      for (;;) {
        skip();
        const c = text.charCodeAt(i);
        if (c === 44 || c === close || c === HASH) giveUp(); // empty entry
        const entry = this.flowEntry(i, depth);
        const item = entry.node;
        i = entry.end;
        skip();
        if (text.charCodeAt(i) === COLON) {
          if (!isMap || !(item instanceof Scalar)) giveUp(); // a pair in a flow sequence, or a complex key
          if (item.range![1] !== i) giveUp();
          i++;
          if (text.charCodeAt(i) !== SPACE) giveUp();
          skip();
          const v = text.charCodeAt(i);
          if (v === 44 || v === close) giveUp(); // `{a: }`: empty value
          const valueEntry = this.flowEntry(i, depth);
          if (valueEntry.keyEnd !== undefined) giveUp(); // `{a: b: c}`
          const value = valueEntry.node;
          i = valueEntry.end;
          (node as YAMLMap).items.push(nodes.pair(item, value));
          skip();
          value.range![2] = i; // a flow node's end takes in the spaces after it
        } else {
          if (isMap) giveUp(); // `{a}`: a key without a value
          (node as YAMLSeq).items.push(item);
          item.range![2] = i;
        }
        const sep = text.charCodeAt(i);
        if (sep === close) break;
        if (sep !== 44) giveUp();
        i++;
        skip();
        if (text.charCodeAt(i) === close) giveUp(); // trailing comma
      }
    }
    const end = i + 1;
    node.range = [at, end, end];
    this.checkAfterClosing(end);
    return { node, end };
  }

  /** One entry of a flow collection (an item, a key or a value) starting at `at`. */
  private flowEntry(at: number, depth: number): { node: Node; end: number; keyEnd?: number } {
    const c = this.text.charCodeAt(at);
    if (c === 91 || c === 123) return this.flow(at, depth + 1);
    if (c === 39 || c === 34) return this.quoted(at, c);
    const node = this.plain(at, 'flow');
    return { node, end: this.plainEnd, keyEnd: this.plainKeyEnd };
  }

  /** After a closing quote or bracket only a space, `:` or a flow indicator may follow (`"a"b`, `"a"#c` are errors). */
  private checkAfterClosing(end: number): void {
    const after = this.text.charCodeAt(end);
    if (end < this.lineEnd && after !== SPACE && after !== COLON && after !== 44 && after !== 93 && after !== 125) giveUp();
  }

  /** Whether `- ` (a sequence indicator followed by a space) is at `at` on the current line. */
  private isDashSpace(at: number): boolean {
    return this.text.charCodeAt(at) === DASH && at + 1 < this.lineEnd && this.text.charCodeAt(at + 1) === SPACE;
  }
}

interface Inline {
  node: Node;
  /** End of the value text. */
  end: number;
  /** Offset of the `:` when the value is a mapping key. */
  keyEnd?: number;
}

/**
 * A plain scalar's text from its first character (sticky: `lastIndex` is where it starts): it stops at
 * ` #` (a comment), at a `:` that ends the line or precedes a space (a key), at the line's end and, in
 * flow context, at `,[]{}` and at a `:` before them. Line content holds no CR or LF (a lone CR was
 * refused), so stopping at them is stopping at the line's end. Each repetition consumes at least one
 * character and nothing follows the group, so the match never backtracks beyond one run of spaces.
 */
const PLAIN_BLOCK = /(?:[^ :\r\n]+|:(?=[^ \r\n])| +(?!#))*/y;
const PLAIN_FLOW = /(?:[^ :,[\]{}\r\n]+|:(?=[^ ,[\]{}\r\n])| +(?!#))*/y;

/** ASCII characters a plain scalar may start with. */
const PLAIN_FIRST: boolean[] = (() => {
  const ok: boolean[] = [];
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    ok[c] = /[A-Za-z0-9_/.~+$(=^<;\\)]/.test(ch);
  }
  return ok;
})();

// The core schema's number spellings (constants: a literal is a new RegExp object each time it runs).
const CORE_INT = /^[-+]?[0-9]+$/;
const CORE_HEX = /^0x[0-9a-fA-F]+$/;
const CORE_OCTAL = /^0o[0-7]+$/;
const CORE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const CORE_INFINITY = /^[-+]?\.(?:inf|Inf|INF)$/;
const CORE_NAN = /^\.(?:nan|NaN|NAN)$/;

/** The value the `yaml` library's core schema gives a plain scalar (nobody reads it for plain scalars; kept faithful). */
function resolveCorePlain(source: string): unknown {
  switch (source) {
    case '': case '~': case 'null': case 'Null': case 'NULL':
      return null;
    case 'true': case 'True': case 'TRUE':
      return true;
    case 'false': case 'False': case 'FALSE':
      return false;
  }
  const c = source.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
    if (CORE_INT.test(source)) return parseInt(source, 10);
    if (CORE_HEX.test(source)) return parseInt(source.slice(2), 16);
    if (CORE_OCTAL.test(source)) return parseInt(source.slice(2), 8);
    if (CORE_FLOAT.test(source)) return parseFloat(source);
    if (CORE_INFINITY.test(source)) return source.startsWith('-') ? -Infinity : Infinity;
    if (CORE_NAN.test(source)) return NaN;
  }
  return source;
}
