// The Landlock-semantics rules: everything OpenShell accepts silently but the kernel then enforces
// differently from what the policy seems to say. Each check reads the policy and ruleset models only.
import type { EffectiveRuleset, LandlockRule, PathEntry, PolicyModel } from '../model';
import type { Finding, Fix, FsView, RelatedLocation, Severity, Span } from '../types';
import type { LineIndex } from '../text/lines';
import type { AccessIndex } from '../landlock/access';
import type { PathResolver } from '../fsview/views';
import { hasParentComponent, isAtOrUnder, isOnlySlashes } from '../fsview/paths';
import { TRUNCATE } from '../landlock/rights';
import { GPU_BASELINE_READ_WRITE, PROXY_BASELINE_READ_ONLY, PROXY_BASELINE_READ_WRITE, baselineApplies, isGpuDevicePath } from '../landlock/ruleset';
import { ruleMeta } from './catalogue';
import { removeListItemFix, replaceScalarFix } from '../fixes/edits';

export interface CheckContext {
  text: string;
  model: PolicyModel;
  ruleset: EffectiveRuleset;
  index: AccessIndex;
  resolver: PathResolver;
  view: FsView;
  /** A tree listing (or another authoritative view) is in use: "missing" can be trusted. */
  hasListing: boolean;
  lines: LineIndex;
  gpu: boolean;
  emit(finding: Finding): void;
}

// Shared by every finding without related locations, fixes or YAML path: frozen, since no one may add
// to a finding's lists (a 2,000-path policy has over a thousand findings; each kept its own empty arrays).
const NO_RELATED: RelatedLocation[] = Object.freeze([]) as unknown as RelatedLocation[];
const NO_FIXES: Fix[] = Object.freeze([]) as unknown as Fix[];
const NO_YAML_PATH: (string | number)[] = Object.freeze([]) as unknown as (string | number)[];

/** What a finding may carry besides its rule, place and message. */
export type FindingExtras = Partial<Pick<Finding, 'related' | 'fixes' | 'yamlPath' | 'subject' | 'unnecessary'>>;

export function makeFinding(ruleId: string, span: Span, message: string, extra: FindingExtras = {}, severity?: Severity): Finding {
  // Every field assigned in one literal (no spread of `extra`): all findings share one object shape.
  const finding: Finding = {
    ruleId,
    severity: severity ?? ruleMeta(ruleId).defaultSeverity,
    message: flattened(message),
    span,
    related: extra.related ?? NO_RELATED,
    fixes: extra.fixes ?? NO_FIXES,
    yamlPath: extra.yamlPath ?? NO_YAML_PATH,
    subject: extra.subject ?? '',
    // Always set, so that every finding has the same shape: added afterwards, it cost each finding that
    // has it a separate property store.
    unnecessary: extra.unnecessary ?? false,
  };
  return finding;
}

/**
 * The same string, flattened: a message built from a template is a tree of V8 concatenation nodes (one
 * per piece, about seven per message) that every garbage collection walks for as long as the analysis
 * lives. Reading a character makes V8 copy it into one flat string, and the nodes die young.
 */
export function flattened(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** Findings in text order: by where they start, then where they end. */
export function byTextOrder(a: Finding, b: Finding): number {
  return a.span.start - b.span.start || a.span.end - b.span.end;
}

function lineOf(ctx: CheckContext, span: Span | undefined): number {
  return span ? ctx.lines.lineColumn(span.start).line : 0;
}

/** Describes a rule that grants write, and where it comes from, for messages and related locations. */
export interface WinnerDescription {
  text: string;
  related?: RelatedLocation;
}

export function describeWinner(ctx: CheckContext, rule: LandlockRule): WinnerDescription {
  switch (rule.source) {
    case 'read_write':
      return {
        text: `read_write entry \`${rule.entry?.raw ?? rule.path}\` (line ${lineOf(ctx, rule.span)})`,
        related: rule.span ? { message: `\`${rule.entry?.raw ?? rule.path}\` is read_write: this entry grants write access to everything below it`, span: rule.span } : undefined,
      };
    case 'workdir':
      return {
        text: `the workdir \`${rule.path}\` (include_workdir: true)`,
        related: rule.span ? { message: `include_workdir: true adds the workdir ${rule.path} as read_write`, span: rule.span } : undefined,
      };
    case 'baseline': {
      const why = ctx.model.networkPolicies.count > 0 ? 'network_policies is non-empty' : 'a GPU is present';
      return {
        text: `OpenShell's baseline \`${rule.path}\` (added ${rule.access} because ${why})`,
        related: rule.span ? { message: `${why}, so OpenShell adds ${rule.path} ${rule.access} (baseline enrichment)`, span: rule.span } : undefined,
      };
    }
    default:
      return { text: `\`${rule.path}\`` };
  }
}

export interface Shadowing {
  entry: PathEntry;
  rule: LandlockRule;
  winners: LandlockRule[];
  /** include_workdir is true and the workdir covers the entry, even if deduplicated with a read_write entry. */
  workdirCovers: boolean;
}

const NO_RULES: LandlockRule[] = [];

/** The shared empty list for none; otherwise the list itself. */
const exactly = (rules: LandlockRule[]): LandlockRule[] => (rules.length === 0 ? NO_RULES : rules);

/** Every explicit read_only entry that a read_write rule at or above it makes writable. */
export function findShadowings(ctx: Pick<CheckContext, 'ruleset' | 'index' | 'resolver'>): Shadowing[] {
  const out: Shadowing[] = [];
  const { ruleset, index } = ctx;
  if (!ruleset.applied) return out;
  // Winners above a path are those of its directory: AccessIndex shares one array of the rules above
  // per directory, so they are worked out once per directory (far fewer than entries) and shared.
  const winnersAbove = new Map<LandlockRule[], LandlockRule[]>();
  // A path with several rules bound to it (duplicates, or a read_write entry too) is worked out once
  // per path, so thousands of entries bound to one path cost O(n), not O(n²).
  const winnersAt = new Map<string, LandlockRule[]>();
  for (const rule of ruleset.rules) {
    if (rule.source !== 'read_only' || !rule.entry) continue;
    const target = rule.boundTo ?? ctx.resolver.resolve(rule.path).path;
    const above = index.rulesAbove(target);
    let fromAbove = winnersAbove.get(above);
    if (!fromAbove) {
      // A rule bound to a non-directory grants nothing below it (rights are cut to file rights).
      fromAbove = exactly(above.filter((w) => w.access === 'read_write' && w.boundKind !== 'file' && w.boundKind !== 'other'));
      winnersAbove.set(above, fromAbove);
    }
    const at = index.rulesAt(target);
    let winners = fromAbove;
    // A read_only rule is never its own read_write winner: with only itself bound there, nothing to add.
    if (at.length > 1 || (at.length === 1 && at[0] !== rule)) {
      let known = winnersAt.get(target);
      if (!known) {
        const here = at.filter((w) => w.access === 'read_write');
        known = here.length === 0 ? fromAbove : exactly([...fromAbove, ...here]);
        winnersAt.set(target, known);
      }
      winners = known;
    }
    const workdirCovers = ruleset.includeWorkdir && isAtOrUnder(target, ruleset.workdir);
    if (winners.length > 0) out.push({ entry: rule.entry, rule, winners, workdirCovers });
  }
  return out;
}

/** A winner's description with its related location as a finding's whole list, shared by its findings. */
interface SharedWinnerDescription extends WinnerDescription {
  relatedList: RelatedLocation[];
}

/**
 * describeWinner, once per winning rule: the entries one read_write directory shadows (hundreds under a
 * writable /sandbox) share its description, its related location and the list holding it (frozen, as
 * every shared list of a finding) instead of building them again: they live as long as the analysis.
 */
function winnerDescriptions(ctx: CheckContext): (rule: LandlockRule) => SharedWinnerDescription {
  const described = new Map<LandlockRule, SharedWinnerDescription>();
  return (rule) => {
    let d = described.get(rule);
    if (!d) {
      const w = describeWinner(ctx, rule);
      if (w.related) w.related.message = flattened(w.related.message);
      d = { text: flattened(w.text), related: w.related, relatedList: w.related ? sharedList([w.related]) : NO_RELATED };
      described.set(rule, d);
    }
    return d;
  };
}

/** A list several findings hold: frozen, since no one may add to a finding's lists. */
function sharedList<T>(items: T[]): T[] {
  return Object.freeze(items) as T[];
}

function checkShadowed(ctx: CheckContext, shadowings: Shadowing[], describe: (rule: LandlockRule) => SharedWinnerDescription): void {
  const reported = new Set<string>();
  for (const s of shadowings) {
    if (reported.has(s.entry.normalized)) continue; // a duplicate entry is reported as duplicate-path
    reported.add(s.entry.normalized);
    const first = describe(s.winners[0]);
    const alsoWorkdir = s.workdirCovers && !s.winners.some((w) => w.source === 'workdir') && ctx.model.filesystem.includeWorkdir;
    // Usually one winner and nothing to add: the winner's shared list.
    let related = first.relatedList;
    if (s.winners.length > 1 || alsoWorkdir) {
      related = s.winners.flatMap((w) => describe(w).related ?? []);
      if (alsoWorkdir) {
        related.push({ message: `include_workdir: true also grants the workdir ${ctx.ruleset.workdir} read_write: removing the read_write entry alone would not protect this path`, span: alsoWorkdir.keySpan });
      }
    }
    const what = s.rule.boundKind === 'directory' ? 'its whole subtree stays writable (files can be written, created, deleted and renamed)' : 'it stays writable, deletable and renamable';
    const via = s.rule.boundTo && s.rule.boundTo !== s.rule.path ? ` (it resolves to ${s.rule.boundTo})` : '';
    ctx.emit(makeFinding('shadowed-read-only', s.entry.span,
      `read_only \`${s.entry.raw}\`${via} has no effect: ${what}, because ${first.text} grants write access to it. Landlock rules only add up; effective access: read-write.`,
      { related, yamlPath: s.entry.yamlPath, subject: s.entry.normalized }));
  }
}

function checkDuplicatesAndBothLists(ctx: CheckContext): void {
  const fs = ctx.model.filesystem;
  const laterReadOnly = new Map<string, PathEntry>();
  const firstReadOnly = reportDuplicates(ctx, fs.readOnly, laterReadOnly);
  reportDuplicates(ctx, fs.readWrite, new Map());
  for (const entry of fs.readWrite) {
    // The last read_only entry of the path, as the message has always named it.
    const ro = laterReadOnly.get(entry.normalized) ?? firstReadOnly.get(entry.normalized);
    if (!ro) continue;
    ctx.emit(makeFinding('path-in-both-lists', entry.span,
      `\`${entry.raw}\` is listed both read_write and read_only (line ${lineOf(ctx, ro.span)}): Landlock grants the union, so it is read-write and the read_only entry has no effect.`,
      { related: [{ message: 'also listed read_only here', span: ro.span }], yamlPath: entry.yamlPath, subject: entry.normalized }));
  }
}

/**
 * Reports every copy of a path listed earlier in the list. Returns the first entry of each path; `later`
 * gets the last copy of each path listed more than once (few: no second map of every path for them).
 */
function reportDuplicates(ctx: CheckContext, list: PathEntry[], later: Map<string, PathEntry>): Map<string, PathEntry> {
  const first = new Map<string, PathEntry>();
  for (const entry of list) {
    const earlier = first.get(entry.normalized);
    if (!earlier) {
      first.set(entry.normalized, entry);
      continue;
    }
    later.set(entry.normalized, entry);
    const sameRaw = earlier.raw === entry.raw;
    ctx.emit(makeFinding('duplicate-path', entry.span,
      `\`${entry.raw}\` is already listed in ${entry.list} (line ${lineOf(ctx, earlier.span)})${sameRaw ? '' : ` as \`${earlier.raw}\``}: this copy has no effect but counts toward the 256-path limit.`,
      {
        related: [{ message: 'first listed here', span: earlier.span }],
        yamlPath: entry.yamlPath,
        subject: entry.normalized,
        unnecessary: sameRaw,
        fixes: [removeListItemFix(ctx.text, ctx.model, entry, `Remove duplicate \`${entry.raw}\``, sameRaw)],
      }));
  }
  return first;
}

/** A read_only entry spelled exactly as a baseline read_write path: the baseline then leaves that path out. */
function keepsBaselineOut(ctx: CheckContext, entry: PathEntry): boolean {
  if (entry.list !== 'read_only') return false;
  if (ctx.model.networkPolicies.count > 0 && PROXY_BASELINE_READ_WRITE.includes(entry.raw)) return true;
  return ctx.gpu && (GPU_BASELINE_READ_WRITE.includes(entry.raw) || isGpuDevicePath(entry.raw));
}

/**
 * A read_only entry inside a read_only directory that has read_write entries below it (a Landlock-safe
 * split): removing it changes no access today, but it records which path must stay read-only, so that
 * a later read_write entry above it is reported as shadowing it. Not offered for removal.
 */
function guardsSplit(entry: PathEntry, cover: LandlockRule, aboveReadWrite: Set<string>): boolean {
  if (entry.list !== 'read_only' || cover.access !== 'read_only' || cover.boundTo === null) return false;
  return aboveReadWrite.has(cover.boundTo);
}

/** Every strict ancestor of a read_write rule's bound path: computed once, so the check stays linear. */
function ancestorsOfReadWrite(ctx: CheckContext): Set<string> {
  const out = new Set<string>();
  for (const r of ctx.ruleset.rules) {
    if (r.access !== 'read_write' || r.boundTo === null || r.boundTo === '/') continue;
    out.add('/');
    for (let i = r.boundTo.indexOf('/', 1); i !== -1; i = r.boundTo.indexOf('/', i + 1)) out.add(r.boundTo.slice(0, i));
  }
  return out;
}

function checkRedundant(ctx: CheckContext, shadowed: Set<PathEntry>, describe: (rule: LandlockRule) => WinnerDescription): void {
  if (!ctx.ruleset.applied) return;
  let aboveReadWrite: Set<string> | undefined;
  // One related list per covering rule, shared by the entries it covers.
  const grantedHereLists = new Map<LandlockRule, RelatedLocation[]>();
  const grantedHere = (cover: LandlockRule): RelatedLocation[] => {
    if (!cover.span) return NO_RELATED;
    let list = grantedHereLists.get(cover);
    if (!list) grantedHereLists.set(cover, (list = sharedList([{ message: 'already granted here', span: cover.span }])));
    return list;
  };
  const seenReadOnly = new Set<string>();
  const seenReadWrite = new Set<string>();
  for (const rule of ctx.ruleset.rules) {
    const entry = rule.entry;
    if (!entry || shadowed.has(entry) || rule.boundTo === null) continue;
    // Listing a baseline read-write path read_only (exact spelling) stops OpenShell from adding it: not redundant.
    if (keepsBaselineOut(ctx, entry)) continue;
    const seen = entry.list === 'read_only' ? seenReadOnly : seenReadWrite;
    if (seen.has(entry.normalized)) continue; // duplicates are reported as such
    seen.add(entry.normalized);
    // The innermost rule above that already grants every right of this one.
    const above = ctx.index.rulesAbove(rule.boundTo);
    let cover: LandlockRule | undefined;
    for (let i = above.length - 1; i >= 0 && !cover; i--) {
      if (above[i].boundTo !== null && (above[i].rights & rule.rights) === rule.rights) cover = above[i];
    }
    if (!cover) continue;
    ctx.emit(makeFinding('redundant-entry', entry.span,
      `${entry.list} \`${entry.raw}\` has no effect: ${cover.source === 'read_only' ? `read_only entry \`${cover.entry?.raw ?? cover.path}\`` : describe(cover).text} already grants it the same access.`,
      {
        related: grantedHere(cover),
        yamlPath: entry.yamlPath,
        subject: entry.normalized,
        unnecessary: true,
        // Removing a read_write entry also stops OpenShell from creating it when missing: only safe for read_only.
        // A read_only baseline read_write path (e.g. `/tmp`) keeps the baseline from adding it read-write: no removal.
        fixes: guardsSplit(entry, cover, (aboveReadWrite ??= ancestorsOfReadWrite(ctx))) ? [] : [removeListItemFix(ctx.text, ctx.model, entry, `Remove \`${entry.raw}\` (no effect)`, entry.list === 'read_only')],
      }));
  }
}

const SUPERVISOR_SYMLINKS = ['/proc/self', '/proc/thread-self', '/dev/fd', '/dev/stdin', '/dev/stdout', '/dev/stderr', '/proc/mounts', '/proc/net'];
/** The top directories of those symlinks (/proc, /dev): most entries are ruled out by one test. */
const UNDER_SUPERVISOR_SYMLINK_ROOTS = new RegExp(`^(${[...new Set(SUPERVISOR_SYMLINKS.map((p) => p.slice(0, p.indexOf('/', 1))))].join('|')})/`);

// A module constant, not a literal in the loop: a regular expression literal is a new RegExp object each
// time it is evaluated.
const GLOB_CHARACTERS = /[*?[]/;

/** What a finding about one list entry carries besides its message. */
const findingAbout = (entry: PathEntry): FindingExtras => ({ yamlPath: entry.yamlPath, subject: entry.normalized });

function checkPathForms(ctx: CheckContext): void {
  const baselineOn = baselineApplies(ctx.model, ctx.gpu);
  const baselinePaths = new Set([...PROXY_BASELINE_READ_ONLY, ...PROXY_BASELINE_READ_WRITE, ...(ctx.gpu ? GPU_BASELINE_READ_WRITE : [])]);
  for (const list of [ctx.model.filesystem.readOnly, ctx.model.filesystem.readWrite]) for (const entry of list) {
    const raw = entry.raw;
    if (raw.startsWith('/') && !hasParentComponent(raw) && raw !== entry.normalized && !isOnlySlashes(raw)) {
      // The baseline merge compares raw strings: normalising a baseline path changes what OpenShell adds.
      const changesBaseline = baselineOn && baselinePaths.has(entry.normalized);
      ctx.emit(makeFinding('non-normal-path', entry.span,
        `\`${raw}\` is not in normal form: the supervisor uses \`${entry.normalized}\`, but the baseline merge and live-update checks compare the raw string${changesBaseline ? ` (here the baseline does not recognise it as \`${entry.normalized}\`)` : ''}.`,
        { yamlPath: entry.yamlPath, subject: entry.normalized, fixes: [replaceScalarFix(ctx.text, entry.span, entry.normalized, `Normalise to \`${entry.normalized}\``, !changesBaseline)] }));
    }
    if (GLOB_CHARACTERS.test(raw)) {
      ctx.emit(makeFinding('literal-glob', entry.span, `\`${raw}\` contains glob characters, which OpenShell does not expand: the rule applies to a path literally named so, which usually does not exist.`, findingAbout(entry)));
    }
    if (raw.startsWith('~') || raw.includes('$')) {
      ctx.emit(makeFinding('literal-variable', entry.span, `\`${raw}\` contains ${raw.startsWith('~') ? '`~`' : 'a `$` variable'}, which OpenShell never expands: list the absolute path instead.`, findingAbout(entry)));
    }
    const resolvedInSupervisor = UNDER_SUPERVISOR_SYMLINK_ROOTS.test(entry.normalized) ? SUPERVISOR_SYMLINKS.find((p) => isAtOrUnder(entry.normalized, p)) : undefined;
    if (resolvedInSupervisor) {
      ctx.emit(makeFinding('supervisor-resolved-symlink', entry.span,
        `\`${raw}\` goes through ${resolvedInSupervisor}, a symlink the supervisor resolves when it builds the ruleset: the rule binds to the supervisor's own process entry, not the sandboxed process's.`, findingAbout(entry)));
    }
    if (entry.list === 'read_only' && entry.normalized === '/') {
      ctx.emit(makeFinding('read-only-root', entry.span, 'read_only `/` makes the whole filesystem readable and executable (read_only includes execute).', findingAbout(entry)));
    }
  }
}

function checkReadWriteKinds(ctx: CheckContext): void {
  const identity = ctx.model.process.runAsUser?.value || ctx.model.process.runAsGroup?.value;
  for (const rule of ctx.ruleset.rules) {
    const entry = rule.entry;
    if (!entry || entry.list !== 'read_write') continue;
    const lkind = ctx.view.kind(rule.path);
    if (lkind === 'symlink') {
      const target = rule.boundTo ?? ctx.view.readlink(rule.path) ?? 'its target';
      ctx.emit(makeFinding('read-write-symlink', entry.span,
        identity
          ? `read_write \`${entry.raw}\` is a symlink (to ${target}): OpenShell refuses to start ("read_write path '${rule.path}' is a symlink — refusing to chown (potential privilege escalation)"); without that check the rule would make ${target} writable.`
          : `read_write \`${entry.raw}\` is a symlink: the rule binds to its target ${target} and makes it writable; with a process identity set OpenShell refuses to start.`,
        { yamlPath: entry.yamlPath, subject: entry.normalized }, identity ? 'error' : 'warning'));
    } else if (rule.boundKind === 'file') {
      ctx.emit(makeFinding('read-write-file', entry.span,
        `read_write \`${entry.raw}\` is not a directory: it can be written, but not deleted, renamed or atomically replaced (that needs rights on its parent directory).`,
        { yamlPath: entry.yamlPath, subject: entry.normalized }));
    } else if (ctx.hasListing && lkind === 'missing') {
      ctx.emit(makeFinding('read-write-file', entry.span,
        identity
          ? `read_write \`${entry.raw}\` does not exist in ${ctx.view.description}: OpenShell creates it as a directory owned by the sandbox user before applying Landlock (even if a file was meant).`
          : `read_write \`${entry.raw}\` does not exist in ${ctx.view.description}: without a process identity OpenShell does not create it, and Landlock skips it.`,
        { yamlPath: entry.yamlPath, subject: entry.normalized }));
    }
  }
}

function checkRulesetLevel(ctx: CheckContext, shadowed: Set<PathEntry>): void {
  const { model, ruleset } = ctx;
  const fsKey = model.filesystem.keySpan ?? model.presetKeySpan ?? firstKeySpan(model);
  if (!ruleset.applied) {
    const allMissing = ruleset.rules.length > 0;
    const hard = model.landlock.compatibility?.value === 'hard_requirement';
    if (allMissing) {
      ctx.emit(makeFinding('all-paths-missing', fsKey,
        hard
          ? `Every Landlock path is missing in ${ctx.view.description}: under hard_requirement OpenShell refuses to start the sandbox.`
          : `${ruleset.notAppliedReason}. Effective access: every path is read-write with every right.`,
        { yamlPath: ['filesystem_policy'], subject: 'all-paths-missing' }, hard ? 'error' : undefined));
    } else {
      ctx.emit(makeFinding('no-landlock', fsKey,
        `No Landlock ruleset: ${ruleset.notAppliedReason}. Effective access: every path is read-write with every right (only file permissions apply).`,
        { yamlPath: ['filesystem_policy'], subject: 'no-landlock' }));
    }
  }
  if ((model.filesystem.state === 'absent' || model.filesystem.state === 'null') && !model.presetKeySpan) {
    ctx.emit(makeFinding('absent-filesystem-policy', model.filesystem.keySpan ?? firstKeySpan(model),
      `filesystem_policy is ${model.filesystem.state === 'absent' ? 'omitted' : 'empty'}: OpenShell then uses include_workdir: true (a present section defaults to false), so the workdir ${ruleset.workdir} is read-write${ruleset.baseline.length ? ' and the baseline paths are added' : ''}.`,
      { yamlPath: ['filesystem_policy'], subject: 'absent' }));
  }
  if (ruleset.baseline.length > 0 && model.networkPolicies.keySpan) {
    const ro = ruleset.baseline.filter((b) => b.access === 'read_only').map((b) => b.path);
    const rw = ruleset.baseline.filter((b) => b.access === 'read_write').map((b) => b.path);
    const parts = [ro.length ? `${ro.join(', ')} read-only` : '', rw.length ? `${rw.join(', ')} read-write` : ''].filter(Boolean).join(' and ');
    ctx.emit(makeFinding('baseline-not-hidden', model.networkPolicies.keySpan,
      `network_policies is non-empty, so OpenShell adds its baseline paths that the policy does not list: ${parts}. Leaving a baseline path out does not hide it.`,
      { yamlPath: ['network_policies'], subject: [...ro, ...rw].join(',') }));
  }
  if (ruleset.applied && !(ruleset.handled & TRUNCATE)) {
    const protectedEntries = model.filesystem.readOnly.filter((e) => !shadowed.has(e));
    if (protectedEntries.length > 0) {
      const examples = protectedEntries.slice(0, 3).map((e) => `\`${e.raw}\``).join(', ');
      ctx.emit(makeFinding('truncate-not-restricted', model.filesystem.readOnlyKeySpan ?? protectedEntries[0].span,
        `The ruleset handles Landlock ABI ${ruleset.abi}, which has no truncate right: truncate(2) and open(O_RDONLY|O_TRUNC) can empty read_only files (e.g. ${examples}) whenever file permissions let the sandbox user write them (measured on the kernel; closed by handling ABI 3 or later).`,
        { yamlPath: ['filesystem_policy', 'read_only'], subject: 'truncate' }));
    }
  }
}

function checkPolicyScalars(ctx: CheckContext): void {
  const { model } = ctx;
  const compat = model.landlock.compatibility;
  if (compat && compat.value !== 'best_effort' && compat.value !== 'hard_requirement') {
    const canonical = compat.value.trim().toLowerCase().replace(/[-\s]+/g, '_');
    const fixes: Fix[] = [];
    if (canonical === 'hard_requirement' || /^hard/.test(canonical)) {
      fixes.push({ ...replaceScalarFix(ctx.text, compat.span, 'hard_requirement', 'Change to `hard_requirement` (what was probably meant; the sandbox then fails if Landlock is unavailable)', false), preferred: true });
    }
    // Only one preferred fix: best_effort (access unchanged) is preferred unless hard_requirement was clearly meant.
    fixes.push({ ...replaceScalarFix(ctx.text, compat.span, 'best_effort', 'Change to `best_effort` (what OpenShell does now)', true), preferred: fixes.length === 0 });
    ctx.emit(makeFinding('unknown-compatibility', compat.span,
      `landlock.compatibility \`${compat.value}\` is not \`best_effort\` or \`hard_requirement\`: OpenShell silently treats it as best_effort, so the sandbox runs without Landlock where it is unavailable.`,
      { yamlPath: ['landlock', 'compatibility'], subject: compat.value, fixes }));
  }
  if (model.version && model.version.value !== 1) {
    ctx.emit(makeFinding('unexpected-version', model.version.span,
      `version is ${model.version.value}: OpenShell accepts any number here and never compares it, but every policy format so far is version 1.`,
      { yamlPath: ['version'], subject: String(model.version.value) }));
  }
}

export function firstKeySpan(model: PolicyModel): Span {
  return { start: model.rootSpan.start, end: model.rootSpan.start };
}

export function runChecks(ctx: CheckContext): Shadowing[] {
  const shadowings = findShadowings(ctx);
  const shadowed = new Set(shadowings.map((s) => s.entry));
  // One description per winning rule, shared by both checks.
  const describe = winnerDescriptions(ctx);
  checkShadowed(ctx, shadowings, describe);
  checkDuplicatesAndBothLists(ctx);
  checkRedundant(ctx, shadowed, describe);
  checkPathForms(ctx);
  checkReadWriteKinds(ctx);
  checkRulesetLevel(ctx, shadowed);
  checkPolicyScalars(ctx);
  return shadowings;
}
