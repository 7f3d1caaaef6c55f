// Documented exit codes (docs/cli.md): 0 nothing counted at warning or above, 1 warnings or errors,
// 2 the tool itself failed. The same in every output format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLEAN, DUPLICATE, SHADOWED, cli, ids, json, project } from './helpers';

test('exit 0: only info findings', () => {
  const dir = project({ 'p.yaml': CLEAN });
  const r = cli(['check', 'p.yaml'], dir);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /0 errors, 0 warnings, 1 info, 0 hints in 1 file/);
});

test('exit 1: a warning or an error, in every format', () => {
  const dir = project({ 'w.yaml': DUPLICATE, 'e.yaml': SHADOWED });
  for (const format of ['text', 'json', 'sarif', 'github']) {
    assert.equal(cli(['check', '--format', format, 'w.yaml'], dir).code, 1, `warning, ${format}`);
    assert.equal(cli(['check', '--format', format, 'e.yaml'], dir).code, 1, `error, ${format}`);
  }
});

test('exit 2: missing file, unmatched glob, bad option, bad baseline, unreadable tree listing', () => {
  const dir = project({ 'p.yaml': SHADOWED, 'bad-baseline.json': '{"version": 7}' });
  const missing = cli(['check', 'p.yaml', 'nope.yaml'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read nope\.yaml/);
  assert.match(missing.stdout, /\[shadowed-read-only\]/, 'the files that could be read are still reported');
  assert.equal(cli(['check', 'none/*.yaml'], dir).code, 2);
  const usage = cli(['check', '--format', 'xml', 'p.yaml'], dir);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /unknown --format xml/);
  assert.equal(cli(['check', '--min-severity', 'fatal', 'p.yaml'], dir).code, 2);
  assert.equal(cli(['check'], dir).code, 2);
  const baseline = cli(['check', '--baseline', 'bad-baseline.json', 'p.yaml'], dir);
  assert.equal(baseline.code, 2);
  assert.match(baseline.stderr, /not a landlock-lens baseline/);
  assert.equal(cli(['check', '--tree', 'missing.tree', 'p.yaml'], dir).code, 2);
});

test('exit 2: a problem in the project configuration, even when the policies are clean', () => {
  const dir = project({ 'p.yaml': CLEAN, '.landlock-lens.yaml': 'gpu: maybe\n' });
  const r = cli(['check', 'p.yaml'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^landlock-lens: \.landlock-lens\.yaml:1:6: error \[config\] `gpu` must be true or false\.$/m);
});

test('--min-severity: findings below are neither shown nor counted', () => {
  const dir = project({ 'w.yaml': DUPLICATE });
  const all = json(cli(['check', '--format', 'json', 'w.yaml'], dir));
  assert.deepEqual(ids(all).sort(), ['duplicate-path', 'truncate-not-restricted']);
  const r = cli(['check', '--format', 'json', '--min-severity', 'error', 'w.yaml'], dir);
  assert.equal(r.code, 0, 'the warning no longer fails the run');
  assert.deepEqual(ids(json(r)), []);
  const warn = cli(['check', '--format', 'json', '--min-severity', 'warning', 'w.yaml'], dir);
  assert.equal(warn.code, 1);
  assert.deepEqual(ids(json(warn)), ['duplicate-path']);
});
