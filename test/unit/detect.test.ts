// Which YAML is a policy: decided cheaply, before any full parse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, detect } from '../../server/src/core/index';
import { parseAllDocuments } from 'yaml';

test('policy keys make a policy, even without version (the #698 snippet)', () => {
  assert.equal(detect('filesystem_policy:\n  read_only: [/x]\n').candidate, true);
  assert.equal(detect('landlock:\n  compatibility: best_effort\n').candidate, true);
  assert.equal(detect('network_middlewares: {}\n').candidate, true);
  assert.equal(detect('version: 1\nprocess: {}\n').candidate, true);
  assert.equal(detect('version: 1\nname: x\n').candidate, false, 'version alone is not enough');
  const a = analyze('filesystem_policy:\n  read_only: [/x]\n');
  assert.ok(a.findings.some((f) => f.message === 'missing field `version`'), 'a broken policy, missing version');
});

test('other YAML is left alone, cheaply', () => {
  const big = Array.from({ length: 50000 }, (_, i) => `key${i}: value ${i}`).join('\n');
  const a = analyze(big);
  assert.equal(a.isPolicy, false);
  assert.deepEqual(a.findings, []);
  // Next to nothing compared with parsing it (measured in the same process, so load does not matter).
  const best = (fn: () => unknown) => Math.min(...[0, 1, 2].map(() => { const t = performance.now(); fn(); return performance.now() - t; }));
  const analyzeMs = best(() => analyze(big));
  const parseMs = best(() => parseAllDocuments(big, { uniqueKeys: false }));
  assert.ok(analyzeMs < 0.1 * parseMs, `non-policy detection took ${analyzeMs.toFixed(1)} ms, parsing ${parseMs.toFixed(1)} ms`);
  assert.equal(analyze('apiVersion: v1\nkind: Pod\nspec:\n  filesystem_policy: {}\n').isPolicy, false, 'nested keys do not count');
});

test('modelines opt in and out; globs opt in', () => {
  assert.equal(analyze('# landlock-lens: policy\nversion: 1\nname: x\n').isPolicy, true);
  assert.equal(analyze('# landlock-lens: ignore-file\nversion: 1\nfilesystem_policy: {}\n').isPolicy, false);
  assert.equal(detect('a: 1\n', { fileName: '/repo/policies/agent.yaml', policyGlobs: ['**/policies/*.yaml'] }).candidate, true);
  assert.equal(detect('a: 1\n', { fileName: '/repo/policies/sub/agent.yaml', policyGlobs: ['policies/*.yaml'] }).candidate, false, '* does not cross /');
  assert.equal(detect('a: 1\n', { fileName: '/repo/x/sandbox.policy.yaml', policyGlobs: ['*.policy.yaml'] }).candidate, true, 'a glob without / matches the file name');
});

test('NemoClaw preset fragments are recognised and reported as not standalone', () => {
  const a = analyze('preset:\n  name: npm\nnetwork_policies: {}\n');
  assert.deepEqual(a.findings.map((f) => f.ruleId), ['preset-fragment']);
  assert.equal(a.documents[0].isPreset, true);
});

test('flow-style documents are detected too', () => {
  assert.equal(analyze('{version: 1, filesystem_policy: {read_only: [/usr]}}\n').isPolicy, true);
});

test('a modeline anywhere counts, even after the policy keys of a long policy (detection stops sniffing keys early)', () => {
  const body = 'version: 1\nfilesystem_policy:\n  read_only:\n' + Array.from({ length: 500 }, (_, i) => `    - /data/p${i}\n`).join('');
  assert.equal(analyze(body).isPolicy, true);
  assert.equal(analyze(body + '# landlock-lens: ignore-file\n').isPolicy, false);
  assert.equal(analyze(body + '  # landlock-lens: policy\n').detection, 'marked with `# landlock-lens: policy`');
  // Keys after many other top-level keys are still found when nothing before them decides.
  const other = Array.from({ length: 300 }, (_, i) => `k${i}: v\n`).join('');
  assert.equal(analyze(other + 'network_policies: {}\n').detection, 'has top-level OpenShell policy keys');
  assert.equal(analyze(other + 'preset:\n  name: x\n').isPolicy, true);
});
