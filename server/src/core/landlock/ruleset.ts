// PolicyModel -> the Landlock ruleset OpenShell's supervisor builds (gRPC mode, the normal path):
// baseline enrichment on raw strings, lexical normalisation, include_workdir, then one rule per path,
// bound to the inode the path resolves to, with rights cut to file rights for non-directories.
import type { EffectiveRuleset, LandlockRule, ListName, PathEntry, PolicyModel } from '../model';
import type { GrantSource, Span } from '../types';
import { isOnlySlashes, normalizePath } from '../fsview/paths';
import type { PathResolver } from '../fsview/views';
import { FILE_RIGHTS, READ_ACCESS, handledForAbi } from './rights';
import { isValidRulePath } from '../policy/validate';

// OpenShell crates/openshell-sandbox/src/lib.rs:1420-1480 @2f7fb65
export const PROXY_BASELINE_READ_ONLY = ['/usr', '/lib', '/etc', '/app', '/var/log', '/proc', '/dev/urandom'];
export const PROXY_BASELINE_READ_WRITE = ['/tmp'];
export const GPU_BASELINE_READ_ONLY = ['/run/nvidia-persistenced', '/usr/lib/wsl'];
export const GPU_BASELINE_READ_WRITE = ['/dev/nvidiactl', '/dev/nvidia-uvm', '/dev/nvidia-uvm-tools', '/dev/nvidia-modeset', '/dev/dxg', '/proc'];

const GPU_DEVICE = /^\/dev\/nvidia[0-9]+$/;

/** `/dev/nvidia<N>`: a GPU device node, which the GPU baseline also adds read_write (as the listing of /dev shows them). */
export function isGpuDevicePath(path: string): boolean {
  return GPU_DEVICE.test(path);
}

export interface RulesetOptions {
  workdir: string;
  gpu: boolean;
  abi: number;
  resolver: PathResolver;
}

/** A rule no entry of the policy lists: a baseline path or the workdir. */
interface AddedRule {
  raw: string;
  access: ListName;
  source: GrantSource;
  span?: Span;
}

/** Whether OpenShell applies the baseline: non-empty network_policies, or a GPU. */
export function baselineApplies(model: PolicyModel, gpu: boolean): boolean {
  return model.networkPolicies.count > 0 || gpu;
}

/** An entry whose path validate_sandbox_policy lets through (the others never reach Landlock). */
export function isLandlockablePath(entry: PathEntry): boolean {
  return isValidRulePath(entry.raw);
}

export function effectiveIncludeWorkdir(model: PolicyModel): boolean {
  // Section omitted or null: FilesystemPolicy::default() has include_workdir: true. Present: serde default false.
  if (model.filesystem.state !== 'present') return true;
  return model.filesystem.includeWorkdir?.value ?? false;
}

export function buildRuleset(model: PolicyModel, options: RulesetOptions): EffectiveRuleset {
  const handled = handledForAbi(options.abi);
  const view = options.resolver.view;
  const exists = (path: string) => view.kind(path) !== 'missing';
  // Entries the validator rejects never reach Landlock (OpenShell refuses the whole policy); the model
  // leaves them out so the rest of the policy is still explained as it will be once they are fixed.
  // The policy's own entries become rules as they are (a rule's access and source are its list); the
  // ruleset has read_only rules first (the entries, then baseline paths), then read_write ones.
  let ro = model.filesystem.readOnly.filter(isLandlockablePath);
  const rw = model.filesystem.readWrite.filter((e) => isLandlockablePath(e) && !isOnlySlashes(e.raw));
  let addedRo: AddedRule[] = [];
  const addedRw: AddedRule[] = [];
  const baseline: { path: string; access: ListName }[] = [];

  if (baselineApplies(model, options.gpu)) {
    const proxy = model.networkPolicies.count > 0;
    const baselineSpan = model.networkPolicies.keySpan;
    const baseRw = [...(proxy ? PROXY_BASELINE_READ_WRITE : []), ...(options.gpu ? GPU_BASELINE_READ_WRITE : [])];
    if (options.gpu) {
      for (const name of view.list('/dev') ?? []) if (isGpuDevicePath('/dev/' + name)) baseRw.push('/dev/' + name);
    }
    // Step 1: a baseline read_only path that is also baseline read_write is read_write only (/proc with a GPU).
    const baseRo = [...(proxy ? PROXY_BASELINE_READ_ONLY : []), ...(options.gpu ? GPU_BASELINE_READ_ONLY : [])].filter((p) => !baseRw.includes(p));
    const inRo = (p: string) => ro.some((r) => r.raw === p) || addedRo.some((r) => r.raw === p);
    const inRw = (p: string) => rw.some((r) => r.raw === p) || addedRw.some((r) => r.raw === p);
    // Step 2: exact raw-string comparison, so `/tmp/` does not count as `/tmp`.
    for (const p of baseRo) {
      if (inRo(p) || inRw(p) || !exists(p)) continue;
      addedRo.push({ raw: p, access: 'read_only', source: 'baseline', span: baselineSpan });
      baseline.push({ path: p, access: 'read_only' });
    }
    // Step 3: only /proc is moved from the user's read_only to read_write (GPU); others keep read_only.
    for (const p of baseRw) {
      if (inRw(p) || !exists(p)) continue;
      if (inRo(p)) {
        if (p !== '/proc') continue;
        ro = ro.filter((r) => r.raw !== p);
        addedRo = addedRo.filter((r) => r.raw !== p);
      }
      addedRw.push({ raw: p, access: 'read_write', source: 'baseline', span: baselineSpan });
      baseline.push({ path: p, access: 'read_write' });
    }
  }

  const includeWorkdir = effectiveIncludeWorkdir(model);
  const workdir = normalizePath(options.workdir);
  let workdirAdded = false;
  if (includeWorkdir && workdir.startsWith('/') && !rw.some((e) => e.normalized === workdir) && !addedRw.some((r) => normalizePath(r.raw) === workdir)) {
    const span = model.filesystem.includeWorkdir?.keySpan ?? model.filesystem.keySpan;
    addedRw.push({ raw: workdir, access: 'read_write', source: 'workdir', span });
    workdirAdded = true;
  }

  const result: EffectiveRuleset = {
    abi: options.abi,
    handled,
    applied: true,
    rules: [],
    baseline,
    includeWorkdir,
    workdirAdded,
    workdir,
  };

  if (ro.length + addedRo.length + rw.length + addedRw.length === 0) {
    result.applied = false;
    result.notAppliedReason = 'the policy configures no filesystem paths, so OpenShell applies no Landlock ruleset ("Landlock filesystem sandbox skipped: no paths configured")';
    return result;
  }

  const identitySet = !!(model.process.runAsUser?.value || model.process.runAsGroup?.value);
  const addRule = (path: string, access: ListName, source: GrantSource, entry: PathEntry | undefined, span: Span | undefined) => {
    const resolution = options.resolver.resolve(path);
    let boundTo: string | null = resolution.path;
    let boundKind = resolution.kind;
    if (boundKind === 'missing') {
      // With a process identity, OpenShell creates missing read_write paths as directories before Landlock.
      if (access === 'read_write' && identitySet && !resolution.loop) boundKind = 'directory';
      else boundTo = null;
    }
    let rights = access === 'read_only' ? READ_ACCESS & handled : handled;
    if (boundKind === 'file' || boundKind === 'other') rights &= FILE_RIGHTS;
    result.rules.push({ path, access, source, entry, span, boundTo, boundKind, rights });
  };
  for (const e of ro) addRule(e.normalized, 'read_only', 'read_only', e, e.span);
  for (const r of addedRo) addRule(normalizePath(r.raw), r.access, r.source, undefined, r.span);
  for (const e of rw) addRule(e.normalized, 'read_write', 'read_write', e, e.span);
  for (const r of addedRw) addRule(normalizePath(r.raw), r.access, r.source, undefined, r.span);

  if (result.rules.every((r) => r.boundTo === null)) {
    result.applied = false;
    const n = result.rules.length;
    result.notAppliedReason = `every one of the ${n} Landlock path(s) is missing, so OpenShell (best_effort) runs the sandbox WITHOUT Landlock ("Landlock ruleset has zero valid paths")`;
  }
  return result;
}
