// Effective access of a path under a ruleset: Landlock ORs the rules bound to the path's inode and to
// every ancestor directory on the walk; rights the ruleset does not handle are always allowed.
// Indexing rules by bound path makes each query O(depth), so shadow detection is never quadratic.
import type { EffectiveRuleset, LandlockRule } from '../model';
import type { PathKind } from '../types';
import { normalizePath, selfAndAncestors } from '../fsview/paths';
import type { PathResolver, Resolution } from '../fsview/views';
import { ALL_RIGHTS, FILE_RIGHTS, unhandledRights } from './rights';

export interface AccessResult {
  /** Canonical path queried (after following symlinks). */
  resolved: Resolution;
  kind: PathKind;
  /** Every right the sandboxed process holds on the path. */
  rights: number;
  /** Rules that apply: bound to the path or to an ancestor directory, outermost first. */
  rules: LandlockRule[];
}

export class AccessIndex {
  private readonly byBoundPath = new Map<string, LandlockRule[]>();

  constructor(readonly ruleset: EffectiveRuleset, private readonly resolver: PathResolver) {
    for (const rule of ruleset.rules) {
      if (rule.boundTo === null) continue;
      const list = this.byBoundPath.get(rule.boundTo);
      if (list) list.push(rule);
      else this.byBoundPath.set(rule.boundTo, [rule]);
    }
  }

  /** Rules bound exactly to this canonical path. */
  rulesAt(canonical: string): LandlockRule[] {
    return this.byBoundPath.get(canonical) ?? [];
  }

  /** Rules bound to strict ancestors of a canonical path, outermost first. */
  rulesAbove(canonical: string): LandlockRule[] {
    const out: LandlockRule[] = [];
    const chain = selfAndAncestors(canonical);
    for (let i = 0; i < chain.length - 1; i++) {
      const found = this.byBoundPath.get(chain[i]);
      if (found) out.push(...found);
    }
    return out;
  }

  access(path: string): AccessResult {
    const resolved = this.resolver.resolve(normalizePath(path));
    const kind = resolved.kind === 'symlink' ? 'unknown' : resolved.kind;
    const nonDirectory = kind === 'file' || kind === 'other';
    if (!this.ruleset.applied) {
      return { resolved, kind, rights: nonDirectory ? FILE_RIGHTS : ALL_RIGHTS, rules: [] };
    }
    const rules = [...this.rulesAbove(resolved.path), ...this.rulesAt(resolved.path)];
    let granted = 0;
    for (const rule of rules) granted |= rule.rights;
    let rights = granted | unhandledRights(this.ruleset.handled);
    if (nonDirectory) rights &= FILE_RIGHTS;
    return { resolved, kind, rights, rules };
  }
}
