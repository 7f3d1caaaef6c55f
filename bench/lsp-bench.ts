// LSP benchmark: our server against yaml-language-server 2.0.0 (with our JSON schema), both spawned over
// stdio, measured alternately (A B A B ...) in one run so machine noise hits both alike.
//
// Per session (one fresh server process): cold start (spawn -> initialize result), didOpen -> first
// publishDiagnostics for the uri, didChange (one character of one path) -> diagnostics of that version,
// hover on a path scalar, code action at a diagnostic, and the process's peak RSS (VmHWM).
//
// Debounce: yaml-language-server validates `validationDelayMs` = 200 ms after every open/change
// (out/src/languageserver/handlers/validationHandlers.js, value fixed in out/src/yamlSettings.js, no
// setting changes it). Our server is run with debounce 0 and with its default. "Excluded" latencies
// subtract the debounce the server applied; `--yls-nodelay` also measures yaml-language-server with
// the delay patched to 0 at load time, as a cross-check of the subtraction.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { LspClient, type Diagnostic } from './lsp-client';
import { writeAll, POLICY_SIZES, type GeneratedPolicy } from './generate';
import { median, p90, fmtMs, fmtRatio } from './stats';
import { editOffset } from './typing';
import { serverV8Flags } from '../client/src/server-flags';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// BENCH_OUR_SERVER: benchmark another build of the server (e.g. a saved bundle, to compare before/after).
export const OUR_SERVER = process.env.BENCH_OUR_SERVER ? resolve(process.env.BENCH_OUR_SERVER) : join(ROOT, 'server/out/server.js');
export const YLS_BIN = join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server');
export const PROJECT_SCHEMA = join(ROOT, 'schemas/openshell-policy.schema.json');
export const STAND_IN_SCHEMA = join(ROOT, 'bench/stand-in-schema.json');
/** Our server's default debounce (landlockLens.debounceMs), per the brief and the server's settings. */
export const OUR_DEFAULT_DEBOUNCE_MS = 200;
/** yaml-language-server 2.0.0: `this.validationDelayMs = 200` (out/src/yamlSettings.js). */
export const YLS_VALIDATION_DELAY_MS = 200;

export interface ServerSpec {
  id: string;
  label: string;
  command: string;
  args: string[];
  /** Delay the server waits before validating after didOpen / didChange (subtracted for "excluded"). */
  openDebounceMs: number;
  changeDebounceMs: number;
  initializationOptions?: unknown;
  /** Variables set over the benchmark's own environment. */
  env?: Record<string, string>;
  configuration: (section: string | undefined) => unknown;
  /** What the "ours vs theirs" ratios compare against. */
  role: 'ours' | 'theirs';
}

export function schemaInUse(): { path: string; standIn: boolean } {
  if (existsSync(PROJECT_SCHEMA)) {
    try {
      JSON.parse(readFileSync(PROJECT_SCHEMA, 'utf8'));
      return { path: PROJECT_SCHEMA, standIn: false };
    } catch {
      // half-written file: fall back
    }
  }
  return { path: STAND_IN_SCHEMA, standIn: true };
}

/** The V8 flags VS Code starts the server with on this machine: the client's own function, so the two cannot drift apart. */
export { serverV8Flags };

/** Where the benchmark's servers keep their V8 code cache: its own directory, emptied per run. */
export const BENCH_CODE_CACHE = join(ROOT, 'bench/out/code-cache');

/**
 * Points our server's code cache (server/src/node/code-cache.ts) at an empty directory of the benchmark's
 * own, for this process and the servers it spawns, so no earlier run or user cache flatters the numbers.
 * runLspBench fills it with one untimed session first, as any start after the first does in use.
 */
export function useFreshCodeCache(): string {
  rmSync(BENCH_CODE_CACHE, { recursive: true, force: true });
  mkdirSync(BENCH_CODE_CACHE, { recursive: true, mode: 0o700 });
  process.env.LANDLOCK_LENS_CODE_CACHE = BENCH_CODE_CACHE;
  return BENCH_CODE_CACHE;
}

/**
 * Our server as the VS Code client starts it. `codeCache: false` is a start without V8's code cache
 * (`ours-nocache`: the first start after installing or updating, or with the cache turned off).
 */
export function ourServer(debounceMs: number | undefined, codeCache = true): ServerSpec {
  const settings = debounceMs === undefined ? {} : { debounceMs };
  const d = debounceMs ?? OUR_DEFAULT_DEBOUNCE_MS;
  return {
    id: !codeCache ? 'ours-nocache' : debounceMs === undefined ? 'ours-default' : `ours-d${debounceMs}`,
    label: `ours (${debounceMs === undefined ? `default debounce ${OUR_DEFAULT_DEBOUNCE_MS} ms` : `debounce ${debounceMs} ms`}${codeCache ? '' : ', no code cache'})`,
    ...(codeCache ? {} : { env: { LANDLOCK_LENS_CODE_CACHE: 'off' } }),
    command: process.execPath,
    // As the VS Code client launches it (client/src/server-flags.ts).
    args: [...serverV8Flags(), OUR_SERVER, '--stdio'],
    // Set by run.ts once it knows whether our server debounces opens (see ourDebounceAppliesToOpen).
    openDebounceMs: d,
    changeDebounceMs: d,
    ...answering(settings),
    role: 'ours',
  };
}

/**
 * Our server (debounce 0 ms) started with other V8 flags than the client's: A/B runs of a flag choice.
 * The code cache is keyed by the flags, so runLspBench primes one for it too.
 */
export function ourServerWithFlags(id: string, flags: string[], what: string): ServerSpec {
  return { ...ourServer(0), id, label: `ours (debounce 0 ms, ${what})`, args: [...flags, OUR_SERVER, '--stdio'] };
}

/**
 * `ours-all`: debounce 0 and every finding published (`maxDiagnostics: 0`). The default publishes at most
 * 1,000 diagnostics per file, as many as VS Code keeps: from 2,000 paths on (1,253 and 12,444 findings)
 * this shows what that limit saves.
 */
export function ourServerUnlimited(): ServerSpec {
  return { ...ourServer(0), id: 'ours-all', label: 'ours (debounce 0 ms, every diagnostic: maxDiagnostics 0)', ...answering({ debounceMs: 0, maxDiagnostics: 0 }) };
}

/** Our settings as the server gets them: in initializationOptions and from workspace/configuration. */
function answering(settings: Record<string, unknown>): Pick<ServerSpec, 'initializationOptions' | 'configuration'> {
  return {
    initializationOptions: settings,
    configuration: (section) => (section === 'landlockLens' ? settings : section?.startsWith('landlockLens.') ? settings[section.slice(13)] ?? null : null),
  };
}

/** The client's flags with Node's default pool of V8 background threads (4) instead of ours. */
export function nodeDefaultPoolFlags(): string[] {
  return serverV8Flags().filter((f) => !f.startsWith('--v8-pool-size='));
}

/** `ours-pool4`: our server with Node's default pool of V8 threads, against which the client's choice is measured. */
export function ourServerWithNodeDefaultPool(): ServerSpec {
  return ourServerWithFlags('ours-pool4', nodeDefaultPoolFlags(), "Node's default 4 V8 background threads");
}

export function yamlLanguageServer(schemaPath: string, noDelay = false): ServerSpec {
  const yaml = {
    validate: true,
    hover: true,
    completion: true,
    format: { enable: false },
    schemas: { [pathToFileURL(schemaPath).href]: ['*.yaml'] },
    schemaStore: { enable: false },
    kubernetesCRDStore: { enable: false },
    maxItemsComputed: 5000,
  };
  return {
    id: noDelay ? 'yls-nodelay' : 'yls',
    label: noDelay ? 'yaml-language-server 2.0.0 (delay patched to 0)' : 'yaml-language-server 2.0.0',
    command: process.execPath,
    args: [...(noDelay ? ['--import', join(ROOT, 'bench/yls-nodelay.mjs')] : []), YLS_BIN, '--stdio'],
    openDebounceMs: noDelay ? 0 : YLS_VALIDATION_DELAY_MS,
    changeDebounceMs: noDelay ? 0 : YLS_VALIDATION_DELAY_MS,
    configuration: (section) => {
      if (section === 'yaml') return yaml;
      if (section === 'http') return { proxy: '', proxyStrictSSL: false };
      if (section === '[yaml]') return {};
      if (section === 'editor') return { detectIndentation: true };
      return null;
    },
    role: 'theirs',
  };
}

export interface SessionSample {
  server: string;
  paths: number;
  round: number;
  coldStartMs: number;
  /** Main-thread CPU time from spawn to the initialize result. */
  coldCpuMs: number;
  openMs: number;
  editMs: number[];
  /** Main-thread CPU time of the server from the notification until it is idle after publishing. */
  openCpuMs: number;
  editCpuMs: number[];
  /** Minor page faults of the server (all threads) over the same windows as openCpuMs and editCpuMs. */
  openFaults: number;
  editFaults: number[];
  hoverMs: number[];
  codeActionMs: number[];
  hwmKiB: number;
  openDiagnostics: number;
  codeActions: number;
  hoverChars: number;
  sync: 'full' | 'incremental';
  serverRequests: string[];
  /** Oddities that would make a latency meaningless (e.g. an empty first publication). */
  warnings: string[];
}

function lineCol(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

const overlaps = (d: Diagnostic, line: number) => d.range.start.line <= line && d.range.end.line >= line;

export interface SessionOptions {
  edits: number;
  hovers: number;
  codeActions: number;
  trace?: boolean;
  timeoutMs: number;
}

export async function runSession(spec: ServerSpec, file: string, gen: GeneratedPolicy, round: number, o: SessionOptions): Promise<SessionSample> {
  const uri = pathToFileURL(file).href;
  let text = gen.text;
  const env = spec.env ? { ...process.env, ...spec.env } : undefined;
  const client = new LspClient({ command: spec.command, args: spec.args, cwd: ROOT, env, configuration: spec.configuration, trace: o.trace });
  try {
    const init = await client.request(
      'initialize',
      {
        processId: process.pid,
        clientInfo: { name: 'landlock-lens-bench', version: '1' },
        rootUri: pathToFileURL(ROOT).href,
        workspaceFolders: [{ uri: pathToFileURL(ROOT).href, name: 'bench' }],
        initializationOptions: spec.initializationOptions,
        capabilities: {
          workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, workspaceFolders: true },
          window: { workDoneProgress: true },
          textDocument: {
            synchronization: { dynamicRegistration: false, didSave: false },
            publishDiagnostics: { relatedInformation: true, versionSupport: true, tagSupport: { valueSet: [1, 2] }, codeDescriptionSupport: true },
            hover: { contentFormat: ['markdown', 'plaintext'] },
            codeAction: {
              codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source'] } },
              isPreferredSupport: true,
              resolveSupport: { properties: ['edit'] },
            },
          },
        },
      },
      o.timeoutMs,
    );
    const coldStartMs = performance.now() - client.spawnedAt;
    const coldCpuMs = client.cpuMs();
    const syncKind = typeof init.capabilities.textDocumentSync === 'number' ? init.capabilities.textDocumentSync : init.capabilities.textDocumentSync?.change ?? 1;
    const sync = syncKind === 2 ? 'incremental' : 'full';
    client.notify('initialized', {});
    // Push settings too (yaml-language-server then pulls them with workspace/configuration).
    client.notify('workspace/didChangeConfiguration', { settings: { landlockLens: spec.configuration('landlockLens'), yaml: spec.configuration('yaml') } });
    // Let both servers finish their configuration round-trips before the clock starts on didOpen.
    await client.settle(150, 5000);

    let version = 1;
    const c0 = client.cpuMs();
    const f0 = client.minorFaults();
    const t0 = performance.now();
    const firstDiag = client.waitDiagnostics(uri, undefined, o.timeoutMs);
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
    const opened = await firstDiag;
    const openMs = opened.at - t0;
    let lastDiagnostics = opened.diagnostics;
    await client.settle(30, 3000);
    // Read once the server is idle again: its schedstat is exact then (a running task's is updated only
    // at scheduler ticks), and work it does right after publishing counts too.
    const openCpuMs = client.cpuMs() - c0;
    const openFaults = client.minorFaults() - f0;

    // The small edit: one character of one read_only path, toggled (notes.md <-> notez.md).
    const editAt = editOffset(gen);
    const editPos = lineCol(text, editAt);
    const editMs: number[] = [];
    const editCpuMs: number[] = [];
    const editFaults: number[] = [];
    for (let i = 0; i < o.edits; i++) {
      const ch = text[editAt] === 's' ? 'z' : 's';
      text = text.slice(0, editAt) + ch + text.slice(editAt + 1);
      version++;
      const change =
        sync === 'incremental'
          ? { range: { start: editPos, end: { line: editPos.line, character: editPos.character + 1 } }, rangeLength: 1, text: ch }
          : { text };
      const c = client.cpuMs();
      const f = client.minorFaults();
      const t = performance.now();
      const next = client.waitDiagnostics(uri, version, o.timeoutMs);
      client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      const d = await next;
      editMs.push(d.at - t);
      lastDiagnostics = d.diagnostics;
      await client.settle(30, 3000);
      editCpuMs.push(client.cpuMs() - c);
      editFaults.push(client.minorFaults() - f);
    }

    const hoverOffset = text.indexOf(gen.hoverPath);
    const hoverStart = lineCol(text, hoverOffset);
    const hoverPos = { line: hoverStart.line, character: hoverStart.character + 10 };
    const hoverMs: number[] = [];
    let hoverChars = 0;
    for (let i = 0; i < o.hovers; i++) {
      const t = performance.now();
      const h = await client.request('textDocument/hover', { textDocument: { uri }, position: hoverPos }, o.timeoutMs);
      hoverMs.push(performance.now() - t);
      hoverChars = h ? JSON.stringify(h.contents).length : 0;
    }

    // Code action at the diagnostic on the shadowed read_only entry (ours: shadowed-read-only). A server
    // with no diagnostic there (yaml-language-server: the policy is schema-valid) gets the same range
    // with the diagnostics it published for that line (none): request -> response either way.
    const range = { start: hoverStart, end: { line: hoverStart.line, character: hoverStart.character + gen.hoverPath.length } };
    const atLine = lastDiagnostics.filter((d) => overlaps(d, hoverStart.line));
    const codeActionMs: number[] = [];
    let codeActions = 0;
    for (let i = 0; i < o.codeActions; i++) {
      const t = performance.now();
      const actions = await client.request(
        'textDocument/codeAction',
        { textDocument: { uri }, range: atLine[0]?.range ?? range, context: { diagnostics: atLine, triggerKind: 1 } },
        o.timeoutMs,
      );
      codeActionMs.push(performance.now() - t);
      codeActions = Array.isArray(actions) ? actions.length : 0;
    }

    const warnings: string[] = [];
    if (opened.diagnostics.length === 0 && lastDiagnostics.length > 0) {
      warnings.push(`${spec.id} ${gen.paths} paths: the first publication after didOpen was empty but later ones were not; the open latency may measure a placeholder publication`);
    }
    const { hwmKiB } = client.memory();
    return {
      server: spec.id,
      paths: gen.paths,
      round,
      coldStartMs,
      coldCpuMs,
      openMs,
      editMs,
      openCpuMs,
      editCpuMs,
      openFaults,
      editFaults,
      hoverMs,
      codeActionMs,
      hwmKiB,
      openDiagnostics: opened.diagnostics.length,
      codeActions,
      hoverChars,
      sync,
      serverRequests: [...new Set(client.serverRequests)],
      warnings,
    };
  } finally {
    await client.shutdown();
  }
}

export interface LspBenchOptions {
  sizes: number[];
  rounds: Record<number, number>;
  edits: Record<number, number>;
  servers: ServerSpec[];
  /** Servers to skip at a size (e.g. the slow cross-check at the stress size). */
  skip?: (server: ServerSpec, paths: number) => boolean;
  trace?: boolean;
  log?: (s: string) => void;
}

export interface LspBenchResult {
  samples: SessionSample[];
  servers: { id: string; label: string; role: string; openDebounceMs: number; changeDebounceMs: number }[];
  schema: { path: string; standIn: boolean };
  errors: string[];
}

/** Alternates the servers within each round: A B (C) A B (C) ... for every size. */
export async function runLspBench(o: LspBenchOptions): Promise<LspBenchResult> {
  const log = o.log ?? ((s: string) => console.error(s));
  const files = writeAll(o.sizes);
  const samples: SessionSample[] = [];
  const errors: string[] = [];
  // One untimed session of our server first: it writes the code cache (after its first analysis, and on
  // shutdown with the edit, hover and code action code in it) that every later start of an installed
  // server finds. `ours-nocache` is the start without it. The cache file is keyed by the V8 flags: one
  // session per set of flags (--variant servers have their own).
  const cachedByFlags = new Map<string, ServerSpec>();
  for (const s of o.servers) {
    if (s.role === 'ours' && s.env?.LANDLOCK_LENS_CODE_CACHE !== 'off' && !cachedByFlags.has(s.args.join(' '))) cachedByFlags.set(s.args.join(' '), s);
  }
  for (const cached of files.policies.length ? cachedByFlags.values() : []) {
    try {
      await runSession(cached, files.policies[0].file, files.policies[0].gen, -1, { edits: 1, hovers: 1, codeActions: 1, timeoutMs: 30000 });
      log(`  primed the code cache (${process.env.LANDLOCK_LENS_CODE_CACHE ?? 'default directory'}) with one untimed ${cached.id} session`);
    } catch (e) {
      errors.push(`priming the code cache: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  for (const p of files.policies) {
    const rounds = o.rounds[p.paths] ?? 3;
    for (let r = 0; r < rounds; r++) {
      for (const spec of o.servers) {
        if (o.skip?.(spec, p.paths)) continue;
        const big = p.paths >= 20000;
        try {
          const s = await runSession(spec, p.file, p.gen, r, {
            edits: o.edits[p.paths] ?? 5,
            hovers: big ? 2 : 3,
            codeActions: big ? 2 : 3,
            trace: o.trace,
            timeoutMs: big ? 120000 : 30000,
          });
          samples.push(s);
          errors.push(...s.warnings);
          log(
            `  ${String(p.paths).padStart(5)} paths  round ${r + 1}/${rounds}  ${spec.id.padEnd(12)} cold ${fmtMs(s.coldStartMs)}  open ${fmtMs(s.openMs)} (cpu ${fmtMs(s.openCpuMs)})  edit ${fmtMs(median(s.editMs))} (cpu ${fmtMs(median(s.editCpuMs))})  hover ${fmtMs(median(s.hoverMs))}  action ${fmtMs(median(s.codeActionMs))}  HWM ${(s.hwmKiB / 1024).toFixed(0)} MiB  diags ${s.openDiagnostics}`,
          );
        } catch (e) {
          const msg = `${spec.id} ${p.paths} paths round ${r + 1}: ${(e as Error).message.split('\n').slice(0, 6).join(' | ')}`;
          errors.push(msg);
          log(`  ERROR ${msg}`);
        }
      }
    }
  }
  return {
    samples,
    servers: o.servers.map((s) => ({ id: s.id, label: s.label, role: s.role, openDebounceMs: s.openDebounceMs, changeDebounceMs: s.changeDebounceMs })),
    schema: schemaInUse(),
    errors,
  };
}

// ---- summarising -------------------------------------------------------------------------------

export type Metric = 'coldStartMs' | 'coldCpuMs' | 'openMs' | 'editMs' | 'openCpuMs' | 'editCpuMs' | 'openFaults' | 'editFaults' | 'hoverMs' | 'codeActionMs' | 'hwmKiB';

/** All values of a metric for one server and size, debounce excluded where it applies. */
export function values(res: LspBenchResult, server: string, paths: number, metric: Metric, excludeDebounce = true): number[] {
  const spec = res.servers.find((s) => s.id === server)!;
  const out: number[] = [];
  for (const s of res.samples) {
    if (s.server !== server || s.paths !== paths) continue;
    const v = s[metric];
    const arr = Array.isArray(v) ? v : [v];
    const debounce = !excludeDebounce ? 0 : metric === 'openMs' ? spec.openDebounceMs : metric === 'editMs' ? spec.changeDebounceMs : 0;
    for (const x of arr) out.push(x - debounce);
  }
  return out;
}

/** Pair by pair (same size, same round): ours / theirs of the per-session medians, then their median. */
export function pairRatios(res: LspBenchResult, ours: string, theirs: string, paths: number, metric: Metric): number[] {
  const ratios: number[] = [];
  const a = res.samples.filter((s) => s.server === ours && s.paths === paths);
  const b = res.samples.filter((s) => s.server === theirs && s.paths === paths);
  const specA = res.servers.find((s) => s.id === ours)!;
  const specB = res.servers.find((s) => s.id === theirs)!;
  const deb = (spec: typeof specA) => (metric === 'openMs' ? spec.openDebounceMs : metric === 'editMs' ? spec.changeDebounceMs : 0);
  for (const sa of a) {
    const sb = b.find((x) => x.round === sa.round);
    if (!sb) continue;
    const va = sa[metric];
    const vb = sb[metric];
    const ma = (Array.isArray(va) ? median(va) : va) - deb(specA);
    const mb = (Array.isArray(vb) ? median(vb) : vb) - deb(specB);
    ratios.push(ma / mb);
  }
  return ratios;
}

/** Whether a server variant really waited its debounce on open/change: compare with debounce 0. */
export function inferDebounce(res: LspBenchResult, sizes: number[]): string[] {
  const notes: string[] = [];
  const d0 = res.servers.find((s) => s.id === 'ours-d0');
  const dd = res.servers.find((s) => s.id === 'ours-default');
  if (!d0 || !dd) return notes;
  for (const [metric, field] of [['openMs', 'openDebounceMs'], ['editMs', 'changeDebounceMs']] as const) {
    const diffs = sizes
      .map((n) => median(values(res, 'ours-default', n, metric, false)) - median(values(res, 'ours-d0', n, metric, false)))
      .filter(Number.isFinite);
    const diff = median(diffs);
    const applied = diff >= 0.75 * OUR_DEFAULT_DEBOUNCE_MS;
    if (!applied) dd[field] = 0;
    notes.push(
      `${metric === 'openMs' ? 'didOpen' : 'didChange'}: ours with the default debounce minus ours with debounce 0 = ${fmtMs(diff)} ms (median over sizes): ` +
        (applied ? `the ${OUR_DEFAULT_DEBOUNCE_MS} ms debounce applies and is subtracted.` : 'no debounce on this path, nothing subtracted.'),
    );
  }
  return notes;
}

export function summaryTable(res: LspBenchResult, sizes: number[]): string {
  const lines: string[] = [];
  const metrics: [Metric, string][] = [
    ['coldStartMs', 'cold start (spawn -> initialize result)'],
    ['coldCpuMs', 'cold start, server main-thread CPU time (load-independent)'],
    ['openMs', 'didOpen -> diagnostics'],
    ['editMs', 'didChange -> diagnostics'],
    ['openCpuMs', 'didOpen -> diagnostics, server main-thread CPU time (load-independent; no debounce in it)'],
    ['editCpuMs', 'didChange -> diagnostics, server main-thread CPU time (load-independent; no debounce in it)'],
    ['openFaults', 'didOpen -> diagnostics, server minor page faults (fresh memory pages, all threads; their cost here is under Machine)'],
    ['editFaults', 'didChange -> diagnostics, server minor page faults'],
    ['hoverMs', 'hover'],
    ['codeActionMs', 'code action'],
    ['hwmKiB', 'peak RSS (VmHWM)'],
  ];
  const ids = res.servers.map((s) => s.id);
  for (const [metric, title] of metrics) {
    const mem = metric === 'hwmKiB';
    const count = metric === 'openFaults' || metric === 'editFaults';
    const excl = metric === 'openMs' || metric === 'editMs';
    lines.push(`\n#### ${title}${excl ? ', debounce excluded' : ''}${mem ? ' (MiB)' : count ? ' (pages)' : ' (ms)'}\n`);
    // ours-d0 against both yaml-language-server variants; ours-default against the stock one.
    const ratioCols = ids
      .filter((id) => id.startsWith('ours'))
      .flatMap((o) => ids.filter((t) => t === 'yls' || (t === 'yls-nodelay' && o === 'ours-d0')).map((t) => [o, t] as const));
    const head = [...ids.map((id) => `${id} median / p90`), ...ratioCols.map(([o, t]) => `${o} / ${t} (pairs: median [min-max])`)];
    lines.push(`| paths | ${head.join(' | ')} |`);
    lines.push(`|---:|${head.map(() => '---:').join('|')}|`);
    for (const n of sizes) {
      const cells = ids.map((id) => {
        const v = values(res, id, n, metric);
        if (v.length === 0) return 'n/a';
        const f = mem ? (x: number) => (x / 1024).toFixed(0) : count ? (x: number) => x.toFixed(0) : fmtMs;
        return `${f(median(v))} / ${f(p90(v))}`;
      });
      const ratios = ratioCols.map(([o, t]) => {
        const r = pairRatios(res, o, t, n, metric);
        if (r.length === 0) return 'n/a';
        return `**${fmtRatio(median(r))}** [${fmtRatio(Math.min(...r))}-${fmtRatio(Math.max(...r))}]`;
      });
      lines.push(`| ${n} | ${[...cells, ...ratios].join(' | ')} |`);
    }
  }
  return lines.join('\n');
}

// ---- standalone ------------------------------------------------------------------------------------

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function argAll(name: string): string[] {
  return process.argv.flatMap((a, i) => (a === name && i + 1 < process.argv.length ? [process.argv[i + 1]] : []));
}

async function main(): Promise<void> {
  const sizes = (arg('--sizes') ?? POLICY_SIZES.join(',')).split(',').map(Number);
  const roundsN = Number(arg('--rounds') ?? 3);
  const which = (arg('--servers') ?? 'ours-d0,yls,ours-default').split(',');
  const schema = schemaInUse();
  const all: Record<string, () => ServerSpec> = {
    'ours-d0': () => ourServer(0),
    'ours-default': () => ourServer(undefined),
    'ours-nocache': () => ourServer(0, false),
    yls: () => yamlLanguageServer(schema.path),
    'yls-nodelay': () => yamlLanguageServer(schema.path, true),
    'ours-pool4': ourServerWithNodeDefaultPool,
    'ours-all': ourServerUnlimited,
  };
  // `--variant ours-NAME=FLAG,FLAG...`: our server (debounce 0) started with other V8 flags instead of the
  // client's, for A/B runs of flag choices (e.g. `--variant ours-pool4=--max-semi-space-size=2`); name it
  // in --servers too. Its cold start writes its own code cache: the cache is keyed by the flags.
  for (const v of argAll('--variant')) {
    const eq = v.indexOf('=');
    const id = v.slice(0, eq);
    if (eq < 0 || !id.startsWith('ours-')) throw new Error(`--variant ${v}: expected ours-NAME=FLAG,FLAG...`);
    const flags = v.slice(eq + 1).split(',').filter(Boolean);
    all[id] = () => ourServerWithFlags(id, flags, `V8 flags ${flags.join(' ') || 'none'}`);
  }
  const unknown = which.filter((w) => !(w in all));
  if (unknown.length) throw new Error(`unknown server ${unknown.join(', ')} (known: ${Object.keys(all).join(', ')})`);
  const servers = which.map((w) => all[w]());
  const rounds = Object.fromEntries(sizes.map((n) => [n, roundsN]));
  const edits = Object.fromEntries(sizes.map((n) => [n, n >= 20000 ? 3 : 5]));
  console.error(`schema: ${schema.path}${schema.standIn ? ' (stand-in)' : ''}; code cache: ${useFreshCodeCache()}`);
  const res = await runLspBench({ sizes, rounds, edits, servers, trace: process.argv.includes('--trace') });
  for (const note of inferDebounce(res, sizes)) console.log(note);
  console.log(summaryTable(res, sizes));
  if (res.errors.length) console.log('\nErrors:\n' + res.errors.join('\n'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e);
    process.exit(2);
  });
}
