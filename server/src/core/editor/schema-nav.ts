// Reads the policy JSON Schema for editor features (key hovers, completion). The schema is written
// by hand and keeps changing, so it is walked generically: `$ref`, `properties`,
// `additionalProperties`, `items` and the `anyOf`/`oneOf`/`allOf` alternatives, nothing keyed to
// today's layout.
import { POLICY_SCHEMA } from '../policy/schema';

export type SchemaNode = Record<string, unknown>;

function isNode(v: unknown): v is SchemaNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Follows local `$ref`s (`#/definitions/x`, `#/$defs/x`, any JSON pointer into the root). */
export function deref(node: unknown, root: SchemaNode = POLICY_SCHEMA): SchemaNode | undefined {
  let current = node;
  for (let hops = 0; hops < 32 && isNode(current); hops++) {
    const ref = current.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#')) return current;
    let target: unknown = root;
    for (const raw of ref.slice(1).split('/').filter(Boolean)) {
      const seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      target = isNode(target) ? target[seg] : undefined;
    }
    current = target;
  }
  return isNode(current) ? current : undefined;
}

/** The node itself and the alternatives it combines (resolved), depth-first. */
function variants(node: SchemaNode | undefined, root: SchemaNode, depth = 0): SchemaNode[] {
  if (!node || depth > 8) return [];
  const out = [node];
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const list = node[key];
    if (!Array.isArray(list)) continue;
    for (const alt of list) out.push(...variants(deref(alt, root), root, depth + 1));
  }
  return out;
}

/** The schema of the value at a YAML path (strings: mapping keys; numbers: sequence indexes). */
export function schemaAt(path: readonly (string | number)[], root: SchemaNode = POLICY_SCHEMA): SchemaNode | undefined {
  let node: SchemaNode | undefined = deref(root, root);
  for (const seg of path) {
    if (!node) return undefined;
    let next: SchemaNode | undefined;
    for (const v of variants(node, root)) {
      if (typeof seg === 'number') {
        const items = v.items;
        next = deref(Array.isArray(items) ? items[Math.min(seg, items.length - 1)] : items, root);
      } else {
        const props = v.properties;
        if (isNode(props) && Object.prototype.hasOwnProperty.call(props, seg)) next = deref(props[seg], root);
        else if (isNode(v.additionalProperties)) next = deref(v.additionalProperties, root);
      }
      if (next) break;
    }
    node = next;
  }
  return node;
}

export interface SchemaProperty {
  name: string;
  schema: SchemaNode;
}

/** The named properties an object at this node accepts (from every alternative). */
export function propertiesOf(node: SchemaNode | undefined, root: SchemaNode = POLICY_SCHEMA): SchemaProperty[] {
  const out: SchemaProperty[] = [];
  const seen = new Set<string>();
  for (const v of variants(node, root)) {
    if (!isNode(v.properties)) continue;
    for (const [name, sub] of Object.entries(v.properties)) {
      const resolved = deref(sub, root);
      if (seen.has(name) || !resolved) continue;
      seen.add(name);
      out.push({ name, schema: resolved });
    }
  }
  return out;
}

export interface EnumValue {
  value: string;
  description?: string;
  markdownDescription?: string;
}

/** Values a scalar may take: `enum`s, `const`s and `true`/`false` for booleans. */
export function enumValuesOf(node: SchemaNode | undefined, root: SchemaNode = POLICY_SCHEMA): EnumValue[] {
  const out: EnumValue[] = [];
  const seen = new Set<string>();
  const add = (value: unknown, description?: unknown, markdownDescription?: unknown) => {
    if (value === null || typeof value === 'object') return;
    const text = String(value);
    if (seen.has(text)) return;
    seen.add(text);
    out.push({
      value: text,
      description: typeof description === 'string' ? description : undefined,
      markdownDescription: typeof markdownDescription === 'string' ? markdownDescription : undefined,
    });
  };
  for (const v of variants(node, root)) {
    if (Array.isArray(v.enum)) {
      const descriptions = Array.isArray(v.enumDescriptions) ? v.enumDescriptions : [];
      const markdown = Array.isArray(v.markdownEnumDescriptions) ? v.markdownEnumDescriptions : [];
      v.enum.forEach((value, i) => add(value, descriptions[i], markdown[i]));
    }
    if ('const' in v) add(v.const, v.description, v.markdownDescription);
  }
  if (typesOf(node, root).has('boolean')) {
    add('true');
    add('false');
  }
  return out;
}

/** Every JSON type the node (or an alternative) allows. */
export function typesOf(node: SchemaNode | undefined, root: SchemaNode = POLICY_SCHEMA): Set<string> {
  const types = new Set<string>();
  for (const v of variants(node, root)) {
    const t = v.type;
    if (typeof t === 'string') types.add(t);
    else if (Array.isArray(t)) for (const x of t) if (typeof x === 'string') types.add(x);
    if (isNode(v.properties) || isNode(v.additionalProperties)) types.add('object');
    if (v.items !== undefined) types.add('array');
  }
  return types;
}

/** The description of a node, Markdown or plain, from the first variant that has one. */
export function descriptionOf(node: SchemaNode | undefined, markdown: boolean, root: SchemaNode = POLICY_SCHEMA): string | undefined {
  for (const v of variants(node, root)) {
    const md = typeof v.markdownDescription === 'string' ? v.markdownDescription : undefined;
    const plain = typeof v.description === 'string' ? v.description : undefined;
    if (markdown && (md ?? plain)) return md ?? plain;
    if (!markdown && (plain ?? md)) return plain ?? md;
  }
  return undefined;
}

/** A short type label for completion details, e.g. `boolean`, `string`, `object`, `array`. */
export function typeLabel(node: SchemaNode | undefined, root: SchemaNode = POLICY_SCHEMA): string {
  const types = [...typesOf(node, root)].filter((t) => t !== 'null');
  return types.length ? types.join(' | ') : 'any';
}
