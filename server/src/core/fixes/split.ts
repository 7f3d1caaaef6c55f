// The Landlock-safe split for shadowed read_only entries (filled in by the split engine).
import type { Fix } from '../types';
import type { CheckContext, Shadowing } from '../rules/checks';

export type SplitContext = Omit<CheckContext, 'emit'>;

/** Fixes for each shadowed entry, keyed by the entry's span start. */
export function splitFixesFor(_ctx: SplitContext, _shadowings: Shadowing[]): Map<number, Fix[]> {
  return new Map();
}
