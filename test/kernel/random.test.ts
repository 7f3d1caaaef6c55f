// Kernel differential test on random policies and trees: for every probe, the outcome the core's
// rights predict must be the kernel's answer. Seeded and reproducible:
//   LANDLOCK_LENS_SEED=<n>                 replay a run (the seed is printed at the end and on failure)
//   LANDLOCK_LENS_KERNEL_POLICIES=<count>  number of random policies (default 180, ~32 probes each)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelSupport } from './harness';
import { caseSeed, describeCase, randomCase, runRandomCase, shrink } from './random';
import { parseOp } from './predict';

const DEFAULT_POLICIES = 180;
const OPS_PER_CASE = 32;

test('kernel differential: random policies, trees and probes agree with the model', (t) => {
  const support = kernelSupport();
  if (!support.ok) return t.skip(support.reason);

  const seed = process.env.LANDLOCK_LENS_SEED ? Number(process.env.LANDLOCK_LENS_SEED) >>> 0 : Math.floor(Math.random() * 2 ** 32);
  const policies = process.env.LANDLOCK_LENS_KERNEL_POLICIES ? Number(process.env.LANDLOCK_LENS_KERNEL_POLICIES) : DEFAULT_POLICIES;
  const started = Date.now();
  let checks = 0;
  let disagreements = 0;
  const outcomes = new Map<string, number>();
  const opsSeen = new Set<string>();
  const abis = new Set<number>();
  const failures: string[] = [];

  for (let i = 0; i < policies; i++) {
    const c = randomCase(caseSeed(seed, i), support.kernelAbi, OPS_PER_CASE);
    const r = runRandomCase(c);
    checks += r.probes.length;
    abis.add(c.abi);
    for (const p of r.probes) {
      outcomes.set(p.kernel, (outcomes.get(p.kernel) ?? 0) + 1);
      opsSeen.add(p.op.split(' ')[0]);
    }
    const bad = r.disagreements.length + r.rulesetProblems.length;
    if (bad) {
      disagreements += bad;
      // Shrink the first few to a minimal reproduction; the rest are only counted.
      if (failures.length < 3) {
        const first = r.disagreements[0];
        failures.push(describeCase(shrink(c, first ? parseOp(first.op) : undefined)) + `\n(original: case ${i} of LANDLOCK_LENS_SEED=${seed})`);
      }
    }
  }

  const summary = `kernel differential: ${checks} checks, ${disagreements} disagreements, seed ${seed} (${policies} policies, ABIs ${[...abis].sort().join('/')}, ${((Date.now() - started) / 1000).toFixed(1)} s)`;
  t.diagnostic(summary);
  t.diagnostic(`kernel outcomes: ${[...outcomes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(summary);

  assert.equal(disagreements, 0, `${summary}\nreproduce with LANDLOCK_LENS_SEED=${seed}\n\n${failures.join('\n\n')}`);
  if (policies >= DEFAULT_POLICIES) {
    // The run must really exercise the model: enough probes, every probe kind, every way to fail.
    assert.ok(checks >= 5000, `only ${checks} checks`);
    for (const op of ['read', 'write', 'append', 'otrunc', 'rotrunc', 'truncate', 'exec', 'readdir', 'create', 'mkdir', 'unlink', 'rmdir', 'rename', 'xchg', 'link', 'symlink']) {
      assert.ok(opsSeen.has(op), `no ${op} probe was generated`);
    }
    for (const outcome of ['ok', 'EACCES', 'EXDEV', 'ENOENT', 'ENOTEMPTY']) {
      assert.ok((outcomes.get(outcome) ?? 0) > 0, `no probe ended in ${outcome}`);
    }
  }
});
