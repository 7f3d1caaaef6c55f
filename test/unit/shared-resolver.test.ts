// Analyses made with one filesystem view share its path resolver (core/fsview/views.ts, resolverFor), so
// that an edit resolves only the paths it changed. Sharing must change nothing but speed: the same
// findings, fixes and explanations as a fresh resolver gives, in any order of analyses; and the shared
// cache must not keep old versions of a document alive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { analyze, explain, parseTreeListing } from '../../server/src/core/index';
import { resolverFor } from '../../server/src/core/fsview/views';
import type { Analysis, FsView } from '../../server/src/core/index';
import { rng } from '../seeded-random';
import { mutateYaml, yamlInputs } from '../yaml-inputs';

const TREE = parseTreeListing(`d /
d /sandbox
d /sandbox/.openclaw
d /sandbox/.openclaw/workspace
f /sandbox/.openclaw/workspace/SOUL.md
l /sandbox/current -> /sandbox/.openclaw
d /data
f /data/out.csv
`, 'test tree');

/** A new view object answering as `view` does: analyses with it get a resolver of their own. */
const freshCopy = (view: FsView): FsView => ({ description: view.description, kind: (p) => view.kind(p), readlink: (p) => view.readlink(p), list: (d) => view.list(d) });

function picture(a: Analysis): string {
  const findings = a.findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, message: f.message, span: f.span, related: f.related, fixes: f.fixes, subject: f.subject }));
  const paths = a.documents.flatMap((d) => [...(d.model?.filesystem.readOnly ?? []), ...(d.model?.filesystem.readWrite ?? [])]).map((e) => e.normalized);
  return JSON.stringify({ findings, explained: paths.slice(0, 20).map((p) => explain(a, p)) });
}

test('a shared resolver gives exactly what a fresh one gives, over fixtures and edits of them in any order', () => {
  const random = rng(0x5ba7ed);
  const texts: string[] = [];
  for (const { text } of yamlInputs()) {
    if (text.length > 40_000) continue;
    texts.push(text, mutateYaml(text, random), mutateYaml(text, random));
  }
  const shuffled = texts.map((t) => [random(), t] as const).sort((a, b) => a[0] - b[0]).map(([, t]) => t);
  for (const view of [undefined, TREE]) {
    const options = view ? { view } : {};
    // In text order, then in another order: what was analysed before must not matter.
    const inOrder = new Map(texts.map((t) => [t, picture(analyze(t, options))]));
    for (const text of shuffled) assert.equal(picture(analyze(text, options)), inOrder.get(text), 'the same text after other analyses');
    // With a tree listing, a copy of the view gets its own resolver: the same answers.
    if (view) for (const text of texts) assert.equal(picture(analyze(text, { view: freshCopy(view) })), inOrder.get(text), 'a fresh resolver');
  }
  assert.ok(texts.length > 100, `${texts.length} texts`);
});

test('analyses with different views never share answers, however they interleave', () => {
  // In the tree listing /sandbox/current is a symlink to /sandbox/.openclaw; the standard image knows no
  // such link. Each analysis must keep to its own view, whatever was analysed just before.
  const text = 'version: 1\nfilesystem_policy:\n  read_only:\n    - /sandbox/current/workspace/SOUL.md\n  read_write:\n    - /tmp\n';
  const kinds = (a: Analysis) => explain(a, '/sandbox/current/workspace/SOUL.md');
  for (let round = 0; round < 3; round++) {
    const listed = kinds(analyze(text, { view: TREE }));
    assert.equal(listed.kind, 'file', 'through the listed symlink: SOUL.md is a file');
    assert.ok(listed.notes.some((n) => n.includes('/sandbox/current -> /sandbox/.openclaw')), JSON.stringify(listed.notes));
    const standard = kinds(analyze(text));
    assert.equal(standard.kind, 'unknown', 'the standard image does not know the path');
    assert.ok(!standard.notes.some((n) => n.includes('symlink')), JSON.stringify(standard.notes));
  }
});

test('the shared resolver keeps no old version of a document alive', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const heapAfterGc = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  // Each version: 100 paths no other version has, and 250 KB of comments around them.
  const version = (n: number) => {
    const paths = Array.from({ length: 100 }, (_, i) => `    - /data/version-${n}-directory-with-a-long-name/file-${i}.csv`).join('\n');
    return `version: 1\n# ${'x'.repeat(250_000)}\nfilesystem_policy:\n  read_only:\n${paths}\n  read_write:\n    - /tmp\n`;
  };
  analyze(version(-1)); // the code and the standard view exist before the first measurement
  const before = heapAfterGc();
  for (let n = 0; n < 20; n++) analyze(version(n)); // 20 x 250 KB of text, 2,000 new cache entries
  const growth = heapAfterGc() - before;
  assert.ok(growth < 2_500_000, `the heap grew by ${(growth / 1e6).toFixed(1)} MB over 20 versions (each 250 KB of text)`);
});

test('the shared resolver starts afresh once it holds far more paths than the policy has', () => {
  // 150 versions with 100 paths of their own each: 15,000 paths typed and gone.
  const version = (n: number) => `version: 1\nfilesystem_policy:\n  read_only:\n${Array.from({ length: 100 }, (_, i) => `    - /data/v${n}/f${i}`).join('\n')}\n`;
  let last: Analysis | undefined;
  let largest = 0;
  for (let n = 0; n < 150; n++) {
    last = analyze(version(n));
    largest = Math.max(largest, resolverFor(last.options.view).size);
  }
  // The bound: 10,000 paths of slack plus 4 per path of the policy, plus what one analysis adds.
  assert.ok(largest > 5_000 && largest < 10_000 + 400 + 200, `at most ${largest} paths held`);
  assert.deepEqual(explain(last!, '/data/v149/f7').grantedBy.map((g) => g.path), ['/data/v149/f7']);
});
