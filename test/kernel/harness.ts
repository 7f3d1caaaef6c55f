// Kernel differential harness: runs the same OpenShell policy and scratch tree through the real
// kernel (test/kernel/oracle.c) and through the core (analyze + explain), probe by probe.
//
// Policy paths are what the sandbox sees (/sandbox/x); the oracle gets them mapped into a fresh temp
// dir (<tmp>/sandbox/x), the core gets the policy text unchanged plus a `--tree` listing of the
// scratch tree written with policy paths. Only the rule list of the policy reaches the oracle, exactly
// as OpenShell would build it (read_only, read_write, and the workdir when include_workdir is true);
// no network_policies, hence no baseline.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { analyze, explain, parseTreeListing } from '../../server/src/core/index';
import { bitsFromNames, formatOp, parseOp, predict, type ModelAccess, type Op } from './predict';
import { ScratchTree } from './tree';

const ROOT = process.env.LANDLOCK_LENS_ROOT ?? new URL('../..', import.meta.url).pathname;
const SOURCE = join(ROOT, 'test/kernel/oracle.c');
const OUT = join(ROOT, 'test/out');
const ORACLE = join(OUT, 'oracle');
const TINY_TRUE = join(OUT, 'true');

/** The unprivileged identity the sandboxed probes run as, and that owns every scratch tree. */
export const SANDBOX_UID = 1500;

export type Support = { ok: true; kernelAbi: number } | { ok: false; reason: string };
let support: Support | undefined;
let tinyTrue = false;

function compile(args: string[], output: string): string | null {
  const tmp = `${output}.${process.pid}.tmp`;
  const r = spawnSync('gcc', [...args, '-o', tmp, SOURCE], { encoding: 'utf8' });
  if (r.error) return `gcc not runnable: ${r.error.message}`;
  if (r.status !== 0) return `gcc failed: ${r.stderr.trim().split('\n').slice(0, 5).join(' | ')}`;
  renameSync(tmp, output); // atomic: test files running in parallel never see half a binary
  return null;
}

function stale(binary: string): boolean {
  return !existsSync(binary) || statSync(binary).mtimeMs < statSync(SOURCE).mtimeMs;
}

/**
 * Builds the oracle (once per source change) and asks the kernel for its Landlock ABI. Tests call
 * this and skip with `reason` when the machine cannot run them (not root, no gcc, no Landlock).
 */
export function kernelSupport(): Support {
  if (support) return support;
  support = detectSupport();
  return support;
}

function detectSupport(): Support {
  if (process.platform !== 'linux') return { ok: false, reason: 'kernel differential tests need Linux (Landlock)' };
  if (process.getuid?.() !== 0) {
    return { ok: false, reason: 'kernel differential tests need root: the oracle builds trees owned by uid 1500 and drops to it' };
  }
  mkdirSync(OUT, { recursive: true });
  if (stale(ORACLE)) {
    // Static, so that copies of it run without an ELF interpreter (see the header of oracle.c).
    const err = compile(['-O2', '-Wall', '-static'], ORACLE);
    if (err) return { ok: false, reason: `cannot build test/kernel/oracle.c: ${err}` };
  }
  if (stale(TINY_TRUE)) compile(['-DORACLE_TRUE', '-Os', '-static', '-nostdlib', '-Wl,--build-id=none', '-s'], TINY_TRUE);
  tinyTrue = existsSync(TINY_TRUE) && !stale(TINY_TRUE);
  const r = spawnSync(ORACLE, ['--abi-version'], { encoding: 'utf8' });
  const out = (r.stdout ?? '').trim();
  if (r.status !== 0) return { ok: false, reason: `Landlock is not available on this kernel (landlock_create_ruleset(VERSION): ${out || r.stderr || r.error?.message})` };
  return { ok: true, kernelAbi: Number(out) };
}

// ---------- policy -> rule list (what OpenShell hands to Landlock) ----------

/** OpenShell's lexical normalize_path: `//` and `.` components go, a trailing `/` goes. */
function normalize(path: string): string {
  const parts = path.split('/').filter((c) => c !== '' && c !== '.');
  return '/' + parts.join('/');
}

export interface PolicyRule {
  access: 'ro' | 'rw';
  path: string;
}

/** The rule list of an OpenShell policy without baseline (the harness refuses network policies). */
export function policyRules(policyYaml: string, workdir: string): PolicyRule[] {
  const doc = parseYaml(policyYaml) as Record<string, any>;
  if (doc?.network_policies && Object.keys(doc.network_policies).length) {
    throw new Error('kernel cases must not have network_policies: the harness does not emulate the baseline');
  }
  const fs = doc?.filesystem_policy ?? {};
  const list = (v: unknown): string[] => {
    if (v == null) return [];
    if (!Array.isArray(v)) throw new Error('read_only/read_write must be lists');
    return v.map((p) => {
      const s = String(p);
      if (!s.startsWith('/')) throw new Error(`kernel cases need absolute paths: ${s}`);
      return normalize(s);
    });
  };
  const ro = list(fs.read_only);
  const rw = list(fs.read_write);
  // include_workdir (default true when the section is absent or null) appends the workdir to read_write.
  const includeWorkdir = fs.include_workdir ?? true;
  if (includeWorkdir === true && !rw.includes(normalize(workdir))) rw.push(normalize(workdir));
  return [...ro.map((path) => ({ access: 'ro' as const, path })), ...rw.map((path) => ({ access: 'rw' as const, path }))];
}

// ---------- running a case ----------

export interface ProbeResult {
  op: string;
  kernel: string;
  model: string;
  /** The rights the prediction was made from. */
  why: string;
  agree: boolean;
}

export interface KernelCaseOptions {
  /** Handled ABI of the ruleset (default 2, OpenShell's). */
  abi?: number;
  /** Workdir for include_workdir (default /sandbox). */
  workdir?: string;
  /** Filesystem of the scratch tree (default 'disk'). */
  scratch?: Scratch;
}

export interface KernelCaseResult {
  policy: string;
  tree: ScratchTree;
  abi: number;
  probes: ProbeResult[];
  disagreements: ProbeResult[];
  /** Mismatches between the kernel's ruleset and the core's (rule binding, handled set, applied). */
  rulesetProblems: string[];
  /** The kernel's answer for a probe, by its text. */
  kernel(op: string): string;
  /** Every probe the model got wrong, with the policy and the tree, ready for a failure message. */
  report(): string;
}

interface OracleOutput {
  handled: number;
  applied: boolean;
  rules: Map<string, { rights: number; dir: boolean } | { skipped: string }>;
  results: string[];
}

function runOracle(spec: string[]): OracleOutput {
  const r = spawnSync(ORACLE, [], { input: spec.join('\n') + '\n', encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`oracle failed (${r.status}): ${r.stderr}\nspec:\n${spec.join('\n')}`);
  const out: OracleOutput = { handled: 0, applied: false, rules: new Map(), results: [] };
  for (const line of r.stdout.split('\n')) {
    const t = line.split(' ');
    if (t[0] === 'handled') out.handled = parseInt(t[1], 16);
    else if (t[0] === 'landlock') out.applied = t[1] === 'applied';
    else if (t[0] === 'rule') out.rules.set(`${t[1]} ${t[2]}`, { rights: parseInt(t[3], 16), dir: t[4] === 'dir' });
    else if (t[0] === 'skip') out.rules.set(`${t[1]} ${t[2]}`, { skipped: t[3] });
    else if (t[0] === 'result') out.results[Number(t[1])] = t.slice(2).join(' ');
  }
  return out;
}

/**
 * Where scratch trees go. 'disk': the system temp dir (ext4 here, as in the ground-truth document).
 * 'memory': /dev/shm when present: Landlock is filesystem-independent, and tmpfs rebuilds a tree in
 * well under a millisecond where ext4 metadata latency costs ~10 ms per isolated probe. The env var
 * LANDLOCK_LENS_SCRATCH forces a directory for both.
 */
export type Scratch = 'disk' | 'memory';

function scratchBase(kind: Scratch): string {
  if (process.env.LANDLOCK_LENS_SCRATCH) return process.env.LANDLOCK_LENS_SCRATCH;
  if (kind === 'memory' && existsSync('/dev/shm') && statSync('/dev/shm').isDirectory()) return '/dev/shm';
  return tmpdir();
}

function scratchRoot(kind: Scratch): string {
  const dir = mkdtempSync(join(scratchBase(kind), 'landlock-lens-kernel-'));
  chmodSync(dir, 0o755); // mkdtemp makes it 0700: the sandbox uid must be able to walk into it
  return dir;
}

function mapper(root: string): (p: string) => string {
  return (p) => (p === '/' ? root : root + p);
}

function mapOp(op: Op, map: (p: string) => string): string {
  return [op.name, ...op.args.map((a) => (a.startsWith('/') ? map(a) : a))].join(' ');
}

function specHeader(root: string, abi: number, tree: ScratchTree, rules: PolicyRule[], mode: 'isolated' | 'sequential'): string[] {
  const map = mapper(root);
  return [
    `abi ${abi}`,
    `uid ${SANDBOX_UID}`,
    `gid ${SANDBOX_UID}`,
    `root ${root}`,
    `mode ${mode}`,
    ...(tinyTrue ? [`truebin ${TINY_TRUE}`] : []),
    ...tree.oracleLines(map),
    ...rules.map((r) => `${r.access} ${map(r.path)}`),
  ];
}

/**
 * Runs each probe in isolation (fresh tree and ruleset per probe, see oracle.c) in the kernel, and
 * predicts it with the core on the initial tree. Other tests reuse this for their own cases.
 */
export function runKernelCase(policyYaml: string, treeSpec: string | ScratchTree, ops: (string | Op)[], options: KernelCaseOptions = {}): KernelCaseResult {
  const support = kernelSupport();
  if (!support.ok) throw new Error(support.reason);
  const abi = options.abi ?? 2;
  const workdir = options.workdir ?? '/sandbox';
  const tree = typeof treeSpec === 'string' ? ScratchTree.parse(treeSpec) : treeSpec;
  const parsedOps = ops.map((o) => (typeof o === 'string' ? parseOp(o) : o));
  const rules = policyRules(policyYaml, workdir);

  // The model's side: the core, given the policy text and the listing of the same tree.
  const analysis = analyze(policyYaml, { abi, view: parseTreeListing(tree.listing(), 'scratch tree'), workdir });
  const document = analysis.documents.find((d) => d.isPolicy && d.ruleset);
  if (!document?.ruleset) throw new Error(`the core did not analyse the policy as an OpenShell policy:\n${policyYaml}`);
  const ruleset = document.ruleset;
  const cache = new Map<string, number>();
  const model: ModelAccess = {
    handled: ruleset.handled,
    rights(path) {
      let bits = cache.get(path);
      if (bits === undefined) cache.set(path, (bits = bitsFromNames(explain(analysis, path).rights)));
      return bits;
    },
  };

  // The kernel's side.
  const root = scratchRoot(options.scratch ?? 'disk');
  let kernel: OracleOutput;
  try {
    const map = mapper(root);
    kernel = runOracle([...specHeader(root, abi, tree, rules, 'isolated'), ...parsedOps.map((op) => `op ${mapOp(op, map)}`)]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }

  // The rulesets must match before any probe can: same handled set, same bindings, same skips.
  const rulesetProblems: string[] = [];
  if (kernel.handled !== ruleset.handled) rulesetProblems.push(`handled: kernel 0x${kernel.handled.toString(16)}, core 0x${ruleset.handled.toString(16)}`);
  if (kernel.applied !== ruleset.applied) rulesetProblems.push(`ruleset applied: kernel ${kernel.applied}, core ${ruleset.applied} (${ruleset.notAppliedReason ?? ''})`);
  const map = mapper(root);
  for (const rule of ruleset.rules) {
    const access = rule.access === 'read_only' ? 'ro' : 'rw';
    const k = kernel.rules.get(`${access} ${map(rule.path)}`);
    if (!k) {
      rulesetProblems.push(`core has a ${access} rule on ${rule.path} that the policy's rule list does not`);
    } else if ('skipped' in k) {
      if (rule.boundTo !== null) rulesetProblems.push(`${access} ${rule.path}: kernel skipped it (${k.skipped}), core binds it to ${rule.boundTo}`);
    } else if (rule.boundTo === null) {
      rulesetProblems.push(`${access} ${rule.path}: kernel bound it (${k.dir ? 'directory' : 'file'}), core skips it`);
    } else if (rule.rights !== k.rights || (rule.boundKind === 'directory') !== k.dir) {
      rulesetProblems.push(`${access} ${rule.path}: kernel rights 0x${k.rights.toString(16)} on a ${k.dir ? 'directory' : 'file'}, core 0x${rule.rights.toString(16)} on ${rule.boundKind} ${rule.boundTo}`);
    }
  }
  if (ruleset.rules.length !== rules.length) rulesetProblems.push(`rule count: policy ${rules.length}, core ${ruleset.rules.length}`);

  const probes: ProbeResult[] = parsedOps.map((op, i) => {
    const prediction = predict(op, model, tree);
    const k = kernel.results[i] ?? 'MISSING';
    return { op: formatOp(op), kernel: k, model: prediction.outcome, why: prediction.why, agree: k === prediction.outcome };
  });
  const disagreements = probes.filter((p) => !p.agree);
  const byOp = new Map(probes.map((p) => [p.op, p.kernel]));
  return {
    policy: policyYaml,
    tree,
    abi,
    probes,
    disagreements,
    rulesetProblems,
    kernel(op: string) {
      const k = byOp.get(formatOp(parseOp(op)));
      if (k === undefined) throw new Error(`no such probe in this case: ${op}`);
      return k;
    },
    report() {
      return [
        `ABI ${abi}, policy:`,
        policyYaml.trimEnd(),
        'tree:',
        tree.describe(),
        ...rulesetProblems.map((p) => `RULESET MISMATCH ${p}`),
        ...disagreements.map((d) => `DISAGREEMENT ${d.op}: kernel ${d.kernel}, model ${d.model} (${d.why})`),
      ].join('\n');
    },
  };
}

/**
 * Runs probes one after the other on ONE tree and ruleset (state carries over), kernel only: for the
 * ground-truth scenarios whose later steps depend on earlier ones (unlink then re-create, rename then
 * exec, files created from outside "later"). A probe prefixed with `root ` is run by the oracle as
 * root, outside the sandbox. Returns the kernel's answers in order.
 */
export function runKernelSequence(policyYaml: string, treeSpec: string | ScratchTree, ops: string[], options: KernelCaseOptions = {}): string[] {
  const support = kernelSupport();
  if (!support.ok) throw new Error(support.reason);
  const tree = typeof treeSpec === 'string' ? ScratchTree.parse(treeSpec) : treeSpec;
  const rules = policyRules(policyYaml, options.workdir ?? '/sandbox');
  const root = scratchRoot(options.scratch ?? 'disk');
  try {
    const map = mapper(root);
    const lines = ops.map((o) => (o.startsWith('root ') ? `rootop ${mapOp(parseOp(o.slice(5)), map)}` : `op ${mapOp(parseOp(o), map)}`));
    return runOracle([...specHeader(root, options.abi ?? 2, tree, rules, 'sequential'), ...lines]).results;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A minimal OpenShell policy with these lists (no network policies, so no baseline). */
export function policy(readOnly: string[], readWrite: string[], includeWorkdir = false): string {
  const list = (items: string[]) => (items.length ? '\n' + items.map((p) => `    - ${p}`).join('\n') : ' []');
  return `version: 1\nfilesystem_policy:\n  include_workdir: ${includeWorkdir}\n  read_only:${list(readOnly)}\n  read_write:${list(readWrite)}\n`;
}
