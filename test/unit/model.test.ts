// The access model: what explain reports, checked case by case against the kernel-measured ground truth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, explain, parseTreeListing } from '../../server/src/core/index';
import { ROOT, policy } from '../helpers';
import { parseAllDocuments } from 'yaml';
import { normalizePath } from '../../server/src/core/fsview/paths';
import { AccessIndex } from '../../server/src/core/landlock/access';
import { rng } from '../seeded-random';

const issue698 = readFileSync(join(ROOT, 'test/fixtures/examples/issue-698.yaml'), 'utf8');
const SOUL = '/sandbox/.openclaw/workspace/SOUL.md';

test('paths are normalised like openshell-core normalize_path: `//` and `.` components collapse, a trailing `/` goes', () => {
  // The reference splits every path; normalizePath skips that when nothing would change. Every string of
  // up to 7 characters over these 5 (line breaks included) must come out the same.
  const reference = (p: string) => {
    if (p === '') return p;
    const joined = p.split('/').filter((c) => c !== '' && c !== '.').join('/');
    return p.startsWith('/') ? '/' + joined : joined === '' ? '.' : joined;
  };
  const alphabet = ['/', '.', 'a', '\n', '\u2028'];
  let checked = 0;
  const visit = (p: string) => {
    assert.equal(normalizePath(p), reference(p), JSON.stringify(p));
    checked++;
    if (p.length < 7) for (const c of alphabet) visit(p + c);
  };
  visit('');
  assert.equal(checked, 97656);
  assert.equal(normalizePath('/sandbox//a/./b/'), '/sandbox/a/b');
});

test('#698: SOUL.md is read-write, granted by /sandbox; the read_only entry is listed but overridden', () => {
  const e = explain(analyze(issue698), SOUL);
  assert.equal(e.access, 'read-write');
  assert.equal(e.kind, 'unknown');
  assert.deepEqual(e.grantedBy.map((g) => [g.source, g.path, g.line]), [
    ['read_write', '/sandbox', 7],
    ['read_only', SOUL, 13],
  ]);
  assert.ok(e.rights.includes('write_file') && e.rights.includes('remove_file'));
});

test('a listed file gets file rights only, and ABI 2 leaves truncate and ioctl_dev unhandled', () => {
  const view = parseTreeListing(`d /sandbox\nd /sandbox/.openclaw\nd /sandbox/.openclaw/workspace\nf ${SOUL}\n`);
  const ro = policy('  read_only:\n    - /sandbox/.openclaw/workspace/SOUL.md\n');
  const e = explain(analyze(ro, { view }), SOUL);
  assert.equal(e.kind, 'file');
  assert.equal(e.access, 'read-only');
  assert.deepEqual(e.rights, ['execute', 'read_file', 'truncate', 'ioctl_dev']);
  const e3 = explain(analyze(ro, { view, abi: 3 }), SOUL);
  assert.deepEqual(e3.rights, ['execute', 'read_file', 'ioctl_dev'], 'ABI 3 handles truncate');
  const e5 = explain(analyze(ro, { view, abi: 5 }), SOUL);
  assert.deepEqual(e5.rights, ['execute', 'read_file']);
});

test('an unlisted path under no rule has no access except unhandled rights', () => {
  const e = explain(analyze(policy('  read_only: [/usr]')), '/opt/thing');
  assert.equal(e.access, 'none');
  assert.deepEqual(e.rights, ['truncate', 'ioctl_dev']);
  assert.deepEqual(e.grantedBy, []);
});

test('include_workdir adds the workdir read-write; the workdir is configurable', () => {
  const text = policy('  include_workdir: true\n  read_only: [/usr]');
  assert.equal(explain(analyze(text), '/sandbox/a').access, 'read-write');
  assert.equal(explain(analyze(text), '/sandbox/a').grantedBy[0].source, 'workdir');
  assert.equal(explain(analyze(text, { workdir: '/work' }), '/sandbox/a').access, 'none');
  assert.equal(explain(analyze(text, { workdir: '/work' }), '/work/x').access, 'read-write');
});

test('a present filesystem_policy defaults include_workdir to false; an absent one to true', () => {
  assert.equal(explain(analyze(policy('  read_only: [/usr]')), '/sandbox/a').access, 'none');
  assert.equal(explain(analyze('version: 1\nprocess: {run_as_user: sandbox}\n'), '/sandbox/a').access, 'read-write');
});

test('filesystem_policy: {} without network policies applies no Landlock at all', () => {
  const a = analyze(policy('  {}').replace('filesystem_policy:\n  {}', 'filesystem_policy: {}'));
  const e = explain(a, '/etc/passwd');
  assert.equal(e.unrestricted, true);
  assert.equal(e.access, 'read-write');
  assert.equal(e.rights.length, 16);
});

test('baseline enrichment compares raw strings: read_only /tmp/ does not stop /tmp from being added read-write', () => {
  const text = policy('  read_only: [/usr, /tmp/]', 'network_policies:\n  web:\n    endpoints: [{host: api.example.com, port: 443}]\n');
  const e = explain(analyze(text), '/tmp/x');
  assert.equal(e.access, 'read-write');
  assert.ok(e.grantedBy.some((g) => g.source === 'baseline' && g.path === '/tmp'));
  // Without network policies there is no baseline.
  assert.equal(explain(analyze(policy('  read_only: [/usr, /tmp/]')), '/tmp/x').access, 'read-only');
});

test('baseline adds /usr etc. read-only and skips /app, which the standard image does not have', () => {
  const text = policy('  read_write: [/sandbox]', 'network_policies:\n  web:\n    endpoints: [{host: api.example.com, port: 443}]\n');
  const a = analyze(text);
  assert.equal(explain(a, '/usr/bin/ls').access, 'read-only');
  assert.equal(explain(a, '/usr/bin/ls').grantedBy[0].source, 'baseline');
  assert.equal(explain(a, '/app/x').access, 'none');
});

test('with a GPU, /proc is moved to read_write even when the policy lists it read_only', () => {
  const text = policy('  read_only: [/usr, /proc]\n  read_write: [/tmp]');
  assert.equal(explain(analyze(text), '/proc/1/status').access, 'read-only');
  assert.equal(explain(analyze(text, { gpu: true }), '/proc/1/status').access, 'read-write');
});

test('rules bind to symlink targets: a read_write symlink makes its target writable', () => {
  const view = parseTreeListing('d /sandbox\nl /sandbox/lnk_dir -> /ro-area/dir\nd /ro-area\nd /ro-area/dir\nf /ro-area/dir/inner.txt\nf /ro-area/secret.txt\n');
  const a = analyze(policy('  read_only: [/ro-area]\n  read_write: [/sandbox/lnk_dir]'), { view });
  assert.equal(explain(a, '/ro-area/dir/inner.txt').access, 'read-write');
  assert.equal(explain(a, '/ro-area/secret.txt').access, 'read-only');
  const viaLink = explain(a, '/sandbox/lnk_dir/inner.txt');
  assert.equal(viaLink.access, 'read-write');
  assert.ok(viaLink.notes.some((n) => n.includes('symlink')));
});

test('a missing rule path is skipped, and when every path is missing there is no Landlock', () => {
  const view = parseTreeListing('d /data\n');
  const a = analyze(policy('  read_only: [/data/none]'), { view });
  assert.equal(explain(a, '/etc').unrestricted, true);
  assert.ok(a.findings.some((f) => f.ruleId === 'all-paths-missing'));
});

test('missing read_write paths are created as directories when a process identity is set', () => {
  const view = parseTreeListing('d /data\n');
  const withIdentity = analyze(policy('  read_write: [/data/cache]', 'process: {run_as_user: sandbox}\n'), { view });
  assert.equal(explain(withIdentity, '/data/cache/x').access, 'read-write');
  const without = analyze(policy('  read_only: [/data]\n  read_write: [/data/cache]'), { view });
  assert.equal(explain(without, '/data/cache/x').access, 'read-only');
});

test('shadow detection stays fast: 20,000 paths analysed well under a second', () => {
  const ro: string[] = [];
  const rw: string[] = [];
  for (let i = 0; i < 10000; i++) {
    rw.push(`    - /data/d${i}`);
    ro.push(`    - /data/d${i}/f${i}/deep/file.txt`);
  }
  const text = `version: 1\nfilesystem_policy:\n  read_write:\n${rw.join('\n')}\n  read_only:\n${ro.join('\n')}\n`;
  // Compared with parsing the same text in the same process, so machine load does not matter; a
  // quadratic shadow search would be hundreds of times the parse. (Speed targets live in bench/.)
  const best = (fn: () => unknown) => Math.min(...[0, 1, 2].map(() => { const t = performance.now(); fn(); return performance.now() - t; }));
  const parseMs = best(() => parseAllDocuments(text, { uniqueKeys: false }));
  const analyzeMs = best(() => analyze(text));
  assert.equal(analyze(text).findings.filter((f) => f.ruleId === 'shadowed-read-only').length, 10000);
  assert.ok(analyzeMs < 5 * parseMs, `analysis ${analyzeMs.toFixed(0)} ms vs parse ${parseMs.toFixed(0)} ms: not linear`);
});

test('rules above a path: every rule bound to a strict ancestor, outermost first, however the answers are shared', () => {
  const r = rng(0xab0e);
  const parts = ['a', 'b', 'sandbox', '.x'];
  const randomPath = () => {
    const depth = Math.floor(r() * 5);
    let p = '';
    for (let i = 0; i < depth; i++) p += '/' + parts[Math.floor(r() * parts.length)];
    return p || '/';
  };
  for (let round = 0; round < 50; round++) {
    const rules = Array.from({ length: 1 + Math.floor(r() * 12) }, (_, i) => ({ id: i, boundTo: r() < 0.1 ? null : randomPath() }));
    const index = new AccessIndex({ rules } as never, {} as never);
    // The reference: scan every rule for each strict ancestor, root first.
    const reference = (path: string) => {
      const ancestors = path === '/' ? [] : ['/', ...path.split('/').slice(1, -1).map((_, i, a) => '/' + a.slice(0, i + 1).join('/'))];
      return ancestors.flatMap((a) => rules.filter((rule) => rule.boundTo === a)).map((rule) => rule.id);
    };
    for (let q = 0; q < 40; q++) {
      const path = randomPath();
      assert.deepEqual(index.rulesAbove(path).map((rule) => (rule as unknown as { id: number }).id), reference(path), `${path} with ${JSON.stringify(rules)}`);
    }
  }
});

test('shadowing: every read_write rule bound at or above a read_only entry wins over it, however winners are shared', () => {
  // Seeded policies over a small tree (files, a symlink, missing paths, duplicates, one path in both
  // lists, the workdir, a process identity that makes missing read_write paths directories), against a
  // plain scan of every rule for every read_only entry.
  const r = rng(0x5ad0);
  const view = parseTreeListing('d /w\nd /w/d\nd /w/d/e\nf /w/d/f.txt\nf /w/f.txt\nl /w/lnk -> /w/d\nd /w/e\n', 'seeded tree');
  const names = ['d', 'e', 'f.txt', 'lnk', 'gone'];
  const randomPath = () => {
    let p = '/w';
    for (let depth = Math.floor(r() * 4); depth > 0; depth--) p += '/' + names[Math.floor(r() * names.length)];
    return p;
  };
  const list = (n: number) => (n === 0 ? ' []' : '\n' + Array.from({ length: n }, () => `    - ${randomPath()}`).join('\n'));
  const strictlyUnder = (ancestor: string, path: string) => (ancestor === '/' ? path !== '/' : path.startsWith(ancestor + '/'));
  let shadowedSeen = 0;
  for (let round = 0; round < 300; round++) {
    const text = `version: 1\nfilesystem_policy:\n  include_workdir: ${r() < 0.3}\n  read_only:${list(Math.floor(r() * 8))}\n  read_write:${list(Math.floor(r() * 4))}\n` +
      (r() < 0.5 ? 'process:\n  run_as_user: sandbox\n' : '');
    const doc = analyze(text, { view, workdir: '/w/e' }).documents[0];
    const { ruleset, access, shadowings } = doc;
    assert.ok(ruleset && access && shadowings, text);
    const id = (rule: object) => ruleset.rules.indexOf(rule as never);
    const depth = (p: string) => (p === '/' ? 0 : p.split('/').length - 1);
    const expected = ruleset.rules.filter((rule) => rule.source === 'read_only' && rule.entry).map((rule) => {
      const target = rule.boundTo ?? access.access(rule.path).resolved.path;
      const above = ruleset.rules
        .filter((w) => w.access === 'read_write' && w.boundTo !== null && strictlyUnder(w.boundTo, target) && w.boundKind !== 'file' && w.boundKind !== 'other')
        .sort((a, b) => depth(a.boundTo!) - depth(b.boundTo!));
      const at = ruleset.rules.filter((w) => w.access === 'read_write' && w.boundTo === target);
      return { rule: id(rule), winners: [...above, ...at].map(id) };
    }).filter((s) => s.winners.length > 0);
    assert.deepEqual(shadowings.map((s) => ({ rule: id(s.rule), winners: s.winners.map(id) })), expected, text);
    shadowedSeen += expected.length;
  }
  assert.ok(shadowedSeen > 200, `only ${shadowedSeen} shadowed entries generated`);
});

test('GPU baseline: /dev/nvidia<N> device nodes from the listing are added read_write, and a read_only copy keeps one out', () => {
  const view = parseTreeListing('d /dev\nf /dev/nvidia0\nf /dev/nvidia12\nf /dev/nvidiafoo\nf /dev/nvidiactl\n', 'gpu tree');
  const text = policy('  read_only:\n    - /dev\n    - /dev/nvidia12\n    - /dev/nvidiafoo');
  const a = analyze(text, { view, gpu: true });
  const baseline = a.documents[0].ruleset!.baseline.filter((b) => b.path.startsWith('/dev/nvidia')).map((b) => `${b.path} ${b.access}`);
  assert.deepEqual(baseline.sort(), ['/dev/nvidia0 read_write', '/dev/nvidiactl read_write']);
  // /dev/nvidia12 spelled read_only stops the baseline from adding it: not an entry with no effect.
  const redundant = a.findings.filter((f) => f.ruleId === 'redundant-entry').map((f) => f.subject);
  assert.deepEqual(redundant, ['/dev/nvidiafoo']);
  // Without a GPU nothing is added, and both copies under read_only /dev are redundant.
  const plain = analyze(text, { view });
  assert.deepEqual(plain.findings.filter((f) => f.ruleId === 'redundant-entry').map((f) => f.subject), ['/dev/nvidia12', '/dev/nvidiafoo']);
});
