// The language server primes the JIT on a built-in policy (server/src/lsp/warm-up.ts). That only helps
// if the sample runs the code a real policy runs: the fast YAML reader (not the fallback) and the
// filesystem checks that produce findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/index';
import { fastParse } from '../../server/src/core/yaml/fast-parse';
import { MAX_WARM_UP_RUNS, WARM_UP_POLICY, warmUp } from '../../server/src/lsp/warm-up';

test('the warm-up policy takes the fast reader and exercises the shadowing and network checks', () => {
  assert.ok(fastParse(WARM_UP_POLICY), 'the fast reader accepts the warm-up policy');
  const analysis = analyze(WARM_UP_POLICY);
  assert.equal(analysis.isPolicy, true);
  const rules = new Set(analysis.findings.map((f) => f.ruleId));
  assert.ok(rules.has('shadowed-read-only'), `rules found: ${[...rules].join(', ')}`);
  assert.ok(!rules.has('yaml-syntax') && !rules.has('schema'), `the sample is a valid policy: ${[...rules].join(', ')}`);
  assert.ok(analysis.documents[0].model!.networkPolicies.count > 0);
});

test('warmUp runs at least the minimum number of analyses, then stops at the first check past its budget', () => {
  // A clock that moves 4 ms per reading: started at 0, the checks read 4, 8, 12.
  let t = -4;
  const clock = () => (t += 4);
  assert.deepEqual(warmUp(10, 1, clock), { runs: 3, ms: 16 });
  let slow = -20;
  assert.equal(warmUp(10, 5, () => (slow += 20)).runs, 5, 'the minimum runs even when the budget is spent');
  // A clock that never moves: the run cap ends it.
  assert.equal(warmUp(10, 1, () => 0).runs, MAX_WARM_UP_RUNS);
  // And with the real clock it stays near its budget (one analysis of the sample, warm, is well under 5 ms).
  const { runs, ms } = warmUp(5, 1);
  assert.ok(runs < MAX_WARM_UP_RUNS && ms < 5 + 20, `${runs} runs in ${ms} ms`);
});
