// `check --format sarif`: what code scanning needs. Every log produced here is validated against the
// SARIF 2.1.0 schema by `sarif()`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../server/src/core/index';
import { CLEAN, SHADOWED, cli, project, sarif, write } from './helpers';
import type { SarifResult } from './helpers';

function shadowedResult(results: SarifResult[]): SarifResult {
  const r = results.find((x) => x.ruleId === 'shadowed-read-only');
  assert.ok(r, 'shadowed-read-only is reported');
  return r;
}

test('SARIF: valid 2.1.0, every rule described with its help page, security-severity on security rules', () => {
  const dir = project({ 'policy.yaml': SHADOWED });
  const r = cli(['check', '--format', 'sarif', 'policy.yaml'], dir);
  assert.equal(r.code, 1, 'same exit code as the text format: an error was found');
  const log = sarif(r.stdout);
  const rules = log.runs[0].tool.driver.rules;
  assert.deepEqual(rules.map((x) => x.id), RULES.map((x) => x.id), 'every rule, in catalogue order (stable ruleIndex)');
  for (const meta of RULES) {
    const rule = rules.find((x) => x.id === meta.id)!;
    assert.equal(rule.shortDescription.text, meta.title);
    assert.equal(rule.fullDescription.text, meta.summary);
    assert.equal(rule.helpUri, `https://github.com/landlock-lens/landlock-lens/blob/main/docs/rules/${meta.id}.md`);
    // The help text is the rule's doc page, so code scanning shows it without leaving GitHub.
    assert.equal(rule.help.markdown, readFileSync(join(__dirname, '../../docs/rules', `${meta.id}.md`), 'utf8'), `${meta.id} help is docs/rules/${meta.id}.md`);
    if (meta.security) {
      assert.equal(rule.properties['security-severity'], meta.securitySeverity!.toFixed(1), `${meta.id} security-severity`);
      assert.ok((rule.properties.tags as string[]).includes('security'), 'GitHub reads security-severity only with the security tag');
    } else {
      assert.equal(rule.properties['security-severity'], undefined);
    }
  }
  const shadowed = shadowedResult(log.runs[0].results);
  assert.equal(shadowed.level, 'error');
  assert.equal(rules[shadowed.ruleIndex].id, 'shadowed-read-only');
  assert.deepEqual(shadowed.locations[0].physicalLocation.region.startLine, 7);
  assert.equal(shadowed.locations[0].logicalLocations?.[0].fullyQualifiedName, 'filesystem_policy.read_only[1]');
  // The winning entry (read_write /sandbox, line 4) is a related location.
  assert.deepEqual(shadowed.relatedLocations?.map((x) => x.physicalLocation.region.startLine), [4]);
  assert.match(shadowed.relatedLocations![0].message.text, /`\/sandbox` is read_write/);
  const truncate = log.runs[0].results.find((x) => x.ruleId === 'truncate-not-restricted')!;
  assert.equal(truncate.level, 'note', 'info findings are SARIF notes');
  assert.equal(log.runs[0].invocations[0].executionSuccessful, true);
});

test('SARIF: URIs are relative to the repository root (the folder with .git), with %SRCROOT%', () => {
  const dir = project({ 'deploy/sandbox policy.yaml': SHADOWED });
  mkdirSync(join(dir, '.git'));
  const r = cli(['check', '--format', 'sarif', 'sandbox policy.yaml'], join(dir, 'deploy'));
  const log = sarif(r.stdout);
  const loc = shadowedResult(log.runs[0].results).locations[0].physicalLocation.artifactLocation;
  assert.deepEqual(loc, { uri: 'deploy/sandbox%20policy.yaml', uriBaseId: '%SRCROOT%', index: 0 });
  assert.equal(log.runs[0].originalUriBaseIds['%SRCROOT%'].uri, `file://${dir}/`);
});

test('SARIF: fingerprints do not change when lines move or entries are added above', () => {
  const dir = project({ 'p.yaml': SHADOWED });
  const before = sarif(cli(['check', '--format', 'sarif', 'p.yaml'], dir).stdout).runs[0].results;
  const moved = SHADOWED
    .replace('version: 1\n', '# a comment\n\nversion: 1\n\n# another one\n')
    .replace('    - /usr\n', '    - /usr\n    - /etc\n    - /opt\n');
  write(dir, 'p.yaml', moved);
  const after = sarif(cli(['check', '--format', 'sarif', 'p.yaml'], dir).stdout).runs[0].results;
  const b = shadowedResult(before);
  const a = shadowedResult(after);
  assert.notEqual(a.locations[0].physicalLocation.region.startLine, b.locations[0].physicalLocation.region.startLine, 'the line did move');
  assert.deepEqual(a.partialFingerprints, b.partialFingerprints);
  assert.match(Object.values(a.partialFingerprints)[0], /^[0-9a-f]{32}:1$/);
  // A different entry has a different fingerprint.
  write(dir, 'p.yaml', SHADOWED.replace('/sandbox/SOUL.md', '/sandbox/AGENTS.md'));
  const other = shadowedResult(sarif(cli(['check', '--format', 'sarif', 'p.yaml'], dir).stdout).runs[0].results);
  assert.notDeepEqual(other.partialFingerprints, b.partialFingerprints);
});

test('SARIF: suppressed findings are kept with an inSource suppression and its justification', () => {
  const text = SHADOWED.replace('    - /sandbox/SOUL.md', '    # landlock-lens: ignore[shadowed-read-only] regenerated from git at start-up\n    - /sandbox/SOUL.md');
  const dir = project({ 'p.yaml': text });
  const r = cli(['check', '--format', 'sarif', 'p.yaml'], dir);
  assert.equal(r.code, 0, 'the only error is suppressed');
  const shadowed = shadowedResult(sarif(r.stdout).runs[0].results);
  assert.deepEqual(shadowed.suppressions?.map((s) => ({ kind: s.kind, justification: s.justification })), [{ kind: 'inSource', justification: 'regenerated from git at start-up' }]);
});

test('SARIF: several files, directories, stdin and a broken configuration all validate', () => {
  const dir = project({
    'a/one.yaml': SHADOWED,
    'a/two.yml': CLEAN,
    'a/not-a-policy.yaml': 'services:\n  web: {image: nginx}\n',
    '.landlock-lens.yaml': 'abi: 9\n',
  });
  const r = cli(['check', '--format', 'sarif', 'a', '-'], dir, CLEAN);
  assert.equal(r.code, 2, 'a configuration problem is a tool failure');
  const log = sarif(r.stdout);
  const uris = new Set(log.runs[0].results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri));
  assert.deepEqual([...uris].sort(), ['.landlock-lens.yaml', 'a/one.yaml', 'a/two.yml', 'stdin'].sort());
  const config = log.runs[0].results.find((x) => x.ruleId === 'config')!;
  assert.deepEqual(config.locations[0].physicalLocation.region, { startLine: 1, startColumn: 6, endLine: 1, endColumn: 7 });
  assert.equal(log.runs[0].invocations[0].executionSuccessful, false);
  assert.equal(log.runs[0].invocations[0].exitCode, 2);
});

test('SARIF: an empty run (no findings) is still a valid log', () => {
  const dir = project({ 'p.yaml': CLEAN });
  const r = cli(['check', '--format', 'sarif', '--min-severity', 'warning', 'p.yaml'], dir);
  assert.equal(r.code, 0);
  assert.deepEqual(sarif(r.stdout).runs[0].results, []);
});

test('the schema check itself rejects invalid SARIF (so the tests above can fail)', () => {
  const dir = project({ 'p.yaml': SHADOWED });
  const good = JSON.parse(cli(['check', '--format', 'sarif', 'p.yaml'], dir).stdout);
  const tamper = (edit: (log: any) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const copy = structuredClone(good);
    edit(copy);
    return JSON.stringify(copy);
  };
  assert.throws(() => sarif(tamper((l) => { l.runs[0].results[0].level = 'info'; })), /does not validate/);
  assert.throws(() => sarif(tamper((l) => { l.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0; })), /does not validate/);
  assert.throws(() => sarif(tamper((l) => { l.runs[0].tool.driver.rules[0].helpUri = 'not a uri'; })), /does not validate/);
  assert.throws(() => sarif(tamper((l) => { l.version = '2.0.0'; })), /does not validate/);
});
