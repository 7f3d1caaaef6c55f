// Every rule: a case that fires (with what the user reads) and one that must not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findings, ruleIds, policy } from '../helpers';
import { analyze, parseTreeListing, RULES } from '../../server/src/core/index';

const NET = 'network_policies:\n  web:\n    endpoints: [{host: api.example.com, port: 443}]\n';

function fires(ruleId: string, text: string, options = {}) {
  const hit = findings(text, options).filter((f) => f.ruleId === ruleId);
  assert.ok(hit.length > 0, `${ruleId} should fire on:\n${text}\ngot ${JSON.stringify(findings(text, options).map((f) => f.ruleId))}`);
  return hit;
}
function silent(ruleId: string, text: string, options = {}) {
  assert.ok(!ruleIds(text, options).includes(ruleId), `${ruleId} must not fire on:\n${text}`);
}

test('shadowed-read-only: under read_write, under the workdir, under baseline /tmp', () => {
  const [f] = fires('shadowed-read-only', policy('  read_write: [/sandbox]\n  read_only: [/sandbox/SOUL.md]'));
  assert.equal(f.severity, 'error');
  assert.equal(f.line, 4);
  assert.match(f.message, /read-write/);
  assert.match(f.message, /`\/sandbox`/);
  fires('shadowed-read-only', policy('  include_workdir: true\n  read_only: [/sandbox/SOUL.md]'));
  fires('shadowed-read-only', policy('  read_only: [/tmp/keep]', NET));
  fires('shadowed-read-only', policy('  read_write: [/data]\n  read_only: [/data]'), {});
  silent('shadowed-read-only', policy('  read_write: [/sandbox/work]\n  read_only: [/sandbox]'));
  silent('shadowed-read-only', policy('  include_workdir: false\n  read_only: [/sandbox/SOUL.md]'));
  silent('shadowed-read-only', policy('  read_only: [/tmp/keep]'), {});
});

test('truncate-not-restricted: once per policy under ABI 2, gone under ABI 3', () => {
  const text = policy('  read_only: [/usr, /etc]');
  assert.equal(fires('truncate-not-restricted', text).length, 1);
  silent('truncate-not-restricted', text, { abi: 3 });
  silent('truncate-not-restricted', policy('  read_write: [/tmp]'));
});

test('unknown-compatibility: hard-requirement silently means best_effort', () => {
  const [f] = fires('unknown-compatibility', policy('  read_only: [/usr]', 'landlock:\n  compatibility: hard-requirement\n'));
  assert.match(f.message, /best_effort/);
  silent('unknown-compatibility', policy('  read_only: [/usr]', 'landlock:\n  compatibility: hard_requirement\n'));
  silent('unknown-compatibility', policy('  read_only: [/usr]', 'landlock:\n  compatibility: best_effort\n'));
});

test('unexpected-version', () => {
  fires('unexpected-version', 'version: 2\nfilesystem_policy: {read_only: [/usr]}\n');
  silent('unexpected-version', 'version: 1\nfilesystem_policy: {read_only: [/usr]}\n');
});

test('duplicate-path and path-in-both-lists', () => {
  const [d] = fires('duplicate-path', policy('  read_only:\n    - /usr\n    - /usr/'));
  assert.equal(d.line, 5);
  silent('duplicate-path', policy('  read_only:\n    - /usr\n    - /usr/lib'));
  const [b] = fires('path-in-both-lists', policy('  read_only: [/data]\n  read_write: [/data]'));
  assert.equal(b.line, 4, 'reported on the read_write entry, which wins');
  silent('path-in-both-lists', policy('  read_only: [/data]\n  read_write: [/data2]'));
  // A path listed read_only twice and read_write once: the message names the last read_only copy.
  const [twice] = fires('path-in-both-lists', policy('  read_only:\n    - /data\n    - /srv\n    - /data/\n  read_write: [/data]'));
  assert.match(twice.message, /\(line 6\)/);
});

test('non-normal-path, literal-glob, literal-variable, read-only-root', () => {
  fires('non-normal-path', policy('  read_only: [/usr//lib, /etc/./x, /var/]'));
  silent('non-normal-path', policy('  read_only: [/usr/lib]'));
  fires('literal-glob', policy('  read_only: ["/home/*/x"]'));
  silent('literal-glob', policy('  read_only: [/home/x]'));
  fires('literal-variable', policy('  read_only: ["$HOME/x", /x/~y]'));
  silent('literal-variable', policy('  read_only: [/home/x]'));
  fires('read-only-root', policy('  read_only: [/]'));
  silent('read-only-root', policy('  read_only: [/usr]'));
});

test('supervisor-resolved-symlink: every per-process symlink names the supervisor, at the link and below it', () => {
  // Symlinks whose target depends on the process that follows them (the supervisor, when it builds the ruleset).
  const perProcessLinks = ['/proc/self', '/proc/thread-self', '/dev/fd', '/dev/stdin', '/dev/stdout', '/dev/stderr', '/proc/mounts', '/proc/net'];
  for (const link of perProcessLinks) {
    for (const path of [link, `${link}/x`]) {
      const [f] = fires('supervisor-resolved-symlink', policy(`  read_only: [${path}]`));
      assert.match(f.message, new RegExp(`goes through ${link.replace(/\//g, '\\/')}, a symlink the supervisor resolves`), path);
    }
  }
  // Look-alikes and real directories are not.
  for (const path of ['/proc/selfish', '/proc/thread-selfie', '/dev/fdx', '/dev/stdin2', '/proc/network', '/proc/mountsx', '/proc/1/fd', '/proc', '/dev']) {
    silent('supervisor-resolved-symlink', policy(`  read_only: [${path}]`));
  }
});

test('read-write-symlink and read-write-file need a tree listing', () => {
  const view = parseTreeListing('d /sandbox\nl /sandbox/lnk -> /etc\nf /sandbox/notes.txt\nd /sandbox/work\n');
  const [s] = fires('read-write-symlink', policy('  read_write: [/sandbox/lnk]', 'process: {run_as_user: sandbox}\n'), { view });
  assert.equal(s.severity, 'error', 'OpenShell refuses to start when an identity is set');
  fires('read-write-file', policy('  read_write: [/sandbox/notes.txt]'), { view });
  silent('read-write-symlink', policy('  read_write: [/sandbox/work]'), { view });
  silent('read-write-file', policy('  read_write: [/sandbox/work]'), { view });
});

test('no-landlock and absent-filesystem-policy', () => {
  fires('no-landlock', 'version: 1\nfilesystem_policy: {}\n');
  silent('no-landlock', 'version: 1\nfilesystem_policy: {}\n' + NET);
  fires('absent-filesystem-policy', 'version: 1\nprocess: {run_as_user: sandbox}\n');
  silent('absent-filesystem-policy', policy('  read_only: [/usr]'));
});

test('baseline-not-hidden: network policies add baseline paths the policy left out', () => {
  const [f] = fires('baseline-not-hidden', policy('  read_only: [/usr]\n  read_write: [/sandbox]', NET));
  assert.match(f.message, /\/etc/);
  silent('baseline-not-hidden', policy('  read_only: [/usr]'));
});

test('all-paths-missing: best_effort runs without Landlock, hard_requirement refuses to start', () => {
  const view = parseTreeListing('d /data\n');
  const [w] = fires('all-paths-missing', policy('  read_only: [/data/a]'), { view });
  assert.equal(w.severity, 'warning');
  const [e] = fires('all-paths-missing', policy('  read_only: [/data/a]', 'landlock: {compatibility: hard_requirement}\n'), { view });
  assert.equal(e.severity, 'error');
  silent('all-paths-missing', policy('  read_only: [/data]'), { view });
});

test('preset-fragment: reported once, without false schema errors', () => {
  const text = 'preset:\n  name: npm\nnetwork_policies:\n  npm:\n    endpoints: [{host: registry.example, port: 443}]\n';
  assert.deepEqual(ruleIds(text), ['preset-fragment']);
});

test('related locations: every shadowed or redundant entry points at the entry that wins, the workdir too when it also covers it', () => {
  const text = policy(
    '  include_workdir: true\n' +
    '  read_write: [/data, /sandbox/cache, /sandbox]\n' +
    '  read_only: [/data/a, /data/b, /sandbox/cache/c, /sandbox/d, /usr, /usr/lib, /usr/share]',
  );
  const analysis = analyze(text);
  const line = (span: { start: number }) => analysis.lines.lineColumn(span.start).line;
  const related = (subject: string, ruleId: string) => {
    const f = analysis.findings.find((x) => x.subject === subject && x.ruleId === ruleId);
    assert.ok(f, `${ruleId} for ${subject}`);
    return f.related.map((r) => `${line(r.span)}: ${r.message}`);
  };
  // Two entries under one read_write directory: each names it (and nothing else).
  assert.deepEqual(related('/data/a', 'shadowed-read-only'), ['4: `/data` is read_write: this entry grants write access to everything below it']);
  assert.deepEqual(related('/data/b', 'shadowed-read-only'), related('/data/a', 'shadowed-read-only'));
  // Under two read_write entries: both, outermost first, and the workdir.
  assert.deepEqual(related('/sandbox/cache/c', 'shadowed-read-only'), [
    '4: `/sandbox` is read_write: this entry grants write access to everything below it',
    '4: `/sandbox/cache` is read_write: this entry grants write access to everything below it',
    '3: include_workdir: true also grants the workdir /sandbox read_write: removing the read_write entry alone would not protect this path',
  ]);
  // Under a read_write entry that is also the workdir: the entry, then the workdir, which alone would still grant write.
  assert.deepEqual(related('/sandbox/d', 'shadowed-read-only'), [
    '4: `/sandbox` is read_write: this entry grants write access to everything below it',
    '3: include_workdir: true also grants the workdir /sandbox read_write: removing the read_write entry alone would not protect this path',
  ]);
  // The next entry under the same winner is not given the workdir's line by the one before it.
  assert.equal(related('/data/a', 'shadowed-read-only').length, 1);
  // Covered read_only entries name their cover, each the same way.
  assert.deepEqual(related('/usr/lib', 'redundant-entry'), ['5: already granted here']);
  assert.deepEqual(related('/usr/share', 'redundant-entry'), ['5: already granted here']);
  // What one finding carries is its own to read, never another's to change.
  const a = analysis.findings.find((x) => x.subject === '/data/a')!;
  assert.throws(() => a.related.push(a.related[0]));
  assert.equal(analysis.findings.find((x) => x.subject === '/data/b')!.related.length, 1);
});

test('redundant-entry: ro under ro is faded, ro under rw is shadowed instead', () => {
  fires('redundant-entry', policy('  read_only: [/usr, /usr/lib]'));
  silent('redundant-entry', policy('  read_write: [/usr]\n  read_only: [/usr/lib]'));
});

test('every rule id has its documentation page, and every page a rule', async () => {
  const { readdirSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { ROOT } = await import('../helpers');
  const pages = readdirSync(join(ROOT, 'docs/rules')).filter((n) => n.endsWith('.md') && n !== 'README.md').map((n) => n.replace(/\.md$/, ''));
  assert.deepEqual([...pages].sort(), RULES.map((r) => r.id).sort());
});

test('redundant-entry does not claim "no effect" for a read_only /tmp that keeps the baseline out', () => {
  const text = policy('  read_only: [/, /tmp]\n  read_write: [/sandbox]', NET);
  silent('redundant-entry', text.replace('[/, /tmp]', '[/usr, /tmp]'));
  assert.ok(!findings(text).some((f) => f.ruleId === 'redundant-entry' && f.message.includes('`/tmp`')));
});

test('a read_write file does not shadow paths "below" it', () => {
  const view = parseTreeListing('d /sandbox\nf /sandbox/notes.txt\n');
  silent('shadowed-read-only', policy('  read_write: [/sandbox/notes.txt]\n  read_only: [/sandbox/notes.txt/x]'), { view });
});

test('every rule page states the default severity and security flag the catalogue gives its rule', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { ROOT } = await import('../helpers');
  const stated = RULES.map((r) => {
    const page = readFileSync(join(ROOT, 'docs/rules', `${r.id}.md`), 'utf8');
    const line = /^Default severity: .*(?:\n(?!\n).*)*/m.exec(page)?.[0] ?? '';
    return { id: r.id, severity: /\*\*(\w+)\*\*/.exec(line)?.[1], security: line.includes('security rule') };
  });
  assert.deepEqual(stated, RULES.map((r) => ({ id: r.id, severity: r.defaultSeverity, security: !!r.security })));
});

test('read-write-symlink is an error with a process identity (OpenShell refuses to start) and a warning without', () => {
  const view = parseTreeListing('d /sandbox\nl /sandbox/lnk_dir -> /ro-area/dir\nd /ro-area\nd /ro-area/dir\n');
  const symlinkFindings = (process: string) =>
    analyze(`version: 1\nfilesystem_policy:\n  read_write: [/sandbox/lnk_dir]\n${process}`, { view }).findings.filter((f) => f.ruleId === 'read-write-symlink');
  assert.deepEqual(symlinkFindings('process:\n  run_as_user: sandbox\n').map((f) => f.severity), ['error']);
  assert.deepEqual(symlinkFindings('').map((f) => f.severity), ['warning']);
});
