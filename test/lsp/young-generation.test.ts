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
  test('collect() runs a scavenge (a minor collection) and leaves no `gc` function behind', async () => {
    const collector = youngGenerationCollector();
    assert.ok((await scavengesDuring(() => collector.collect())) >= 1);
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
    assert.equal(runInNewContext('typeof gc'), 'undefined', 'contexts made later get no gc either');
  });

  test('collectIfShort() collects only when less is left than was filled since its last call', async () => {
    const collector = youngGenerationCollector();
    collector.collect();
    // A tenth of the room filled: nine times that is left, no collection.
    fillYoungGeneration(0.1);
    assert.equal(await scavengesDuring(() => collector.collectIfShort()), 0);
    // Then 60% of what is left: 40% remains, less than was just filled, so the next would not fit.
    fillYoungGeneration(0.6);
    assert.equal(await scavengesDuring(() => collector.collectIfShort()), 1);
    assert.ok(newSpace().space_used_size < 0.5 * (newSpace().space_used_size + newSpace().space_available_size));
  });
});

/** A policy of `paths` filesystem entries, half of them read_only under read_write directories. */
function policyOf(paths: number): string {
  const rw = Array.from({ length: paths / 2 }, (_, i) => `    - /data/team-${i}          # shared with the team`);
  const ro = Array.from({ length: paths / 2 }, (_, i) => `    - /data/team-${i}/SOUL.md  # persona`);
  return `version: 1\nfilesystem_policy:\n  include_workdir: true\n  read_only:\n    - /usr\n${ro.join('\n')}\n  read_write:\n    - /tmp\n${rw.join('\n')}\nlandlock:\n  compatibility: best_effort\n`;
}

describe('language server: young generation collections', () => {
  test('none while the first diagnostics of a 200-path policy are computed; one once the server is idle after them', async () => {
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
      const sent = Date.now();
      client.open(uri, policyOf(200), 1);
      const published = await client.diagnostics(uri);
      assert.equal(published.diagnostics.filter((d) => d.code === 'shadowed-read-only').length, 100);
      await new Promise((r) => setTimeout(r, 300));
      const times = notes('gc');
      const received = Math.max(...notes('published'));
      assert.ok(received >= sent);
      assert.ok(times.some((t) => t < sent), 'start-up collected the young generation');
      assert.deepEqual(times.filter((t) => t >= sent && t <= received), [], 'no scavenge between didOpen and its diagnostics');
      assert.ok(times.some((t) => t > received), 'the young generation was collected once the server was idle');
      const { code } = await client.shutdown();
      assert.equal(code, 0);
    } finally {
      client.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
