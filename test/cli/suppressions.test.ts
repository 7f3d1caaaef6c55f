// Inline suppressions: `# landlock-lens: ignore[rule-id] reason` on the finding's line or alone on the
// line above; unused and malformed ones are reported so they cannot rot or silently fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/index';
import { applySuppressions } from '../../server/src/core/suppressions';
import { SHADOWED, cli, ids, json, project } from './helpers';

function run(text: string) {
  const analysis = analyze(text);
  const result = applySuppressions(analysis);
  const line = (offset: number) => analysis.lines.lineColumn(offset).line;
  return {
    findings: result.findings.map((f) => `${f.ruleId}@${line(f.span.start)}`),
    suppressed: result.suppressed.map((s) => `${s.finding.ruleId}@${line(s.finding.span.start)}: ${s.suppression.reason}`),
    problems: result.problems.map((f) => `${f.ruleId}@${line(f.span.start)}:${analysis.lines.lineColumn(f.span.start).column}`),
    messages: result.problems.map((f) => f.message),
  };
}

const withComment = (comment: string, where: 'above' | 'trailing' = 'trailing') =>
  where === 'trailing'
    ? SHADOWED.replace('    - /sandbox/SOUL.md', `    - /sandbox/SOUL.md ${comment}`)
    : SHADOWED.replace('    - /sandbox/SOUL.md', `    ${comment}\n    - /sandbox/SOUL.md`);

test('used: a trailing comment suppresses findings starting on its line, with its reason', () => {
  const r = run(withComment('# landlock-lens: ignore[shadowed-read-only] regenerated at start-up'));
  assert.deepEqual(r.findings, ['truncate-not-restricted@5']);
  assert.deepEqual(r.suppressed, ['shadowed-read-only@7: regenerated at start-up']);
  assert.deepEqual(r.problems, []);
});

test('used: a comment alone on the line above; several ids; stacked comments', () => {
  const above = run(withComment('# landlock-lens: ignore[shadowed-read-only] - persona file, see #12', 'above'));
  assert.deepEqual(above.suppressed, ['shadowed-read-only@8: persona file, see #12'], 'a leading separator is not part of the reason');
  const stacked = SHADOWED.replace('  read_only:\n', '  # landlock-lens: ignore[truncate-not-restricted] files are root-owned 0444\n  # landlock-lens: ignore[no-landlock, read-only-root] stacked\n  read_only:\n');
  const r = run(stacked);
  assert.deepEqual(r.suppressed, ['truncate-not-restricted@7: files are root-owned 0444']);
  assert.deepEqual(r.problems, ['unused-suppression@6:27', 'unused-suppression@6:40'], 'each unused id is reported on the id');
});

test('unused: a suppression one line away from its finding is reported, and suppresses nothing', () => {
  const text = SHADOWED.replace('    - /sandbox/SOUL.md', '    # landlock-lens: ignore[shadowed-read-only] moved\n\n    - /sandbox/SOUL.md');
  const r = run(text);
  assert.deepEqual(r.findings, ['truncate-not-restricted@5', 'shadowed-read-only@9']);
  assert.deepEqual(r.problems, ['unused-suppression@7:29']);
  assert.match(r.messages[0], /`shadowed-read-only` reports nothing on line 8 \(the line below the comment\)/);
});

test('invalid: missing reason, unknown rule id, bad syntax, unknown directive; modelines are left alone', () => {
  assert.deepEqual(run(withComment('# landlock-lens: ignore[shadowed-read-only]')).findings, ['truncate-not-restricted@5', 'shadowed-read-only@7'], 'no reason: not applied');
  const noReason = run(withComment('# landlock-lens: ignore[shadowed-read-only]'));
  assert.deepEqual(noReason.problems, ['invalid-suppression@7:24']);
  assert.match(noReason.messages[0], /without a reason/);
  const unknown = run(withComment('# landlock-lens: ignore[shadowed-readonly, shadowed-read-only] typo in the first id'));
  assert.deepEqual(unknown.suppressed.length, 1, 'the valid id still applies');
  assert.deepEqual(unknown.problems, ['invalid-suppression@7:48']);
  assert.match(unknown.messages[0], /Unknown rule id `shadowed-readonly`/);
  assert.match(run(withComment('# landlock-lens: ignore shadowed-read-only because')).messages[0], /name the rules in brackets/);
  assert.match(run(withComment('# landlock-lens: ignore[shadowed-read-only,,no-landlock] x')).messages[0], /empty rule id/);
  assert.match(run(withComment('# landlock-lens: ignore-next-line x')).messages[0], /Unknown landlock-lens directive `ignore-next-line`/);
  assert.deepEqual(run('# landlock-lens: policy\n' + SHADOWED).problems, [], '`policy` is a modeline, not a suppression');
});

test('a # inside a quoted string or a block scalar is not a comment', () => {
  const text = SHADOWED.replace('    - /sandbox/SOUL.md', '    - "/sandbox/SOUL.md # landlock-lens: ignore[shadowed-read-only] no"');
  assert.deepEqual(run(text).suppressed, []);
  assert.deepEqual(run(text).problems, []);
});

test('the CLI: suppressed findings are omitted and counted; suppression problems fail the run', () => {
  const dir = project({
    'ok.yaml': withComment('# landlock-lens: ignore[shadowed-read-only] regenerated at start-up'),
    'bad.yaml': withComment('# landlock-lens: ignore[shadowed-read-only]'),
    'stale.yaml': SHADOWED.replace('    - /usr\n', '    - /usr # landlock-lens: ignore[duplicate-path] was listed twice\n'),
  });
  const ok = cli(['check', '--format', 'json', 'ok.yaml'], dir);
  assert.equal(ok.code, 0);
  assert.deepEqual(ids(json(ok)), ['truncate-not-restricted']);
  assert.equal(json(ok).suppressed, 1);
  assert.match(cli(['check', 'ok.yaml'], dir).stdout, /\(1 suppressed\)$/m);
  const bad = cli(['check', '--format', 'json', 'bad.yaml'], dir);
  assert.equal(bad.code, 1);
  assert.deepEqual(ids(json(bad)), ['truncate-not-restricted', 'shadowed-read-only', 'invalid-suppression']);
  const stale = cli(['check', '--min-severity', 'warning', 'stale.yaml'], dir);
  assert.equal(stale.code, 1);
  assert.match(stale.stdout, /stale\.yaml:6:36: warning \[unused-suppression\] Unused suppression: `duplicate-path` reports nothing on this line/);
});

test('the configuration can set the level of the suppression rules', () => {
  const dir = project({ 'p.yaml': withComment('# landlock-lens: ignore[no-landlock] not here'), '.landlock-lens.yaml': 'rules: {unused-suppression: info}\n' });
  const r = cli(['check', '--format', 'json', '--min-severity', 'warning', 'p.yaml'], dir);
  assert.deepEqual(ids(json(r)), ['shadowed-read-only']);
});
