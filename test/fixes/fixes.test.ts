// The quick fixes as a user meets them: what each fix does to the text, whether it is marked safe
// (access unchanged) and preferred, and what the split costs and skips. Golden files cover layouts;
// these tests pin the decisions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, applyEdits, explain, parseTreeListing } from '../../server/src/core/index';
import type { Analysis, AnalysisOptions, Finding, Fix } from '../../server/src/core/index';
import { describeSplit, splitPlanFor } from '../../server/src/core/fixes/split';
import { combineEdits, listChangeEdits, removeSequenceItemEdit } from '../../server/src/core/fixes/edits';
import { fixText } from '../../server/src/cli/fix';
import { policy } from '../helpers';

const NET = 'network_policies:\n  web:\n    endpoints: [{host: api.example.com, port: 443}]\n';

const TREE = parseTreeListing(`d /
d /sandbox
f /sandbox/README.txt
d /sandbox/work
f /sandbox/work/file.txt
d /sandbox/.openclaw
f /sandbox/.openclaw/openclaw.json
d /sandbox/.openclaw/workspace
f /sandbox/.openclaw/workspace/SOUL.md
f /sandbox/.openclaw/workspace/AGENTS.md
d /sandbox/.openclaw/workspace/memory
l /sandbox/current -> /sandbox/work
d /data
d /data/in
f /data/in/keep.csv
f /data/out.csv
`, 'test tree');

function shadowed(a: Analysis): Finding[] {
  return a.findings.filter((f) => f.ruleId === 'shadowed-read-only');
}

function only(a: Analysis, ruleId: string): Finding {
  const hits = a.findings.filter((f) => f.ruleId === ruleId);
  assert.equal(hits.length, 1, `expected one ${ruleId}, got ${a.findings.map((f) => f.ruleId).join(', ')}`);
  return hits[0];
}

function apply(text: string, fix: Fix): string {
  return applyEdits(text, fix.edits);
}

function access(text: string, path: string, options: AnalysisOptions = { view: TREE }): string {
  return explain(analyze(text, options), path).access;
}

// ---------- the split ----------

test('split: the shadowed entry gets a complete, preferred, unsafe fix that makes it read-only and keeps siblings writable', () => {
  const text = policy('  read_only:\n    - /usr\n    - /sandbox/.openclaw/workspace/SOUL.md\n  read_write:\n    - /sandbox\n');
  const [f] = shadowed(analyze(text, { view: TREE }));
  assert.equal(f.fixes.length, 1);
  const fix = f.fixes[0];
  assert.equal(fix.safe, false, 'the split changes access');
  assert.equal(fix.preferred, true, 'complete with a listing');
  assert.match(fix.title, /^Split read_write `\/sandbox` so `\/sandbox\/\.openclaw\/workspace\/SOUL\.md` stays read-only/);
  assert.match(fix.title, /nothing can be created or deleted directly in 3 directories/);
  const out = apply(text, fix);
  assert.equal(access(out, '/sandbox/.openclaw/workspace/SOUL.md'), 'read-only');
  for (const p of ['/sandbox/README.txt', '/sandbox/work/file.txt', '/sandbox/.openclaw/openclaw.json', '/sandbox/.openclaw/workspace/AGENTS.md', '/sandbox/.openclaw/workspace/memory/x']) {
    assert.equal(access(out, p), 'read-write', p);
  }
  assert.equal(access(out, '/sandbox/new-file'), 'read-only', 'the cost: nothing new directly in /sandbox');
  assert.deepEqual(shadowed(analyze(out, { view: TREE })), []);
});

test('split: a symlink sibling is never listed read_write, and the fix says so in the title and a comment', () => {
  const text = policy('  read_only:\n    - /sandbox/README.txt\n  read_write:\n    - /sandbox\n');
  const [f] = shadowed(analyze(text, { view: TREE }));
  const out = apply(text, f.fixes[0]);
  assert.ok(!/^\s*- \/sandbox\/current\s*$/m.test(out), 'symlink /sandbox/current must not be listed');
  assert.match(out, /# Landlock split: symlink \/sandbox\/current not listed read_write/);
  assert.match(f.fixes[0].title, /1 symlink not listed/);
  assert.equal(access(out, '/sandbox/work/file.txt'), 'read-write', 'the link target keeps its access by its own entry');
});

test('split: several protected paths under one ancestor share ONE rewrite; applying it from any finding protects all', () => {
  const text = policy('  read_only:\n    - /sandbox/README.txt\n    - /sandbox/.openclaw/workspace/SOUL.md\n    - /sandbox/.openclaw/openclaw.json\n  read_write:\n    - /sandbox\n');
  const found = shadowed(analyze(text, { view: TREE }));
  assert.equal(found.length, 3);
  assert.ok(found.every((f) => f.fixes[0] === found[0].fixes[0]), 'the same fix on every finding of the group');
  assert.match(found[0].fixes[0].title, /so 3 read_only paths stay read-only/);
  const out = apply(text, found[2].fixes[0]);
  for (const p of ['/sandbox/README.txt', '/sandbox/.openclaw/workspace/SOUL.md', '/sandbox/.openclaw/openclaw.json']) assert.equal(access(out, p), 'read-only', p);
  assert.equal(access(out, '/sandbox/.openclaw/workspace/AGENTS.md'), 'read-write');
});

test('split: separate write grants give separate fixes; fix applies both', () => {
  const text = policy('  read_only:\n    - /sandbox/README.txt\n    - /data/in/keep.csv\n  read_write:\n    - /sandbox\n    - /data\n');
  const found = shadowed(analyze(text, { view: TREE }));
  assert.equal(found.length, 2);
  assert.notEqual(found[0].fixes[0], found[1].fixes[0]);
  const first = apply(text, found[0].fixes[0]);
  assert.equal(shadowed(analyze(first, { view: TREE })).length, 1, 'one group fixed, the other still reported');
  const all = fixText(text, { view: TREE }).text;
  assert.deepEqual(shadowed(analyze(all, { view: TREE })), []);
  assert.equal(access(all, '/data/out.csv'), 'read-write');
  assert.equal(access(all, '/data/in/keep.csv'), 'read-only');
});

test('fix: two groups whose splits both edit read_write are applied one after the other, never merged into broken YAML', () => {
  // Alone, the /data fix empties read_write (`read_write: []`) and the workdir fix appends items under
  // the /data line: applied together on the same text they would produce `read_write: []` + `- item`.
  const text = 'version: 1\nfilesystem_policy:\n  include_workdir: true\n  read_write:\n    - /data\n  read_only:\n    - /data\n    - /sandbox/README.txt\n';
  const { text: out, applied } = fixText(text, { view: TREE });
  assert.equal(applied.length, 2);
  const after = analyze(out, { view: TREE });
  assert.deepEqual(after.findings.filter((f) => ['yaml-syntax', 'schema', 'shadowed-read-only'].includes(f.ruleId)).map((f) => f.message), []);
  assert.equal(access(out, '/sandbox/work/file.txt'), 'read-write');
});

test('the split is planned only when fixes are read, and a rule-level override keeps it', () => {
  const text = policy('  read_only:\n    - /usr\n    - /sandbox/.openclaw/workspace/SOUL.md\n  read_write:\n    - /sandbox\n');
  let listed = 0;
  const counting = { ...TREE, description: TREE.description, kind: (p: string) => TREE.kind(p), readlink: (p: string) => TREE.readlink(p), list: (d: string) => (listed++, TREE.list(d)) };
  const plain = analyze(text, { view: counting });
  assert.equal(listed, 0, 'diagnostics alone list no directory');
  const [f] = shadowed(plain);
  assert.match(f.fixes[0].title, /^Split read_write `\/sandbox`/);
  assert.ok(listed > 0);
  const demoted = analyze(text, { view: TREE, ruleLevels: { 'shadowed-read-only': 'warning' } });
  const [w] = shadowed(demoted);
  assert.equal(w.severity, 'warning');
  assert.deepEqual(w.fixes, f.fixes, 'the same split, planned once for the demoted copy');
  assert.deepEqual(JSON.parse(JSON.stringify(w.related)), JSON.parse(JSON.stringify(f.related)));
});

test('split without a listing: still offered, not preferred, says siblings are unknown, names the directories in a comment', () => {
  const text = policy('  read_only:\n    - /sandbox/.openclaw/workspace/SOUL.md\n  read_write:\n    - /sandbox\n');
  const a = analyze(text);
  const [f] = shadowed(a);
  const fix = f.fixes[0];
  assert.equal(fix.preferred, false);
  assert.match(fix.title, /siblings unknown without a tree listing/);
  const out = apply(text, fix);
  assert.match(out, /# Landlock split INCOMPLETE: the other entries of \/sandbox, \/sandbox\/\.openclaw, \/sandbox\/\.openclaw\/workspace are unknown/);
  assert.equal(access(out, '/sandbox/.openclaw/workspace/SOUL.md', {}), 'read-only');
  assert.match(describeSplit(a, f)!, /\*\*incomplete:\*\*/);
});

test('split: a read_write entry on the protected path itself is removed, nothing else changes', () => {
  const text = policy('  read_only:\n    - /data/in\n  read_write:\n    - /data/in\n    - /sandbox\n');
  const [f] = shadowed(analyze(text, { view: TREE }));
  const out = apply(text, f.fixes[0]);
  assert.equal(out, policy('  read_only:\n    - /data/in\n  read_write:\n    - /sandbox\n'));
  assert.match(f.fixes[0].title, /^Remove the read_write grant/);
});

test('split: the workdir as the writable ancestor -> include_workdir: false, workdir read_only, read_write key created', () => {
  const text = policy('  include_workdir: true\n  read_only:\n    - /sandbox/README.txt\n');
  const [f] = shadowed(analyze(text, { view: TREE }));
  const out = apply(text, f.fixes[0]);
  assert.match(out, /include_workdir: false/);
  assert.match(out, /read_only:\n {4}- \/sandbox\/README\.txt\n {4}- \/sandbox\n {2}# Landlock split: symlink[^\n]*\n {2}read_write:\n {4}- \/sandbox\/\.openclaw\n {4}- \/sandbox\/work\n+$/);
  assert.match(f.fixes[0].title, /^Set include_workdir: false and split the workdir `\/sandbox`/);
});

test('split: a read_write entry equal to the workdir with include_workdir: true also turns include_workdir off', () => {
  const text = policy('  include_workdir: true\n  read_only: [/sandbox/README.txt]\n  read_write: [/sandbox]\n');
  const [f] = shadowed(analyze(text, { view: TREE }));
  const out = apply(text, f.fixes[0]);
  assert.match(out, /include_workdir: false/);
  assert.equal(access(out, '/sandbox/README.txt'), 'read-only');
});

test('split: / never goes to read_write, even when the workdir is /', () => {
  const text = policy('  include_workdir: true\n  read_only: [/sandbox/README.txt]\n');
  const [f] = shadowed(analyze(text, { view: TREE, workdir: '/' }));
  const out = apply(text, f.fixes[0]);
  const after = analyze(out, { view: TREE, workdir: '/' });
  const rw = after.documents[0].model!.filesystem.readWrite.map((e) => e.normalized);
  assert.ok(!rw.includes('/'), rw.join(' '));
  assert.ok(rw.includes('/data'), 'the other top-level entries stay writable');
  assert.deepEqual(after.findings.filter((f) => f.ruleId === 'openshell-validation'), []);
});

test('split under OpenShell baseline /tmp: not preferred, lists /tmp read_only; fix skips it unless asked', () => {
  const text = policy('  read_only: [/usr, /tmp/keep]\n  read_write: [/sandbox]', NET);
  const a = analyze(text);
  const [f] = shadowed(a);
  assert.equal(f.fixes.length, 1);
  assert.equal(f.fixes[0].preferred, false);
  assert.match(f.fixes[0].title, /^List `\/tmp` read_only \(OpenShell's baseline then stops adding it read-write\)/);
  assert.equal(access(apply(text, f.fixes[0]), '/tmp/keep', {}), 'read-only');
  assert.match(describeSplit(a, f)!, /moving the protected file out of \/tmp is usually better/);
  const plain = fixText(text, {});
  assert.equal(plain.text, text, 'landlock-lens fix leaves it');
  assert.ok(plain.warnings.some((w) => /under OpenShell's baseline \/tmp/.test(w)));
  const asked = fixText(text, {}, 'shadowed-read-only');
  assert.deepEqual(shadowed(analyze(asked.text)), []);
});

test('split: read_only `/tmp/` under the baseline is rewritten `/tmp` (the baseline compares raw strings); fix applies it', () => {
  const text = policy('  read_only: [/usr, /tmp/]\n  read_write: [/sandbox]', NET);
  const [f] = shadowed(analyze(text));
  assert.equal(f.fixes[0].title, "Write `/tmp/` as `/tmp` (OpenShell's baseline then stops adding it read-write)");
  assert.equal(f.fixes[0].preferred, true, '/tmp read-only is what the policy asks for');
  assert.equal(apply(text, f.fixes[0]), policy('  read_only: [/usr, /tmp]\n  read_write: [/sandbox]', NET));
  assert.equal(fixText(text, {}).text, policy('  read_only: [/usr, /tmp]\n  read_write: [/sandbox]', NET));
});

test('split under the GPU baseline /proc: no fix, and the description says why', () => {
  const text = policy('  read_only: [/usr, /proc/driver]');
  const a = analyze(text, { gpu: true });
  const [f] = shadowed(a);
  assert.deepEqual(f.fixes, []);
  assert.match(describeSplit(a, f)!, /No automatic fix:.*GPU baseline adds `\/proc` read-write/);
});

test('split: more than 256 paths would be refused by OpenShell, so no fix is offered', () => {
  const listing = ['d /', 'd /big', 'f /big/keep', ...Array.from({ length: 300 }, (_, i) => `f /big/f${i}`)].join('\n');
  const text = policy('  read_only: [/big/keep]\n  read_write: [/big]');
  const a = analyze(text, { view: parseTreeListing(listing) });
  const [f] = shadowed(a);
  assert.deepEqual(f.fixes, []);
  assert.match(describeSplit(a, f)!, /needs 302 filesystem paths; OpenShell refuses more than 256/);
});

test('split: nested protected paths need nothing below the outer one; read_write nested under it is split too', () => {
  const text = policy('  read_only:\n    - /sandbox/.openclaw\n    - /sandbox/.openclaw/workspace/SOUL.md\n  read_write:\n    - /sandbox\n    - /sandbox/.openclaw/workspace\n');
  const found = shadowed(analyze(text, { view: TREE }));
  assert.equal(found.length, 2);
  const out = apply(text, found[0].fixes[0]);
  assert.equal(access(out, '/sandbox/.openclaw/openclaw.json'), 'read-only');
  assert.equal(access(out, '/sandbox/.openclaw/workspace/SOUL.md'), 'read-only');
  assert.equal(access(out, '/sandbox/.openclaw/workspace/AGENTS.md'), 'read-write', 'the intended writable workspace keeps its other entries');
  assert.ok(!/- \/sandbox\/\.openclaw\/workspace\n/.test(out), 'the nested read_write entry is removed (its directory is now read-only)');
});

test('split: the protected entries survive `fix` (not removed as redundant under the new read_only ancestor)', () => {
  const text = policy('  read_only:\n    - /sandbox/.openclaw/workspace/SOUL.md\n  read_write:\n    - /sandbox\n');
  const { text: out } = fixText(text, { view: TREE });
  assert.match(out, /- \/sandbox\/\.openclaw\/workspace\/SOUL\.md/);
  const redundant = analyze(out, { view: TREE }).findings.filter((f) => f.ruleId === 'redundant-entry' && f.subject === '/sandbox/.openclaw/workspace/SOUL.md');
  assert.ok(redundant.every((f) => f.fixes.length === 0), 'no removal offered for an entry that records the protection');
});

test('split: no list rewrite while a list holds an item that is not a path (it would lose it or break the YAML)', () => {
  // Found by the fuzzer: the split removed `/sandbox`, believed read_write empty and wrote `read_write: []`
  // above the nested item that was still there. The schema error has to be fixed first.
  for (const readWrite of ['  read_write:\n    - /sandbox\n    - - /sandbox\n', '  read_write: [/sandbox, [/sandbox]]\n', '  read_write:\n    - /sandbox\n    - {path: /data}\n']) {
    const text = `version: 1\nfilesystem_policy:\n  include_workdir: false\n${readWrite}  read_only:\n    - /sandbox/.openclaw/workspace/SOUL.md\n`;
    const a = analyze(text, { view: TREE });
    assert.ok(a.findings.some((f) => f.ruleId === 'schema'), 'the nested item is a schema error');
    const finding = only(a, 'shadowed-read-only');
    assert.deepEqual(finding.fixes.map((f) => f.title), [], readWrite);
  }
  // The same policy without the stray item gets its split.
  const clean = 'version: 1\nfilesystem_policy:\n  include_workdir: false\n  read_write:\n    - /sandbox\n  read_only:\n    - /sandbox/.openclaw/workspace/SOUL.md\n';
  assert.equal(only(analyze(clean, { view: TREE }), 'shadowed-read-only').fixes.length, 1);
});

test('describeSplit: costs, ABI 2 truncation, hard links; no truncation note under ABI 3', () => {
  const text = policy('  read_only: [/sandbox/.openclaw/workspace/SOUL.md]\n  read_write: [/sandbox]');
  const a = analyze(text, { view: TREE });
  const md = describeSplit(a, shadowed(a)[0])!;
  assert.match(md, /nothing can be created, deleted or renamed directly in `\/sandbox`, `\/sandbox\/\.openclaw`, `\/sandbox\/\.openclaw\/workspace`/);
  assert.match(md, /not deleted, renamed or atomically replaced/);
  assert.match(md, /entries created later directly in those directories are read-only/);
  assert.match(md, /under ABI 2 .*truncate\(2\)/);
  assert.match(md, /hard link/);
  const a3 = analyze(text, { view: TREE, abi: 3 });
  assert.doesNotMatch(describeSplit(a3, shadowed(a3)[0])!, /truncate\(2\)/);
  assert.equal(describeSplit(a, only(analyze(policy('  read_only: [/usr, /usr/]')), 'duplicate-path')), undefined, 'only for shadowed-read-only');
});

test('splitPlanFor finds the plan of a finding; the plan lists what moves', () => {
  const text = policy('  read_only: [/sandbox/README.txt]\n  read_write: [/sandbox, /sandbox/work]');
  const a = analyze(text, { view: TREE });
  const { plan } = splitPlanFor(a, shadowed(a)[0])!;
  assert.deepEqual(plan.moveToReadOnly.map((e) => e.raw), ['/sandbox']);
  assert.deepEqual(plan.alreadyWritable, ['/sandbox/work']);
  assert.deepEqual(plan.addReadWrite, ['/sandbox/.openclaw']);
  assert.deepEqual(plan.skippedSymlinks, ['/sandbox/current']);
});

// ---------- the other fixes ----------

test('duplicate-path: remove the copy; safe only when the raw strings are equal (the baseline compares raw strings)', () => {
  const same = policy('  read_only:\n    - /usr\n    - /etc\n    - /usr   # again\n');
  const f = only(analyze(same), 'duplicate-path');
  assert.equal(f.fixes[0].safe, true);
  assert.equal(f.fixes[0].preferred, true);
  assert.equal(apply(same, f.fixes[0]), policy('  read_only:\n    - /usr\n    - /etc\n    # again\n'), 'the trailing comment stays');
  const differ = policy('  read_only:\n    - /tmp/\n    - /tmp\n', NET);
  const g = only(analyze(differ), 'duplicate-path');
  assert.equal(g.fixes[0].safe, false);
  assert.equal(access(differ, '/tmp/x', {}), 'read-only');
  assert.equal(access(apply(differ, g.fixes[0]), '/tmp/x', {}), 'read-write', 'why it is unsafe: without the exact `/tmp`, the baseline adds /tmp read-write');
});

test('redundant-entry: removing a read_only entry under a read_only one is safe; read_write removal is not marked safe', () => {
  const ro = policy('  read_only: [/usr, /usr/lib]');
  const f = only(analyze(ro), 'redundant-entry');
  assert.equal(f.fixes[0].safe, true);
  assert.equal(apply(ro, f.fixes[0]), policy('  read_only: [/usr]'));
  const rw = policy('  read_write: [/sandbox, /sandbox/work]');
  const g = only(analyze(rw), 'redundant-entry');
  assert.equal(g.fixes[0].safe, false, 'OpenShell creates missing read_write directories: removal is not access-neutral in general');
});

test('redundant-entry: read_only `/tmp` under read_only `/` is neither reported nor removed when the baseline applies', () => {
  const text = policy('  read_only: [/, /tmp]', NET);
  const f = analyze(text).findings.find((x) => x.ruleId === 'redundant-entry' && x.subject === '/tmp');
  assert.equal(f, undefined, 'it keeps the baseline from adding /tmp read-write: it has an effect');
  assert.equal(access(text, '/tmp/x', {}), 'read-only');
});

test('non-normal-path: normalise keeps the quoting; unsafe when the baseline would then recognise the path', () => {
  const text = policy('  read_only:\n    - "/usr//lib/"\n');
  const f = only(analyze(text), 'non-normal-path');
  assert.equal(f.fixes[0].safe, true);
  assert.equal(apply(text, f.fixes[0]), policy('  read_only:\n    - "/usr/lib"\n'));
  const tmp = policy('  read_only: [/tmp/]', NET);
  const g = only(analyze(tmp), 'non-normal-path');
  assert.equal(g.fixes[0].safe, false);
  assert.equal(g.fixes[0].preferred, false);
  assert.notEqual(access(tmp, '/tmp/x', {}), access(apply(tmp, g.fixes[0]), '/tmp/x', {}), 'access really changes');
});

test('unknown-compatibility: hard-ish typos prefer hard_requirement (unsafe); exactly one preferred fix', () => {
  const hard = policy('  read_only: [/usr]', 'landlock:\n  compatibility: Hard-Requirement\n');
  const f = only(analyze(hard), 'unknown-compatibility');
  assert.deepEqual(f.fixes.map((x) => [x.safe, x.preferred]), [[false, true], [true, false]]);
  assert.match(apply(hard, f.fixes[0]), /compatibility: hard_requirement\n/);
  const typo = policy('  read_only: [/usr]', 'landlock:\n  compatibility: "besteffort"\n');
  const g = only(analyze(typo), 'unknown-compatibility');
  assert.deepEqual(g.fixes.map((x) => [x.safe, x.preferred]), [[true, true]]);
  assert.match(apply(typo, g.fixes[0]), /compatibility: "best_effort"\n/);
  assert.equal(fixText(hard, {}).text, hard, '`fix` applies only safe preferred fixes: it does not weaken a hard requirement');
});

// ---------- edit primitives ----------

test('edits: removing a block item keeps its trailing comment; the last line without a final newline stays without one', () => {
  const text = 'a:\n  - x   # keep me\n  - y';
  const item = { start: text.indexOf('x'), end: text.indexOf('x') + 1 };
  assert.equal(applyEdits(text, [removeSequenceItemEdit(text, item)]), 'a:\n  # keep me\n  - y');
  const y = { start: text.lastIndexOf('y'), end: text.lastIndexOf('y') + 1 };
  assert.equal(applyEdits(text, [removeSequenceItemEdit(text, y)]), 'a:\n  - x   # keep me');
});

test('edits: combineEdits merges insertions at one offset in order and refuses overlaps', () => {
  assert.deepEqual(combineEdits([{ start: 3, end: 3, newText: 'a' }, { start: 3, end: 3, newText: 'b' }]), [{ start: 3, end: 3, newText: 'ab' }]);
  assert.deepEqual(combineEdits([{ start: 3, end: 5, newText: '' }, { start: 3, end: 3, newText: 'x' }]), [{ start: 3, end: 5, newText: 'x' }]);
  assert.equal(combineEdits([{ start: 1, end: 4, newText: '' }, { start: 3, end: 6, newText: '' }]), undefined);
});

function listEdit(text: string, list: 'read_only' | 'read_write', add: string[], remove: string[] = []): string {
  const model = analyze(text).documents[0].model!;
  const entries = (list === 'read_only' ? model.filesystem.readOnly : model.filesystem.readWrite).filter((e) => remove.includes(e.raw));
  const edits = listChangeEdits(text, model, list, { remove: entries, add: add.map((value) => ({ value })) });
  assert.ok(edits, 'edits');
  return applyEdits(text, combineEdits(edits!)!);
}

test('edits: items added to flow lists (one line, multi-line, with comments) and to null / missing lists', () => {
  assert.equal(listEdit(policy('  read_write: [ /a, /b ]'), 'read_write', ['/c'], ['/a']), policy('  read_write: [ /b, /c ]'));
  assert.equal(listEdit(policy('  read_write: []'), 'read_write', ['/c', '/d']), policy('  read_write: [/c, /d]'));
  assert.equal(listEdit(policy('  read_write: [\n    /a,\n    /b\n  ]'), 'read_write', ['/c'], ['/b']), policy('  read_write: [\n    /a,\n    /c\n  ]'));
  assert.equal(listEdit(policy('  read_write: [\n    /a,  # one\n    /b   # two\n  ]'), 'read_write', [], ['/b']), policy('  read_write: [\n    /a  # one\n    # two\n  ]').replace('    # two', '       # two'));
  assert.equal(listEdit(policy('  read_only: [/usr]\n  read_write:\n'), 'read_write', ['/c']), policy('  read_only: [/usr]\n  read_write:\n    - /c\n'));
  assert.equal(listEdit(policy('  read_only:\n  - /usr\n'), 'read_write', ['/c']), policy('  read_only:\n  - /usr\n  read_write:\n  - /c\n'));
  assert.equal(listEdit('version: 1\nfilesystem_policy: {read_only: [/usr]}\n', 'read_write', ['/c']), 'version: 1\nfilesystem_policy: {read_only: [/usr], read_write: [/c]}\n');
  assert.equal(listEdit(policy('  read_write:\n    - /a\n  read_only: [/usr]'), 'read_write', [], ['/a']), policy('  read_write: []\n  read_only: [/usr]'));
});

test('edits: new block items copy the dash style and quoting of the last item; paths needing quotes are quoted', () => {
  assert.equal(listEdit(policy("  read_write:\n      -   '/a'\n"), 'read_write', ['/b']), policy("  read_write:\n      -   '/a'\n      -   '/b'\n"));
  assert.equal(listEdit(policy('  read_write:\n    - /a\n'), 'read_write', ['/b c: d', '/#x']), policy('  read_write:\n    - /a\n    - "/b c: d"\n    - "/#x"\n'));
  const back = analyze(listEdit(policy('  read_write:\n    - /a\n'), 'read_write', ['/b c: d', '/#x', '/true', "/it's"]));
  assert.deepEqual(back.documents[0].model!.filesystem.readWrite.map((e) => e.raw), ['/a', '/b c: d', '/#x', '/true', "/it's"]);
});
