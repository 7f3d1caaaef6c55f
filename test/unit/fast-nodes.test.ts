// The fast reader builds the `yaml` library's nodes without their constructors (fast-nodes.ts). They
// must stay the library's nodes in every way code can see: its type guards, instanceof, its own
// operations (toJS, toString, clone, visit) give what they give for nodes it built itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNode, parseDocument, visit, Scalar } from 'yaml';
import type { Node } from 'yaml';
import { agreesWithLibrary, nodeFactories, nodes } from '../../server/src/core/yaml/fast-nodes';
import { fastParse } from '../../server/src/core/yaml/fast-parse';
import { yamlInputs } from '../yaml-inputs';

test('the fast reader uses the prototype-built nodes with this yaml release', () => {
  assert.ok(agreesWithLibrary(nodeFactories.fast));
  assert.equal(nodes, nodeFactories.fast);
});

test('a factory whose nodes the yaml library would not recognise is refused (the real constructors are used then)', () => {
  const unmarked = {
    ...nodeFactories.fast,
    scalar: (value: unknown, source: string, type: Scalar.Type, range: [number, number, number]) => Object.assign(Object.create(Scalar.prototype), { value, source, type, range }) as Scalar,
  };
  assert.equal(agreesWithLibrary(unmarked), false);
  assert.ok(agreesWithLibrary(nodeFactories.constructed));
});

test('documents the fast reader builds behave as the yaml library\'s own under its operations', () => {
  const policies = yamlInputs().filter((i) => i.name.startsWith('corpus/'));
  let compared = 0;
  for (const { name, text } of policies) {
    const fast = fastParse(text);
    if (!fast) continue;
    const full = parseDocument(text, { keepSourceTokens: false });
    assert.deepEqual(fast.toJS(), full.toJS(), `${name}: toJS`);
    assert.equal(String(fast.contents), String(full.contents), `${name}: toString of the contents`);
    const kinds = (doc: typeof fast) => {
      const seen: string[] = [];
      visit(doc, (key, node) => {
        seen.push(`${String(key)}:${(node as Node).constructor.name}:${isNode(node) ? (node as Node).range?.join(',') : '-'}`);
      });
      return seen;
    };
    assert.deepEqual(kinds(fast), kinds(full as typeof fast), `${name}: visit`);
    const copy = fast.clone();
    assert.deepEqual(copy.toJS(), full.toJS(), `${name}: clone`);
    compared++;
  }
  assert.ok(compared >= 25, `only ${compared} corpus policies took the fast path`);
});
