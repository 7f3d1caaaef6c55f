// The Landlock-safe split for shadowed read_only entries (ground truth §c, §d, Model §5).
//
// Landlock rules only add up, so a read_only path under a read_write directory A is writable. The only
// rewrite that protects it keeps the same kind of ruleset: A becomes read_only, and every other entry
// of each directory on the way from A down to the protected path gets its own read_write rule.
//
// Design: one rewrite per *group*, not per path. A group is every shadowed read_only entry that shares
// a write grant (read_write entry, workdir, baseline /tmp) with another, transitively. Every read_only
// entry under A is shadowed by A, so all of them are in A's group and are planned together: each
// finding of the group offers the same whole rewrite, and applying any one protects all of them. A
// per-path rewrite could not be consistent: splitting A for one path would list a sibling directory
// read_write that holds another protected path. Groups never interact (a sibling added for one group
// lies under one of its own write grants, so it cannot cover another group's path).
//
// The walk from A down to a protected path P stops being "writable" at another protected path
// (nested protected paths need nothing more) and becomes writable again at a read_write grant below it
// (rw nested under ro, §e), whose own directories are then split too.
import type { Finding, Fix, OffsetEdit } from '../types';
import type { LandlockRule, PathEntry } from '../model';
import type { CheckContext, Shadowing } from '../rules/checks';
import type { Analysis } from '../analyze';
import { isStrictlyUnder, joinPath, parentOf, selfAndAncestors } from '../fsview/paths';
import { resolverFor } from '../fsview/views';
import { MAX_FILESYSTEM_PATHS, MAX_PATH_LENGTH, isValidRulePath } from '../policy/validate';
import { PROXY_BASELINE_READ_WRITE } from '../landlock/ruleset';
import { TRUNCATE } from '../landlock/rights';
import { combineEdits, includeWorkdirFalseEdits, isBlockItem, listChangeEdits, replaceScalarEdit, trailingComment } from './edits';
import type { NewItem } from './edits';

export type SplitContext = Omit<CheckContext, 'emit'>;

/** What the split of one group does, in data (the fix's edits and every description derive from it). */
export interface SplitPlan {
  shadowings: Shadowing[];
  /** Canonical paths that must end up read-only (the inodes the shadowed entries bind to). */
  protectedPaths: string[];
  /** Directories at the top of a chain: read-only after the split. */
  tops: string[];
  /** Every directory whose other entries are listed read_write (no new entries directly in them). */
  chainDirs: string[];
  /** read_write entries that move to read_only (the top of a chain). */
  moveToReadOnly: PathEntry[];
  /** read_write entries removed (inside a chain, or granting a protected path itself). */
  removeReadWrite: PathEntry[];
  /** Paths added to read_only: the workdir, /tmp. */
  addReadOnly: string[];
  /** The other entries of the chain directories, added to read_write. */
  addReadWrite: string[];
  /** Other entries that already have a read_write rule of their own. */
  alreadyWritable: string[];
  includeWorkdirOff: boolean;
  /** Symlinks among the other entries: never listed read_write. */
  skippedSymlinks: string[];
  /** Chain directories the filesystem view cannot list: their other entries are unknown. */
  unknownDirs: string[];
  /** OpenShell's baseline /tmp is one of the write grants. */
  baselineTmp: boolean;
  /** /tmp itself is a protected path (the policy lists it read_only, e.g. as `/tmp/`). */
  tmpRequested: boolean;
  /** read_only entries rewritten to their normal form (`/tmp/` -> `/tmp`, which the baseline recognises). */
  normalizeEntries: PathEntry[];
  /** Why no fix is offered, when none is. */
  blocked?: string;
  /** read_only + read_write entries after the split (OpenShell refuses more than 256). */
  pathCount: number;
  /** The fix, unless blocked. */
  fix?: Fix;
}

const TMP = PROXY_BASELINE_READ_WRITE[0];

function targetOf(ctx: SplitContext, s: Shadowing): string {
  return s.rule.boundTo ?? ctx.resolver.resolve(s.rule.path).path;
}

/** Connected groups of shadowings that share a write grant. */
function groupShadowings(shadowings: Shadowing[]): Shadowing[][] {
  const parent = shadowings.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const owner = new Map<LandlockRule, number>();
  shadowings.forEach((s, i) => {
    for (const w of s.winners) {
      const j = owner.get(w);
      if (j === undefined) owner.set(w, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, Shadowing[]>();
  shadowings.forEach((s, i) => {
    const root = find(i);
    const list = groups.get(root);
    if (list) list.push(s);
    else groups.set(root, [s]);
  });
  return [...groups.values()];
}

export function planSplits(ctx: SplitContext, shadowings: Shadowing[]): SplitPlan[] {
  if (!ctx.ruleset.applied || ctx.model.filesystem.state !== 'present') return [];
  return groupShadowings(shadowings).map((group) => planGroup(ctx, group));
}

/** The plan of the one group a shadowing belongs to (a hover asks for one; planning every group costs more). */
function planSplitOf(ctx: SplitContext, shadowings: Shadowing[], shadowing: Shadowing): SplitPlan | undefined {
  if (!ctx.ruleset.applied || ctx.model.filesystem.state !== 'present') return undefined;
  const group = groupShadowings(shadowings).find((g) => g.includes(shadowing));
  return group && planGroup(ctx, group);
}

function planGroup(ctx: SplitContext, group: Shadowing[]): SplitPlan {
  const { ruleset, view } = ctx;
  const protectedSet = new Set(group.map((s) => targetOf(ctx, s)));
  const winners = new Set(group.flatMap((s) => s.winners));
  const winnersAt = new Map<string, LandlockRule[]>();
  for (const w of winners) {
    const at = w.boundTo!;
    const list = winnersAt.get(at);
    if (list) list.push(w);
    else winnersAt.set(at, [w]);
  }

  // Directories that are writable on the way down to a protected path.
  const chain = new Set<string>();
  for (const p of protectedSet) {
    let writable = false;
    const ancestors = selfAndAncestors(p);
    for (const d of ancestors.slice(0, -1)) {
      if (protectedSet.has(d)) {
        writable = false;
        continue;
      }
      if (winnersAt.has(d)) writable = true;
      if (writable) chain.add(d);
    }
  }
  const chainDirs = [...chain].sort();
  const tops = chainDirs.filter((d) => d === '/' || !chain.has(parentOf(d)));

  const plan: SplitPlan = {
    shadowings: group,
    protectedPaths: [...protectedSet].sort(),
    tops,
    chainDirs,
    moveToReadOnly: [],
    removeReadWrite: [],
    addReadOnly: [],
    addReadWrite: [],
    alreadyWritable: [],
    includeWorkdirOff: false,
    skippedSymlinks: [],
    unknownDirs: [],
    baselineTmp: false,
    tmpRequested: protectedSet.has(TMP),
    normalizeEntries: [],
    pathCount: 0,
  };

  const workdirBound = ruleset.includeWorkdir ? ctx.resolver.resolve(ruleset.workdir).path : undefined;
  if (workdirBound !== undefined && (chain.has(workdirBound) || protectedSet.has(workdirBound))) plan.includeWorkdirOff = true;

  // A top needs its own read_only rule unless a read_only rule above it stays (or another top covers it).
  const readOnlyAbove = (t: string) =>
    ctx.index.rulesAbove(t).some((r) => r.access === 'read_only' && r.boundTo !== null) || tops.some((u) => isStrictlyUnder(t, u));

  const removedRules = new Set<LandlockRule>();
  const atPaths = [...winnersAt.keys()].sort();
  for (const at of atPaths) {
    const rules = winnersAt.get(at)!;
    const isTop = tops.includes(at) && !readOnlyAbove(at);
    let madeReadOnly = false;
    for (const w of rules) {
      removedRules.add(w);
      if (w.source === 'read_write' && w.entry) {
        if (isTop && !madeReadOnly) {
          plan.moveToReadOnly.push(w.entry);
          madeReadOnly = true;
        } else if (!plan.removeReadWrite.includes(w.entry)) {
          plan.removeReadWrite.push(w.entry);
        }
      } else if (w.source === 'workdir') {
        plan.includeWorkdirOff = true;
      } else if (w.source === 'baseline') {
        if (w.path === TMP) plan.baselineTmp = true;
        else plan.blocked = `OpenShell's GPU baseline adds \`${w.path}\` read-write even when read_only lists it, so no policy edit can make a path under it read-only.`;
      }
    }
    if (isTop && !madeReadOnly && rules.some((w) => w.source === 'workdir')) {
      plan.addReadOnly.push(ruleset.workdir);
      madeReadOnly = true;
    }
  }
  // The baseline adds /tmp read-write unless read_only lists exactly the string `/tmp`: write an entry
  // that means /tmp in that form (`/tmp/`), or add one.
  if (plan.baselineTmp && !plan.addReadOnly.includes(TMP)) {
    const spelled = ctx.model.filesystem.readOnly.find((e) => e.normalized === TMP && e.raw !== TMP);
    if (spelled) plan.normalizeEntries.push(spelled);
    else plan.addReadOnly.push(TMP);
  }

  const staysWritable = (path: string) =>
    ctx.index.rulesAt(path).some((r) =>
      r.access === 'read_write' && !removedRules.has(r) &&
      !(r.source === 'workdir' && plan.includeWorkdirOff) && !(r.source === 'baseline' && r.path === TMP && plan.baselineTmp));

  for (const d of chainDirs) {
    const names = view.list(d);
    if (!names) {
      // A listing that says the directory does not exist: nothing in it to keep writable.
      // (A file on the way has no entries either: the protected path below it cannot exist.)
      const kind = view.kind(d);
      if (!(ctx.hasListing && (kind === 'missing' || kind === 'file' || kind === 'other'))) plan.unknownDirs.push(d);
      continue;
    }
    for (const name of names) {
      if (name === '' || name === '.' || name === '..' || name.includes('/')) continue;
      const child = joinPath(d, name);
      if (chain.has(child) || protectedSet.has(child)) continue;
      if (view.kind(child) === 'symlink') {
        plan.skippedSymlinks.push(child);
        continue;
      }
      if (staysWritable(child)) {
        plan.alreadyWritable.push(child);
        continue;
      }
      if (!isValidRulePath(child)) {
        plan.blocked ??= `The entry \`${child}\` cannot be listed in a policy (OpenShell accepts absolute paths of at most ${MAX_PATH_LENGTH} bytes without \`..\`).`;
        continue;
      }
      plan.addReadWrite.push(child);
    }
  }

  const fs = ctx.model.filesystem;
  plan.pathCount = fs.readOnly.length + fs.readWrite.length - plan.removeReadWrite.length + plan.addReadOnly.length + plan.addReadWrite.length;
  if (plan.pathCount > MAX_FILESYSTEM_PATHS) {
    plan.blocked ??= `The split needs ${plan.pathCount} filesystem paths; OpenShell refuses more than ${MAX_FILESYSTEM_PATHS} ("too many filesystem paths").`;
  }
  if (!plan.blocked) {
    plan.fix = buildFix(ctx, plan);
    if (!plan.fix) plan.blocked = 'The layout of the filesystem lists is too unusual for a minimal text edit.';
  }
  return plan;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function shortList(paths: string[], max = 3): string {
  const shown = paths.slice(0, max).join(', ');
  return paths.length > max ? `${shown} and ${paths.length - max} more` : shown;
}

function notesFor(plan: SplitPlan): { readWrite: string[]; readOnly: string[] } {
  const readWrite: string[] = [];
  const readOnly: string[] = [];
  if (plan.unknownDirs.length) {
    readWrite.push(`Landlock split INCOMPLETE: the other entries of ${plan.unknownDirs.join(', ')} are unknown (no tree listing):`);
    readWrite.push('list each of them read_write here (not symlinks), or they become read-only.');
  }
  if (plan.skippedSymlinks.length) {
    readWrite.push(`Landlock split: symlink${plan.skippedSymlinks.length > 1 ? 's' : ''} ${plan.skippedSymlinks.join(', ')} not listed read_write: a read_write rule on a link grants its target (and OpenShell refuses to start on it).`);
  }
  if (plan.baselineTmp && plan.addReadOnly.includes(TMP)) readOnly.push(`Landlock split: ${TMP} is listed read_only so that OpenShell's baseline does not add it read-write.`);
  return { readWrite, readOnly };
}

function buildFix(ctx: SplitContext, plan: SplitPlan): Fix | undefined {
  const { text, model } = ctx;
  const notes = notesFor(plan);
  const moved: NewItem[] = plan.moveToReadOnly.map((e) => {
    const comment = isBlockItem(text, e.span) ? trailingComment(text, e.span.end) : undefined;
    return { value: e.raw, source: text.slice(e.span.start, e.span.end), comment: comment ? text.slice(comment.start, comment.end) : undefined };
  });
  const ro = listChangeEdits(text, model, 'read_only', {
    remove: [],
    add: [...moved, ...plan.addReadOnly.map((value) => ({ value }))],
    notes: notes.readOnly,
  });
  const rw = listChangeEdits(text, model, 'read_write', {
    remove: [...plan.moveToReadOnly, ...plan.removeReadWrite],
    moved: new Set(plan.moveToReadOnly),
    add: plan.addReadWrite.map((value) => ({ value })),
    notes: notes.readWrite,
  });
  const workdir = plan.includeWorkdirOff ? includeWorkdirFalseEdits(text, model) : [];
  if (!ro || !rw || !workdir) return undefined;
  const normalized = plan.normalizeEntries.map((e) => replaceScalarEdit(text, e.span, e.normalized));
  const edits: OffsetEdit[] | undefined = combineEdits([...ro, ...rw, ...workdir, ...normalized]);
  if (!edits || edits.length === 0) return undefined;
  const complete = plan.unknownDirs.length === 0;
  // Making /tmp read-only is a cost the user did not ask for unless /tmp itself is a protected path.
  return { title: splitTitle(ctx, plan), safe: false, preferred: complete && (!plan.baselineTmp || plan.tmpRequested), edits };
}

function protectedWords(plan: SplitPlan): string {
  const raws = [...new Set(plan.shadowings.map((s) => s.entry.raw))];
  return raws.length === 1 ? `\`${raws[0]}\` stays` : `${raws.length} read_only paths stay`;
}

function splitTitle(ctx: SplitContext, plan: SplitPlan): string {
  const grants: string[] = [];
  for (const e of plan.moveToReadOnly) grants.push(`read_write \`${e.raw}\``);
  if (plan.addReadOnly.includes(ctx.ruleset.workdir) && !plan.moveToReadOnly.length) grants.push(`the workdir \`${ctx.ruleset.workdir}\``);
  let title: string;
  if (plan.baselineTmp) {
    const how = plan.normalizeEntries.length ? `Write \`${plan.normalizeEntries[0].raw}\` as \`${TMP}\`` : `List \`${TMP}\` read_only`;
    title = `${how} (OpenShell's baseline then stops adding it read-write)${plan.chainDirs.length ? ` and split it so ${protectedWords(plan)} read-only` : ''}`;
  } else if (plan.chainDirs.length === 0) {
    title = `Remove the read_write grant on the read_only path${plan.includeWorkdirOff ? ' (include_workdir: false)' : ''} so ${protectedWords(plan)} read-only`;
  } else {
    title = `${plan.includeWorkdirOff ? 'Set include_workdir: false and split' : 'Split'} ${grants.length ? grants.join(', ') : 'the read_write directories'} so ${protectedWords(plan)} read-only`;
  }
  const details: string[] = [];
  if (plan.chainDirs.length) {
    if (plan.addReadWrite.length || !plan.unknownDirs.length) details.push(`+${plural(plan.addReadWrite.length, 'read_write entry', 'read_write entries')}`);
    details.push(`nothing can be created or deleted directly in ${plan.chainDirs.length === 1 ? plan.chainDirs[0] : plural(plan.chainDirs.length, 'directory', 'directories')}`);
  }
  if (plan.skippedSymlinks.length) details.push(`${plural(plan.skippedSymlinks.length, 'symlink', 'symlinks')} not listed`);
  if (details.length) title += ` (${details.join('; ')})`;
  if (plan.unknownDirs.length) title += ` — siblings unknown without a tree listing: entries of ${shortList(plan.unknownDirs)} become read-only`;
  return title;
}

/** Fixes for each shadowed entry, keyed by the entry's span start (every entry of a group: the same fix). */
export function splitFixesFor(ctx: SplitContext, shadowings: Shadowing[]): Map<number, Fix[]> {
  const out = new Map<number, Fix[]>();
  // Already over OpenShell's path limit: no split can be valid (describeSplit still explains why).
  const fs = ctx.model.filesystem;
  if (fs.readOnly.length + fs.readWrite.length > MAX_FILESYSTEM_PATHS) return out;
  for (const plan of planSplits(ctx, shadowings)) {
    if (!plan.fix) continue;
    for (const s of plan.shadowings) {
      const list = out.get(s.entry.span.start);
      if (list) list.push(plan.fix);
      else out.set(s.entry.span.start, [plan.fix]);
    }
  }
  return out;
}

/** The split plan of the group a shadowed-read-only finding belongs to, recomputed from an analysis. */
export function splitPlanFor(analysis: Analysis, finding: Pick<Finding, 'ruleId' | 'span'>): { plan: SplitPlan; ctx: SplitContext } | undefined {
  if (finding.ruleId !== 'shadowed-read-only') return undefined;
  for (const doc of analysis.documents) {
    if (!doc.model || !doc.ruleset || !doc.access || !doc.shadowings) continue;
    const shadowing = doc.shadowings.find((s) => s.entry.span.start === finding.span.start);
    if (!shadowing) continue;
    const view = analysis.options.view;
    const ctx: SplitContext = {
      text: analysis.text, model: doc.model, ruleset: doc.ruleset, index: doc.access, resolver: resolverFor(view),
      view, hasListing: analysis.options.hasListing, lines: analysis.lines, gpu: analysis.options.gpu,
    };
    const plan = planSplitOf(ctx, doc.shadowings, shadowing);
    return plan ? { plan, ctx } : undefined;
  }
  return undefined;
}

/**
 * Markdown for a shadowed-read-only finding (hover, finding details): what the split does, what it
 * costs, what it does not fix. The costs are the kernel's, measured (ground truth §c, Model §5).
 */
export function describeSplit(analysis: Analysis, finding: Pick<Finding, 'ruleId' | 'span'>): string | undefined {
  const found = splitPlanFor(analysis, finding);
  if (!found) return undefined;
  const { plan, ctx } = found;
  const code = (p: string) => `\`${p}\``;
  const out: string[] = [];
  out.push('**Landlock-safe split** (the quick fix): Landlock rules only add up, so the read_only path is protected only if no directory above it is read_write.');
  if (plan.blocked) {
    out.push('', `**No automatic fix:** ${plan.blocked}`);
    if (plan.shadowings.some((s) => s.winners.some((w) => w.source === 'baseline'))) {
      out.push('', `Move the protected file out of ${plan.tops.map(code).join(', ') || 'the baseline path'} (e.g. to a directory listed read_only) instead.`);
    }
    return out.join('\n');
  }
  const steps: string[] = [];
  for (const e of plan.moveToReadOnly) steps.push(`- ${code(e.raw)} moves from read_write to read_only`);
  for (const e of plan.normalizeEntries) steps.push(`- read_only ${code(e.raw)} is written ${code(e.normalized)}: OpenShell's baseline compares raw strings, and only the exact \`${TMP}\` stops it adding ${TMP} read-write`);
  for (const p of plan.addReadOnly) steps.push(`- ${code(p)} is added to read_only${p === TMP && plan.baselineTmp ? " (then OpenShell's baseline no longer adds it read-write)" : ''}`);
  if (plan.includeWorkdirOff) steps.push(`- \`include_workdir: false\` (the workdir ${code(ctx.ruleset.workdir)} would otherwise be read-write again)`);
  for (const e of plan.removeReadWrite) steps.push(`- read_write ${code(e.raw)} is removed (it grants write above or on a protected path)`);
  if (plan.addReadWrite.length) steps.push(`- ${plural(plan.addReadWrite.length, 'other entry', 'other entries')} of ${plan.chainDirs.map(code).join(', ')} become${plan.addReadWrite.length === 1 ? 's' : ''} read_write: ${shortList(plan.addReadWrite.map(code), 8)}`);
  if (plan.alreadyWritable.length) steps.push(`- already read_write on their own: ${shortList(plan.alreadyWritable.map(code), 8)}`);
  if (plan.skippedSymlinks.length) steps.push(`- symlinks not listed: ${plan.skippedSymlinks.map(code).join(', ')} (a read_write rule on a link grants its target; OpenShell refuses to start on a read_write symlink). Their targets keep their own access.`);
  if (plan.unknownDirs.length) steps.push(`- **incomplete:** the other entries of ${plan.unknownDirs.map(code).join(', ')} are unknown (no tree listing or mapped folder): until they are listed read_write they become read-only`);
  out.push('', ...steps);
  out.push('', `Protects: ${plan.protectedPaths.map(code).join(', ')} (content and name: no write, delete, rename over, or rename of a parent).`);
  if (plan.chainDirs.length) {
    const dirs = plan.chainDirs.map(code).join(', ');
    out.push('', '**Costs** (measured on the kernel):',
      `- nothing can be created, deleted or renamed directly in ${dirs}`,
      '- the other files there can still be written, but not deleted, renamed or atomically replaced (write to a temp file + rename)',
      '- entries created later directly in those directories are read-only (until the policy is updated and the sandbox restarted); a sibling replaced from outside while the sandbox runs loses its rule');
  }
  const notFixed: string[] = [];
  if (!(ctx.ruleset.handled & TRUNCATE)) notFixed.push(`- truncation: under ABI ${ctx.ruleset.abi} the ruleset does not handle truncate, so \`truncate(2)\` and \`open(O_RDONLY|O_TRUNC)\` can still empty a protected file the sandbox user may write (file permissions)`);
  notFixed.push('- a hard link to a protected file made before the sandbox starts, in a read_write directory, keeps it writable');
  notFixed.push('- metadata (mode, times, xattrs) is never restricted by Landlock');
  out.push('', '**Not fixed:**', ...notFixed);
  if (plan.baselineTmp && !plan.tmpRequested) out.push('', `Listing ${code(TMP)} read_only breaks programs that create temporary files directly in ${TMP}; moving the protected file out of ${TMP} is usually better.`);
  return out.join('\n');
}

