// `check --fix` applies safe fixes in place before checking; `--fix-all` (`--fix=all`) also fixes that
// change access. Suppressed findings are never "fixed".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DUPLICATE, SHADOWED, cli, ids, json, project } from './helpers';

const BOTH = SHADOWED.replace('    - /usr\n', '    - /usr\n    - /usr\n');

test('--fix: safe fixes only (the duplicate goes, the access-changing split does not)', () => {
  const dir = project({ 'p.yaml': BOTH, 'd.yaml': DUPLICATE });
  const r = cli(['check', '--format', 'json', '--fix', 'p.yaml', 'd.yaml'], dir);
  assert.deepEqual(ids(json(r)), ['truncate-not-restricted', 'shadowed-read-only'], 'what is left after fixing');
  assert.equal(r.code, 1);
  assert.equal(readFileSync(join(dir, 'p.yaml'), 'utf8'), SHADOWED, 'only the duplicate was removed');
  assert.match(r.stderr, /^landlock-lens: p\.yaml: applied 1 fix\(es\):\n  duplicate-path: Remove duplicate `\/usr`/m);
  assert.equal(cli(['check', 'd.yaml'], dir).code, 0, 'd.yaml was fixed in place');
});

test('--fix-all and --fix=all: also the split, which changes access', () => {
  for (const flag of ['--fix-all', '--fix=all']) {
    const dir = project({ 'p.yaml': BOTH });
    const r = cli(['check', '--format', 'json', flag, 'p.yaml'], dir);
    assert.ok(!ids(json(r)).includes('shadowed-read-only'), `${flag}: SOUL.md is read-only now`);
    const fixed = readFileSync(join(dir, 'p.yaml'), 'utf8');
    assert.notEqual(fixed, SHADOWED);
    assert.doesNotMatch(fixed, /- \/usr\n\s+- \/usr\n/, 'the duplicate is gone too');
  }
});

test('--fix leaves suppressed findings alone; it cannot rewrite stdin', () => {
  const text = DUPLICATE.replace('[/usr, /usr]', '[/usr, /usr] # landlock-lens: ignore[duplicate-path] kept on purpose');
  const dir = project({ 'p.yaml': text });
  cli(['check', '--fix', 'p.yaml'], dir);
  assert.equal(readFileSync(join(dir, 'p.yaml'), 'utf8'), text);
  const stdin = cli(['check', '--fix', '-'], dir, DUPLICATE);
  assert.equal(stdin.code, 2);
  assert.match(stdin.stderr, /--fix cannot rewrite standard input/);
});
