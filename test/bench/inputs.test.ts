// The benchmark's inputs are what BENCHMARKS.md says they are (bench/generate.ts, bench/typing.ts):
// policies with exactly the stated number of paths, in the shapes of the real corpus, that OpenShell
// accepts up to its limit; a non-policy file that detection turns away; edits that change one character.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { analyze } from '../../server/src/core/index';
import { generateNonPolicy, generatePolicy } from '../../bench/generate';
import { editOffset, typedVersions } from '../../bench/typing';

interface PolicyShape {
  version: number;
  filesystem_policy: { include_workdir: boolean; read_only: string[]; read_write: string[] };
  network_policies: Record<string, { endpoints: unknown[]; binaries: unknown[] }>;
}

const countBy = (ids: string[]) => ids.reduce<Record<string, number>>((m, id) => ({ ...m, [id]: (m[id] ?? 0) + 1 }), {});

for (const paths of [16, 256, 2000]) {
  test(`a ${paths}-path policy: exactly ${paths} paths, shadowing to find, ${paths <= 256 ? 'accepted by OpenShell' : 'one finding for the 256-path limit'}`, () => {
    const gen = generatePolicy(paths);
    assert.equal(gen.paths, paths);
    const policy = parse(gen.text) as PolicyShape;
    assert.equal(policy.version, 1);
    assert.equal(policy.filesystem_policy.read_only.length + policy.filesystem_policy.read_write.length, paths);
    assert.equal(typeof policy.filesystem_policy.include_workdir, 'boolean');
    assert.ok(policy.filesystem_policy.read_write.includes('/sandbox'));
    assert.ok(Object.keys(policy.network_policies).length >= Math.max(3, Math.floor(paths / 32)));
    // Comments on their own lines and after entries, as people write them.
    assert.match(gen.text, /^\s*#/m);
    assert.match(gen.text, /^\s+- \S+\s+#/m);

    const analysis = analyze(gen.text);
    assert.equal(analysis.isPolicy, true);
    const rules = countBy(analysis.findings.map((f) => f.ruleId));
    assert.equal(rules['openshell-validation'] ?? 0, paths <= 256 ? 0 : 1, JSON.stringify(rules));
    assert.ok((rules['shadowed-read-only'] ?? 0) > 0, 'the issue #698 shape: read_only under a read_write directory');

    // The hovered and edited paths are read_only entries under the writable /sandbox, mid-file.
    for (const p of [gen.hoverPath, gen.editPath]) {
      assert.ok(policy.filesystem_policy.read_only.includes(p), p);
      assert.ok(p.startsWith('/sandbox/'), p);
      const at = gen.text.indexOf(p) / gen.text.length;
      assert.ok(at > 0.1 && at < 0.9, `${p} at ${at.toFixed(2)} of the file`);
    }
    assert.ok(analysis.findings.some((f) => f.ruleId === 'shadowed-read-only' && f.subject === gen.hoverPath));
  });
}

test('the generator is seeded: the same size gives the same text, another seed another', () => {
  assert.equal(generatePolicy(256).text, generatePolicy(256).text);
  assert.notEqual(generatePolicy(256, 1).text, generatePolicy(256).text);
});

test('the non-policy file has the lines asked for and is turned away by detection', () => {
  const text = generateNonPolicy(2000);
  assert.equal(text.split('\n').length - 1, 2000);
  const analysis = analyze(text);
  assert.equal(analysis.isPolicy, false);
  assert.deepEqual(analysis.findings, []);
});

test('typing changes the one character of the edit path the benchmark says, and every version differs', () => {
  const gen = generatePolicy(256);
  const at = editOffset(gen);
  assert.equal(gen.text[at], 's', 'the s of "notes"');
  const version = typedVersions(gen.text, at);
  const seen = new Set<string>();
  for (let i = 0; i < 26; i++) {
    const v = version(i);
    assert.equal(v.length, gen.text.length);
    assert.equal(v.slice(0, at), gen.text.slice(0, at));
    assert.equal(v.slice(at + 1), gen.text.slice(at + 1));
    seen.add(v);
  }
  assert.equal(seen.size, 26);
});
