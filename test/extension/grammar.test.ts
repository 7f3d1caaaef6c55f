// The injection grammar, run for real with vscode-textmate and Oniguruma (the engine VS Code uses):
// OpenShell policy keys and the two compatibility values get one extra scope, and every other token
// of every YAML file keeps exactly the scopes the YAML grammar gives it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';

const ROOT = join(__dirname, '../..');
const FIXTURES = join(__dirname, 'fixtures');
const KEY_SCOPE = 'support.type.property-name.policy.landlock-lens';
const VALUE_SCOPE = 'constant.language.compatibility.landlock-lens';
const POLICY_KEYS = new Set(['filesystem_policy', 'read_only', 'read_write', 'include_workdir', 'landlock',
  'compatibility', 'network_policies', 'network_middlewares', 'run_as_user', 'run_as_group']);
const VALUES = new Set(['hard_requirement', 'best_effort']);

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const contribution = pkg.contributes.grammars.find((g: any) => g.injectTo?.includes('source.yaml'));
const injection = JSON.parse(readFileSync(join(ROOT, contribution.path), 'utf8'));

const onigLib: Promise<vsctm.IOnigLib> = (async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  return {
    createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s: string) => new oniguruma.OnigString(s),
  };
})();

interface Token {
  line: number;
  text: string;
  scopes: string[];
}

/** A set of YAML grammars keyed by scope name (source.yaml and whatever it includes). */
type Grammars = Record<string, unknown>;

const loaded = new Map<Grammars, Map<boolean, Promise<vsctm.IGrammar | null>>>();

/** One registry per (grammar set, with/without injection): compiling the YAML grammar is the slow part. */
function yamlGrammar(grammars: Grammars, withInjection: boolean): Promise<vsctm.IGrammar | null> {
  let byMode = loaded.get(grammars);
  if (!byMode) loaded.set(grammars, (byMode = new Map()));
  let grammar = byMode.get(withInjection);
  if (!grammar) {
    const registry = new vsctm.Registry({
      onigLib,
      loadGrammar: async (scopeName) =>
        (scopeName === contribution.scopeName ? injection : grammars[scopeName]) as vsctm.IRawGrammar ?? null,
      // What VS Code does with the manifest's injectTo.
      getInjections: (scopeName) => (withInjection && contribution.injectTo.includes(scopeName) ? [contribution.scopeName] : []),
    });
    byMode.set(withInjection, (grammar = registry.loadGrammar('source.yaml')));
  }
  return grammar;
}

async function tokenize(grammars: Grammars, text: string, withInjection: boolean): Promise<Token[]> {
  const grammar = await yamlGrammar(grammars, withInjection);
  assert.ok(grammar);
  const out: Token[] = [];
  let state = vsctm.INITIAL;
  text.split(/\r?\n/).forEach((lineText, i) => {
    const r = grammar.tokenizeLine(lineText, state);
    for (const t of r.tokens) out.push({ line: i + 1, text: lineText.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    state = r.ruleStack;
  });
  return out;
}

/**
 * Tokenizes with and without the injection, asserts that the two agree token for token except for
 * one added innermost scope, and returns the tokens that got one.
 */
async function injected(grammars: Grammars, text: string): Promise<{ line: number; text: string; scope: string }[]> {
  const [plain, withInjection] = await Promise.all([tokenize(grammars, text, false), tokenize(grammars, text, true)]);
  assert.deepEqual(withInjection.map((t) => [t.line, t.text]), plain.map((t) => [t.line, t.text]), 'same token boundaries');
  const added = [];
  for (let i = 0; i < plain.length; i++) {
    const before = plain[i].scopes;
    const after = withInjection[i].scopes;
    if (after.length === before.length) {
      assert.deepEqual(after, before, `line ${plain[i].line} ${JSON.stringify(plain[i].text)}`);
      continue;
    }
    assert.deepEqual(after.slice(0, -1), before, `line ${plain[i].line}: only an innermost scope is added`);
    assert.equal(after.length, before.length + 1);
    added.push({ line: plain[i].line, text: plain[i].text, scope: after[after.length - 1] });
  }
  return added;
}

function loadDir(dir: string): Grammars {
  const out: Grammars = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const g = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    if (g.scopeName) out[g.scopeName] = g;
  }
  return out;
}

/**
 * VS Code's own YAML grammar, when a VS Code build is on this machine: LANDLOCK_LENS_VSCODE_YAML_SYNTAXES
 * (the extensions/yaml/syntaxes folder) or a code-server installed for the end-to-end tests.
 * It is not vendored: it is VS Code's code, and the stand-in grammar covers the same structure.
 */
function findVsCodeYamlSyntaxes(): string | undefined {
  const fromEnv = process.env.LANDLOCK_LENS_VSCODE_YAML_SYNTAXES;
  if (fromEnv) return fromEnv;
  const rel = 'lib/vscode/extensions/yaml/syntaxes';
  const walk = (dir: string, depth: number): string | undefined => {
    if (existsSync(join(dir, rel, 'yaml.tmLanguage.json'))) return join(dir, rel);
    if (depth === 0) return undefined;
    let names: string[] = [];
    try { names = readdirSync(dir); } catch { return undefined; }
    for (const name of names) {
      if (name.startsWith('.') && name !== '.cache') continue;
      const sub = join(dir, name);
      try { if (!statSync(sub).isDirectory()) continue; } catch { continue; }
      const found = walk(sub, depth - 1);
      if (found) return found;
    }
    return undefined;
  };
  const cache = join(ROOT, 'test/e2e/.cache');
  return existsSync(cache) ? walk(cache, 4) : undefined;
}

const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

/** The tokens of highlight-policy.yaml that must be highlighted, in order; nothing else may be. */
const EXPECTED_POLICY_HIGHLIGHTS = [
  [4, 'filesystem_policy', KEY_SCOPE],
  [5, 'include_workdir', KEY_SCOPE],
  [6, 'read_only', KEY_SCOPE],
  [9, 'read_write', KEY_SCOPE],
  [13, 'landlock', KEY_SCOPE],
  [14, 'compatibility', KEY_SCOPE],
  [14, 'best_effort', VALUE_SCOPE],
  [17, 'run_as_user', KEY_SCOPE],
  [18, 'run_as_group', KEY_SCOPE],
  [20, 'network_policies', KEY_SCOPE],
  [22, 'hard_requirement', VALUE_SCOPE],
  [26, 'network_middlewares', KEY_SCOPE],
  // `landlock` nested in a flow mapping is not a top-level section; `compatibility` is nested anyway.
  [27, 'compatibility', KEY_SCOPE],
  [27, 'hard_requirement', VALUE_SCOPE],
];

const variants: { name: string; grammars: () => Grammars }[] = [
  { name: 'stand-in YAML grammar', grammars: () => loadDir(FIXTURES) },
];
const vscodeSyntaxes = findVsCodeYamlSyntaxes();
if (vscodeSyntaxes) {
  variants.push({ name: `VS Code's YAML grammar (${vscodeSyntaxes})`, grammars: () => loadDir(vscodeSyntaxes) });
} else {
  test("VS Code's own YAML grammar", { skip: 'not on this machine: set LANDLOCK_LENS_VSCODE_YAML_SYNTAXES to a VS Code extensions/yaml/syntaxes folder, or install code-server under test/e2e/.cache' }, () => {});
}

for (const variant of variants) {
  const grammars = variant.grammars();

  test(`${variant.name}: every policy key and compatibility value is highlighted, nothing else changes`, async () => {
    const added = await injected(grammars, fixture('highlight-policy.yaml'));
    assert.deepEqual(added.map((a) => [a.line, a.text, a.scope]), EXPECTED_POLICY_HIGHLIGHTS);
  });

  for (const name of ['unrelated-compose.yaml', 'unrelated-workflow.yaml', 'unrelated-k8s.yaml']) {
    test(`${variant.name}: ${name} is tokenized exactly as without the injection`, async () => {
      assert.deepEqual(await injected(grammars, fixture(name)), []);
    });
  }

  test(`${variant.name}: the 36 real policies only gain scopes on policy keys and compatibility values`, async () => {
    const dir = join(ROOT, 'test/fixtures/corpus');
    const files = readdirSync(dir).filter((n) => n.endsWith('.yaml'));
    assert.ok(files.length >= 30, 'the corpus is there');
    let withFilesystem = 0;
    for (const name of files) {
      const text = readFileSync(join(dir, name), 'utf8');
      const added = await injected(grammars, text);
      for (const a of added) {
        const expected = POLICY_KEYS.has(a.text) ? KEY_SCOPE : VALUES.has(a.text) ? VALUE_SCOPE : undefined;
        assert.equal(a.scope, expected, `${name}:${a.line} ${a.text}`);
      }
      if (/^filesystem_policy:/m.test(text)) {
        withFilesystem++;
        assert.ok(added.some((a) => a.text === 'filesystem_policy'), `${name}: filesystem_policy highlighted`);
        assert.ok(added.some((a) => a.text === 'read_only' || a.text === 'read_write'), `${name}: a path list highlighted`);
      }
    }
    assert.ok(withFilesystem >= 25);
  });
}
