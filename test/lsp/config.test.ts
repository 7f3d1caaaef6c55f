// The language server honours the project configuration and inline suppressions exactly as the CLI.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { ROOT, TestClient, ensureBuilt } from './client';

const POLICY = `version: 1
filesystem_policy:
  include_workdir: false
  read_write:
    - /data
  read_only:
    # landlock-lens: ignore[shadowed-read-only] kept writable on purpose: the agent rotates these keys
    - /data/keys
    - /data/config
    - /usr
`;

let dir: string;
let client: TestClient;
before(async () => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lens-config-'));
  writeFileSync(join(dir, '.landlock-lens.yaml'), 'rules:\n  truncate-not-restricted: off\n  shadowed-read-only: warning\n');
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
  client = await TestClient.start({ initializationOptions: { debounceMs: 0 } });
});
after(() => {
  client?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function cliFindings(file: string): { ruleId: string; severity: string; line: number }[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [join(ROOT, 'server/out/cli.js'), 'check', file, '--format', 'json'], { encoding: 'utf8' });
  } catch (e) {
    out = (e as { stdout: string }).stdout;
  }
  return JSON.parse(out).files[0].findings.map((f: { ruleId: string; severity: string; line: number }) => ({ ruleId: f.ruleId, severity: f.severity, line: f.line }));
}

test('rule levels and suppressions from .landlock-lens.yaml apply in the editor as in the CLI', async () => {
  const uri = pathToFileURL(join(dir, 'policy.yaml')).href;
  client.open(uri, POLICY, 1);
  const published = await client.diagnostics(uri);
  const editor = published.diagnostics.map((d) => ({ ruleId: String(d.code), severity: ['', 'error', 'warning', 'info', 'hint'][d.severity ?? 0], line: d.range.start.line + 1 }));
  assert.ok(!editor.some((d) => d.ruleId === 'truncate-not-restricted'), 'turned off by the configuration');
  assert.ok(!editor.some((d) => d.ruleId === 'shadowed-read-only' && d.line === 8), 'suppressed with a reason on the line above');
  assert.deepEqual(editor.filter((d) => d.ruleId === 'shadowed-read-only'), [{ ruleId: 'shadowed-read-only', severity: 'warning', line: 9 }], 'level from the configuration');
  assert.deepEqual(editor, cliFindings(join(dir, 'policy.yaml')), 'the same findings as the CLI');
});

test('a broken configuration is reported on the configuration file itself', async () => {
  const sub = join(dir, 'sub');
  execFileSync('mkdir', ['-p', sub]);
  writeFileSync(join(sub, '.landlock-lens.yaml'), 'rules:\n  shadowed-read-only: loud\n');
  writeFileSync(join(sub, 'policy.yaml'), POLICY);
  const uri = pathToFileURL(join(sub, 'policy.yaml')).href;
  const configUri = pathToFileURL(join(sub, '.landlock-lens.yaml')).href;
  client.open(uri, POLICY, 1);
  const onConfig = await client.diagnostics(configUri, (p) => p.diagnostics.length > 0);
  assert.equal(onConfig.diagnostics[0].code, 'config');
  assert.equal(onConfig.diagnostics[0].range.start.line, 1);
});

test('an untrusted workspace: the tree listing named by .landlock-lens.yaml is not read, and the configuration file says so', async () => {
  const project = mkdtempSync(join(tmpdir(), 'lens-trust-'));
  const policy = 'version: 1\nfilesystem_policy:\n  read_write: [/sandbox/notes.txt]\n';
  writeFileSync(join(project, 'sandbox.tree'), 'd /sandbox\nf /sandbox/notes.txt\n');
  writeFileSync(join(project, '.landlock-lens.yaml'), 'workdir: /sandbox\ntreeListing: sandbox.tree\n');
  writeFileSync(join(project, 'policy.yaml'), policy);
  const uri = pathToFileURL(join(project, 'policy.yaml')).href;
  const configUri = pathToFileURL(join(project, '.landlock-lens.yaml')).href;
  const trusted = await TestClient.start({ initializationOptions: { debounceMs: 0, workspaceTrusted: true } });
  const untrusted = await TestClient.start({ initializationOptions: { debounceMs: 0, workspaceTrusted: false } });
  try {
    trusted.open(uri, policy, 1);
    const withListing = await trusted.diagnostics(uri);
    assert.ok(withListing.diagnostics.some((d) => d.code === 'read-write-file'), 'trusted: the listing says notes.txt is a file');

    untrusted.open(uri, policy, 1);
    const without = await untrusted.diagnostics(uri);
    assert.ok(!without.diagnostics.some((d) => d.code === 'read-write-file'), 'untrusted: the listing is not read (standard image)');
    const onConfig = await untrusted.diagnostics(configUri, (p) => p.diagnostics.length > 0);
    assert.equal(onConfig.diagnostics.length, 1);
    assert.equal(onConfig.diagnostics[0].code, 'config');
    assert.equal(onConfig.diagnostics[0].severity, 2, 'a warning');
    assert.equal(onConfig.diagnostics[0].range.start.line, 1, 'on the treeListing value');
    assert.match(String(onConfig.diagnostics[0].message), /not read: the workspace is not trusted/);
  } finally {
    trusted.dispose();
    untrusted.dispose();
    rmSync(project, { recursive: true, force: true });
  }
});
