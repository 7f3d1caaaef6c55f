// The loader view looks origins up lazily, by walking the YAML nodes along the pointer. It must answer
// exactly what recording an origin for every node during the conversion answers (the reference, kept
// for documents with aliases), for every pointer that exists and for pointers that do not; and the
// values and duplicate keys must not depend on which way origins are kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { buildLoaderView, buildLoaderViewRecordingOrigins, type NodeOrigin } from '../../server/src/core/yaml/parse';
import { parseStream } from '../../server/src/core/yaml/parse';
import { rng } from '../seeded-random';
import { mutateYaml, yamlInputs } from '../yaml-inputs';

const describeOrigin = (o: NodeOrigin | undefined) => o && { ...o, node: o.node?.range ?? null };

/** Pointers that do not exist but look like ones that do. */
function near(pointer: string): string[] {
  return [pointer + '/0', pointer + '/x', pointer + '/', pointer.replace(/\/(\d+)$/, '/0$1'), pointer.replace(/\/(\d+)$/, '/-1'), pointer + '~', pointer.replace(/[^/]$/, '')];
}

function compare(name: string, text: string): string | undefined {
  const documents = [...parseStream(text).documents];
  const full = parseAllDocuments(text, { uniqueKeys: false, version: '1.2' });
  if (Array.isArray(full)) documents.push(...full);
  for (const doc of documents) {
    const reference = buildLoaderViewRecordingOrigins(doc);
    const lazy = buildLoaderView(doc);
    try {
      assert.deepEqual(lazy.value, reference.value);
      assert.deepEqual(lazy.duplicates, reference.duplicates);
      assert.deepEqual(lazy.complexKeys, reference.complexKeys);
      assert.equal(lazy.aliasBudgetExceeded, reference.aliasBudgetExceeded);
      const recorded = reference.origins.recorded;
      for (const [pointer, origin] of recorded) {
        assert.deepEqual(describeOrigin(lazy.origins.get(pointer)), describeOrigin(origin), `origin of ${JSON.stringify(pointer)}`);
        if (pointer !== '') {
          // The same origin asked for as a child of its container, by key or by index.
          const cut = pointer.lastIndexOf('/');
          const segment = pointer.slice(cut + 1).replace(/~1/g, '/').replace(/~0/g, '~');
          const asChild = lazy.origins.child(pointer.slice(0, cut), /^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : segment);
          assert.deepEqual(describeOrigin(asChild), describeOrigin(origin), `child origin of ${JSON.stringify(pointer)}`);
          assert.deepEqual(describeOrigin(reference.origins.child(pointer.slice(0, cut), segment)), describeOrigin(origin));
        }
        for (const other of near(pointer)) {
          if (!recorded.has(other)) assert.equal(lazy.origins.get(other), undefined, `${JSON.stringify(other)} does not exist`);
        }
      }
      for (const malformed of ['nope', 'a/b', '//', '/0/']) {
        assert.equal(lazy.origins.get(malformed), reference.origins.get(malformed), `get(${JSON.stringify(malformed)})`);
        assert.equal(lazy.origins.child(malformed, 0), reference.origins.child(malformed, 0), `child(${JSON.stringify(malformed)}, 0)`);
      }
    } catch (e) {
      return `${name}: ${(e as Error).message}`;
    }
  }
  return undefined;
}

test('lazy origins answer exactly as recorded origins on every fixture, corpus policy and generated policy', () => {
  const failures = yamlInputs().map(({ name, text }) => compare(name, text)).filter(Boolean);
  assert.deepEqual(failures, []);
});

test('lazy origins answer exactly as recorded origins on seeded mutations, and on keys needing escapes, duplicates and depth', () => {
  const special = [
    'a/b: 1\n"a~b": 2\n"~1": 3\n"": 4\n? [x]\n: 5\nnull: 6\n~: 7\n',
    'k: 1\nk: 2\nm:\n  k: 1\n  k: [1, 2]\n',
    `${'['.repeat(230)}x${']'.repeat(230)}\n`,
    `big:\n${Array.from({ length: 40 }, (_, i) => `  k${i % 30}: ${i}`).join('\n')}\n`,
    '- &a [1, 2]\n- *a\n- {*a : 3}\n',
    'a: !!str 1\nb: "2"\nc: |\n  x\n',
  ];
  const failures = special.map((text, i) => compare(`special ${i}`, text)).filter(Boolean);
  const base = yamlInputs().filter((i) => i.text.length < 12_000);
  const r = rng(Number(process.env.LOADER_VIEW_SEED ?? 0x10ad));
  const rounds = Number(process.env.LOADER_VIEW_MUTATIONS ?? 400);
  for (let k = 0; k < rounds && failures.length < 5; k++) {
    const { name, text } = base[Math.floor(r() * base.length)];
    const failure = compare(`${name} (mutation ${k})`, mutateYaml(text, r));
    if (failure) failures.push(failure);
  }
  assert.deepEqual(failures, []);
});
