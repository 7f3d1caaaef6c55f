// The project configuration: discovery upward from the policy, precedence flag > config > default,
// rule levels, policy globs, path-scoped ignores, problems reported on the configuration file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, mergeSettings, ignoredRules, matchesGlobs, configAnalysisOptions } from '../../server/src/core/config';
import { LineIndex } from '../../server/src/core/index';
import { loadConfigFor, clearConfigCache } from '../../server/src/node/config';
import { CLEAN, SHADOWED, cli, ids, json, project, write } from './helpers';

/** include_workdir with a read_only entry under /work: shadowed only when the workdir is /work. */
const WORKDIR_POLICY = ['version: 1', 'filesystem_policy:', '  include_workdir: true', '  read_only:', '    - /work/secret.md', ''].join('\n');

test('discovery: the nearest .landlock-lens.yaml above the policy applies (not the one in the working directory)', () => {
  const dir = project({
    '.landlock-lens.yaml': 'workdir: /elsewhere\n',
    'team/.landlock-lens.yaml': 'workdir: /work\n',
    'team/deep/policy.yaml': WORKDIR_POLICY,
    'other/policy.yaml': WORKDIR_POLICY,
  });
  const team = json(cli(['check', '--format', 'json', 'team/deep/policy.yaml'], dir));
  assert.ok(ids(team).includes('shadowed-read-only'), 'team/.landlock-lens.yaml (workdir /work) applies');
  const other = json(cli(['check', '--format', 'json', '../other/policy.yaml'], join(dir, 'team')));
  assert.ok(!ids(other).includes('shadowed-read-only'), 'the root configuration (workdir /elsewhere) applies, whatever the cwd');
});

test('precedence: flag over configuration over default', () => {
  const dir = project({ 'p.yaml': WORKDIR_POLICY });
  assert.ok(!ids(json(cli(['check', '--format', 'json', 'p.yaml'], dir))).includes('shadowed-read-only'), 'default workdir /sandbox');
  write(dir, '.landlock-lens.yaml', 'workdir: /work\nabi: 3\n');
  const configured = json(cli(['check', '--format', 'json', 'p.yaml'], dir));
  assert.deepEqual(ids(configured), ['shadowed-read-only'], 'config: workdir /work; abi 3 handles truncate (no truncate finding)');
  const flagged = json(cli(['check', '--format', 'json', '--workdir', '/sandbox', '--abi', '2', 'p.yaml'], dir));
  assert.deepEqual(ids(flagged), ['truncate-not-restricted'], 'flags win over both settings');
  assert.ok(ids(json(cli(['check', '--format', 'json', '--no-config', 'p.yaml'], dir))).includes('truncate-not-restricted'), '--no-config');
});

test('precedence for gpu: --no-gpu overrides gpu: true from the configuration', () => {
  const policy = ['version: 1', 'filesystem_policy:', '  read_only: [/usr, /proc/driver]', 'network_policies: {}', ''].join('\n');
  const dir = project({ 'p.yaml': policy, '.landlock-lens.yaml': 'gpu: true\n' });
  // With a GPU OpenShell adds /proc read-write, which shadows /proc/driver.
  assert.ok(ids(json(cli(['check', '--format', 'json', 'p.yaml'], dir))).includes('shadowed-read-only'));
  assert.ok(!ids(json(cli(['check', '--format', 'json', '--no-gpu', 'p.yaml'], dir))).includes('shadowed-read-only'));
  // And --gpu alone, without a configuration, turns it on.
  const bare = project({ 'p.yaml': policy });
  assert.ok(!ids(json(cli(['check', '--format', 'json', 'p.yaml'], bare))).includes('shadowed-read-only'), 'no GPU by default');
  assert.ok(ids(json(cli(['check', '--format', 'json', '--gpu', 'p.yaml'], bare))).includes('shadowed-read-only'), '--gpu');
});

test('rules: levels per rule id, off disables', () => {
  const dir = project({ 'p.yaml': SHADOWED, '.landlock-lens.yaml': 'rules:\n  shadowed-read-only: warning\n  truncate-not-restricted: off\n' });
  const r = cli(['check', '--format', 'json', 'p.yaml'], dir);
  assert.equal(r.code, 1);
  assert.deepEqual(json(r).files[0].findings.map((f) => `${f.ruleId}:${f.severity}`), ['shadowed-read-only:warning']);
});

test('policyFiles: globs relative to the configuration make files policies whatever their content', () => {
  const odd = 'version: 1\nprocess:\n  run_as_user: sandbox\n';
  const looksLikeNothing = 'filesystem:\n  read_only: [/usr]\n';
  const dir = project({ 'sandbox/x.yaml': looksLikeNothing, 'other/x.yaml': looksLikeNothing, 'sandbox/y.yaml': odd, '.landlock-lens.yaml': 'policyFiles: ["sandbox/*.yaml"]\n' });
  const r = json(cli(['check', '--format', 'json', '.'], dir));
  assert.deepEqual(r.files.map((f) => f.file), ['sandbox/x.yaml', 'sandbox/y.yaml'], 'other/x.yaml is not a policy; the configuration file is never one');
  assert.ok(r.files[0].findings.some((f) => f.ruleId === 'schema'), 'analysed as a policy: OpenShell would reject the unknown field');
});

test('ignore: rules for some files, or whole files', () => {
  const dir = project({
    'legacy/old.yaml': SHADOWED,
    'legacy/skip.yaml': SHADOWED,
    'new/p.yaml': SHADOWED,
    '.landlock-lens.yaml': 'ignore:\n  - files: ["legacy/**"]\n    rules: [shadowed-read-only]\n  - files: skip.yaml\n',
  });
  const r = json(cli(['check', '--format', 'json', '.'], dir));
  assert.deepEqual(r.files.map((f) => [f.file, f.findings.map((x) => x.ruleId)]), [
    ['legacy/old.yaml', ['truncate-not-restricted']],
    ['new/p.yaml', ['truncate-not-restricted', 'shadowed-read-only']],
  ]);
  const explicit = cli(['check', 'legacy/skip.yaml'], dir);
  assert.match(explicit.stdout, /legacy\/skip\.yaml: not analysed: ignored by \.landlock-lens\.yaml/);
});

test('a broken configuration: reported at its position, in text (stderr) and JSON (a finding on the file); exit 2', () => {
  const dir = project({ 'p.yaml': CLEAN, '.landlock-lens.yaml': 'rules:\n  shadowed-read-only: loud\n  no-such-rule: off\nworkdir: relative/path\n' });
  const text = cli(['check', 'p.yaml'], dir);
  assert.equal(text.code, 2);
  assert.match(text.stderr, /\.landlock-lens\.yaml:2:23: error \[config\] The level of `shadowed-read-only` must be one of off, hint, info, warning, error\./);
  assert.match(text.stderr, /\.landlock-lens\.yaml:3:3: error \[config\] Unknown rule id `no-such-rule`/);
  assert.match(text.stderr, /\.landlock-lens\.yaml:4:10: error \[config\] `workdir` must be an absolute path/);
  const report = json(cli(['check', '--format', 'json', 'p.yaml'], dir));
  assert.equal(report.files[1].file, '.landlock-lens.yaml');
  assert.deepEqual(report.files[1].findings.map((f) => [f.ruleId, f.line, f.column]), [['config', 2, 23], ['config', 3, 3], ['config', 4, 10]]);
  const syntax = project({ 'p.yaml': CLEAN, '.landlock-lens.yaml': 'rules: [unclosed\n' });
  const s = cli(['check', 'p.yaml'], syntax);
  assert.equal(s.code, 2);
  assert.match(s.stderr, /\[config\] The configuration is not valid YAML/);
});

test('--config FILE replaces discovery; .landlock-lens.json is read too', () => {
  const dir = project({ 'p.yaml': WORKDIR_POLICY, 'ci/lens.yaml': 'workdir: /work\n', 'sub/.landlock-lens.json': '{"workdir": "/work"}', 'sub/p.yaml': WORKDIR_POLICY });
  assert.ok(ids(json(cli(['check', '--format', 'json', '--config', 'ci/lens.yaml', 'p.yaml'], dir))).includes('shadowed-read-only'));
  assert.ok(ids(json(cli(['check', '--format', 'json', 'sub/p.yaml'], dir))).includes('shadowed-read-only'));
});

test('explain honours the configuration too', () => {
  const dir = project({ 'p.yaml': WORKDIR_POLICY, '.landlock-lens.yaml': 'workdir: /work\n' });
  const r = cli(['explain', '--format', 'json', 'p.yaml', '/work/secret.md'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout)[0].access, 'read-write');
});

test('parseConfig: values, positions of problems, invalid entries left out', () => {
  const text = 'workdir: /w\ngpu: true\nabi: 3\ntreeListing: t.tree\npolicyFiles: "*.policy.yaml"\nrules: {redundant-entry: off, schema: warning}\nignore:\n  - {files: [a/**], rules: [no-landlock]}\n  - {files: [b/**], rules: [bogus]}\ncolour: blue\n';
  const { config, problems, fatal } = parseConfig(text);
  assert.equal(fatal, false);
  assert.deepEqual(config, {
    workdir: '/w', gpu: true, abi: 3, treeListing: 't.tree', policyFiles: ['*.policy.yaml'],
    rules: { 'redundant-entry': 'off', schema: 'warning' }, ignore: [{ files: ['a/**'], rules: ['no-landlock'] }],
  });
  const lines = new LineIndex(text);
  assert.deepEqual(problems.map((p) => [p.ruleId, lines.lineColumn(p.span.start).line, p.message]), [
    ['config', 9, 'Unknown rule id `bogus` in `ignore.rules`.'],
    ['config', 10, 'Unknown setting `colour` (known: workdir, gpu, abi, treeListing, policyFiles, rules, ignore).'],
  ]);
  assert.equal(parseConfig('').problems.length, 0, 'an empty file is a valid, empty configuration');
  assert.equal(parseConfig('- a\n').fatal, true);
  assert.equal(parseConfig('rules: {config: off}\n').problems.length, 1, 'the config rule cannot be turned off');
});

test('mergeSettings and path matching (pure)', () => {
  const config = parseConfig('workdir: /w\ngpu: true\ntreeListing: t.tree\npolicyFiles: [deploy/*.yaml, "*.sbx.yaml"]\nignore: [{files: legacy/**}]\n').config;
  assert.deepEqual(mergeSettings({ gpu: false }, config, (p) => `/root/${p}`), { workdir: '/w', gpu: false, abi: 2, treeListing: '/root/t.tree', treeListingFrom: 'config' });
  assert.deepEqual(mergeSettings({}, undefined, (p) => p), { workdir: '/sandbox', gpu: false, abi: 2, treeListing: undefined, treeListingFrom: undefined });
  assert.equal(matchesGlobs(config.policyFiles, 'deploy/a.yaml'), true);
  assert.equal(matchesGlobs(config.policyFiles, 'deploy/x/a.yaml'), false, '* does not cross /');
  assert.equal(matchesGlobs(config.policyFiles, 'x/y/z.sbx.yaml'), true, 'a glob without / matches the file name at any depth');
  assert.equal(matchesGlobs(config.policyFiles, '../deploy/a.yaml'), false, 'files outside the configuration folder');
  assert.equal(configAnalysisOptions(config, 'deploy/a.yaml').forcePolicy, true);
  assert.equal(ignoredRules(config, 'legacy/a/b.yaml'), 'all');
  assert.equal(ignoredRules(config, 'new/a.yaml'), undefined);
});

test('loadConfigFor keeps the last good configuration when the file breaks (language server)', () => {
  clearConfigCache();
  const dir = project({ '.landlock-lens.yaml': 'workdir: /good\n', 'p.yaml': CLEAN });
  const policy = join(dir, 'p.yaml');
  const first = loadConfigFor(policy);
  assert.equal(first.config.workdir, '/good');
  assert.deepEqual(first.problems, []);
  write(dir, '.landlock-lens.yaml', 'workdir: [oops\n');
  utimesSync(join(dir, '.landlock-lens.yaml'), new Date(), new Date(Date.now() + 5000)); // a different mtime, whatever the clock
  const broken = loadConfigFor(policy);
  assert.equal(broken.config.workdir, '/good', 'the last good configuration is kept');
  assert.equal(broken.usingLastGood, true);
  assert.equal(broken.problems[0].ruleId, 'config');
  assert.equal(broken.file, join(dir, '.landlock-lens.yaml'));
  write(dir, '.landlock-lens.yaml', 'workdir: /better\n');
  utimesSync(join(dir, '.landlock-lens.yaml'), new Date(), new Date(Date.now() + 10000));
  assert.equal(loadConfigFor(policy).config.workdir, '/better');
  assert.equal(loadConfigFor(join(project({}), 'x.yaml')).file, undefined, 'no configuration: empty, no problems');
});

test('loadConfigFor with a reuse window: a lookup is reused within it, redone after it, across many files', async () => {
  clearConfigCache();
  const dir = project({ 'p.yaml': CLEAN });
  const policy = join(dir, 'p.yaml');
  const reuseMs = 1000; // long enough that a slow machine stays inside it for the second lookup
  assert.equal(loadConfigFor(policy, reuseMs).file, undefined, 'no configuration yet');
  write(dir, '.landlock-lens.yaml', 'workdir: /new\n');
  assert.equal(loadConfigFor(policy, reuseMs).file, undefined, 'within the window the earlier lookup (a dozen stat calls) is reused');
  // Lookups of many other files meanwhile (the cache forgets expired entries as it grows).
  const others = project(Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}.yaml`, CLEAN])));
  for (let i = 0; i < 100; i++) assert.equal(loadConfigFor(join(others, `f${i}.yaml`), reuseMs).file, undefined);
  await new Promise((resolve) => setTimeout(resolve, reuseMs + 50));
  assert.equal(loadConfigFor(policy, reuseMs).config.workdir, '/new', 'after the window the file system is asked again');
  clearConfigCache();
});

test('configureForFile: what the language server needs in one call (config over editor settings, suppressions, ignores)', async () => {
  const { configureForFile } = await import('../../server/src/node/config');
  const { analyze } = await import('../../server/src/core/index');
  clearConfigCache();
  const text = SHADOWED.replace('  read_only:\n', '  read_only: # landlock-lens: ignore[truncate-not-restricted] root-owned\n') + '# landlock-lens: ignore[no-landlock] nothing here\n';
  const dir = project({
    'p.yaml': text,
    'legacy/q.yaml': SHADOWED,
    '.landlock-lens.yaml': 'workdir: /work\ntreeListing: missing.tree\nrules: {redundant-entry: off}\nignore: [{files: legacy/**}]\n',
  });
  const file = join(dir, 'p.yaml');
  const configured = configureForFile(file, { workdir: '/sandbox', gpu: false, ruleLevels: { 'read-write-file': 'warning' } });
  assert.equal(configured.options.workdir, '/work', 'the project configuration wins over editor settings');
  assert.deepEqual(configured.options.ruleLevels, { 'read-write-file': 'warning', 'redundant-entry': 'off' });
  assert.deepEqual(configured.configProblems.map((p) => p.subject), ['treeListing'], 'the unreadable tree listing is reported on the configuration');
  assert.equal(configured.ignored, false);
  const shown = configured.findingsOf(analyze(text, configured.options)).map((f) => f.ruleId);
  assert.deepEqual(shown, ['shadowed-read-only', 'unused-suppression'], 'the truncate finding is suppressed; the stale suppression is reported');
  assert.equal(configureForFile(join(dir, 'legacy/q.yaml')).ignored, true);
});
