// The JSON Schema of a policy file, validated with ajv on the loader view, with every error rewritten
// into the words of OpenShell's loader (serde_yml + serde-derive) and placed on the exact YAML node.
import type { ErrorObject, ValidateFunction } from 'ajv';
import schemaJson from '../../../../schemas/openshell-policy.schema.json';
import { compilePolicyValidator } from './schema-validator';
import type { LoaderView, NodeOrigin } from '../yaml/parse';
import type { Span } from '../types';

export const POLICY_SCHEMA: Record<string, unknown> = schemaJson as Record<string, unknown>;

export interface SchemaProblem {
  message: string;
  span: Span;
  yamlPath: (string | number)[];
  subject: string;
}

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (!compiled) {
    compiled = compilePolicyValidator(POLICY_SCHEMA);
  }
  return compiled;
}

function decodePointer(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

/** serde_yml's path display: `network_policies.npm.endpoints[0]`. Numbers are sequence indexes. */
export function serdePath(segments: (string | number)[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

function prefixed(segments: (string | number)[], text: string): string {
  const path = serdePath(segments);
  return path ? `${path}: ${text}` : text;
}

/** serde's `OneOf` display for the list of expected fields. */
export function oneOf(names: string[]): string {
  const q = names.map((n) => `\`${n}\``);
  if (q.length === 0) return 'there are no fields';
  if (q.length === 1) return q[0];
  if (q.length === 2) return `${q[0]} or ${q[1]}`;
  return `one of ${q.join(', ')}`;
}

function rustFloat(n: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? 'inf' : '-inf';
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

/** serde's `Unexpected` display for the value found, from the YAML node it came from. */
function unexpected(value: unknown, origin: NodeOrigin | undefined): string {
  if (Array.isArray(value)) return 'sequence';
  if (typeof value === 'object' && value !== null) return 'map';
  const text = origin?.scalarText;
  if (origin?.quoted || !origin?.plain) return `string ${JSON.stringify(text ?? String(value ?? ''))}`;
  if (value === null) return 'unit value';
  if (typeof value === 'boolean') return `boolean \`${value}\``;
  if (typeof value === 'number') return Number.isInteger(value) && !/[.eE]/.test(text ?? '') ? `integer \`${value}\`` : `floating point \`${rustFloat(value)}\``;
  // Integer-valued floats (`1.0`, `1e3`) are kept as text by the loader view; serde sees a float.
  if (text !== undefined && /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text) && !/^[-+]?0[0-9]/.test(text)) {
    return `floating point \`${rustFloat(Number(text))}\``;
  }
  return `string ${JSON.stringify(String(value))}`;
}

/** What serde says it expected, from the schema node (`x-rust-type` where the schema gives one). */
function expected(schema: Record<string, unknown> | undefined): string {
  if (!schema) return 'a value';
  const rust = schema['x-rust-type'];
  if (typeof rust === 'string') {
    if (rust === 'bool') return 'a boolean';
    if (rust === 'string' || rust === 'String') return 'a string';
    return rust;
  }
  const type = Array.isArray(schema.type) ? schema.type.filter((t) => t !== 'null')[0] : schema.type;
  switch (type) {
    case 'boolean': return 'a boolean';
    case 'string': return 'a string';
    case 'array': return 'a sequence';
    case 'object': return 'a map';
    case 'integer': return 'an integer';
    case 'number': return 'a number';
    default: return 'a value';
  }
}

function schemaTypes(schema: Record<string, unknown> | undefined): string[] {
  if (!schema) return [];
  const t = schema.type;
  return Array.isArray(t) ? (t as string[]) : typeof t === 'string' ? [t] : [];
}

function valueAt(root: unknown, segments: (string | number)[]): unknown {
  let v: unknown = root;
  for (const s of segments) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[s as string];
  }
  return v;
}

function isScalarValue(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

export function validateSchema(view: LoaderView, rootFallback: Span): SchemaProblem[] {
  const validate = validator();
  if (validate(view.value)) return [];
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  const add = (p: SchemaProblem) => {
    const key = `${p.span.start}:${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  };
  for (const error of (validate.errors ?? []) as ErrorObject[]) {
    // Branch-level errors inside anyOf/oneOf are summarised by the anyOf error itself.
    if (/\/(anyOf|oneOf)\/\d+\//.test(error.schemaPath)) continue;
    const segments = decodePointer(error.instancePath);
    const origin = view.origins.get(error.instancePath);
    const parentSchema = error.parentSchema as Record<string, unknown> | undefined;
    const value = valueAt(view.value, segments);
    const span = origin?.span ?? rootFallback;
    switch (error.keyword) {
      case 'additionalProperties': {
        const prop = String((error.params as { additionalProperty: string }).additionalProperty);
        const child = view.origins.child(error.instancePath, prop);
        const names = Object.keys((parentSchema?.properties as Record<string, unknown>) ?? {});
        add({ message: prefixed(segments, `unknown field \`${prop}\`, expected ${oneOf(names)}`), span: child?.keySpan ?? span, yamlPath: [...segments, prop], subject: prop });
        break;
      }
      case 'required': {
        const prop = String((error.params as { missingProperty: string }).missingProperty);
        const at = origin?.keySpan ?? (segments.length === 0 ? firstLine(rootFallback) : span);
        add({ message: prefixed(segments, `missing field \`${prop}\``), span: at, yamlPath: segments, subject: prop });
        break;
      }
      case 'type': {
        const types = schemaTypes(parentSchema);
        // serde_yml accepts any scalar where a string is expected (`read_only: [123]` is "123").
        if (types.includes('string') && isScalarValue(value)) break;
        // `key:` with nothing after it is an empty list or map to serde_yml.
        if ((types.includes('array') || types.includes('object')) && origin?.emptyPlain) break;
        add({ message: prefixed(segments, `invalid type: ${unexpected(value, origin)}, expected ${expected(parentSchema)}`), span, yamlPath: segments, subject: String(origin?.scalarText ?? '') });
        break;
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        add({ message: prefixed(segments, `invalid value: ${unexpected(value, origin)}, expected ${expected(parentSchema)}`), span, yamlPath: segments, subject: String(value) });
        break;
      case 'enum': {
        const options = ((parentSchema?.enum as unknown[]) ?? []).map(String);
        if (typeof value === 'string' || (isScalarValue(value) && origin?.scalarText !== undefined)) {
          add({ message: prefixed(segments, `unknown variant \`${origin?.scalarText ?? String(value)}\`, expected ${oneOf(options)}`), span, yamlPath: segments, subject: String(value) });
        } else {
          add({ message: prefixed(segments, `invalid type: ${unexpected(value, origin)}, expected ${expected(parentSchema)}`), span, yamlPath: segments, subject: '' });
        }
        break;
      }
      case 'anyOf':
      case 'oneOf': {
        const branches = ((parentSchema?.[error.keyword] as Record<string, unknown>[]) ?? []);
        const accepted = branches.flatMap((b) => schemaTypes(b));
        if (accepted.includes('string') && isScalarValue(value)) break;
        if ((accepted.includes('array') || accepted.includes('object')) && origin?.emptyPlain) break;
        add({ message: prefixed(segments, `invalid type: ${unexpected(value, origin)}, expected ${expected(parentSchema ?? branches[0])}`), span, yamlPath: segments, subject: '' });
        break;
      }
      default:
        add({ message: prefixed(segments, `invalid value: ${unexpected(value, origin)}, expected ${error.message ?? 'a valid value'}`), span, yamlPath: segments, subject: '' });
    }
  }
  return problems;
}

type SchemaNode = Record<string, unknown>;

/** Follows a local `$ref` (`#/definitions/name`). */
function resolveRef(node: SchemaNode | undefined): SchemaNode | undefined {
  const ref = node?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return node;
  let target: unknown = POLICY_SCHEMA;
  for (const part of ref.slice(2).split('/')) target = (target as SchemaNode | undefined)?.[part];
  return target as SchemaNode | undefined;
}

/**
 * The schema of the value at a path of the document: through properties, map values and list items,
 * taking the first anyOf/oneOf branch that holds a mapping (a key segment) or a list (an index).
 */
function schemaAt(segments: (string | number)[]): SchemaNode | undefined {
  let node = resolveRef(POLICY_SCHEMA);
  for (const segment of segments) {
    node = branchFor(node, typeof segment === 'number' ? 'array' : 'object');
    if (!node) return undefined;
    if (typeof segment === 'number') node = resolveRef(node.items as SchemaNode | undefined);
    else {
      const props = node.properties as Record<string, SchemaNode> | undefined;
      node = resolveRef(props?.[segment] ?? (typeof node.additionalProperties === 'object' ? (node.additionalProperties as SchemaNode) : undefined));
    }
  }
  return branchFor(node, 'object');
}

function branchFor(node: SchemaNode | undefined, type: 'object' | 'array'): SchemaNode | undefined {
  if (!node) return undefined;
  const branches = (node.anyOf ?? node.oneOf) as SchemaNode[] | undefined;
  if (!branches) return node;
  return branches.map(resolveRef).find((b) => b && (schemaTypes(b).includes(type) || (type === 'object' ? b.properties || b.additionalProperties : b.items)));
}

/**
 * Mapping keys that are not scalars (`? [a]: b`, `{x: 1}: c`). serde_yml reads a key of a struct as a
 * field identifier and a key of a map as a String, from a scalar only: anything else is the usual
 * invalid-type error, with the path of the mapping that holds the key.
 */
export function complexKeyProblems(view: LoaderView): SchemaProblem[] {
  return view.complexKeys.map((k) => {
    const container = schemaAt(k.containerPath);
    const isMap = !!container && (typeof container.additionalProperties === 'object' || !!container.patternProperties);
    const message = prefixed(k.containerPath, `invalid type: ${k.kind}, expected ${isMap ? 'a string' : 'field identifier'}`);
    return { message, span: k.span, yamlPath: k.containerPath, subject: `complex-key:${k.span.start}` };
  });
}

function firstLine(span: Span): Span {
  return { start: span.start, end: span.start };
}
