// `npm run bench`: builds, runs the core benchmark, the growth of analyze() alone per V8 configuration, the LSP
// benchmark (ours vs yaml-language-server, alternating), measures the .vsix, profiles the core and the server, and writes BENCHMARKS.md.
//
//   npm run bench                 full run (about 6 minutes on 2 cores)
//   npm run bench -- --quick      fewer rounds, no profiles, no yaml-language-server delay cross-check
//   flags: --no-build --no-vsix --no-profile --no-lsp --no-core --no-yls-nodelay --sizes 16,256
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem, availableParallelism, loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { POLICY_SIZES, NON_POLICY_LINES } from './generate';
import { coreTable, runCoreBench, type CoreBenchResult } from './core-bench';
import {
  ourServer,
  ourServerWithNodeDefaultPool,
  ourServerUnlimited,
  nodeDefaultPoolFlags,
  serverV8Flags,
  yamlLanguageServer,
  runLspBench,
  schemaInUse,
  summaryTable,
  pairRatios,
  inferDebounce,
  useFreshCodeCache,
  OUR_SERVER,
  OUR_DEFAULT_DEBOUNCE_MS,
  YLS_VALIDATION_DELAY_MS,
  type LspBenchResult,
  type Metric,
} from './lsp-bench';
import { profileCore, profileServer, profileMarkdown, type ProfileSummary } from './profile';
import { growthOf, measureGrowth, productConfigurations, type GrowthRow } from './growth';
import { median, fmtMs, fmtRatio } from './stats';
import { evaluate } from './targets';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'bench/out');
const has = (f: string) => process.argv.includes(f);
const argValue = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const log = (s: string) => console.error(s);

function pkgVersion(name: string): string {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

const loadAtStart = loadavg();
const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');

/** The server bundles' sizes, read right after the build the LSP benchmark runs. */
function bundleSizes(): string {
  return [OUR_SERVER, join(dirname(OUR_SERVER), 'server-main.js')].map((b) => (existsSync(b) ? `${relative(ROOT, b)} ${(statSync(b).size / 1024).toFixed(0)} KiB` : `${relative(ROOT, b)} missing`)).join(' + ');
}

/**
 * What one minor page fault costs here: touching each 4 KiB page of a fresh 64 MiB buffer (large enough that
 * the allocator maps new memory for it), per page. Best of three.
 */
function pageFaultMicros(): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const fresh = Buffer.allocUnsafeSlow(64 * 2 ** 20);
    const start = performance.now();
    for (let i = 0; i < fresh.length; i += 4096) fresh[i] = 1;
    best = Math.min(best, ((performance.now() - start) * 1000) / (fresh.length / 4096));
  }
  return best;
}

/** How long an empty Node process takes here, spawn to exit (median of 7): the floor under any server's cold start. */
function nodeStartMs(): number {
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    times.push(performance.now() - start);
  }
  return median(times);
}

/** The peak RSS of an idle `node` process here: the floor under any server's memory, to judge what a 0.5x target leaves. */
function idleNodePeakMiB(): number {
  const bare = spawnSync(process.execPath, ['-e', "setTimeout(() => console.log(/VmHWM:\\s+(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1]), 200)"], { encoding: 'utf8' });
  return Number(bare.stdout.trim()) / 1024;
}

function machine(benchmarkedBundle: string): string[] {
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  // The report's own earlier version is output, not something measured: it does not make the source dirty.
  const dirty = spawnSync('git', ['status', '--porcelain', '--', '.', ':(exclude)BENCHMARKS.md'], { cwd: ROOT, encoding: 'utf8' });
  return [
    `- CPU: ${cpus()[0]?.model ?? 'unknown'}; nproc ${availableParallelism()}`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Kernel: Linux ${release()}; a minor page fault (a fresh 4 KiB page touched for the first time) costs ${pageFaultMicros().toFixed(1)} µs`,
    `- Node: ${process.version}; an empty \`node -e 0\` takes ${fmtMs(nodeStartMs())} ms from spawn to exit here (the floor under any cold start below)`,
    `- Load average (1 / 5 / 15 min) at start ${fmtLoad(loadAtStart)}, at end ${fmtLoad(loadavg())} (other work on the machine adds noise; the A/B alternation keeps it fair between servers, not out of absolute times)`,
    `- yaml-language-server ${pkgVersion('yaml-language-server')} (its own dependency \`yaml\` ${(() => {
      try {
        return JSON.parse(readFileSync(join(ROOT, 'node_modules/yaml-language-server/node_modules/yaml/package.json'), 'utf8')).version;
      } catch {
        return pkgVersion('yaml');
      }
    })()}), \`yaml\` ${pkgVersion('yaml')} (ours), vscode-languageserver ${pkgVersion('vscode-languageserver')}`,
    `- Source: ${git.status === 0 ? `commit ${git.stdout.trim()}` : 'no commit yet'}${dirty.status === 0 && dirty.stdout.trim() ? ' + uncommitted changes' : ''}; server bundle ${benchmarkedBundle}`,
  ];
}

function packageBuiltVsix(): { bytes?: number; error?: string } {
  const out = join(OUT, 'landlock-lens.vsix');
  const vsce = join(ROOT, 'node_modules/@vscode/vsce/vsce');
  // stdin closed: vsce asks interactive questions (missing LICENSE, ...) and must fail, not hang.
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '-o', out], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120000 });
  if (r.status !== 0 || !existsSync(out)) return { error: (r.stderr || r.stdout || 'vsce failed').trim().split('\n').slice(-3).join(' ') };
  return { bytes: statSync(out).size };
}

async function main(): Promise<void> {
  const started = performance.now();
  const quick = has('--quick');
  const sizes = (argValue('--sizes') ?? POLICY_SIZES.join(',')).split(',').map(Number);
  mkdirSync(OUT, { recursive: true });

  // The language server is measured as it ships: `npm run package` and npm installs build it minified.
  if (!has('--no-build')) {
    log('building as shipped (node esbuild.mjs --minify)...');
    try {
      execFileSync(process.execPath, ['esbuild.mjs', '--minify'], { cwd: ROOT, stdio: 'inherit' });
    } catch {
      log('build failed: benchmarking whatever server/out holds');
    }
  }
  const benchmarkedBundle = `${bundleSizes()}${has('--no-build') ? ' (as found in server/out)' : ' (minified, as the .vsix and npm installs ship it)'}`;

  // Our server's V8 code cache lives in a directory of the benchmark's own, emptied now (lsp-bench.ts).
  useFreshCodeCache();
  let core: CoreBenchResult | undefined;
  const errors: string[] = [];
  if (!has('--no-core')) {
    log('core benchmark...');
    try {
      core = await runCoreBench({ sizes, quick, log });
    } catch (e) {
      errors.push(`core benchmark: ${(e as Error).message}`);
      log(`core benchmark failed: ${(e as Error).message}`);
    }
  }

  let growth: GrowthRow[] = [];
  if (!has('--no-core') && sizes.includes(2000) && sizes.includes(20000)) {
    log('growth 2,000 -> 20,000 paths (analyze() alone, per V8 configuration)...');
    try {
      growth = await measureGrowth([2000, 20000], productConfigurations(), quick ? 1 : 3);
    } catch (e) {
      errors.push(`growth: ${(e as Error).message}`);
    }
  }

  const schema = schemaInUse();
  let lsp: LspBenchResult | undefined;
  let debounceNotes: string[] = [];
  const oursBuilt = existsSync(OUR_SERVER) && statSync(OUR_SERVER).size > 1000;
  if (!has('--no-lsp')) {
    const nodelay = !quick && !has('--no-yls-nodelay') ? [yamlLanguageServer(schema.path, true)] : [];
    // ours-nocache: a start without V8's code cache (the first after installing or updating).
    // ours-pool4: Node's default pool of V8 threads, where the client passes a smaller one (a machine with
    // fewer than 5 cores): the evidence for that flag, measured in every run.
    const defaultPool = !quick && nodeDefaultPoolFlags().join(' ') !== serverV8Flags().join(' ')
      ? [ourServerWithNodeDefaultPool()]
      : [];
    // ours-all: every diagnostic published (no per-file limit), at the sizes with more than 1,000 findings.
    const unlimited = !quick ? [ourServerUnlimited()] : [];
    const servers = oursBuilt ? [ourServer(0), yamlLanguageServer(schema.path), ourServer(undefined), ourServer(0, false), ...nodelay, ...defaultPool, ...unlimited] : [yamlLanguageServer(schema.path), ...nodelay];
    if (!oursBuilt) errors.push('server/out/server.js is missing or a placeholder: only yaml-language-server was measured');
    // Budget: about 5 minutes in all on 2 cores. The delay-patched cross-check skips the stress size.
    const rounds: Record<number, number> = quick ? { 16: 2, 256: 2, 2000: 2, 20000: 1 } : { 16: 5, 256: 5, 2000: 3, 20000: 2 };
    // At 256 paths (the edit target) a session types a short burst of 30 characters, the first right
    // after a cold start, so the latency of typing shows, not only the first keystrokes after opening.
    const edits: Record<number, number> = quick ? { 16: 3, 256: 3, 2000: 2, 20000: 2 } : { 16: 6, 256: 30, 2000: 4, 20000: 2 };
    log(`LSP benchmark (${servers.map((s) => s.id).join(' / ')}, alternating)...`);
    lsp = await runLspBench({ sizes, rounds, edits, servers, log, skip: (s, n) => ((s.id === 'yls-nodelay' || s.id === 'ours-nocache') && n >= 20000) || (s.id === 'ours-all' && n < 2000) });
    errors.push(...lsp.errors);
    debounceNotes = inferDebounce(lsp, sizes);
  }

  // From the build just measured (`npm run package` builds the same, minified).
  const vsix = has('--no-vsix') ? undefined : (log('packaging .vsix...'), packageBuiltVsix());

  // Profiles map samples to modules through the `// path` comments of a readable build: built now, and
  // left in server/out afterwards.
  if (!quick && !has('--no-profile') && !has('--no-build')) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });

  const profiles: ProfileSummary[] = [];
  if (!quick && !has('--no-profile')) {
    log('profiling...');
    for (const n of sizes.filter((s) => s >= 256)) {
      try {
        profiles.push(await profileCore(n, n >= 20000 ? 5000 : 2000));
      } catch (e) {
        errors.push(`core profile ${n}: ${(e as Error).message}`);
      }
    }
    if (oursBuilt) {
      for (const n of sizes.filter((s) => s >= 2000)) {
        try {
          profiles.push(await profileServer(n, n >= 20000 ? 3 : 10));
        } catch (e) {
          errors.push(`server profile ${n}: ${(e as Error).message.split('\n')[0]}`);
        }
      }
    }
  }

  const targets = evaluate(core, lsp, vsix, sizes, growth, idleNodePeakMiB());
  const minutes = ((performance.now() - started) / 60000).toFixed(1);
  const md: string[] = [];
  md.push('# Benchmarks', '');
  md.push(`Generated by \`npm run bench${quick ? ' -- --quick' : ''}\` (bench/run.ts) in ${minutes} min on ${new Date().toISOString().slice(0, 10)}. Do not edit by hand: rerun it.`, '');
  md.push('Reproduce: `npm install && npm run bench` (full, about 6 minutes on 2 cores) or `npm run bench -- --quick`. Parts: `node --import tsx bench/core-bench.ts`, `node --import tsx bench/growth.ts`, `node --import tsx bench/lsp-bench.ts --sizes 256 --rounds 3 --servers ours-d0,yls`, `node --import tsx bench/profile.ts`. Inputs: `node --import tsx bench/generate.ts` writes the generated policies to bench/out/.', '');
  md.push('## Machine', '', ...machine(benchmarkedBundle), '');
  md.push('## Targets', '', '| target | measured | met |', '|---|---|---|');
  for (const t of targets) md.push(`| ${t.target} | ${t.measured} | ${t.met === undefined ? 'not measured' : t.met ? 'yes' : '**no**'} |`);
  md.push('');
  md.push('## Inputs', '');
  md.push(
    `Seeded generator (bench/generate.ts): OpenShell policies with ${sizes.map((n) => n.toLocaleString('en')).join(', ')} filesystem paths (256 is OpenShell's limit; larger sizes are stress tests and carry one openshell-validation finding for the limit). ` +
      'Shapes follow the real policies of the corpus: version 1, include_workdir, read_only entries nested under read_write directories (the issue #698 shape), own-line and trailing comments, landlock, process, and network_policies (flow and block endpoints, L7 rules, binaries; one per 32 paths, at least 3). ' +
      `The non-policy file is a ${NON_POLICY_LINES.toLocaleString('en')}-line service inventory.`,
    '',
  );
  if (core) {
    md.push('## Core: parse vs analyze (in process)', '');
    md.push('`yaml` `parseDocument(text)` (default options) alone against our `analyze(text)` (standard-image view, default options), alternating iteration by iteration after a warm-up; each iteration reads a new version of the policy, one character of one path changed as typing does (analyses share the paths earlier versions resolved, so repeating one text would flatter them; the non-policy file is the same text each time). "On top of parse" is (analyze - parse) / parse on medians: the cost of everything analyze does beyond what a bare parse costs (analyze parses the text itself). Each iteration is timed on the wall clock and on the process CPU time (process.cpuUsage, µs; GC helper threads of V8 included); the CPU figures are what other work on a shared machine does not inflate, and the target is judged on them. analyze() reads the text with its own fast reader (server/src/core/yaml/fast-parse.ts: the same nodes as the `yaml` library for the plain block YAML policies are written in; it declines anything else, which the `yaml` library then reads), so analyze can cost less than a bare parseDocument: a negative "on top of parse" means the whole analysis is cheaper than the `yaml` library\'s parse alone. "Our reader alone" times that reader (core parseStream) on its own, and "analyze / our reader" shows what the analysis costs beyond it. "Allocated per run" is what one parseDocument and one analyze() allocate, objects collected since included (V8\'s sampling heap profiler at one sample per KiB, over further typed versions after the timed loop: an estimate within a few percent); it is the work the garbage collector does for them, and unlike the times it does not depend on the machine\'s load.', '');
    md.push(coreTable(core), '');
  }
  if (growth.length) {
    md.push('## Growth: analyze() alone, 2,000 -> 20,000 paths', '');
    md.push(
      'bench/growth.ts: analyze() on typed versions of the 2,000- and 20,000-path policies in a fresh process per V8 configuration (no `yaml` library parse in between, whose garbage the interleaved core benchmark above collects on either clock), ' +
        `${quick ? 'one process' : 'three processes'} per configuration alternating, median of their medians. The language server runs with VS Code's flags (client/src/server-flags.ts); the CLI with Node's defaults, whose larger young generation copies more of a large analysis' live objects on every scavenge.`,
      '',
      '| configuration | V8 flags | 2,000 paths CPU / wall (ms) | 20,000 paths CPU / wall (ms) | growth CPU | growth wall |',
      '|---|---|---:|---:|---:|---:|',
      ...growth.map((r) => `| ${r.label} | ${r.flags.map((f) => `\`${f}\``).join(' ') || 'none'} | ${fmtMs(r.bySize[2000].cpuMs)} / ${fmtMs(r.bySize[2000].wallMs)} | ${fmtMs(r.bySize[20000].cpuMs)} / ${fmtMs(r.bySize[20000].wallMs)} | **${fmtRatio(growthOf(r, 2000, 20000, 'cpuMs'))}x** | ${fmtRatio(growthOf(r, 2000, 20000, 'wallMs'))}x |`),
      '',
    );
  }
  if (lsp) {
    md.push('## Language servers over stdio', '');
    const ids = lsp.servers.map((s) => `\`${s.id}\` = ${s.label}`).join('; ');
    md.push(
      `Servers: ${ids}. Each session spawns a fresh process; per size and round the servers run one after another (A B A B ...), so pairs share machine conditions. ` +
        'A session measures cold start (spawn -> initialize result), didOpen -> first publishDiagnostics for the uri, one-character edits of one path, one after the other (6 per session at 16 paths, 30 at 256, 4 at 2,000, 2 at 20,000; the first right after opening in a fresh process) (didChange -> the diagnostics of that version; yaml-language-server publishes no version, so the next publication), hover on a read_only path nested under read_write /sandbox, code action at that entry (with the diagnostics the server published for that line: ours has its shadowed-read-only finding there; yaml-language-server has none, the policy being schema-valid), and VmHWM from /proc/<pid>/status at the end; over the didOpen and each edit it also reads the server\'s main-thread CPU time (/proc/<pid>/schedstat) and its minor page faults (/proc/<pid>/stat, all threads: fresh pages of memory the kernel maps on first touch, their cost on this machine is under Machine). ' +
        'The client answers workspace/configuration, client/registerCapability and window/workDoneProgress/create so no server waits on it, and waits for both servers to finish their configuration round-trips before didOpen. It keeps the chunks of a message in a list and joins them once the message is complete (before 2026-12-02 it appended every 64 KiB chunk to one buffer, a quadratic copy that added about half a second to our 10 MB publication at 20,000 paths).',
      '',
    );
    md.push(
      `yaml-language-server is configured through workspace/configuration (\`yaml.schemas\` = {${relative(ROOT, schema.path)}: ["*.yaml"]}, \`yaml.validate: true\`, \`yaml.schemaStore.enable: false\`, \`yaml.kubernetesCRDStore.enable: false\`)${schema.standIn ? ' — **with the stand-in schema bench/stand-in-schema.json, because schemas/openshell-policy.schema.json did not exist or was not valid JSON**' : ', with the project schema'}.`,
      '',
    );
    md.push('### Debounce', '');
    md.push(
      `- yaml-language-server 2.0.0 validates ${YLS_VALIDATION_DELAY_MS} ms after every open and change: \`ValidationHandler.validate\` (out/src/languageserver/handlers/validationHandlers.js) calls \`setTimeout(..., this.yamlSettings.validationDelayMs)\`, and \`validationDelayMs = 200\` is fixed in out/src/yamlSettings.js (no setting changes it). "Debounce excluded" latencies subtract ${YLS_VALIDATION_DELAY_MS} ms from its open and change times.`,
      `- Ours: \`landlockLens.debounceMs\` (and \`initializationOptions.debounceMs\`); \`ours-d0\` runs with 0, \`ours-default\` with the default (${OUR_DEFAULT_DEBOUNCE_MS} ms).`,
      '- Code cache: our server loads its bundle through V8\'s code cache (server/src/node/code-cache.ts), written by its first start after its first analysis. The benchmark gives it an empty directory of its own (bench/out/code-cache) and fills it with one untimed session before timing, so `ours-d0` and `ours-default` start as every start after the first does in use; `ours-nocache` (debounce 0, cache turned off) is the first start after installing or updating, measured up to 2,000 paths.',
      ...debounceNotes.map((n) => `- ${n}`),
      ...(lsp.servers.some((s) => s.id === 'yls-nodelay')
        ? ['- Cross-check of the subtraction: `yls-nodelay` is yaml-language-server with `validationDelayMs` patched to 0 at load time (bench/yls-nodelay.mjs, a module hook; nothing else changes). Its latencies are measured directly; compare with `yls` minus 200 ms below.']
        : []),
      '',
    );
    md.push('### Results', '', 'Ratios are ours / theirs computed pair by pair (same size, same round; per-session medians), then the median of the pairs with the range in brackets. Latencies in ms, debounce excluded where noted.');
    md.push(summaryTable(lsp, sizes), '');
    if (lsp.servers.some((x) => x.id === 'ours-pool4')) {
      md.push(
        '### V8 background threads',
        '',
        `The client starts the server with \`--v8-pool-size\` = cores - 1, at most 4 (client/src/server-flags.ts): here \`${serverV8Flags().join(' ')}\`. \`ours-pool4\` is the same server with Node's default pool of 4 threads. Ratios ours-d0 / ours-pool4, pair by pair (below 1: fewer threads is better):`,
        '',
        '| paths | didOpen wall | didOpen main-thread CPU | didChange wall | didChange main-thread CPU | peak RSS |',
        '|---:|---:|---:|---:|---:|---:|',
        ...sizes.map((n) => {
          const cell = (metric: Metric) => {
            const r = pairRatios(lsp!, 'ours-d0', 'ours-pool4', n, metric);
            return r.length ? `${fmtRatio(median(r))} [${fmtRatio(Math.min(...r))}-${fmtRatio(Math.max(...r))}]` : 'n/a';
          };
          return `| ${n} | ${cell('openMs')} | ${cell('openCpuMs')} | ${cell('editMs')} | ${cell('editCpuMs')} | ${cell('hwmKiB')} |`;
        }),
        '',
      );
    }
    const extra = lsp.samples.find((s) => s.server === 'ours-d0');
    if (extra) {
      const diag = (id: string) => sizes.map((n) => `${n}: ${lsp!.samples.find((s) => s.server === id && s.paths === n)?.openDiagnostics ?? 'n/a'}`).join(', ');
      md.push(`Diagnostics on open — ours: ${diag('ours-d0')} (at most 1,000 per file by default: 999 findings and a note counting the rest)${lsp.servers.some((s) => s.id === 'ours-all') ? `; ours publishing every one (\`ours-all\`): ${diag('ours-all')}` : ''}; yaml-language-server: ${diag('yls')}. Code actions returned at the shadowed entry — ours: ${lsp.samples.find((s) => s.server === 'ours-d0' && s.paths === 256)?.codeActions ?? 'n/a'}, yaml-language-server: ${lsp.samples.find((s) => s.server === 'yls' && s.paths === 256)?.codeActions ?? 'n/a'} (256 paths). Document sync — ours: ${extra.sync}, yaml-language-server: incremental.`, '');
    }
  }
  if (profiles.length) {
    md.push('## CPU profiles (hot spots)', '');
    md.push('`node --cpu-prof` (200 µs sampling). Core: analyze() in a loop on the bundled core. Server: the bundled server.js driven over LSP (didOpen, edits, hover; debounce 0); modules recovered from the bundle\'s `// path` comments, function lines looked up in the source by name. Self time excludes idle.', '');
    for (const p of profiles) md.push(profileMarkdown(p));
  }
  if (errors.length) md.push('## Errors', '', ...errors.map((e) => `- ${e.replace(/\n/g, ' ')}`), '');
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), md.join('\n'));
  writeFileSync(join(OUT, 'results.json'), JSON.stringify({ core, growth, lsp, vsix, profiles, targets, errors }, null, 1));
  log(`\nwrote BENCHMARKS.md and bench/out/results.json in ${minutes} min`);
  for (const t of targets) log(`  [${t.met === undefined ? ' ? ' : t.met ? 'met' : 'NOT'}] ${t.target}: ${t.measured}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
