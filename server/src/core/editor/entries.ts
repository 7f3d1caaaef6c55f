// The effective access of the path entries a policy lists, shared by hovers, inlay hints, document
// symbols, code lenses and the effective-access tree. The index of entries is built once per
// analysis; each entry's explanation is computed only when something asks for it, so a hover or the
// inlay hints of the visible lines cost what they show, not the size of the policy.
import type { Analysis, DocumentAnalysis } from '../analyze';
import type { LandlockRule, PathEntry } from '../model';
import type { Shadowing } from '../rules/checks';
import type { Access, Explanation, Span } from '../types';
import { explain } from '../explain';
import { accessLevel } from '../landlock/rights';

export interface EntryAccess {
  entry: PathEntry;
  document: DocumentAnalysis;
  /** The Landlock rule the entry became; undefined when the validator rejects the path (it never reaches Landlock). */
  rule?: LandlockRule;
  explanation?: Explanation;
  access?: Access;
  /** Set for a read_only entry that a writable rule at or above it makes writable. */
  shadowing?: Shadowing;
  /** The path is missing, so Landlock skips the rule. */
  missing: boolean;
  /** No Landlock ruleset is applied at all. */
  unrestricted: boolean;
  /** Short label: `rw`, `ro`, `rw (shadowed)`, `none`, `missing`, `rw (no Landlock)`; undefined without a rule. */
  label?: string;
}

interface IndexedEntry {
  entry: PathEntry;
  document: DocumentAnalysis;
  rule?: LandlockRule;
  shadowing?: Shadowing;
  access?: EntryAccess;
}

const indexes = new WeakMap<Analysis, IndexedEntry[]>();

export const SHORT_ACCESS: Record<Access, string> = { 'read-write': 'rw', 'read-only': 'ro', none: 'none' };

function index(analysis: Analysis): IndexedEntry[] {
  const hit = indexes.get(analysis);
  if (hit) return hit;
  const out: IndexedEntry[] = [];
  for (const document of analysis.documents) {
    const model = document.model;
    const ruleset = document.ruleset;
    if (!document.isPolicy || !model || !ruleset) continue;
    const rules = new Map<PathEntry, LandlockRule>();
    for (const rule of ruleset.rules) if (rule.entry) rules.set(rule.entry, rule);
    const shadowings = new Map<PathEntry, Shadowing>();
    for (const s of document.shadowings ?? []) shadowings.set(s.entry, s);
    for (const entry of [...model.filesystem.readOnly, ...model.filesystem.readWrite]) {
      out.push({ entry, document, rule: rules.get(entry), shadowing: shadowings.get(entry) });
    }
  }
  out.sort((a, b) => a.entry.span.start - b.entry.span.start);
  indexes.set(analysis, out);
  return out;
}

function resolve(analysis: Analysis, item: IndexedEntry): EntryAccess {
  if (item.access) return item.access;
  const { entry, document, rule, shadowing } = item;
  const ruleset = document.ruleset!;
  let explanation: Explanation | undefined;
  const result: EntryAccess = {
    entry, document, rule, shadowing, missing: false, unrestricted: !ruleset.applied,
    // The full explanation (grants, notes) is built only for the texts that show it.
    get explanation() {
      if (!rule) return undefined;
      return (explanation ??= explain(analysis, entry.normalized, document));
    },
  };
  if (rule && document.access) {
    result.access = ruleset.applied ? accessLevel(document.access.access(entry.normalized).rights) : 'read-write';
    result.missing = rule.boundTo === null;
    result.label = !ruleset.applied
      ? 'rw (no Landlock)'
      : shadowing
        ? 'rw (shadowed)'
        : result.missing
          ? 'missing'
          : SHORT_ACCESS[result.access];
  }
  item.access = result;
  return result;
}

/** Every path entry of every policy document, in text order. */
export function entryAccesses(analysis: Analysis): EntryAccess[] {
  return index(analysis).map((item) => resolve(analysis, item));
}

/** The entry whose scalar holds the offset (ends included, so a cursor just after the path counts). */
export function entryAt(analysis: Analysis, offset: number): EntryAccess | undefined {
  const items = index(analysis);
  // Entries are sorted by start and never overlap: binary search for the last one starting at or before offset.
  let low = 0;
  let high = items.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (items[mid].entry.span.start <= offset) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  const item = found >= 0 ? items[found] : undefined;
  return item && offset <= item.entry.span.end ? resolve(analysis, item) : undefined;
}

/** Entries whose scalar overlaps a span (inlay hints ask for the visible range). */
export function entriesIn(analysis: Analysis, span: Span): EntryAccess[] {
  return index(analysis)
    .filter((item) => item.entry.span.end >= span.start && item.entry.span.start <= span.end)
    .map((item) => resolve(analysis, item));
}
