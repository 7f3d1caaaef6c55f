// The language server primes the JIT on a built-in policy (server/src/lsp/warm-up.ts). That only helps
// if the sample runs the code a real policy runs: the fast YAML reader (not the fallback) and the
// filesystem checks that produce findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/index';
import { fastParse } from '../../server/src/core/yaml/fast-parse';
import { WARM_UP_POLICY, warmUp } from '../../server/src/lsp/warm-up';

test('the warm-up policy takes the fast reader and exercises the shadowing and network checks', () => {
  assert.ok(fastParse(WARM_UP_POLICY), 'the fast reader accepts the warm-up policy');
  const analysis = analyze(WARM_UP_POLICY);
  assert.equal(analysis.isPolicy, true);
  const rules = new Set(analysis.findings.map((f) => f.ruleId));
  assert.ok(rules.has('shadowed-read-only'), `rules found: ${[...rules].join(', ')}`);
  assert.ok(!rules.has('yaml-syntax') && !rules.has('schema'), `the sample is a valid policy: ${[...rules].join(', ')}`);
  assert.ok(analysis.documents[0].model!.networkPolicies.count > 0);
});

test('warmUp runs at least the minimum number of analyses and stops near its budget', () => {
  const { runs, ms } = warmUp(5, 3);
  assert.ok(runs >= 3);
  assert.ok(runs === 3 || ms < 200, `${runs} runs in ${ms} ms`);
});
