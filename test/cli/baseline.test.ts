// Baselines: accepted findings do not fail the run, new ones do, stale entries are reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DUPLICATE, SHADOWED, cli, ids, json, project, sarif, write } from './helpers';

test('--write-baseline records the current findings (exit 0); with --baseline they no longer fail the run', () => {
  const dir = project({ 'p.yaml': SHADOWED });
  const w = cli(['check', '--write-baseline', 'lens-baseline.json', 'p.yaml'], dir);
  assert.equal(w.code, 0, w.stderr);
  assert.match(w.stderr, /wrote 2 finding\(s\) to baseline lens-baseline\.json/);
  const baseline = JSON.parse(readFileSync(join(dir, 'lens-baseline.json'), 'utf8'));
  assert.equal(baseline.version, 1);
  assert.deepEqual(baseline.findings.map((e: { ruleId: string; file: string; yamlPath: string; subject: string }) => [e.ruleId, e.file, e.yamlPath, e.subject]).sort(), [
    ['shadowed-read-only', 'p.yaml', 'filesystem_policy.read_only[]', '/sandbox/SOUL.md'],
    ['truncate-not-restricted', 'p.yaml', 'filesystem_policy.read_only', 'truncate'],
  ]);
  const old = cli(['check', '--format', 'json', '--baseline', 'lens-baseline.json', 'p.yaml'], dir);
  assert.equal(old.code, 0, 'old findings pass');
  assert.deepEqual(ids(json(old)), [], 'and are not listed');
  assert.equal(json(old).baselined, 2);
  assert.match(cli(['check', '--baseline', 'lens-baseline.json', 'p.yaml'], dir).stdout, /\(2 in baseline\)$/m);
});

test('a new finding fails the run even when lines moved; a fixed one leaves a stale entry', () => {
  const dir = project({ 'p.yaml': SHADOWED });
  cli(['check', '--write-baseline', 'b.json', 'p.yaml'], dir);
  // Lines move (comment on top) and a second shadowed entry appears.
  write(dir, 'p.yaml', '# moved\n' + SHADOWED.replace('    - /sandbox/SOUL.md', '    - /sandbox/SOUL.md\n    - /sandbox/AGENTS.md'));
  const r = cli(['check', '--format', 'json', '--baseline', 'b.json', 'p.yaml'], dir);
  assert.equal(r.code, 1, 'the new finding fails');
  assert.deepEqual(json(r).files[0].findings.map((f) => [f.ruleId, f.line]), [['shadowed-read-only', 9]], 'only the new finding is listed');
  assert.deepEqual(json(r).staleBaseline, []);
  // The old finding is fixed (the entry removed): its baseline entry is stale.
  write(dir, 'p.yaml', SHADOWED.replace('    - /sandbox/SOUL.md\n', ''));
  const fixed = cli(['check', '--format', 'json', '--baseline', 'b.json', 'p.yaml'], dir);
  assert.equal(fixed.code, 0);
  assert.deepEqual(json(fixed).staleBaseline.map((e) => [e.ruleId, e.file, e.subject]), [['shadowed-read-only', 'p.yaml', '/sandbox/SOUL.md']]);
  const text = cli(['check', '--baseline', 'b.json', 'p.yaml'], dir);
  assert.match(text.stderr, /note: stale baseline entry \(no longer found\): p\.yaml: \[shadowed-read-only\] \/sandbox\/SOUL\.md/);
});

test('baseline entries of files not checked in this run are not stale; SARIF marks baseline states', () => {
  const dir = project({ 'a.yaml': SHADOWED, 'b.yaml': DUPLICATE });
  cli(['check', '--write-baseline', 'b.json', 'a.yaml', 'b.yaml'], dir);
  const onlyA = json(cli(['check', '--format', 'json', '--baseline', 'b.json', 'a.yaml'], dir));
  assert.deepEqual(onlyA.staleBaseline, []);
  write(dir, 'a.yaml', SHADOWED.replace('    - /usr\n', '    - /usr\n    - /etc\n    - /etc\n'));
  const log = sarif(cli(['check', '--format', 'sarif', '--baseline', 'b.json', 'a.yaml'], dir).stdout);
  const states = log.runs[0].results.map((r) => `${r.ruleId}:${r.baselineState}`).sort();
  assert.deepEqual(states, ['duplicate-path:new', 'shadowed-read-only:unchanged', 'truncate-not-restricted:unchanged']);
});
