// Structural views of a policy for the editor: the document outline, inlay hints with the effective
// access of each path, the summary above filesystem_policy, and the effective-access tree.
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Analysis, DocumentAnalysis } from '../analyze';
import type { Span } from '../types';
import { isAtOrUnder, isStrictlyUnder, normalizePath } from '../fsview/paths';
import { explain } from '../explain';
import { entriesIn, entryAccesses } from './entries';
import type { EntryAccess } from './entries';
import { describeGrant } from './explain-text';
import { code, plural } from './markdown';

export type OutlineKind = 'document' | 'section' | 'key' | 'list' | 'entry' | 'item';

export interface OutlineNode {
  name: string;
  detail?: string;
  kind: OutlineKind;
  /** Whole node (key and value). */
  span: Span;
  /** The part to select/reveal (the key, or the scalar of an entry). */
  selectionSpan: Span;
  children: OutlineNode[];
}

interface Ranged {
  range?: [number, number, number] | null;
}
const spanOf = (n: unknown): Span | undefined => {
  const r = (n as Ranged | null)?.range;
  return r ? { start: r[0], end: r[1] } : undefined;
};

function scalarSummary(node: unknown): string | undefined {
  if (isScalar(node)) return node.source ?? String(node.value ?? '');
  if (isSeq(node)) return plural(node.items.length, 'item');
  if (isMap(node)) return plural(node.items.length, 'key');
  return undefined;
}

/** Outline of every document: top-level sections, their keys, and each path entry with its access. */
export function documentOutline(analysis: Analysis): OutlineNode[] {
  if (!analysis.isPolicy) return [];
  const entries = new Map<number, EntryAccess>(entryAccesses(analysis).map((e) => [e.entry.span.start, e]));
  const perDocument: OutlineNode[][] = [];
  for (const document of analysis.documents) {
    const contents = document.yaml?.contents;
    if (!contents || !isMap(contents)) continue;
    perDocument.push(mapChildren(contents, 0, document, entries, []));
  }
  if (perDocument.length <= 1) return perDocument[0] ?? [];
  // Several documents: one node per document so that the sections do not mix.
  return analysis.documents
    .filter((d) => d.yaml?.contents && isMap(d.yaml.contents))
    .map((d, i) => ({ name: `document ${i + 1}`, kind: 'document' as const, span: d.span, selectionSpan: { start: d.span.start, end: d.span.start }, children: perDocument[i] }));
}

function mapChildren(map: unknown, depth: number, document: DocumentAnalysis, entries: Map<number, EntryAccess>, path: string[]): OutlineNode[] {
  if (!isMap(map)) return [];
  const out: OutlineNode[] = [];
  for (const pair of map.items) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const name = pair.key.source ?? String(pair.key.value);
    const keySpan = spanOf(pair.key);
    if (!keySpan) continue;
    const valueSpan = spanOf(pair.value);
    const span = { start: keySpan.start, end: Math.max(keySpan.end, valueSpan?.end ?? keySpan.end) };
    const node: OutlineNode = { name, kind: depth === 0 ? 'section' : 'key', span, selectionSpan: keySpan, children: [] };
    const here = [...path, name];
    if (here.length === 2 && here[0] === 'filesystem_policy' && (name === 'read_only' || name === 'read_write')) {
      node.kind = 'list';
      const listEntries = [...entries.values()].filter((e) => e.document === document && e.entry.list === name);
      node.detail = plural(listEntries.length, 'path');
      node.children = listEntries.map((e) => ({
        name: e.entry.raw,
        detail: e.access ? `${e.access}${e.shadowing ? ' (shadowed)' : e.missing ? ' (missing)' : ''}` : 'rejected by OpenShell',
        kind: 'entry' as const,
        span: e.entry.span,
        selectionSpan: e.entry.span,
        children: [],
      }));
    } else if (isMap(pair.value) && depth < 2) {
      node.children = mapChildren(pair.value, depth + 1, document, entries, here);
      if (here.length === 1 && here[0] === 'network_policies') node.detail = plural(node.children.length, 'rule');
    } else if (isSeq(pair.value) && depth < 2) {
      node.detail = scalarSummary(pair.value);
      node.children = pair.value.items.flatMap((item, i) => {
        const s = spanOf(item);
        if (!s) return [];
        const label = isMap(item) ? itemLabel(item) ?? `[${i}]` : scalarSummary(item) ?? `[${i}]`;
        return [{ name: label, kind: 'item' as const, span: s, selectionSpan: s, children: isMap(item) && depth < 1 ? mapChildren(item, depth + 1, document, entries, [...here, String(i)]) : [] }];
      });
    } else {
      node.detail = scalarSummary(pair.value);
      if (here.length === 2 && here[0] === 'landlock' && name === 'compatibility') {
        node.detail = `${node.detail ?? ''} → ${document.model?.landlock.compatibility?.value === 'hard_requirement' ? 'hard_requirement' : 'best_effort'}`.trim();
      }
    }
    out.push(node);
  }
  return out;
}

/** `host:port` of an endpoint, `path` of a binary, `name` of a middleware. */
function itemLabel(map: unknown): string | undefined {
  if (!isMap(map)) return undefined;
  const get = (k: string) => {
    const pair = map.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === k);
    return pair && isPair(pair) && isScalar(pair.value) ? String(pair.value.value) : undefined;
  };
  const host = get('host');
  if (host) return get('port') ? `${host}:${get('port')}` : host;
  return get('path') ?? get('name');
}

export interface InlayHintInfo {
  /** Where the hint goes: just after the path scalar. */
  offset: number;
  label: string;
  tooltip: string;
}

export function inlayHints(analysis: Analysis, span?: Span): InlayHintInfo[] {
  if (!analysis.isPolicy) return [];
  const out: InlayHintInfo[] = [];
  for (const e of span ? entriesIn(analysis, span) : entryAccesses(analysis)) {
    if (!e.label || !e.explanation) continue;
    // Other rules that reach this path; for a read_write entry a read_only one adds nothing worth saying.
    const grants = e.explanation.grantedBy.filter((g) => (g.source !== e.entry.list || g.path !== e.entry.raw) && (e.entry.list === 'read_only' || g.source !== 'read_only'));
    const why = e.shadowing
      ? ` — made writable by ${describeGrant(e.explanation.grantedBy.find((g) => g.source !== 'read_only') ?? e.explanation.grantedBy[0])}`
      : grants.length && e.access !== 'none' ? ` — also granted by ${grants.map(describeGrant).join('; ')}` : '';
    out.push({ offset: e.entry.span.end, label: e.label, tooltip: `Effective access: ${e.unrestricted ? 'read-write (no Landlock ruleset)' : e.access}${why}`.replace(/`/g, '') });
  }
  return out;
}

export interface LensInfo {
  span: Span;
  title: string;
}

/** The read-write roots: rules granting write that no other write rule above them covers. */
export function writableTrees(document: DocumentAnalysis): string[] {
  const ruleset = document.ruleset;
  if (!ruleset) return [];
  const rw = [...new Set(ruleset.rules.filter((r) => r.access === 'read_write' && r.boundTo !== null).map((r) => r.boundTo!))];
  return rw.filter((p) => !rw.some((q) => q !== p && isStrictlyUnder(p, q))).sort();
}

/** One summary above each `filesystem_policy:` key. */
export function codeLenses(analysis: Analysis): LensInfo[] {
  if (!analysis.isPolicy) return [];
  const out: LensInfo[] = [];
  for (const document of analysis.documents) {
    const model = document.model;
    const ruleset = document.ruleset;
    const keySpan = model?.filesystem.keySpan;
    if (!model || !ruleset || !keySpan) continue;
    if (!ruleset.applied) {
      out.push({ span: keySpan, title: 'No Landlock ruleset: every path is read-write' });
      continue;
    }
    const trees = writableTrees(document);
    const shadowed = document.shadowings?.length ?? 0;
    const names = trees.join(', ');
    const treesText = trees.length === 0 ? 'nothing writable' : `${plural(trees.length, 'writable tree')}${trees.length <= 3 && names.length <= 60 ? `: ${names}` : ''}`;
    const shadowText = shadowed ? `${plural(shadowed, 'read_only entry', 'read_only entries')} shadowed` : 'no read_only entry shadowed';
    out.push({ span: keySpan, title: `${treesText} · ${shadowText}` });
  }
  return out;
}

interface TreeRow {
  path: string;
  line: string;
}

/** Every listed path, the workdir and the baseline with their effective access, nested by path. */
export function effectiveAccessMarkdown(analysis: Analysis, title: string): string | undefined {
  const document = analysis.documents.find((d) => d.isPolicy && d.ruleset && d.access);
  const ruleset = document?.ruleset;
  if (!document || !ruleset) return undefined;
  const entries = entryAccesses(analysis).filter((e) => e.document === document);
  const out: string[] = [];
  out.push(`# Effective access: ${title}`);
  out.push('');
  const facts = [
    `workdir ${code(ruleset.workdir)} ${ruleset.includeWorkdir ? 'included (include_workdir: true)' : 'not included'}`,
    `Landlock ABI ${ruleset.abi}`,
    analysis.options.view.description,
  ];
  out.push(facts.join(' · '));
  out.push('');
  if (!ruleset.applied) {
    out.push(`**No Landlock ruleset is applied** (${ruleset.notAppliedReason}): every path is read-write with every right.`);
    return out.join('\n');
  }

  const paths = new Map<string, string[]>();
  const note = (p: string, what: string) => {
    const list = paths.get(p) ?? [];
    if (!list.includes(what)) list.push(what);
    paths.set(p, list);
  };
  for (const e of entries) {
    if (!e.rule) continue;
    const line = analysis.lines.lineColumn(e.entry.span.start).line;
    const tag = e.shadowing ? `${e.entry.list} line ${line}, **shadowed**` : `${e.entry.list} line ${line}${e.missing ? ', missing' : ''}`;
    note(e.entry.normalized, tag);
  }
  if (ruleset.includeWorkdir) note(normalizePath(ruleset.workdir), 'workdir');
  for (const b of ruleset.baseline) note(b.path, `baseline ${b.access}`);

  const sorted = [...paths.keys()].sort((a, b) => (a === b ? 0 : comparePaths(a, b)));
  const rows: TreeRow[] = [];
  const stack: string[] = [];
  for (const p of sorted) {
    while (stack.length && !isAtOrUnder(p, stack[stack.length - 1])) stack.pop();
    const depth = stack.length;
    const x = explain(analysis, p, document);
    const shadowed = entries.find((e) => e.shadowing && e.entry.normalized === p);
    const access = x.access === 'read-write' ? '**read-write**' : x.access;
    const warn = shadowed ? ` ⚠ listed read_only but writable: ${describeWinnerShort(shadowed)}` : '';
    rows.push({ path: p, line: `${'  '.repeat(depth)}- ${code(p)}: ${access} (${paths.get(p)!.join('; ')})${warn}` });
    stack.push(p);
  }
  out.push(...rows.map((r) => r.line));
  const shadowCount = entries.filter((e) => e.shadowing).length;
  out.push('');
  out.push(`Writable trees: ${writableTrees(document).map(code).join(', ') || 'none'}.`);
  out.push(shadowCount ? `${plural(shadowCount, 'read_only entry', 'read_only entries')} shadowed (writable despite read_only).` : 'No read_only entry is shadowed.');
  const unhandled = explain(analysis, '/', document).notes.find((n) => n.startsWith('Not handled'));
  if (unhandled) out.push(unhandled);
  return out.join('\n');
}

function describeWinnerShort(e: EntryAccess): string {
  const g = e.explanation?.grantedBy.find((x) => x.source !== 'read_only');
  return g ? describeGrant(g) : 'a writable rule above it';
}

/** Orders paths so that a directory comes right before everything under it. */
function comparePaths(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}
