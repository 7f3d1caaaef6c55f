// The fast reader (server/src/core/yaml/fast-parse.ts) must read every input it accepts exactly as the
// `yaml` library does: same node kinds, sources, values and ranges, and no input the library would
// report an error or warning for. Checked on the corpus, the fixtures, generated policies and thousands
// of seeded mutations of them (comment lines at odd indents, broken quotes, stray indicators...).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { fastParse } from '../../server/src/core/yaml/fast-parse';
import { rng } from '../seeded-random';
import { mutateYaml, yamlInputs } from '../yaml-inputs';

const OPTIONS = { uniqueKeys: false, prettyErrors: false, strict: false, keepSourceTokens: false, merge: false, version: '1.2' } as const;

/** A comparable picture of a node tree. */
function describe(node: unknown): unknown {
  if (isMap(node)) return { map: node.range, flow: !!node.flow, items: node.items.map((p) => (isPair(p) ? [describe(p.key), describe(p.value)] : 'not a pair')) };
  if (isSeq(node)) return { seq: node.range, flow: !!node.flow, items: node.items.map(describe) };
  if (isScalar(node)) {
    const v = node.value;
    return { scalar: node.range, type: node.type, source: node.source, value: typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v };
  }
  return node === null ? null : `other: ${String(node)}`;
}

/** Undefined when the fast reader declined; otherwise a message when the two readers differ. */
export function compareReaders(text: string): { accepted: boolean; difference?: string } {
  const fast = fastParse(text);
  if (!fast) return { accepted: false };
  const full = parseAllDocuments(text, OPTIONS);
  const docs = Array.isArray(full) ? full : [];
  if (docs.length !== 1) return { accepted: true, difference: `the yaml library reads ${docs.length} documents` };
  const doc = docs[0];
  if (doc.errors.length || doc.warnings.length) return { accepted: true, difference: `the yaml library reports: ${[...doc.errors, ...doc.warnings].map((e) => e.message).join('; ')}` };
  const difference = firstDifference(describe(fast.contents), describe(doc.contents), 'contents', text) ?? firstDifference(fast.range, doc.range, 'document range', text);
  return { accepted: true, difference };
}

/** Where two pictures first differ, with the source around it (fast reader's side first). */
function firstDifference(a: unknown, b: unknown, where: string, text: string): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}.${k}`, text);
      if (d) return d;
    }
    return undefined;
  }
  const around = typeof a === 'number' && typeof b === 'number' ? ` around ${JSON.stringify(text.slice(Math.max(0, Math.min(a, b) - 120), Math.max(a, b) + 40))}` : '';
  return `${where}: fast ${JSON.stringify(a)}, yaml ${JSON.stringify(b)}${around}`;
}

test('the fast reader accepts the policies of the corpus and reads them exactly as the yaml library does', () => {
  const corpus = yamlInputs().filter((i) => i.name.startsWith('corpus/'));
  assert.ok(corpus.length >= 30);
  const declined: string[] = [];
  for (const { name, text } of corpus) {
    const { accepted, difference } = compareReaders(text);
    assert.equal(difference, undefined, `${name}: ${difference}`);
    if (!accepted) declined.push(name);
  }
  // The point of the fast reader: real policies take the fast path (a few use YAML it leaves to the library).
  assert.ok(declined.length <= corpus.length / 4, `declined: ${declined.join(', ')}`);
});

test('the fast reader agrees with the yaml library on every fixture and on seeded mutations of them', () => {
  const base = yamlInputs();
  const r = rng(Number(process.env.FAST_PARSE_SEED ?? 0xfa57));
  let accepted = 0;
  let total = 0;
  const failures: string[] = [];
  const check = (name: string, text: string) => {
    total++;
    const res = compareReaders(text);
    if (res.accepted) accepted++;
    if (res.difference && failures.length < 8) failures.push(`${name}: ${res.difference}${process.env.FAST_PARSE_DEBUG ? "\n" + JSON.stringify(text) : ""}`);
  };
  for (const { name, text } of base) check(name, text);
  const rounds = Number(process.env.FAST_PARSE_MUTATIONS ?? 6000);
  for (let k = 0; k < rounds; k++) {
    const { name, text } = base[Math.floor(r() * base.length)];
    if (text.length > 40_000) continue;
    check(`${name} (mutation ${k})`, mutateYaml(text, r));
  }
  assert.deepEqual(failures, []);
  // Both outcomes must be exercised: many mutations stay in the subset, many leave it.
  assert.ok(accepted > total * 0.2 && accepted < total * 0.95, `accepted ${accepted} of ${total}`);
});

test('plain scalars end where the yaml library ends them: comments, keys, colons inside, flow indicators', () => {
  const cases = [
    'a: b  # two spaces before the comment\n', 'a: b #c\n', 'a: b# not a comment\n', 'a: b:c\n', 'a: x :y\n', 'a: b   \n',
    'a: /p:q/r # c\n', 'a:\n  - /x y z\n  - /x:y:z:\n', '"q": v\n', 'a: [x:y, z]\n', 'a: {k: v:w, l: m}\n', 'a: [b, c]  # c\n',
    'a: {k: v}\n', 'a: [x: y]\n', 'a: {k:, l: m}\n', 'a: [b:, c]\n', 'a: b: c\n', 'a : b\n', 'a: -x\n', 'a: :x\n', 'a: ?x\n', 'a: b',
    'a: b\r\nc: d:\r\n  - e\r\n',
  ];
  let accepted = 0;
  for (const text of cases) {
    const res = compareReaders(text);
    if (res.accepted) accepted++;
    assert.equal(res.difference, undefined, JSON.stringify(text));
  }
  assert.ok(accepted >= cases.length - 8, `accepted ${accepted} of ${cases.length}`);
});
