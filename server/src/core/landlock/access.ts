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

  /** Rules bound to strict ancestors of a canonical path, outermost first. */
  rulesAbove(canonical: string): LandlockRule[] {
    // Walks the ancestors by slicing at each '/', root first, without building the chain: this runs
    // once per entry for every rule, on every keystroke.
    let out: LandlockRule[] | undefined;
    if (canonical !== '/') {
      const root = this.byBoundPath.get('/');
      if (root) out = [...root];
    }
    for (let i = canonical.indexOf('/', 1); i !== -1; i = canonical.indexOf('/', i + 1)) {
      const found = this.byBoundPath.get(canonical.slice(0, i));
      if (found) (out ??= []).push(...found);
    }
    return out ?? NONE;
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
