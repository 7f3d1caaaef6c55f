// The language server empties V8's young generation when idle after start-up, and after an analysis when
// the next would not fit in what is left (server/src/node/young-generation.ts), so the analysis a user
// waits for does not stop for a scavenge that copies the previous one's objects.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';
import { getHeapSpaceStatistics } from 'node:v8';
import { serverV8Flags } from '../../client/src/server-flags';
import { youngGenerationCollector } from '../../server/src/node/young-generation';
import { SERVER, TestClient, ensureBuilt, fileUri } from './client';

/** Minor collections (scavenges) seen while `run` runs. */
async function scavengesDuring(run: () => void): Promise<number> {
  let scavenges = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if ((e as unknown as { detail: { kind: number } }).detail.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    run();
    await new Promise((r) => setTimeout(r, 20)); // entries are delivered asynchronously
  } finally {
    observer.disconnect();
  }
  return scavenges;
}

const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!;

/** Fills about `fraction` of what is left of the young generation with short-lived objects. */
function fillYoungGeneration(fraction: number): void {
  const target = newSpace().space_used_size + fraction * newSpace().space_available_size;
  let garbage: unknown[] = [];
  while (newSpace().space_used_size < target) {
    for (let i = 0; i < 200; i++) garbage.push({ i, s: `x${i}` });
    if (garbage.length > 10_000) garbage = [];
  }
}

describe('young generation collector', () => {
  test('empty() runs two scavenges (minor collections) and leaves no `gc` function behind', async () => {
    const collector = youngGenerationCollector();
    assert.ok((await scavengesDuring(() => collector.empty())) >= 2);
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
    assert.equal(runInNewContext('typeof gc'), 'undefined', 'contexts made later get no gc either');
  });

  test('collectIfShort() collects only when less is left than 1.5x what was filled since its last call', async () => {
    const collector = youngGenerationCollector();
    collector.empty();
    // A tenth of the room filled: nine times that is left (more than 1.5x), no collection.
    fillYoungGeneration(0.1);
    assert.equal(await scavengesDuring(() => collector.collectIfShort()), 0);
    // Then 60% of what is left: 40% remains, less than 1.5x what was just filled: collected.
    fillYoungGeneration(0.6);
    const before = newSpace().space_used_size;
    let after = before;
    assert.equal(await scavengesDuring(() => {
      collector.collectIfShort();
      after = newSpace().space_used_size;
    }), 1);
    assert.ok(after < before / 2, `young generation in use: ${before} bytes before, ${after} after`);
  });
});

/** A policy of `paths` filesystem entries, half of them read_only under read_write directories. */
function policyOf(paths: number): string {
  const rw = Array.from({ length: paths / 2 }, (_, i) => `    - /data/team-${i}          # shared with the team`);
  const ro = Array.from({ length: paths / 2 }, (_, i) => `    - /data/team-${i}/SOUL.md  # persona`);
  return `version: 1\nfilesystem_policy:\n  include_workdir: true\n  read_only:\n    - /usr\n${ro.join('\n')}\n  read_write:\n    - /tmp\n${rw.join('\n')}\nlandlock:\n  compatibility: best_effort\n`;
}

describe('language server: young generation collections', () => {
  test('between versions, not while their diagnostics are computed: a 200-path policy opened and edited 20 times', async () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'landlock-lens-gc-'));
    const record = join(dir, 'gc.log');
    const preload = join(dir, 'record-gc.cjs');
    // Wall-clock start of every minor collection in the server ("gc <ms>"), and when the server writes
    // a publication ("published <ms>"; the client reads it later, by which time the server is idle).
    writeFileSync(preload, `
      const { appendFileSync } = require('node:fs');
      const { PerformanceObserver, performance, constants } = require('node:perf_hooks');
      const note = (what, ms) => appendFileSync(${JSON.stringify(record)}, what + ' ' + ms + '\\n');
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MINOR) note('gc', performance.timeOrigin + e.startTime);
        }
      }).observe({ entryTypes: ['gc'] });
      const write = process.stdout.write;
      process.stdout.write = function (chunk, ...rest) {
        if (String(chunk).includes('textDocument/publishDiagnostics')) note('published', performance.timeOrigin + performance.now());
        return write.call(this, chunk, ...rest);
      };
    `);
    const notes = (what: string) => readFileSync(record, 'utf8').split('\n').filter((l) => l.startsWith(what + ' ')).map((l) => Number(l.slice(what.length + 1)));
    writeFileSync(record, '');
    // As VS Code starts it (client/src/server-flags.ts), which is what keeps the young generation small.
    const client = await TestClient.start({ args: [...serverV8Flags(), '--require', preload, SERVER, '--stdio'], initializationOptions: { debounceMs: 0 } });
    try {
      const uri = fileUri('gc/policy.yaml');
      await new Promise((r) => setTimeout(r, 300)); // initialized, configuration: let them settle
      // Each version: when it was sent, and (below) when the server wrote its diagnostics.
      const sent: number[] = [Date.now()];
      let text = policyOf(200);
      client.open(uri, text, 1);
      const opened = await client.diagnostics(uri);
      assert.equal(opened.diagnostics.filter((d) => d.code === 'shadowed-read-only').length, 100);
      for (let version = 2; version <= 21; version++) {
        await new Promise((r) => setTimeout(r, 50)); // a typist's pause
        text = text.replace(version % 2 ? 'SOUL.mdx' : 'SOUL.md', version % 2 ? 'SOUL.md' : 'SOUL.mdx');
        sent.push(Date.now());
        client.change(uri, version, text);
        await client.diagnostics(uri, (p) => p.version === version);
      }
      await new Promise((r) => setTimeout(r, 300));
      const times = notes('gc');
      const published = notes('published');
      const windows = sent.map((s) => [s, published.find((p) => p >= s)!] as const);
      assert.ok(windows.every(([, p]) => p !== undefined), 'every version published');
      assert.ok(times.some((t) => t < sent[0]), 'start-up collected the young generation');
      // 21 versions allocate about ten times the 2 MB young generation. Without idle collections about
      // half of the versions stop for a scavenge (9-11 of 21 with 829c480); with them, a round that allocates more
      // than foreseen still can (0-2 of 41 measured), so the bound leaves room for that and no more.
      const interrupted = windows.filter(([s, p]) => times.some((t) => t >= s && t <= p)).map(([s]) => sent.indexOf(s) + 1);
      assert.ok(interrupted.length <= 3, `versions with a scavenge in their analysis: ${interrupted.join(', ')}`);
      const between = times.filter((t) => t > windows[0][1]).length;
      assert.ok(between >= 5, `collections after the first diagnostics: ${between}`);
      const { code } = await client.shutdown();
      assert.equal(code, 0);
    } finally {
      client.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
