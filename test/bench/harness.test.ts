// The LSP benchmark's measuring and summarising (bench/lsp-bench.ts, bench/stats.ts): a real session of
// both servers on a small policy yields every figure BENCHMARKS.md reports, and the statistics pair the
// sessions and take the debounce off as the report says they do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/index';
import { generatePolicy } from '../../bench/generate';
import { inferDebounce, ourServer, pairRatios, runLspBench, schemaInUse, summaryTable, values, yamlLanguageServer, type SessionSample } from '../../bench/lsp-bench';
import { median, p90, quantile } from '../../bench/stats';
import { growthOf, measureGrowth, productConfigurations } from '../../bench/growth';
import { serverV8Flags } from '../../client/src/server-flags';
import { benchResult, sessionSample } from './samples';

test('median and p90: p90 is a measured sample (nearest rank), never an interpolation', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
  assert.equal(p90([5, 1, 4, 2, 3]), 5);
  assert.equal(p90([10, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 9);
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2);
});

const session = (server: string, round: number, openMs: number, editMs: number[]) => sessionSample({ server, paths: 256, round, openMs, editMs });
const result = (samples: SessionSample[]) => benchResult(samples, ['ours-d0', 'ours-default', 'yls']);

test('ratios pair sessions of the same round, on per-session medians, each net of its own debounce', () => {
  const res = result([
    // Listed out of order: pairing goes by round, not by position.
    session('yls', 1, 300, [260, 240, 900]),
    session('ours-d0', 0, 10, [5, 6, 7]),
    session('yls', 0, 250, [210, 220, 230]),
    session('ours-d0', 1, 20, [8, 10, 12]),
    // A round yaml-language-server did not finish: no pair, no ratio.
    session('ours-d0', 2, 99, [99]),
  ]);
  assert.deepEqual(pairRatios(res, 'ours-d0', 'yls', 256, 'openMs'), [10 / 50, 20 / 100]);
  assert.deepEqual(pairRatios(res, 'ours-d0', 'yls', 256, 'editMs'), [6 / 20, 10 / 60]);
  assert.deepEqual(values(res, 'yls', 256, 'openMs'), [100, 50]);
  assert.deepEqual(values(res, 'yls', 256, 'openMs', false), [300, 250]);
  assert.deepEqual(values(res, 'yls', 256, 'coldStartMs'), [100, 100], 'no debounce in a cold start');
});

test('the default debounce is subtracted only where ours measurably waited it', () => {
  // Opens: no wait (the server analyses an opened document at once); changes: 200 ms more than debounce 0.
  const res = result([session('ours-d0', 0, 10, [5]), session('ours-default', 0, 11, [206])]);
  const notes = inferDebounce(res, [256]);
  const spec = res.servers.find((s) => s.id === 'ours-default')!;
  assert.equal(spec.openDebounceMs, 0);
  assert.equal(spec.changeDebounceMs, 200);
  assert.match(notes[0], /^didOpen: .* no debounce on this path, nothing subtracted\.$/);
  assert.match(notes[1], /^didChange: .* the 200 ms debounce applies and is subtracted\.$/);
});

test('a real round: both servers started over stdio, every figure of the report measured', { timeout: 120_000 }, async () => {
  const servers = [ourServer(0), yamlLanguageServer(schemaInUse().path)];
  const res = await runLspBench({ sizes: [16], rounds: { 16: 1 }, edits: { 16: 2 }, servers, log: () => undefined });
  assert.deepEqual(res.errors, []);
  assert.equal(res.schema.standIn, false, 'yaml-language-server validates with the project schema');
  const ours = res.samples.find((s) => s.server === 'ours-d0')!;
  const yls = res.samples.find((s) => s.server === 'yls')!;
  for (const s of [ours, yls]) {
    assert.ok(s.coldStartMs > 0 && s.openMs > 0 && s.hwmKiB > 10 * 1024, JSON.stringify(s));
    assert.equal(s.editMs.length, 2);
    assert.ok(s.editMs.every((ms) => ms > 0));
    assert.ok(s.hoverMs.length > 0 && s.codeActionMs.length > 0);
    assert.equal(s.sync, 'incremental');
  }
  // yaml-language-server waits its fixed 200 ms before it validates: the raw latency holds it.
  assert.ok(yls.openMs >= 200, `yls open ${yls.openMs} ms`);
  // Ours publishes the findings of the policy (the same as the core's), theirs none: the policy is schema-valid.
  assert.equal(ours.openDiagnostics, analyze(generatePolicy(16).text).findings.length);
  assert.equal(yls.openDiagnostics, 0);
  assert.ok(ours.codeActions >= 1 && ours.hoverChars > 0);
  assert.equal(yls.codeActions, 0);
  const table = summaryTable(res, [16]);
  assert.match(table, /ours-d0 \/ yls \(pairs: median \[min-max\]\)/);
  assert.match(table, /#### didOpen -> diagnostics, debounce excluded \(ms\)/);
});

test('growth: analyze() alone in a process per V8 configuration, with the flags each product face runs with', { timeout: 120_000 }, async () => {
  const rows = await measureGrowth([16, 256], productConfigurations(), 1);
  assert.deepEqual(rows.map((r) => r.flags), [serverV8Flags(), []]);
  for (const row of rows) {
    assert.ok(row.bySize[16].cpuMs > 0 && row.bySize[16].runs > 0, JSON.stringify(row));
    // Sixteen times the paths cost more than the small policy, and growthOf says by how much.
    assert.ok(row.bySize[256].cpuMs > row.bySize[16].cpuMs, JSON.stringify(row));
    assert.equal(growthOf(row, 16, 256), row.bySize[256].cpuMs / row.bySize[16].cpuMs);
  }
});
