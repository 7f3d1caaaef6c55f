// In-process benchmark of the analysis core: `yaml`'s parseDocument alone against our analyze(), per
// policy size, so the cost above parsing is visible; and a 50,000-line YAML file that is not a policy,
// which analyze() should dismiss (detection) before any full parse.
//
// Parse and analyze alternate iteration by iteration (after a warm-up), so both see the same JIT state,
// GC pressure and machine noise; medians and p90s of the per-iteration times are reported. Each
// iteration reads a new version of a policy (one character of one path changed, as typing does): the
// analyses share what earlier versions resolved (a path resolver per filesystem view), and the same
// text over and over would credit them with more reuse than an editing session gives.
import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { bundleLikeTheServer } from './bundle';
import { generateNonPolicy, generatePolicy, POLICY_SIZES, NON_POLICY_LINES } from './generate';
import { median, p90, fmtMs, fmtRatio } from './stats';
import { editOffset, typedVersions } from './typing';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface CoreRow {
  label: string;
  paths?: number;
  lines: number;
  bytes: number;
  iterations: number;
  parseMs: number[];
  analyzeMs: number[];
  /** Process CPU time per iteration (load-independent; includes V8's GC helper threads). */
  parseCpuMs: number[];
  analyzeCpuMs: number[];
  /** Our own reader alone (core parseStream: the fast reader, or the `yaml` library where it declines). */
  readMs: number[];
  readCpuMs: number[];
  findings: number;
  findingsByRule: Record<string, number>;
  isPolicy: boolean;
  /** Bytes allocated per run (sampled; collected objects included): what the garbage collector works through. */
  parseAllocBytes?: number;
  analyzeAllocBytes?: number;
}

export interface CoreBenchResult {
  rows: CoreRow[];
}

type AnalyzeFn = (text: string, options?: object) => { findings: { ruleId: string }[]; isPolicy: boolean };
type ReadFn = (text: string) => unknown;

/** The analysis and our reader as they ship: bundled like the server (bench/bundle.ts), loaded once. */
async function loadBundledCore(): Promise<{ analyze: AnalyzeFn; read: ReadFn }> {
  const outfile = join(ROOT, 'bench/out/core-bench-core.js');
  await bundleLikeTheServer(join(ROOT, 'bench/core-entry.ts'), outfile);
  const core = createRequire(import.meta.url)(outfile);
  if (typeof core.analyze !== 'function' || typeof core.parseStream !== 'function') throw new Error(`${outfile} does not export analyze and parseStream`);
  return { analyze: core.analyze, read: core.parseStream };
}

/**
 * CPU time of this process in ms (process.cpuUsage, microseconds; getrusage is exact on Linux, whereas
 * a thread reading its own /proc schedstat only sees it updated at scheduler ticks).
 */
function threadCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function measure(label: string, versionOf: (i: number) => string, analyze: AnalyzeFn, read: ReadFn, budgetMs: number, paths?: number): CoreRow {
  const parseCpuMs: number[] = [];
  const readMs: number[] = [];
  const readCpuMs: number[] = [];
  const analyzeCpuMs: number[] = [];
  const time = (f: () => void, cpu: number[]) => {
    const c = threadCpuMs();
    const t = performance.now();
    f();
    const wall = performance.now() - t;
    cpu.push(threadCpuMs() - c);
    return wall;
  };
  // Warm-up: JIT both paths (and size the loop).
  let warm = 0;
  const warmStart = performance.now();
  while (warm < 3 || (performance.now() - warmStart < budgetMs * 0.2 && warm < 20)) {
    const text = versionOf(warm);
    parseDocument(text);
    analyze(text);
    read(text);
    warm++;
  }
  const parseMs: number[] = [];
  const analyzeMs: number[] = [];
  const start = performance.now();
  let i = 0;
  while (i < 5 || (performance.now() - start < budgetMs && i < 2000)) {
    const text = versionOf(warm + i);
    // Alternate which goes first, so neither always runs right after the other's garbage.
    if (i % 2 === 0) {
      parseMs.push(time(() => parseDocument(text), parseCpuMs));
      analyzeMs.push(time(() => analyze(text), analyzeCpuMs));
      readMs.push(time(() => read(text), readCpuMs));
    } else {
      readMs.push(time(() => read(text), readCpuMs));
      analyzeMs.push(time(() => analyze(text), analyzeCpuMs));
      parseMs.push(time(() => parseDocument(text), parseCpuMs));
    }
    i++;
  }
  const text = versionOf(0);
  const a = analyze(text);
  const findingsByRule: Record<string, number> = {};
  for (const f of a.findings) findingsByRule[f.ruleId] = (findingsByRule[f.ruleId] ?? 0) + 1;
  return {
    label,
    paths,
    lines: text.split('\n').length,
    bytes: Buffer.byteLength(text),
    iterations: i,
    parseMs,
    analyzeMs,
    parseCpuMs,
    analyzeCpuMs,
    readMs,
    readCpuMs,
    findings: a.findings.length,
    findingsByRule,
    isPolicy: a.isPolicy,
  };
}

/**
 * Bytes a function allocates per run, collected objects included, from V8's sampling heap profiler (one
 * sample per 1 KiB allocated on average, so an estimate within a few percent): the work the garbage
 * collector does for it, which timings on a shared machine show only through their noise.
 */
async function allocatedPerRun(run: (i: number) => void, runs: number): Promise<number> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r as T))));
  try {
    await post('HeapProfiler.enable');
    await post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    for (let i = 0; i < runs; i++) run(i);
    const { profile } = await post<{ profile: { head: SampledNode } }>('HeapProfiler.stopSampling');
    let total = 0;
    const add = (node: SampledNode): void => {
      total += node.selfSize;
      for (const child of node.children) add(child);
    };
    add(profile.head);
    return total / runs;
  } finally {
    session.disconnect();
  }
}

interface SampledNode {
  selfSize: number;
  children: SampledNode[];
}

/**
 * Allocation of parseDocument and of analyze(), measured after the timed loop (sampling costs time) on
 * the same typed versions: as in that loop, the shared path resolver knows the edited path's spellings.
 */
async function measureAllocation(row: CoreRow, versionOf: (i: number) => string, analyze: AnalyzeFn, runs: number): Promise<void> {
  row.parseAllocBytes = await allocatedPerRun((i) => parseDocument(versionOf(i)), runs);
  row.analyzeAllocBytes = await allocatedPerRun((i) => analyze(versionOf(i)), runs);
}

export async function runCoreBench(opts: { sizes?: number[]; quick?: boolean; log?: (s: string) => void } = {}): Promise<CoreBenchResult> {
  const log = opts.log ?? ((s: string) => console.error(s));
  const { analyze, read } = await loadBundledCore();
  const sizes = opts.sizes ?? [...POLICY_SIZES];
  const scale = opts.quick ? 0.4 : 1;
  const budget = (n: number) => scale * (n <= 256 ? 1500 : n <= 2000 ? 3000 : 9000);
  const rows: CoreRow[] = [];
  for (const n of sizes) {
    const gen = generatePolicy(n);
    const versions = typedVersions(gen.text, editOffset(gen));
    const row = measure(`policy, ${n} paths`, versions, analyze, read, budget(n), n);
    await measureAllocation(row, versions, analyze, n <= 256 ? 50 : n <= 2000 ? 10 : 3);
    rows.push(row);
    log(`  core ${row.label}: parse ${fmtMs(median(row.parseMs))} ms (cpu ${fmtMs(median(row.parseCpuMs))}), analyze ${fmtMs(median(row.analyzeMs))} ms (cpu ${fmtMs(median(row.analyzeCpuMs))}) our reader ${fmtMs(median(row.readMs))} ms (${row.iterations} iterations, ${row.findings} findings)`);
  }
  const np = generateNonPolicy(NON_POLICY_LINES);
  const row = measure(`not a policy, ${NON_POLICY_LINES} lines`, typedVersions(np, -1), analyze, read, scale * 3000);
  await measureAllocation(row, typedVersions(np, -1), analyze, 3);
  rows.push(row);
  log(`  core ${row.label}: parse ${fmtMs(median(row.parseMs))} ms, analyze ${fmtMs(median(row.analyzeMs))} ms (isPolicy ${row.isPolicy})`);
  return { rows };
}

/** Analysis cost on top of parsing, as a fraction of the parse: (analyze - parse) / parse, on medians. */
export const onTop = (r: CoreRow) => (median(r.analyzeMs) - median(r.parseMs)) / median(r.parseMs);
/** The same on main-thread CPU time: what other work on the machine does not inflate. */
export const onTopCpu = (r: CoreRow) => (median(r.analyzeCpuMs) - median(r.parseCpuMs)) / median(r.parseCpuMs);

const kib = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : (bytes / 1024).toFixed(0));

export function coreTable(res: CoreBenchResult): string {
  const lines = [
    '| input | lines | KiB | parseDocument wall median / p90 (ms) | analyze wall median / p90 (ms) | on top of parse, wall | parseDocument CPU median (ms) | analyze CPU median (ms) | on top of parse, CPU | our reader alone, CPU median (ms) | analyze / our reader, CPU | allocated per run, parseDocument / analyze (KiB) | findings |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of res.rows) {
    const top = onTop(r);
    const rules = Object.entries(r.findingsByRule).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
    lines.push(
      `| ${r.label} | ${r.lines} | ${(r.bytes / 1024).toFixed(0)} | ${fmtMs(median(r.parseMs))} / ${fmtMs(p90(r.parseMs))} | ${fmtMs(median(r.analyzeMs))} / ${fmtMs(p90(r.analyzeMs))} | ${r.paths === undefined ? `analyze / parse ${fmtRatio(median(r.analyzeMs) / median(r.parseMs))}` : `**${fmtRatio(top)}**`} | ${fmtMs(median(r.parseCpuMs))} | ${fmtMs(median(r.analyzeCpuMs))} | ${r.paths === undefined ? `analyze / parse ${fmtRatio(median(r.analyzeCpuMs) / median(r.parseCpuMs))}` : `**${fmtRatio(onTopCpu(r))}**`} | ${fmtMs(median(r.readCpuMs))} | ${fmtRatio(median(r.analyzeCpuMs) / median(r.readCpuMs))} | ${kib(r.parseAllocBytes)} / ${kib(r.analyzeAllocBytes)} | ${r.isPolicy ? rules || 'none' : 'not a policy'} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const res = await runCoreBench({ quick: process.argv.includes('--quick') });
  console.log(coreTable(res));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e);
    process.exit(2);
  });
}
