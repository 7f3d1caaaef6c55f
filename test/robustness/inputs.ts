// The catalogue of hostile and broken inputs the robustness tests feed to the core and the server.
// Every generator is deterministic, so a failure names an input that can be rebuilt exactly.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import type { AnalysisOptions } from '../../server/src/core/index';

export const ROOT = join(__dirname, '..', '..');
export const EXAMPLE_698 = join(ROOT, 'test/fixtures/examples/issue-698.yaml');
export const CORPUS_DIR = join(ROOT, 'test/fixtures/corpus');

export interface BadInput {
  name: string;
  text: string;
  options?: AnalysisOptions;
  /**
   * What a user must see: 'nothing' (not a policy: no finding at all), 'syntax' (at least one
   * yaml-syntax finding), 'error' (at least one error-severity finding), 'any' (no crash, well-formed
   * findings). Every input must also finish within `maxMs`.
   */
  expect: 'nothing' | 'syntax' | 'error' | 'any';
  /** Where the error must be (for wrong types: the field's key and value). */
  errorWithin?: { start: number; end: number };
  maxMs?: number;
}

export function corpusFiles(): { name: string; text: string }[] {
  return readdirSync(CORPUS_DIR)
    .filter((n) => n.endsWith('.yaml'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(CORPUS_DIR, name), 'utf8') }));
}

/** The largest corpus policy (10 KB of network policies, comments, flow and block style). */
export function largeCorpusPolicy(): { name: string; text: string } {
  return corpusFiles().reduce((a, b) => (b.text.length > a.text.length ? b : a));
}

/**
 * Truncations of a file at byte positions, decoded as UTF-8 the way an editor reads a file cut short.
 * `positions` 'all' = every byte; otherwise every `stride`-th byte plus the start and the end (before
 * the line break) of every `lines`-th line.
 */
export function truncations(name: string, text: string, positions: 'all' | { stride: number; lines: number }): BadInput[] {
  const bytes = Buffer.from(text, 'utf8');
  const at = new Set<number>([bytes.length]);
  if (positions === 'all') {
    for (let i = 0; i <= bytes.length; i++) at.add(i);
  } else {
    for (let i = 0; i <= bytes.length; i += positions.stride) at.add(i);
    let line = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] !== 0x0a) continue;
      if (line++ % positions.lines === 0) {
        at.add(i); // the line without its break
        at.add(i + 1); // the next line's start
      }
    }
  }
  return [...at].sort((a, b) => a - b).map((n) => ({ name: `${name} truncated at byte ${n}`, text: bytes.subarray(0, n).toString('utf8'), expect: 'any' as const }));
}

// ------------------------------------------------------------------------------------ wrong types

const SCHEMA = JSON.parse(readFileSync(join(ROOT, 'schemas/openshell-policy.schema.json'), 'utf8'));

type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'null' | 'array' | 'object';

interface SchemaNode {
  $ref?: string;
  type?: JsonType | JsonType[];
  anyOf?: SchemaNode[];
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
}

function deref(node: SchemaNode): SchemaNode {
  return node.$ref ? SCHEMA.definitions[node.$ref.split('/').pop()!] : node;
}

function allowedTypes(node: SchemaNode): Set<JsonType> {
  const n = deref(node);
  const out = new Set<JsonType>();
  if (n.anyOf) for (const a of n.anyOf) for (const t of allowedTypes(a)) out.add(t);
  for (const t of ([] as JsonType[]).concat(n.type ?? [])) out.add(t);
  if (n.enum && !n.type) for (const v of n.enum) out.add(v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as JsonType));
  if (out.has('number')) out.add('integer');
  return out;
}

/** One value of each JSON type, as a YAML loader would read it. */
const SAMPLES: Record<JsonType, unknown> = {
  string: 'some text',
  integer: 7,
  number: 2.5,
  boolean: true,
  null: null,
  array: ['/x', 1],
  object: { key: 'value' },
};

export interface SchemaField {
  /** Path segments; '*' is a map key of an additionalProperties map, 0 an array item. */
  path: (string | number)[];
  allowed: Set<JsonType>;
  /** Reached through one branch of an anyOf: another branch may accept the value. */
  loose: boolean;
}

/** Every field the schema describes (recursion through $ref bounded: each definition once per branch). */
export function schemaFields(): SchemaField[] {
  const out: SchemaField[] = [];
  const walk = (node: SchemaNode, path: (string | number)[], seen: string[], loose: boolean) => {
    if (node.$ref) {
      const name = node.$ref.split('/').pop()!;
      if (seen.includes(name)) return;
      walk(SCHEMA.definitions[name], path, [...seen, name], loose);
      return;
    }
    if (path.length) out.push({ path, allowed: allowedTypes(node), loose });
    const branches = node.anyOf ?? [node];
    const inner = loose || branches.length > 1;
    for (const b of branches) {
      const n = deref(b);
      for (const [k, v] of Object.entries(n.properties ?? {})) walk(v, [...path, k], seen, inner);
      if (n.additionalProperties && typeof n.additionalProperties === 'object') walk(n.additionalProperties, [...path, '*'], seen, inner);
      if (n.items) walk(n.items, [...path, 0], seen, inner);
    }
  };
  walk(SCHEMA, [], [], false);
  // anyOf branches may repeat a field: keep one per path.
  const unique = new Map<string, SchemaField>();
  for (const f of out) {
    const k = JSON.stringify(f.path);
    const prev = unique.get(k);
    if (prev) {
      for (const t of f.allowed) prev.allowed.add(t);
      prev.loose = prev.loose || f.loose;
    }
    else unique.set(k, f);
  }
  return [...unique.values()];
}

/** A valid policy with every section, so a wrong field is the only problem. */
function basePolicy(): Record<string, unknown> {
  return {
    version: 1,
    filesystem_policy: { include_workdir: false, read_only: ['/usr', '/etc'], read_write: ['/sandbox', '/tmp'] },
    landlock: { compatibility: 'best_effort' },
    process: { run_as_user: 'sandbox', run_as_group: 'sandbox' },
    network_policies: {
      github: {
        name: 'github',
        endpoints: [{ host: 'api.github.com', port: 443 }],
        binaries: [{ path: '/usr/bin/curl' }],
      },
    },
  };
}

function setPath(root: Record<string, unknown>, path: (string | number)[], value: unknown): (string | number)[] {
  const concrete: (string | number)[] = [];
  let node: any = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] === '*' ? (path[0] === 'network_policies' && i === 1 ? 'github' : 'entry') : path[i];
    concrete.push(seg);
    if (i === path.length - 1) {
      if (typeof seg === 'number' && Array.isArray(node)) node[seg] = value;
      else node[seg] = value;
      break;
    }
    const nextIsIndex = typeof path[i + 1] === 'number';
    let child = node[seg];
    if (nextIsIndex ? !Array.isArray(child) : !(child && typeof child === 'object' && !Array.isArray(child))) {
      child = nextIsIndex ? [] : {};
      node[seg] = child;
    }
    node = child;
  }
  return concrete;
}

/** For every schema field and every JSON type it does not accept: a policy with that field of that type. */
export function wrongTypeInputs(): BadInput[] {
  const out: BadInput[] = [];
  for (const field of schemaFields()) {
    for (const [type, sample] of Object.entries(SAMPLES) as [JsonType, unknown][]) {
      if (field.allowed.has(type)) continue;
      // serde reads an untagged plain scalar as a string where a string is expected: `7` is "7".
      if (field.allowed.has('string') && (type === 'integer' || type === 'number' || type === 'boolean')) continue;
      const policy = basePolicy();
      const concrete = setPath(policy, field.path, sample);
      const text = stringify(policy, { lineWidth: 0 });
      const doc = parseDocument(text);
      const pair = concrete.length ? doc.getIn(concrete, true) as { range?: [number, number, number] } | undefined : undefined;
      const parent = concrete.length > 1 ? doc.getIn(concrete.slice(0, -1), true) as { range?: [number, number, number] } | undefined : undefined;
      // The error belongs to the field: its value, its key, or (for an item) the list holding it.
      const within = parent?.range ? { start: parent.range[0], end: parent.range[1] } : pair?.range ? { start: pair.range[0], end: pair.range[1] } : undefined;
      const scalarWanted = !field.allowed.has('array') && !field.allowed.has('object');
      const structural = !field.loose && ((scalarWanted && (type === 'array' || type === 'object')) || (!scalarWanted && type !== 'null' && !field.allowed.has(type) && (type === 'array' || type === 'object' || !field.allowed.has('string'))));
      out.push({
        name: `${field.path.join('.')} as ${type}`,
        text,
        expect: structural ? 'error' : 'any',
        errorWithin: structural ? within : undefined,
      });
    }
  }
  return out;
}

// ------------------------------------------------------------------------------------ the rest

const POLICY_HEAD = 'version: 1\nfilesystem_policy:\n  read_only:\n    - ';

export function billionLaughs(levels = 10, width = 10): string {
  let out = 'version: 1\n';
  out += `l0: &l0 [${Array(width).fill('"lol"').join(', ')}]\n`;
  for (let i = 1; i < levels; i++) out += `l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]\n`;
  out += `filesystem_policy:\n  read_only: *l${levels - 1}\n  read_write: [*l${levels - 1}, *l${levels - 1}]\n`;
  return out;
}

function nestedBlockMappings(levels: number, indent: number): string {
  const parts = ['version: 1\nfilesystem_policy:\n'];
  for (let i = 0; i < levels; i++) parts.push(' '.repeat(indent * (i + 1)) + 'a:\n');
  return parts.join('');
}

function nestedBlockSequences(levels: number): string {
  const parts = ['version: 1\nfilesystem_policy:\n  read_only:\n'];
  for (let i = 0; i < levels; i++) parts.push(' '.repeat(i + 2) + '-\n');
  return parts.join('');
}

/** Deterministic pseudo-random bytes (xorshift), so "binary" inputs are the same on every run. */
export function pseudoRandomBytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export const ISSUE_698 = (): string => readFileSync(EXAMPLE_698, 'utf8');

/**
 * Inputs an editor can be handed: deep, huge, binary, oddly encoded, oddly broken. `scale` 'lsp' keeps
 * every kind but sizes the "huge count" inputs at 2,000 instead of 20,000 entries and leaves out the
 * 100 MB nesting (megabytes of JSON-RPC per request would only measure the pipe, within the CI budget).
 */
export function hostileInputs(scale: 'core' | 'lsp' = 'core'): BadInput[] {
  const HUGE = scale === 'core' ? 20_000 : 2_000;
  const huge = HUGE.toLocaleString('en-US');
  const p698 = ISSUE_698();
  const lf = p698;
  const out: BadInput[] = [];
  const add = (name: string, text: string, expect: BadInput['expect'] = 'any', extra: Partial<BadInput> = {}) => out.push({ name, text, expect, ...extra });

  // Alias bombs: the loader's expansion budget must keep them cheap.
  add('billion laughs (10 levels x 10)', billionLaughs(10, 10), 'syntax');
  add('billion laughs (30 levels x 2)', billionLaughs(30, 2), 'syntax');
  add('alias of an alias chain (1000 links)', 'version: 1\na0: &a0 /x\n' + Array.from({ length: 1000 }, (_, i) => `a${i + 1}: &a${i + 1} *a${i}\n`).join('') + 'filesystem_policy:\n  read_only: [*a1000]\n');
  add(`quadratic blow-up: one 100 KB anchor used ${huge} times`, `version: 1\nbig: &big "${'x'.repeat(100_000)}"\nfilesystem_policy:\n  read_only: [${Array(HUGE).fill('*big').join(', ')}]\n`);
  add('alias to an undefined anchor', 'version: 1\nfilesystem_policy:\n  read_only: [*nothing]\n', 'error');
  add('alias used as a key', 'version: 1\nk: &k read_only\nfilesystem_policy:\n  *k : [/usr]\n');
  add('recursive alias inside its own anchor', 'version: 1\nfilesystem_policy: &fs\n  read_only: *fs\n');
  add('merge keys', 'version: 1\nbase: &b {read_only: [/usr]}\nfilesystem_policy:\n  <<: *b\n  read_write: [/tmp]\n');

  // Deep nesting: 10,000 levels of every kind of collection.
  const deep = 10_000;
  add(`${deep} nested [`, POLICY_HEAD + '['.repeat(deep), 'syntax');
  add(`${deep} nested [ ... ] (closed)`, POLICY_HEAD + '['.repeat(deep) + '/x' + ']'.repeat(deep) + '\n', 'syntax');
  add(`${deep} nested {a: ...} (closed)`, POLICY_HEAD + '{a: '.repeat(deep) + 'x' + '}'.repeat(deep) + '\n', 'syntax');
  add(`${deep} nested block sequences on one line (- - - x)`, POLICY_HEAD + '- '.repeat(deep) + 'x\n', 'syntax');
  add(`${deep} nested explicit keys (? ? ? x)`, POLICY_HEAD + '? '.repeat(deep) + 'x\n', 'syntax');
  add(`${deep} nested anchored and tagged flow sequences`, POLICY_HEAD + Array.from({ length: deep }, (_, i) => `&a${i} !t [`).join('') + ']'.repeat(deep) + '\n', 'syntax');
  if (scale === 'core') add(`${deep} nested block mappings (a:\\n  a:), 2-space indent (100 MB): too large to analyse`, nestedBlockMappings(deep, 2), 'syntax');
  add('2,800 nested block mappings, 1-space indent (3.9 MB, under the size limit)', nestedBlockMappings(2800, 1), 'syntax');
  add('2,800 nested block sequences, 1-space indent (3.9 MB)', nestedBlockSequences(2800), 'syntax');
  add('400 nested block mappings (parseable: deep but legal)', nestedBlockMappings(400, 1));
  add('400 nested flow sequences in a path entry (parseable)', POLICY_HEAD + '['.repeat(400) + '/x' + ']'.repeat(400) + '\n', 'error');

  // Size: the 10 MB file is refused up front; files just under the limit are analysed in time.
  const entry = '    - /usr/lib/x\n';
  add('10 MB policy (700,000 entries)', 'version: 1\nfilesystem_policy:\n  read_only:\n' + entry.repeat(Math.ceil(10 * 1024 * 1024 / entry.length)), 'syntax');
  add('10 MB single-line comment', '# ' + 'x'.repeat(10 * 1024 * 1024) + '\n' + lf, 'syntax');
  add('10 MB non-policy YAML', 'items:\n' + '  - name: x\n'.repeat(Math.ceil(10 * 1024 * 1024 / 12)), 'nothing');
  add('1 MB policy of 40,000 distinct entries', 'version: 1\nfilesystem_policy:\n  read_only:\n' + Array.from({ length: 40_000 }, (_, i) => `    - /usr/p${i}\n`).join(''), 'error', { maxMs: 3000 });

  // Binary and encodings.
  add('binary (64 KB of random bytes as UTF-8)', pseudoRandomBytes(65536, 1).toString('utf8'));
  add('binary (64 KB of random bytes as Latin-1), forced policy', pseudoRandomBytes(65536, 2).toString('latin1'), 'any', { options: { forcePolicy: true } });
  add('policy followed by binary', lf + pseudoRandomBytes(4096, 3).toString('latin1'));
  add('NUL byte inside a path', lf.replace('/usr', '/us\u0000r'), 'syntax');
  add('NUL bytes only', '\u0000'.repeat(1000), 'nothing');
  add('NUL at the start of a policy', '\u0000' + lf, 'syntax');
  add('BOM + policy', '\uFEFF' + lf);
  add('two BOMs + policy', '\uFEFF\uFEFF' + lf);
  add('BOM in the middle of a path', lf.replace('/usr', '/u\uFEFFsr'));
  add('UTF-16 text read as UTF-8', Buffer.from('\uFEFF' + lf, 'utf16le').toString('utf8'));
  add('CRLF line endings', lf.replace(/\n/g, '\r\n'));
  add('lone CR line endings', lf.replace(/\n/g, '\r'));
  add('mixed LF / CRLF / CR', lf.split('\n').map((l, i) => l + ['\n', '\r\n', '\r'][i % 3]).join(''));
  add('CRLF without final newline', lf.replace(/\n/g, '\r\n').replace(/\r\n$/, ''));
  add('tabs for indentation', lf.replace(/^ {2}/gm, '\t'), 'syntax');
  add('tabs after the dash and before values', lf.replace(/- /g, '-\t').replace(/: /g, ':\t'));
  add('trailing whitespace and tabs everywhere', lf.replace(/\n/g, ' \t \n'));
  add('Unicode line and paragraph separators in values', lf.replace('/usr', '/u\u2028s\u2029r\u0085'));

  // Long lines and paths (100 KB), and runs of the characters regular expressions trip over.
  const K100 = 100_000;
  add('100 KB path', POLICY_HEAD + '/' + 'a'.repeat(K100) + '\n', 'error');
  add('100 KB path of 50,000 components', POLICY_HEAD + '/a'.repeat(K100 / 2) + '\n', 'error');
  add('100 KB of slashes then a name', POLICY_HEAD + '/'.repeat(K100) + 'x\n', 'error');
  add('100 KB of /..', POLICY_HEAD + '/..'.repeat(K100 / 3) + '\n', 'error');
  add('100 KB of /.', POLICY_HEAD + '/.'.repeat(K100 / 2) + '\n', 'error');
  add('100 KB read_write path under a read_write path', 'version: 1\nfilesystem_policy:\n  read_write:\n    - /sandbox\n    - /sandbox' + '/b'.repeat(K100 / 2) + '\n');
  add('100 KB key', 'version: 1\n' + 'k'.repeat(K100) + ': 1\nfilesystem_policy: {}\n', 'error');
  add('100 KB comment line', '# ' + '#'.repeat(K100) + '\n' + lf);
  add('100 KB of spaces before a value', 'version: 1\nfilesystem_policy:\n  read_only: [' + ' '.repeat(K100) + '/usr ]\n');
  add('100 KB of spaces in a multi-line empty flow list', 'version: 1\nfilesystem_policy:\n  read_only: [\n' + ' '.repeat(K100) + 'x\n  ]\n  read_write: [\n  ' + ' '.repeat(K100) + '\n  ]\n');
  add('100 KB of tabs in a line', 'version: 1\nfilesystem_policy:\n  read_only:\n    - /usr' + '\t'.repeat(K100) + '#\n');
  add('100 KB of dashes', 'version: 1\nfilesystem_policy:\n  read_only:\n    ' + '- '.repeat(K100 / 2) + '\n', 'syntax');
  add('100 KB of colons in a path', POLICY_HEAD + '/' + ':'.repeat(K100) + 'x\n');
  add('100 KB of quotes', POLICY_HEAD + '"' + '\\"'.repeat(K100 / 2) + '"\n');
  add('100 KB of stars (a glob)', POLICY_HEAD + '/' + '*'.repeat(K100) + '\n', 'error');
  add('100 KB of [ in a path under the workdir (Markdown link syntax in hovers)', 'version: 1\nfilesystem_policy:\n  include_workdir: true\n  read_only:\n    - "/sandbox/' + '['.repeat(K100) + '"\n', 'error');
  add('400 KB path of alternating backticks under the workdir (Markdown code spans in hovers)', 'version: 1\nfilesystem_policy:\n  include_workdir: true\n  read_only:\n    - "/sandbox/' + '`a'.repeat(2 * K100) + '"\n', 'error');
  add('100 KB of $ and ~', POLICY_HEAD + '/' + '$~'.repeat(K100 / 2) + '\n', 'error');
  add('100 KB host name', 'version: 1\nnetwork_policies:\n  p:\n    name: p\n    endpoints:\n      - host: ' + 'a.'.repeat(K100 / 2) + 'com\n        port: 443\n    binaries:\n      - path: /usr/bin/curl\n');
  add('100 KB of dots as a host', 'version: 1\nnetwork_policies:\n  p:\n    name: p\n    endpoints:\n      - host: ' + '.'.repeat(K100) + '\n        port: 443\n');
  add('100 KB of * as a host', 'version: 1\nnetwork_policies:\n  p:\n    name: p\n    endpoints:\n      - host: "' + '*.'.repeat(K100 / 2) + 'x"\n        port: 443\n');
  add('100 KB compatibility value', 'version: 1\nlandlock:\n  compatibility: ' + 'hard-'.repeat(K100 / 5) + '\nfilesystem_policy: {}\n');
  add('100 KB of hyphens as a compatibility value', 'version: 1\nlandlock:\n  compatibility: h' + '-'.repeat(K100) + 'x\nfilesystem_policy: {}\n');
  add('100 KB version number', 'version: ' + '9'.repeat(K100) + '\nfilesystem_policy: {}\n', 'error');
  add('100 KB run_as_user', 'version: 1\nprocess:\n  run_as_user: ' + 'r'.repeat(K100) + '\nfilesystem_policy: {}\n');

  // Unicode: BMP, astral plane (surrogate pairs), combining marks, RTL, zero-width, lone surrogates.
  add('Unicode paths (BMP)', 'version: 1\nfilesystem_policy:\n  include_workdir: true\n  read_only: [/sandbox/é, /sandbox/中文/ファイル]\n');
  add('astral-plane paths (surrogate pairs) on one line', 'version: 1\nfilesystem_policy:\n  include_workdir: true\n  read_only: ["/😀/𝒳", /sandbox/😀😀/𝄞, /sandbox/🙂/x]\n');
  add('astral-plane keys and comments', '# 😀😀😀\nversion: 1 # 𝄞\n😀: 1\nfilesystem_policy:\n  read_write: [/sandbox]\n  read_only: [/sandbox/𝒳]\n', 'error');
  add('combining marks, RTL and zero-width characters', 'version: 1\nfilesystem_policy:\n  include_workdir: true\n  read_only: [/sandbox/e\u0301, /sandbox/\u202Eevil, /sandbox/a\u200Bb]\n');
  add('lone surrogates in a path', 'version: 1\nfilesystem_policy:\n  include_workdir: true\n  read_only: ["/sandbox/\uD800x", /sandbox/\uDC00y]\n');
  add('escaped astral characters in a double-quoted path', 'version: 1\nfilesystem_policy:\n  include_workdir: true\n  read_only: ["/sandbox/\\U0001F600/\\ud83d\\ude00"]\n');
  add('control characters in paths', 'version: 1\nfilesystem_policy:\n  read_only: ["/usr/\\x01\\x1b[31m", "/\\t\\r\\n", "/\\x7f"]\n');

  // Hostile paths.
  add('paths with .. and /proc/self/root', 'version: 1\nfilesystem_policy:\n  read_only: [/sandbox/../../etc/shadow, /proc/self/root/.., /proc/self/root/etc, "/../../../../"]\n  read_write: [/proc/self/cwd/.., /sandbox/./../tmp]\n', 'error');
  add('absurd globs', 'version: 1\nfilesystem_policy:\n  read_only: ["/**/*", "/[a-z]*/**", "/{a,b}/?", "/***"]\n  read_write: ["/sandbox/**"]\n');
  add('relative and empty paths', 'version: 1\nfilesystem_policy:\n  read_only: ["", ".", "..", "a/b", "~", "~root/x", "$HOME"]\n', 'error');
  add('257 read_only entries (one over the limit)', 'version: 1\nfilesystem_policy:\n  read_only:\n' + Array.from({ length: 257 }, (_, i) => `    - /usr/p${i}\n`).join(''), 'error');
  add(`huge counts: ${huge} duplicate entries`, 'version: 1\nfilesystem_policy:\n  read_only:\n' + '    - /usr/lib/x\n'.repeat(HUGE), 'error');
  add('huge counts: 5,000 duplicates in both lists', 'version: 1\nfilesystem_policy:\n  read_write:\n' + '    - /usr/lib/x\n'.repeat(5000) + '  read_only:\n' + '    - /usr/lib/x\n'.repeat(5000), 'error');
  add(`huge counts: ${huge} entries under a read_only directory`, 'version: 1\nfilesystem_policy:\n  read_only:\n    - /usr\n' + Array.from({ length: HUGE }, (_, i) => `    - /usr/x${i}\n`).join(''), 'error');
  add('huge counts: 5,000 read_only entries shadowed by 5,000 read_write ones', 'version: 1\nfilesystem_policy:\n  read_write:\n    - /sandbox\n' + Array.from({ length: 5000 }, (_, i) => `    - /sandbox/w${i}\n`).join('') + '  read_only:\n' + Array.from({ length: 5000 }, (_, i) => `    - /sandbox/w${i}/r\n`).join(''), 'error');
  add(`huge counts: ${huge} entries in one flow list on one line`, 'version: 1\nfilesystem_policy:\n  read_only: [' + Array(HUGE).fill('/usr/lib/x').join(', ') + ']\n', 'error');
  add(`huge counts: ${huge} duplicate keys`, 'version: 1\nfilesystem_policy:\n' + '  read_only: []\n'.repeat(HUGE), 'error');
  add('huge counts: 2,000 network policies', 'version: 1\nnetwork_policies:\n' + Array.from({ length: 2000 }, (_, i) => `  p${i}:\n    name: p${i}\n    endpoints:\n      - host: h${i}.example.com\n        port: 443\n    binaries:\n      - path: /usr/bin/x\n`).join(''));

  // Streams and odd documents.
  add('two policies in one stream', lf + '---\n' + lf, 'error');
  add('1,000 empty documents', '---\n'.repeat(1000) + lf);
  add('1,000 policy documents', ('---\n' + 'version: 1\nfilesystem_policy: {read_only: [/usr]}\n').repeat(1000), 'error');
  add('document end markers and directives', '%YAML 1.2\n%TAG !e! tag:example.com,2000:\n---\n' + lf + '...\n%YAML 1.2\n---\nversion: 1\n...\n', 'error');
  add('policy after a non-policy document', 'kind: Pod\n---\n' + lf, 'error');
  add('empty file', '', 'nothing');
  add('whitespace only', '  \n\t\n\r\n', 'nothing');
  add('comments only', '# version: 1\n# filesystem_policy:\n', 'nothing');
  add('forced: empty file', '', 'any', { options: { forcePolicy: true } });
  add('forced: a scalar', 'just a string', 'error', { options: { forcePolicy: true } });
  add('forced: null', '~', 'error', { options: { forcePolicy: true } });
  add('forced: a list', '- version: 1\n- filesystem_policy: {}\n', 'error', { options: { forcePolicy: true } });
  add('modeline on an invalid document', '# landlock-lens: policy\n: : :\n', 'syntax');
  add('flow root with policy keys', '{version: 1, filesystem_policy: {read_only: [/usr], read_write: [/usr/x]}}');
  add('every top-level key null', 'version:\nfilesystem_policy:\nlandlock:\nprocess:\nnetwork_policies:\nnetwork_middlewares:\n', 'error');
  add('tags on every value', 'version: !!int 1\nfilesystem_policy: !!map\n  read_only: !!seq [!!str /usr, !custom /lib]\n  include_workdir: !!bool true\n');
  add('block scalars as paths', 'version: 1\nfilesystem_policy:\n  read_only:\n    - |\n      /usr\n    - >-\n      /lib\n');
  add('complex keys', 'version: 1\nfilesystem_policy:\n  ? [read_only]\n  : [/usr]\n  ? {a: b}\n  : x\n');

  // Not policies: left alone (no findings at all).
  add('docker compose file', 'services:\n  web:\n    image: nginx\n    volumes:\n      - /sandbox:/sandbox:ro\n', 'nothing');
  add('Kubernetes manifest', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n    - name: c\n      image: busybox\n', 'nothing');
  add('GitHub workflow', 'name: ci\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo version 1\n', 'nothing');
  add('non-policy YAML with the policy keys nested', 'config:\n  version: 1\n  filesystem_policy:\n    read_only: [/usr]\n', 'nothing');
  add('4 MB non-policy YAML', 'items:\n' + '  - {name: x, filesystem: /usr}\n'.repeat(130_000), 'nothing', { maxMs: 500 });
  add('invalid non-policy YAML', 'key: [unclosed\n  - : :\n\t- x', 'nothing');
  add('non-policy YAML with 10,000 nested [', '['.repeat(10_000), 'nothing');
  return out;
}

