// The mapped-folder view (a local folder holding a sandbox path's contents) and `landlock-lens fix`
// with --map / --tree / --write: what a user runs to get a complete split without a tree listing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, explain, parseTreeListing } from '../../server/src/core/index';
import { localFilesystemView, mappedFolderView, parseMapping } from '../../server/src/node/mapped-folder';
import { run } from '../../server/src/cli/main';

let dir: string;
let ws: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'landlock-lens-map-'));
  ws = join(dir, 'ws');
  for (const d of ['work', '.openclaw/workspace/memory']) mkdirSync(join(ws, d), { recursive: true });
  for (const f of ['README.txt', 'work/file.txt', '.openclaw/openclaw.json', '.openclaw/workspace/SOUL.md', '.openclaw/workspace/AGENTS.md']) writeFileSync(join(ws, f), 'x');
  mkdirSync(join(dir, 'outside'));
  writeFileSync(join(dir, 'outside/secret'), 'secret');
  symlinkSync('/etc', join(ws, 'link_out'));
  symlinkSync('../outside', join(ws, 'rel_out'));
  symlinkSync('work', join(ws, 'dirlink'));
  // A FIFO: opening it for reading would block the test, so finishing proves no file is ever read.
  execFileSync('mkfifo', [join(ws, 'pipe')]);
});

after(() => rmSync(dir, { recursive: true, force: true }));

const POLICY = 'version: 1\nfilesystem_policy:\n  read_only:\n    - /usr\n    - /sandbox/.openclaw/workspace/SOUL.md\n  read_write:\n    - /sandbox\n';

test('mapped folder: kinds, symlinks and entries come from the folder; other paths from the base view', () => {
  const view = mappedFolderView([{ sandboxPath: '/sandbox', localPath: ws }]);
  assert.equal(view.kind('/sandbox'), 'directory');
  assert.equal(view.kind('/sandbox/README.txt'), 'file');
  assert.equal(view.kind('/sandbox/pipe'), 'other');
  assert.equal(view.kind('/sandbox/nothere'), 'missing');
  assert.equal(view.kind('/sandbox/README.txt/x'), 'missing');
  assert.equal(view.kind('/sandbox/link_out'), 'symlink');
  assert.equal(view.readlink('/sandbox/link_out'), '/etc');
  assert.equal(view.readlink('/sandbox/README.txt'), undefined);
  assert.deepEqual(view.list('/sandbox'), ['.openclaw', 'README.txt', 'dirlink', 'link_out', 'pipe', 'rel_out', 'work']);
  assert.equal(view.kind('/usr'), 'directory', 'outside the mapping: the standard image');
  assert.equal(view.list('/usr'), undefined);
});

test('mapped folder: never follows a symlink, and `..` never leaves the folder', () => {
  const view = mappedFolderView([{ sandboxPath: '/sandbox', localPath: ws }]);
  assert.equal(view.kind('/sandbox/dirlink/file.txt'), 'unknown', 'a path through a link is not looked up locally');
  assert.equal(view.list('/sandbox/dirlink'), undefined);
  assert.equal(view.list('/sandbox/rel_out'), undefined);
  assert.equal(view.kind('/sandbox/../outside'), 'unknown');
  // The core resolves links in sandbox paths: ../outside from /sandbox is /outside in the sandbox,
  // not the local folder next to the mapped one.
  const e = explain(analyze(POLICY, { view }), '/sandbox/rel_out/secret');
  assert.match(e.notes.join(' '), /access is that of \/outside\/secret/);
  assert.equal(e.access, 'none');
});

test('mapped folder: the split lists the folder\'s entries, exactly as a tree listing of the same tree would', () => {
  const view = mappedFolderView([{ sandboxPath: '/sandbox', localPath: ws }]);
  const listing = parseTreeListing([
    'd /sandbox', 'f /sandbox/README.txt', 'd /sandbox/work', 'f /sandbox/work/file.txt', 'd /sandbox/.openclaw', 'f /sandbox/.openclaw/openclaw.json',
    'd /sandbox/.openclaw/workspace', 'f /sandbox/.openclaw/workspace/SOUL.md', 'f /sandbox/.openclaw/workspace/AGENTS.md', 'd /sandbox/.openclaw/workspace/memory',
    'l /sandbox/link_out -> /etc', 'l /sandbox/rel_out -> ../outside', 'l /sandbox/dirlink -> work', 'p /sandbox/pipe',
  ].join('\n'));
  const fixOf = (v: typeof view) => analyze(POLICY, { view: v }).findings.find((f) => f.ruleId === 'shadowed-read-only')!.fixes[0];
  const mapped = fixOf(view);
  assert.deepEqual(mapped, fixOf(listing));
  assert.equal(mapped.preferred, true);
  assert.match(mapped.title, /3 symlinks not listed/);
});

test('localFilesystemView reads this machine the same way', () => {
  const view = localFilesystemView();
  assert.equal(view.kind(ws), 'directory');
  assert.equal(view.kind(join(ws, 'link_out')), 'symlink');
  assert.ok(view.list(ws)!.includes('README.txt'));
});

test('parseMapping: SANDBOX=LOCAL, absolute sandbox path', () => {
  assert.deepEqual(parseMapping('/sandbox=./ws'), { sandboxPath: '/sandbox', localPath: './ws' });
  assert.deepEqual(parseMapping('/a=b=c'), { sandboxPath: '/a', localPath: 'b=c' });
  assert.throws(() => parseMapping('sandbox=.'), /absolute/);
  assert.throws(() => parseMapping('/sandbox'), /SANDBOX=LOCAL/);
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

test('cli fix --map prints the split policy; --write rewrites the file; the input file is untouched otherwise', async () => {
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, POLICY);
  const c = capture();
  assert.equal(await run(['fix', file, '--map', `/sandbox=${ws}`], c.io), 0);
  const printed = c.out.join('');
  assert.match(printed, /read_only:\n {4}- \/usr\n {4}- \/sandbox\/\.openclaw\/workspace\/SOUL\.md\n {4}- \/sandbox\n/);
  for (const p of ['/sandbox/README.txt', '/sandbox/work', '/sandbox/pipe', '/sandbox/.openclaw/openclaw.json', '/sandbox/.openclaw/workspace/AGENTS.md', '/sandbox/.openclaw/workspace/memory']) {
    assert.match(printed, new RegExp(`\\n {4}- ${p.replace(/\./g, '\\.')}\\n`), p);
  }
  assert.doesNotMatch(printed, /- \/sandbox\/(link_out|rel_out|dirlink)\n/);
  assert.equal(readFileSync(file, 'utf8'), POLICY);
  const w = capture();
  assert.equal(await run(['fix', file, '--map', `/sandbox=${ws}`, '--write'], w.io), 0);
  assert.equal(readFileSync(file, 'utf8'), printed);
  assert.match(w.err.join(''), /applied 1 fix\(es\):\n {2}shadowed-read-only: Split read_write `\/sandbox`/);
});

test('cli fix without a listing warns that the split is incomplete', async () => {
  const file = join(dir, 'policy2.yaml');
  writeFileSync(file, POLICY);
  const c = capture();
  assert.equal(await run(['fix', file], c.io), 0);
  assert.match(c.err.join(''), /incomplete split for \/sandbox\/\.openclaw\/workspace\/SOUL\.md: the other entries of \/sandbox, \/sandbox\/\.openclaw, \/sandbox\/\.openclaw\/workspace are unknown/);
  assert.match(c.out.join(''), /# Landlock split INCOMPLETE/);
});

test('cli: a bad --map is a usage error (exit 2); --map works for check and explain too', async () => {
  const file = join(dir, 'policy3.yaml');
  writeFileSync(file, POLICY);
  const bad = capture();
  assert.equal(await run(['check', file, '--map', 'sandbox'], bad.io), 2);
  assert.match(bad.err.join(''), /--map needs SANDBOX=LOCAL/);
  const missing = capture();
  assert.equal(await run(['check', file, '--map', `/sandbox=${join(dir, 'nope')}`], missing.io), 2);
  const e = capture();
  assert.equal(await run(['explain', file, '/sandbox/README.txt', '--format', 'json', '--map', `/sandbox=${ws}`], e.io), 0);
  assert.equal(JSON.parse(e.out.join(''))[0].kind, 'file', 'the mapped folder says it is a file');
});
