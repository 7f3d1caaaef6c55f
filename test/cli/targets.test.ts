// Directories, globs and standard input as `check` arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLEAN, SHADOWED, cli, json, project } from './helpers';

const files = {
  'policies/a.yaml': SHADOWED,
  'policies/nested/b.yml': CLEAN,
  'policies/compose.yaml': 'services:\n  web:\n    image: nginx\n',
  'policies/README.md': '# not yaml',
  'policies/node_modules/dep/policy.yaml': SHADOWED,
  'other/c.yaml': CLEAN,
};

test('a directory: every *.yaml/*.yml below it that is a policy, sorted; other YAML is skipped silently', () => {
  const dir = project(files);
  const r = cli(['check', '--format', 'json', 'policies'], dir);
  assert.equal(r.code, 1);
  assert.deepEqual(json(r).files.map((f) => f.file), ['policies/a.yaml', 'policies/nested/b.yml'], 'node_modules and non-policies are not reported');
  const text = cli(['check', 'policies'], dir).stdout;
  assert.doesNotMatch(text, /compose\.yaml/);
  assert.match(text, /in 2 files/);
});

test('a glob, expanded by the tool (quoted, so the shell does not)', () => {
  const dir = project(files);
  const r = cli(['check', '--format', 'json', '**/*.yaml'], dir);
  assert.deepEqual(json(r).files.map((f) => f.file), ['other/c.yaml', 'policies/a.yaml']);
  const one = cli(['check', '--format', 'json', 'policies/*.y*ml'], dir);
  assert.deepEqual(json(one).files.map((f) => f.file), ['policies/a.yaml']);
});

test('a file named explicitly is reported even when it is not a policy', () => {
  const dir = project(files);
  const r = cli(['check', 'policies/compose.yaml'], dir);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^policies\/compose\.yaml: not analysed: no top-level OpenShell policy keys/m);
});

test('- reads the policy from standard input; --stdin-filename names it', () => {
  const dir = project({});
  const r = cli(['check', '--format', 'json', '-'], dir, SHADOWED);
  assert.equal(r.code, 1);
  const report = json(r);
  assert.equal(report.files[0].file, '<stdin>');
  assert.ok(report.files[0].findings.some((f) => f.ruleId === 'shadowed-read-only' && f.line === 7));
  const named = cli(['check', '--stdin-filename', 'deploy/policy.yaml', '-'], dir, SHADOWED);
  assert.match(named.stdout, /^deploy\/policy\.yaml:7:7: error \[shadowed-read-only\]/m);
});
