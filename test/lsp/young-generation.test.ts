// The language server empties V8's young generation after start-up and while idle after each analysis
// (server/src/node/young-generation.ts), so the analysis a user waits for does not stop for a scavenge
// that copies the previous one's objects.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';
import { serverV8Flags } from '../../client/src/server-flags';
import { youngGenerationCollector } from '../../server/src/node/young-generation';
import { SERVER, TestClient, ensureBuilt, fileUri } from './client';

describe('young generation collector', () => {
  test('runs a scavenge (a minor collection) and leaves no `gc` function behind', async () => {
    const collect = youngGenerationCollector();
    assert.equal(typeof collect, 'function');
    const kinds: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) kinds.push((e as unknown as { detail: { kind: number } }).detail.kind);
    });
    observer.observe({ entryTypes: ['gc'] });
    try {
      collect!();
      await new Promise((r) => setTimeout(r, 20)); // entries are delivered asynchronously
      assert.ok(kinds.includes(constants.NODE_PERFORMANCE_GC_MINOR), `gc kinds seen: ${kinds.join(', ')}`);
      assert.ok(!kinds.includes(constants.NODE_PERFORMANCE_GC_MAJOR), 'a full collection would cost far more');
    } finally {
      observer.disconnect();
    }
    assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
    assert.equal(runInNewContext('typeof gc'), 'undefined', 'contexts made later get no gc either');
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
