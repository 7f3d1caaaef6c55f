// The extension manifest (package.json): what VS Code and vsce read before any of our code runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';

const ROOT = join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

/** The settings the language server reads (the client/server contract), with their types. */
const SETTINGS: Record<string, string> = {
  'landlockLens.workdir': 'string',
  'landlockLens.gpu': 'boolean',
  'landlockLens.abi': 'integer',
  'landlockLens.policyFiles': 'array',
  'landlockLens.inlayHints.enabled': 'boolean',
  'landlockLens.treeListing': 'string',
  'landlockLens.sandboxFolders': 'object',
  'landlockLens.debounceMs': 'number',
  'landlockLens.maxDiagnostics': 'integer',
  'landlockLens.trace.server': 'string',
};

test('settings: exactly the contract, each with a description, a scope and a default of its type', () => {
  const props: Record<string, any> = contributes.configuration.properties;
  assert.equal(contributes.configuration.title, 'Landlock Lens');
  assert.deepEqual(Object.keys(props).sort(), Object.keys(SETTINGS).sort());
  for (const [key, p] of Object.entries(props)) {
    assert.equal(p.type, SETTINGS[key], key);
    assert.ok((p.description ?? p.markdownDescription ?? '').length > 20, `${key} needs a description`);
    // trace.server only changes this window's output; everything else can differ per folder.
    assert.equal(p.scope, key === 'landlockLens.trace.server' ? 'window' : 'resource', key);
    const t = p.type === 'integer' ? 'number' : p.type;
    const actual = Array.isArray(p.default) ? 'array' : typeof p.default;
    assert.equal(actual, t, `${key} default`);
    if (p.enum) assert.ok(p.enum.includes(p.default), `${key} default is one of its values`);
  }
  assert.equal(props['landlockLens.workdir'].default, '/sandbox');
  assert.equal(props['landlockLens.abi'].default, 2, 'OpenShell pins Landlock ABI 2');
  assert.deepEqual([props['landlockLens.abi'].minimum, props['landlockLens.abi'].maximum], [1, 7]);
  assert.deepEqual(props['landlockLens.trace.server'].enum, ['off', 'messages', 'verbose']);
  assert.equal(props['landlockLens.maxDiagnostics'].default, 1000, "VS Code's own limit per file");
  assert.equal(props['landlockLens.maxDiagnostics'].minimum, 0);
});

test('activation: only when a YAML file opens (commands activate by themselves since VS Code 1.74)', () => {
  assert.deepEqual(pkg.activationEvents, ['onLanguage:yaml']);
});

test('commands: each has a title and the "Landlock Lens" category, and has a handler in the client', () => {
  const source = readFileSync(join(ROOT, 'client/src/commands.ts'), 'utf8');
  const registered = [...source.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]).sort();
  const contributed = contributes.commands.map((c: any) => c.command).sort();
  assert.deepEqual(contributed, ['landlockLens.explainPath', 'landlockLens.restartServer', 'landlockLens.showEffectiveAccess', 'landlockLens.showOutput']);
  assert.deepEqual(registered, contributed, 'a contributed command without a handler fails with "command not found"');
  for (const c of contributes.commands) {
    assert.ok(c.title?.length > 0, `${c.command} title`);
    assert.equal(c.category, 'Landlock Lens', `${c.command} category`);
  }
  for (const [menu, items] of Object.entries<any[]>(contributes.menus)) {
    for (const item of items) assert.ok(contributed.includes(item.command), `${menu} refers to unknown ${item.command}`);
  }
});

/** Caret range check for ^MAJOR.MINOR.PATCH with MAJOR >= 1 (the only form we use). */
function satisfiesCaret(range: string, version: string): boolean {
  const m = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range);
  assert.ok(m, `unsupported range ${range}`);
  const want = m.slice(1).map(Number);
  const have = version.split('.').map(Number);
  if (have[0] !== want[0]) return false;
  for (let i = 1; i < 3; i++) if (have[i] !== want[i]) return have[i] > want[i];
  return true;
}

test('engines.vscode accepts VS Code 1.91 and 1.100.3 (code-server 4.100.3), not 1.90 or 2.0', () => {
  const range = pkg.engines.vscode;
  assert.equal(satisfiesCaret(range, '1.91.0'), true);
  assert.equal(satisfiesCaret(range, '1.100.3'), true);
  assert.equal(satisfiesCaret(range, '1.90.2'), false);
  assert.equal(satisfiesCaret(range, '2.0.0'), false);
  // vsce refuses to package when @types/vscode is newer than the oldest VS Code we claim to support.
  assert.equal(satisfiesCaret(range, pkg.devDependencies['@types/vscode']), true);
});

test('main is the bundled client; the icon is a 128x128 PNG', () => {
  assert.equal(pkg.main.replace(/^\.\//, ''), 'client/out/extension.js');
  const png = readFileSync(join(ROOT, pkg.icon));
  assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
});

test('capabilities: limited in untrusted workspaces (settings that name files are withheld), supported in virtual ones', () => {
  const untrusted = pkg.capabilities.untrustedWorkspaces;
  assert.equal(untrusted.supported, 'limited');
  assert.deepEqual(untrusted.restrictedConfigurations, ['landlockLens.treeListing', 'landlockLens.sandboxFolders']);
  for (const key of untrusted.restrictedConfigurations) assert.ok(pkg.contributes.configuration.properties[key], `${key} is a setting`);
  assert.match(untrusted.description, /Restricted Mode/);
  assert.equal(pkg.capabilities.virtualWorkspaces, true);
});

test('grammar contribution: an injection into YAML whose file declares the same scope name', () => {
  assert.equal(contributes.grammars.length, 1);
  const g = contributes.grammars[0];
  assert.deepEqual(g.injectTo, ['source.yaml']);
  assert.equal(g.language, undefined, 'an injection grammar must not claim a language');
  const file = JSON.parse(readFileSync(join(ROOT, g.path), 'utf8'));
  assert.equal(file.scopeName, g.scopeName);
  assert.match(file.injectionSelector, /^L:source\.yaml /);
});

// yamlValidation feeds Red Hat's YAML extension, which then validates matching files against our
// schema. A pattern that also matches other tools' YAML would cover those files in false errors,
// so the names are specific: the ones OpenShell, OpenShell-Community and NemoClaw actually use.
const POLICY_NAMES = [
  'sandbox-policy.yaml',
  'examples/local-inference/sandbox-policy.yaml',
  'deploy/docker/sandbox/dev-sandbox-policy.yaml',
  'sandboxes/base/policy.yaml',
  'projects/reachy-mini-openshell/openshell/policy-motion-disabled.yaml',
  'nemoclaw-blueprint/policies/openclaw-sandbox.yaml',
  'nemoclaw-blueprint/policies/openclaw-sandbox-permissive.yml',
];
const UNRELATED_NAMES = [
  '.github/workflows/policy.yaml',
  '.github/workflows/sandbox-policy-check.yml',
  'k8s/network-policy.yaml',
  'k8s/pod-security-policy.yaml',
  'policies/require-labels.yaml', // Kyverno
  'policy/policy.yaml',
  'docker-compose.yaml',
  'nemoclaw-blueprint/policies/presets/npm.yaml', // a NemoClaw preset fragment, not a policy
];

test('yamlValidation: our schema for OpenShell policy file names only', () => {
  assert.equal(contributes.yamlValidation.length, 1);
  const { fileMatch, url } = contributes.yamlValidation[0];
  assert.equal(url, './schemas/openshell-policy.schema.json');
  assert.ok(existsSync(join(ROOT, url)), 'the schema file ships with the extension');
  JSON.parse(readFileSync(join(ROOT, url), 'utf8'));
  const isMatch = picomatch(fileMatch, { dot: true });
  for (const name of POLICY_NAMES) assert.ok(isMatch(name), `${name} should get the schema`);
  for (const name of UNRELATED_NAMES) assert.ok(!isMatch(name), `${name} must not get the schema`);
});

test('the README documents every setting (with its default) and every command the manifest contributes', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s*\n\s*/g, ' ');
  for (const [key, p] of Object.entries<any>(contributes.configuration.properties)) {
    const row = new RegExp(`\\| \`${key.replace(/\./g, '\\.')}\` \\| \`([^\`]*)\` \\|`).exec(readme);
    assert.ok(row, `README settings table has a row for ${key}`);
    const shown = typeof p.default === 'string' ? (p.default === '' ? '""' : p.default) : JSON.stringify(p.default);
    assert.equal(row[1], shown, `README's default for ${key}`);
  }
  for (const c of contributes.commands) assert.ok(readme.includes(`*${c.category}: ${c.title}*`), `README names the command "${c.category}: ${c.title}"`);
});
