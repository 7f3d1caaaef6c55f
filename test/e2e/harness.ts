// Shared plumbing for the end-to-end tests: where things are, the test workspace with the #698
// policy, waiting for conditions, and killing every process a test started.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const E2E_DIR = __dirname;
export const CACHE_DIR = process.env.E2E_CACHE ?? join(E2E_DIR, '.cache');
export const SCREENSHOT_DIR = join(E2E_DIR, 'screenshots');
// E2E_CLI: run the editors against another build of the CLI (default: this checkout's bundle).
export const CLI_JS = process.env.E2E_CLI ?? join(ROOT, 'server', 'out', 'cli.js');
export const VSIX = process.env.E2E_VSIX ?? join(ROOT, 'landlock-lens.vsix');
export const CODE_SERVER_BIN = join(CACHE_DIR, 'code-server', 'node_modules', '.bin', 'code-server');
export const CHROMIUM_BIN = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

/** The policy from OpenShell issue #698: SOUL.md read_only under read_write /sandbox. */
export const POLICY_FIXTURE = join(ROOT, 'test', 'fixtures', 'examples', 'issue-698.yaml');
export const POLICY_NAME = 'issue-698.yaml';
export const TREE_NAME = 'sandbox-tree.txt';
export const SOUL = '/sandbox/.openclaw/workspace/SOUL.md';

/**
 * A listing of the sandbox image as `find /sandbox ( -type l -printf 'l %p -> %l\n' ) -o -printf '%y %p\n'`
 * prints it. The split fix lists every non-symlink entry along the chain /sandbox → SOUL.md.
 */
export const TREE_LISTING = [
  'd /sandbox',
  'f /sandbox/.bashrc',
  'd /sandbox/.openclaw',
  'd /sandbox/.openclaw/agents',
  'f /sandbox/.openclaw/openclaw.json',
  'd /sandbox/.openclaw/workspace',
  'f /sandbox/.openclaw/workspace/AGENTS.md',
  'd /sandbox/.openclaw/workspace/memory',
  'f /sandbox/.openclaw/workspace/memory/2026-04-01.md',
  'f /sandbox/.openclaw/workspace/SOUL.md',
  'd /sandbox/.openclaw-data',
  'd /sandbox/work',
  'f /sandbox/work/notes.txt',
  '',
].join('\n');

/** The entries a correct split must make read-write: the siblings at each level of the chain. */
export const SPLIT_SIBLINGS = [
  '/sandbox/.bashrc',
  '/sandbox/.openclaw-data',
  '/sandbox/work',
  '/sandbox/.openclaw/agents',
  '/sandbox/.openclaw/openclaw.json',
  '/sandbox/.openclaw/workspace/AGENTS.md',
  '/sandbox/.openclaw/workspace/memory',
];

export const allowSkip = process.env.E2E_ALLOW_SKIP === '1';

/**
 * Why a client cannot run here, or undefined when it can. With E2E_ALLOW_SKIP=1 a test skips on
 * this reason; by default the test fails with it, so CI never passes without really running.
 */
export function missingReason(what: string, paths: string[]): string | undefined {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length === 0) return undefined;
  return `${what}: not found: ${missing.join(', ')} (run test/e2e/setup.sh, then npm run package; set E2E_ALLOW_SKIP=1 to skip instead of failing)`;
}

/** node:test `skip` option: the reason when skipping is allowed, else false (the test then fails on it). */
export function skipOption(reason: string | undefined): string | false {
  return reason && allowSkip ? `skipped (E2E_ALLOW_SKIP=1): ${reason}` : false;
}

export function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

export interface Workspace {
  dir: string;
  policy: string;
  text: string;
  /** 0-based line and character of the SOUL.md entry's path in the policy. */
  soul: { line: number; character: number };
  remove(): void;
}

/** A fresh folder with the #698 policy, a tree listing of the image and the setting that points at it. */
export function makeWorkspace(prefix: string): Workspace {
  const parent = mkdtempSync(join(tmpdir(), `landlock-lens-e2e-${prefix}-`));
  // A stable folder name: it shows in the Explorer and in the README's screenshot.
  const dir = join(parent, 'openclaw-agent');
  mkdirSync(dir);
  const policy = join(dir, POLICY_NAME);
  copyFileSync(POLICY_FIXTURE, policy);
  writeFileSync(join(dir, TREE_NAME), TREE_LISTING);
  mkdirSync(join(dir, '.vscode'));
  writeFileSync(join(dir, '.vscode', 'settings.json'), JSON.stringify({ 'landlockLens.treeListing': TREE_NAME }, null, 2) + '\n');
  const text = readFileSync(policy, 'utf8');
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(`- ${SOUL}`));
  if (line < 0) throw new Error(`${POLICY_FIXTURE} no longer lists ${SOUL} as an entry`);
  return { dir, policy, text, soul: { line, character: lines[line].indexOf(SOUL) }, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

/**
 * A directory holding a `landlock-lens` command that runs this checkout's CLI, to put first on PATH:
 * the editor configs under test are the documented ones, which start `landlock-lens lsp --stdio`.
 */
export function cliShimDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'landlock-lens-bin-'));
  const shim = join(dir, 'landlock-lens');
  writeFileSync(shim, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI_JS)} "$@"\n`);
  chmodSync(shim, 0o755);
  return dir;
}

/** Polls `probe` until it returns a value other than undefined, or throws `describe(last)` at the timeout. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  opts: { timeoutMs: number; intervalMs?: number; what: string; detail?: () => Promise<string> | string },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
  let detail = '';
  try {
    detail = opts.detail ? await opts.detail() : '';
  } catch (e) {
    detail = `(could not read the state: ${e instanceof Error ? e.message : String(e)})`;
  }
  const err = lastError instanceof Error ? ` (last error: ${lastError.message.split('\n')[0]})` : '';
  throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${opts.what}${err}${detail ? `\n    seen: ${detail}` : ''}`);
}

/** Every live descendant of `pid` (from /proc), deepest last. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // The process ended while we listed it.
    }
  }
  const out: number[] = [];
  const stack = [...(children.get(pid) ?? [])];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** Processes whose command line contains `marker` (a unique temporary path this run created). */
export function processesMentioning(marker: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) out.push(Number(name));
    } catch {
      // The process ended while we listed it.
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends `pid` and everything it started (found through /proc before signalling, since children are
 * re-parented once their parent dies): SIGTERM, then SIGKILL for whatever is left after `graceMs`.
 */
export async function killTree(pid: number | undefined, graceMs = 3000): Promise<void> {
  if (!pid) return;
  const all = [pid, ...descendants(pid)];
  for (const p of all) {
    try {
      process.kill(p, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && all.some(alive)) await new Promise((r) => setTimeout(r, 50));
  for (const p of [...all, ...all.flatMap(descendants)]) {
    if (!alive(p)) continue;
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to completion with a hard timeout; on timeout its whole tree is killed. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void killTree(child.pid, 500);
    }, opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = Date.now() - t0;
      if (timedOut) reject(new Error(`${cmd} ${args.join(' ')} timed out after ${opts.timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      else resolve({ code, stdout, stderr, ms });
    });
  });
}

/** The CLI's own verdict on a policy text (the same core as the editors). */
export function cliCheck(file: string, extra: string[] = []): { ruleId: string; line: number; message: string }[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [CLI_JS, 'check', '--format', 'json', ...extra, file], { encoding: 'utf8' });
  } catch (e) {
    const err = e as { status?: number; stdout?: string };
    if (err.status !== 1 || !err.stdout) throw e;
    out = err.stdout;
  }
  return JSON.parse(out).files[0].findings;
}
