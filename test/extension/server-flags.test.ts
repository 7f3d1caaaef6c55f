// The V8 flags the VS Code client starts the language server with (client/src/server-flags.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { serverV8Flags, v8PoolSize } from '../../client/src/server-flags';

test('V8 background threads: one core is left to the main thread, Node\'s default (4) is the ceiling', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 16, 128].map(v8PoolSize), [1, 1, 2, 3, 4, 4, 4, 4]);
  // A fractional or zero count (a container quota read elsewhere) still gets a thread.
  assert.equal(v8PoolSize(0), 1);
  assert.equal(v8PoolSize(2.5), 1);
  // No count at all: Node's default, never a flag Node would refuse.
  assert.equal(v8PoolSize(Number.NaN), 4);
  assert.equal(v8PoolSize(Number.POSITIVE_INFINITY), 4);
});

test('the flags for a 2-core machine, as the benchmarks here ran them', () => {
  assert.deepEqual(serverV8Flags(2), ['--min-semi-space-size=2', '--max-semi-space-size=2', '--v8-pool-size=1']);
});

test('Node accepts the flags the client passes (an unknown one would stop the server before it starts)', () => {
  const flags = serverV8Flags();
  const run = spawnSync(process.execPath, [...flags, '-e', 'process.stdout.write(JSON.stringify(process.execArgv))'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout).slice(0, flags.length), flags);
});
