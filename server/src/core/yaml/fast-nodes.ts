// The `yaml` library's node classes, built for the fast reader without their constructors.
//
// Why: every Scalar and Pair constructor stamps the node's kind with Object.defineProperty (a
// non-enumerable symbol), and every collection constructor its `schema` the same way. V8 runs
// defineProperty in its runtime, not in optimised code: about a third of the fast reader's time and a
// tenth of a whole 256-path analysis went to it.
//
// How they stay the library's nodes: each factory's prototype inherits from the library's class
// prototype (instanceof, methods, `constructor` all hold) and carries the kind symbol the library's
// isScalar / isMap / isSeq / isPair read (inherited instead of own: clone() keeps the prototype, so
// copies keep it too). Own enumerable fields are the constructor's, in the same order. A check at load
// compares the factories with the real constructors; should a `yaml` release change how nodes are
// marked, the real constructors are used.
import { isMap, isPair, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Node } from 'yaml';

type Range = [number, number, number];

export interface NodeFactory {
  scalar(value: unknown, source: string, type: Scalar.Type, range: Range): Scalar;
  pair(key: Node, value: Node): Pair<Node, Node>;
  map(): YAMLMap;
  seq(): YAMLSeq;
}

/** The real constructors, then the fields the fast reader sets. */
const constructed: NodeFactory = {
  scalar(value, source, type, range) {
    const node = new Scalar(value);
    node.source = source;
    node.type = type;
    node.range = range;
    return node;
  },
  pair: (key, value) => new Pair(key, value),
  map: () => new YAMLMap(),
  seq: () => new YAMLSeq(),
};

const NODE_TYPE = Symbol.for('yaml.node.type');

/** A prototype below `base`'s holding the kind mark a real instance carries (read from one). */
function markedPrototype(base: { prototype: object }, instance: object, extra: PropertyDescriptorMap = {}): object {
  const mark = (instance as Record<symbol, unknown>)[NODE_TYPE];
  return Object.create(base.prototype, { [NODE_TYPE]: { value: mark }, ...extra });
}

function prototypeBuilt(): NodeFactory {
  // Plain constructor functions: V8 gives their instances fixed shapes, as for a class.
  function FastScalar(this: Record<string, unknown>, value: unknown, source: string, type: string, range: Range) {
    this.value = value;
    this.source = source;
    this.type = type;
    this.range = range;
  }
  function FastPair(this: Record<string, unknown>, key: Node, value: Node) {
    this.key = key;
    this.value = value;
  }
  function FastMap(this: Record<string, unknown>) {
    this.items = [];
  }
  function FastSeq(this: Record<string, unknown>) {
    this.items = [];
  }
  // A collection's `schema` is own and non-enumerable in the library; undefined, as the reader's are.
  const schema = { schema: { value: undefined, writable: true, configurable: true, enumerable: false } };
  FastScalar.prototype = markedPrototype(Scalar, new Scalar(null));
  FastPair.prototype = markedPrototype(Pair, new Pair(null));
  FastMap.prototype = markedPrototype(YAMLMap, new YAMLMap(), schema);
  FastSeq.prototype = markedPrototype(YAMLSeq, new YAMLSeq(), schema);
  type Ctor<T> = new (...args: never[]) => T;
  const S = FastScalar as unknown as new (value: unknown, source: string, type: string, range: Range) => Scalar;
  const P = FastPair as unknown as new (key: Node, value: Node) => Pair<Node, Node>;
  const M = FastMap as unknown as Ctor<YAMLMap>;
  const Q = FastSeq as unknown as Ctor<YAMLSeq>;
  return {
    scalar: (value, source, type, range) => new S(value, source, type, range),
    pair: (key, value) => new P(key, value),
    map: () => new M(),
    seq: () => new Q(),
  };
}

/** Whether the factory's nodes look to the library (and to us) exactly like constructed ones. */
export function agreesWithLibrary(factory: NodeFactory): boolean {
  const range: Range = [0, 1, 1];
  const s = factory.scalar('a', 'a', Scalar.PLAIN, range);
  const real = constructed.scalar('a', 'a', Scalar.PLAIN, range);
  const p = factory.pair(s, s);
  const m = factory.map();
  const q = factory.seq();
  const sameKeys = (a: object, b: object) => Object.keys(a).join() === Object.keys(b).join();
  const noSchema = (c: { schema?: unknown }) => c.schema === undefined && !Object.keys(c).includes('schema');
  return (
    noSchema(m) && noSchema(q) &&
    isScalar(s) && s instanceof Scalar && !isMap(s) && sameKeys(s, real) &&
    isPair(p) && p instanceof Pair && !isScalar(p) && sameKeys(p, constructed.pair(s, s)) &&
    isMap(m) && m instanceof YAMLMap && !isSeq(m) && sameKeys(m, constructed.map()) &&
    isSeq(q) && q instanceof YAMLSeq && !isMap(q) && sameKeys(q, constructed.seq()) &&
    s.clone() instanceof Scalar && isScalar(s.clone())
  );
}

const fast = prototypeBuilt();

/** The factory the fast reader uses: prototype-built nodes, unless this `yaml` release marks nodes otherwise. */
export const nodes: NodeFactory = agreesWithLibrary(fast) ? fast : constructed;

/** For tests: both factories. */
export const nodeFactories = { fast, constructed };
