// CPU profiles of the core (in process, via tsx, so frames point at server/src files) and of the
// bundled language server (driven over LSP), on the 2,000 and 20,000 path policies. Prints the top
// functions by self time, and self time per module (for the bundle, mapped through the `// path`
// comments esbuild puts at the start of every module it inlines).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { LspClient } from './lsp-client';
import { bundleLikeTheServer } from './bundle';
import { generatePolicy, writeAll } from './generate';
import { OUR_SERVER } from './lsp-bench';
import { editOffset } from './typing';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PROF_DIR = join(ROOT, 'bench/out/prof');

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface HotSpot {
  fn: string;
  where: string;
  module: string;
  selfMs: number;
  selfPct: number;
}

export interface ProfileSummary {
  label: string;
  totalMs: number;
  top: HotSpot[];
  /** Inclusive (self + callees) time of our own functions (server/src), recursion counted once. */
  inclusive: HotSpot[];
  modules: { module: string; selfMs: number; selfPct: number }[];
}

/** Maps a 0-based line of an esbuild bundle to the module it came from. */
function bundleModuleMap(file: string): (line: number) => string {
  const starts: [number, string][] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((l, i) => {
      const m = /^\/\/ ((?:node_modules|server|client)\/\S+)$/.exec(l);
      if (m) starts.push([i, m[1]]);
    });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let best = '(bundle prelude)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid][0] <= line) {
        best = starts[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  };
}

function moduleOf(url: string, line: number, bundles: Map<string, (line: number) => string>): string {
  if (!url) return '(native/vm)';
  let path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const bundle = bundles.get(path);
  if (bundle) return bundle(line);
  if (path.startsWith(ROOT + '/')) path = path.slice(ROOT.length + 1);
  return path;
}

const shortModule = (m: string) =>
  m.startsWith('node_modules/')
    ? m.split('/').slice(0, m.split('/')[1].startsWith('@') ? 3 : 2).join('/') + ' (' + m.split('/').slice(-1)[0] + ')'
    : m;

const sourceCache = new Map<string, string[] | null>();
/**
 * file:line of a function. In a bundle the profile's line is a bundle line, so the function's
 * definition is looked up in the module's source file by name (first definition wins).
 */
function locate(mod: string, fn: string, line: number, inBundle: boolean): string {
  if (!inBundle) return `${basename(mod)}:${line + 1}`;
  if (!sourceCache.has(mod)) {
    try {
      sourceCache.set(mod, readFileSync(join(ROOT, mod), 'utf8').split('\n'));
    } catch {
      sourceCache.set(mod, null);
    }
  }
  const src = sourceCache.get(mod);
  if (!src || fn === '(anonymous)' || fn.startsWith('(')) return basename(mod);
  const name = fn.replace(/[$]/g, '\\$').replace(/\d+$/, ''); // esbuild renames clashes: foo2 -> foo
  const patterns = [new RegExp(`^\\s*\\*\\s*${name}\\s*\\(`), new RegExp(`function\\*?\\s+${name}\\b`), new RegExp(`^\\s*(?:(?:public|private|protected|static|async|get|set|override|readonly)\\s+)*${name}\\s*[(<]`), new RegExp(`\\b${name}\\s*=`)];
  for (const re of patterns) {
    const i = src.findIndex((l) => re.test(l));
    if (i >= 0) return `${basename(mod)}:${i + 1}`;
  }
  return basename(mod);
}

export function summarise(label: string, profile: CpuProfile, bundles: Map<string, (line: number) => string>, topN = 12): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const fns = new Map<string, HotSpot>();
  const modules = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    const n = byId.get(id)!;
    const cf = n.callFrame;
    if (cf.functionName === '(idle)') continue;
    total += ms;
    const mod = cf.url ? moduleOf(cf.url, cf.lineNumber, bundles) : cf.functionName.startsWith('(') ? cf.functionName : '(native/vm)';
    const fn = cf.functionName || '(anonymous)';
    const where = cf.url ? locate(mod, fn, cf.lineNumber, bundles.has(cf.url.startsWith('file://') ? fileURLToPath(cf.url) : cf.url)) : '';
    const key = `${fn}@${mod}:${cf.url ? cf.lineNumber : ''}`;
    const h = fns.get(key) ?? { fn, where, module: shortModule(mod), selfMs: 0, selfPct: 0 };
    h.selfMs += ms;
    fns.set(key, h);
    const m = shortModule(mod);
    modules.set(m, (modules.get(m) ?? 0) + ms);
  }
  const top = [...fns.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, topN);
  for (const h of top) h.selfPct = (100 * h.selfMs) / total;

  // Inclusive time per function of ours: a DFS over the call tree, a frame counted only when no
  // ancestor on the path is the same function (recursion).
  const keyOf = (n: ProfileNode) => {
    const cf = n.callFrame;
    const mod = cf.url ? moduleOf(cf.url, cf.lineNumber, bundles) : '';
    return { key: `${cf.functionName}@${mod}:${cf.url ? cf.lineNumber : ''}`, mod, fn: cf.functionName || '(anonymous)', url: cf.url, line: cf.lineNumber };
  };
  const inclusiveOf = new Map<number, number>();
  const incl = (id: number): number => {
    const cached = inclusiveOf.get(id);
    if (cached !== undefined) return cached;
    const n = byId.get(id)!;
    let t = n.callFrame.functionName === '(idle)' ? 0 : self.get(id) ?? 0;
    for (const c of n.children ?? []) t += incl(c);
    inclusiveOf.set(id, t);
    return t;
  };
  const ours = new Map<string, HotSpot>();
  const onPath = new Map<string, number>();
  const root = profile.nodes[0];
  const stack: { id: number; leave?: string }[] = [{ id: root.id }];
  while (stack.length) {
    const item = stack.pop()!;
    if (item.leave !== undefined) {
      const c = onPath.get(item.leave)! - 1;
      if (c === 0) onPath.delete(item.leave);
      else onPath.set(item.leave, c);
      continue;
    }
    const n = byId.get(item.id)!;
    const k = keyOf(n);
    if (k.mod.startsWith('server/src/') && !onPath.has(k.key)) {
      const h = ours.get(k.key) ?? { fn: k.fn, where: locate(k.mod, k.fn, k.line, bundles.has(k.url.startsWith('file://') ? fileURLToPath(k.url) : k.url)), module: k.mod, selfMs: 0, selfPct: 0 };
      h.selfMs += incl(n.id);
      ours.set(k.key, h);
    }
    onPath.set(k.key, (onPath.get(k.key) ?? 0) + 1);
    stack.push({ id: n.id, leave: k.key });
    for (const c of n.children ?? []) stack.push({ id: c });
  }
  const inclusive = [...ours.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, topN);
  for (const h of inclusive) h.selfPct = (100 * h.selfMs) / total;
  return {
    label,
    totalMs: total,
    top,
    inclusive,
    modules: [...modules.entries()]
      .map(([module, selfMs]) => ({ module, selfMs, selfPct: (100 * selfMs) / total }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, 10),
  };
}

function readProfiles(dir: string): CpuProfile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile);
}

/**
 * Profiles analyze() alone, repeated for ~`ms` milliseconds, in a child process. The worker is bundled
 * with esbuild like the shipped server (no tsx loader frames in the profile; modules recovered from the
 * bundle's `// path` comments).
 */
export async function profileCore(paths: number, ms: number): Promise<ProfileSummary> {
  const dir = join(PROF_DIR, `core-${paths}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const worker = join(PROF_DIR, 'core-worker.js');
  await bundleLikeTheServer(join(ROOT, 'bench/profile-core-worker.ts'), worker);
  const file = writeAll([paths]).policies[0].file;
  const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200', worker, file, String(ms)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`core profile failed: ${r.stderr}`);
  const profiles = readProfiles(dir);
  return summarise(`core analyze(), ${paths} paths (${r.stdout.trim()})`, profiles[0], new Map([[worker, bundleModuleMap(worker)]]));
}

/** Profiles the bundled server: didOpen then `edits` one-character edits, debounce 0. */
export async function profileServer(paths: number, edits: number): Promise<ProfileSummary> {
  const dir = join(PROF_DIR, `server-${paths}`);
  // Twice with the same arguments: the first start writes the V8 code cache for them (its name carries
  // the flags), so the profiled one starts as an installed server does after its first start.
  await profiledSession(dir, paths, 0);
  return profiledSession(dir, paths, edits);
}

async function profiledSession(dir: string, paths: number, edits: number): Promise<ProfileSummary> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = writeAll([paths]);
  const { file, gen } = files.policies[0];
  const uri = pathToFileURL(file).href;
  const settings = { debounceMs: 0 };
  const client = new LspClient({
    command: process.execPath,
    args: ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200', OUR_SERVER, '--stdio'],
    cwd: ROOT,
    configuration: (s) => (s === 'landlockLens' ? settings : null),
  });
  const t0 = performance.now();
  const init = await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(ROOT).href, capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } } }, initializationOptions: settings }, 60000);
  const incremental = (typeof init.capabilities.textDocumentSync === 'number' ? init.capabilities.textDocumentSync : init.capabilities.textDocumentSync?.change) === 2;
  client.notify('initialized', {});
  await client.settle(100, 3000);
  let text = gen.text;
  let version = 1;
  const open = client.waitDiagnostics(uri, undefined, 120000);
  client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
  await open;
  const editAt = editOffset(gen);
  const before = text.slice(0, editAt);
  const line = before.split('\n').length - 1;
  const character = editAt - (before.lastIndexOf('\n') + 1);
  for (let i = 0; i < edits; i++) {
    const ch = text[editAt] === 's' ? 'z' : 's';
    text = text.slice(0, editAt) + ch + text.slice(editAt + 1);
    version++;
    const next = client.waitDiagnostics(uri, version, 120000);
    client.notify('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [incremental ? { range: { start: { line, character }, end: { line, character: character + 1 } }, text: ch } : { text }],
    });
    await next;
  }
  const hoverAt = text.indexOf(gen.hoverPath);
  const hb = text.slice(0, hoverAt);
  await client.request('textDocument/hover', { textDocument: { uri }, position: { line: hb.split('\n').length - 1, character: hoverAt - (hb.lastIndexOf('\n') + 1) + 10 } }, 60000);
  const elapsed = performance.now() - t0;
  await client.shutdown(); // exit writes the profile
  const profiles = readProfiles(dir);
  if (profiles.length === 0) throw new Error('the server wrote no profile (did it exit cleanly on `exit`?)');
  // server.js is the launcher; the server itself is server-main.js next to it (lsp/launch.ts).
  const bundles = new Map([OUR_SERVER, join(dirname(OUR_SERVER), 'server-main.js')].filter(existsSync).map((b) => [b, bundleModuleMap(b)]));
  return summarise(`server: didOpen + ${edits} edits + hover, ${paths} paths (${Math.round(elapsed)} ms wall)`, profiles[0], bundles);
}

export function profileMarkdown(p: ProfileSummary): string {
  const lines = [`**${p.label}**: ${Math.round(p.totalMs)} ms of samples (idle excluded)`, '', '| self % | self ms | function | where | module |', '|---:|---:|---|---|---|'];
  for (const h of p.top) lines.push(`| ${h.selfPct.toFixed(1)} | ${h.selfMs.toFixed(0)} | \`${h.fn}\` | ${h.where} | ${h.module} |`);
  if (p.inclusive.length) {
    lines.push('', 'Inclusive time (self + callees) of our functions:', '', '| total % | total ms | function | where |', '|---:|---:|---|---|');
    for (const h of p.inclusive) lines.push(`| ${h.selfPct.toFixed(1)} | ${h.selfMs.toFixed(0)} | \`${h.fn}\` | ${h.where} |`);
  }
  lines.push('', 'Self time by module: ' + p.modules.map((m) => `${m.module} ${m.selfPct.toFixed(0)}%`).join(', '), '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const sizes = [2000, 20000];
  // A readable build of the server: its `// path` comments map samples to modules (a minified one has none).
  if (!process.argv.includes('--core-only')) spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  for (const n of sizes) console.log(profileMarkdown(await profileCore(n, n >= 20000 ? 6000 : 3000)));
  if (!process.argv.includes('--core-only')) {
    for (const n of sizes) console.log(profileMarkdown(await profileServer(n, n >= 20000 ? 5 : 20)));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e);
    process.exit(2);
  });
}


