// What is under the cursor: the YAML node at an offset, as a logical path (`['filesystem_policy',
// 'read_only', 3]`) and whether the cursor is on a mapping key or on a value. Works on the parsed
// document the analysis already holds, so hovers never parse again.
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Analysis, DocumentAnalysis } from '../analyze';
import type { Span } from '../types';

export interface Located {
  document: DocumentAnalysis;
  /** Path of the value the cursor is in or on the key of. */
  path: (string | number)[];
  /** On a mapping key (path ends with that key) or on a scalar value. */
  on: 'key' | 'value';
  span: Span;
  /** The scalar's source text when on a scalar. */
  scalar?: string;
}

/** The document of a stream that holds an offset (the last one starting at or before it). */
export function documentAt(analysis: Analysis, offset: number): DocumentAnalysis | undefined {
  let found: DocumentAnalysis | undefined;
  for (const d of analysis.documents) {
    if (d.span.start <= offset) found = d;
  }
  return found;
}

interface RangedNode {
  range?: [number, number, number] | null;
}

function spanOf(node: unknown): Span | undefined {
  const r = (node as RangedNode | null)?.range;
  return r ? { start: r[0], end: r[1] } : undefined;
}

const inside = (span: Span | undefined, offset: number) => !!span && offset >= span.start && offset <= span.end;

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return key.source ?? String(key.value);
  return undefined;
}

export function locate(analysis: Analysis, offset: number): Located | undefined {
  const document = documentAt(analysis, offset);
  const contents = document?.yaml?.contents;
  if (!document || !contents) return undefined;
  const path: (string | number)[] = [];
  let node: unknown = contents;
  for (let depth = 0; depth < 100; depth++) {
    if (isAlias(node)) return undefined;
    if (isMap(node)) {
      let next: unknown;
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const kSpan = spanOf(item.key);
        const name = keyText(item.key);
        if (name === undefined) continue;
        if (inside(kSpan, offset)) return { document, path: [...path, name], on: 'key', span: kSpan!, scalar: name };
        if (item.value && inside(spanOf(item.value), offset)) {
          path.push(name);
          next = item.value;
          break;
        }
      }
      if (next === undefined) return undefined;
      node = next;
      continue;
    }
    if (isSeq(node)) {
      const index = node.items.findIndex((it) => inside(spanOf(it), offset));
      if (index < 0) return undefined;
      path.push(index);
      node = node.items[index];
      continue;
    }
    if (isScalar(node)) {
      const span = spanOf(node);
      if (!span) return undefined;
      return { document, path, on: 'value', span, scalar: node.source ?? String(node.value ?? '') };
    }
    return undefined;
  }
  return undefined;
}
