// Effective access of a path under a ruleset: Landlock ORs the rules bound to the path's inode and to
// every ancestor directory on the walk; rights the ruleset does not handle are always allowed.
// Indexing rules by bound path makes each query O(depth), so shadow detection is never quadratic.
import type { EffectiveRuleset, LandlockRule } from '../model';
import type { PathKind } from '../types';
import { normalizePath } from '../fsview/paths';
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

const NONE: LandlockRule[] = [];

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
    return this.byBoundPath.get(canonical) ?? NONE;
  }

  /**
   * Rules bound to strict ancestors of a canonical path, outermost first. Shared, never to be modified:
   * the answer for a path is its parent directory's (rules at or above it), computed once per
   * directory, so the entries of one directory (and the checks asking twice per entry) reuse it
   * instead of slicing and hashing every ancestor of every path on every keystroke.
   */
  rulesAbove(canonical: string): LandlockRule[] {
    if (canonical === '/') return NONE;
    const slash = canonical.lastIndexOf('/');
    return this.rulesAtOrAbove(slash <= 0 ? '/' : canonical.slice(0, slash));
  }

  /** Per directory: the rules bound to it and to its ancestors, outermost first. */
  private readonly atOrAbove = new Map<string, LandlockRule[]>();

  private rulesAtOrAbove(directory: string): LandlockRule[] {
    let rules = this.atOrAbove.get(directory);
    if (rules === undefined) {
      const above = this.rulesAbove(directory);
      const at = this.byBoundPath.get(directory);
      rules = !at ? above : above.length === 0 ? at : [...above, ...at];
      this.atOrAbove.set(directory, rules);
    }
    return rules;
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
