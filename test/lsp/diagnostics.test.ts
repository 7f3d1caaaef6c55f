// The bundled language server over stdio: diagnostics (push and pull), versions, debouncing,
// settings, and staying alive on broken input.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fork } from 'node:child_process';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { IPCMessageReader, IPCMessageWriter, createMessageConnection } from 'vscode-languageserver-protocol/node';
import { DEFAULT_CAPABILITIES, ROOT, SERVER, TestClient, ensureBuilt, fileUri } from './client';

const ISSUE_698 = readFileSync(join(ROOT, 'test/fixtures/examples/issue-698.yaml'), 'utf8');
const URI_698 = fileUri('examples/issue-698.yaml');
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length - 1;

before(ensureBuilt);

describe('push diagnostics', () => {
  let client: TestClient;
  before(async () => {
    // No limit on diagnostics per file: the 5,000-entry publication below is about encoding them all.
    client = await TestClient.start({ initializationOptions: { debounceMs: 0, maxDiagnostics: 0 } });
  });
  after(() => client.dispose());

  test('#698: shadowed-read-only on the SOUL.md line, related to the /sandbox entry, with version and rule page', async () => {
    client.open(URI_698, ISSUE_698, 1);
    const published = await client.diagnostics(URI_698);
    assert.equal(published.version, 1);
    const shadowed = published.diagnostics.find((d) => d.code === 'shadowed-read-only');
    assert.ok(shadowed, `no shadowed-read-only in ${JSON.stringify(published.diagnostics.map((d) => d.code))}`);
    assert.equal(shadowed.range.start.line, lineOf(ISSUE_698, 'SOUL.md'));
    assert.equal(ISSUE_698.split('\n')[shadowed.range.start.line].slice(shadowed.range.start.character, shadowed.range.end.character), '/sandbox/.openclaw/workspace/SOUL.md');
    assert.equal(shadowed.severity, 1);
    assert.equal(shadowed.source, 'landlock-lens');
    assert.match(shadowed.message as string, /read-write/);
    assert.match(shadowed.codeDescription!.href, /shadowed-read-only\.md$/);
    const at = shadowed.relatedInformation?.find((r) => r.location.range.start.line === lineOf(ISSUE_698, '- /sandbox\n'));
    assert.ok(at, 'a related location on the `- /sandbox` line');
    assert.equal(at.location.uri, URI_698);
    // Just what finds the finding again in a later version (the rule id is the code).
    assert.deepEqual(shadowed.data, { yamlPath: ['filesystem_policy', 'read_only', 3], subject: '/sandbox/.openclaw/workspace/SOUL.md' });
  });

  test('an edit that fixes the policy clears the diagnostic', async () => {
    const fixed = ISSUE_698.replace('    - /sandbox\n', '').replace('include_workdir: true', 'include_workdir: false');
    client.change(URI_698, 2, fixed);
    const published = await client.diagnostics(URI_698, (p) => p.version === 2);
    assert.deepEqual(published.diagnostics.filter((d) => d.code === 'shadowed-read-only'), []);
    // Undo, so the diagnostic comes back: the server follows the text, not a stale cache.
    client.change(URI_698, 3, ISSUE_698);
    const back = await client.diagnostics(URI_698, (p) => p.version === 3);
    assert.ok(back.diagnostics.some((d) => d.code === 'shadowed-read-only'));
  });

  // Thousands of diagnostics take the stdio encoder's element-by-element path (server/src/lsp/json-encoder.ts),
  // and the next publication reuses its buffer: both must arrive whole.
  test('5,000 shadowed entries: every diagnostic arrives, and an edit\'s publication after it is whole too', async () => {
    const entries = (n: number, name: string) => Array.from({ length: n }, (_, i) => `    - /data/${name}-${i}.md   # ü ${i}`).join('\n');
    const text = (name: string) => `version: 1\nfilesystem_policy:\n  read_write:\n    - /data\n  read_only:\n${entries(5000, name)}\n`;
    const uri = fileUri('large-publication.yaml');
    client.open(uri, text('first'), 1);
    const first = await client.diagnostics(uri, (p) => p.version === 1);
    const shadowed = first.diagnostics.filter((d) => d.code === 'shadowed-read-only');
    assert.equal(shadowed.length, 5000);
    assert.match(shadowed[4999].message as string, /`\/data\/first-4999\.md`/);
    client.change(uri, 2, text('second'));
    const second = await client.diagnostics(uri, (p) => p.version === 2);
    const again = second.diagnostics.filter((d) => d.code === 'shadowed-read-only');
    assert.equal(again.length, 5000);
    assert.deepEqual(again.map((d) => d.range.start.line), shadowed.map((d) => d.range.start.line));
    assert.ok(again.every((d, i) => (d.message as string).includes(`/data/second-${i}.md`)));
    client.close(uri); // the later tests of this session need not carry it
  });

  test('closing a document clears its diagnostics', async () => {
    const uri = fileUri('closing.yaml');
    client.open(uri, ISSUE_698, 1);
    await client.diagnostics(uri, (p) => p.diagnostics.length > 0);
    const since = client.published.length;
    client.close(uri);
    const cleared = await client.diagnostics(uri, () => true, 5000, since);
    assert.deepEqual(cleared.diagnostics, []);
  });

  test('broken YAML gets yaml-syntax and the server keeps answering', async () => {
    const uri = fileUri('broken.yaml');
    client.open(uri, 'version: 1\nfilesystem_policy:\n  read_only: [/usr\n  read_write: "unterminated\n', 1);
    const published = await client.diagnostics(uri);
    assert.ok(published.diagnostics.some((d) => d.code === 'yaml-syntax'), JSON.stringify(published.diagnostics));
    // A request on the broken document is answered (a hover on a key is none), and so are the others'.
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } }), null);
    const hover698 = await client.request('textDocument/hover', { textDocument: { uri: URI_698 }, position: { line: lineOf(ISSUE_698, 'SOUL.md'), character: 12 } });
    assert.match(hover698.contents.value, /read-write/);
  });

  test('a YAML file that is not a policy gets no diagnostics, and the status says why', async () => {
    const uri = fileUri('compose.yaml');
    const since = client.statuses.length;
    client.open(uri, 'services:\n  web:\n    image: nginx\n    volumes: [/sandbox:/data]\n', 1);
    const status = await client.status(uri, since);
    assert.equal(status.isPolicy, false);
    assert.match(status.detection, /no top-level OpenShell policy keys/);
    // Its publication (the server publishes for every YAML document it analyses) is empty.
    const published = await client.diagnostics(uri, (p) => p.version === 1);
    assert.deepEqual(published.diagnostics, []);
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 15 } });
    assert.equal(hover, null);
  });

  test('the status notification counts errors and warnings', async () => {
    const uri = fileUri('status.yaml');
    const since = client.statuses.length;
    client.open(uri, 'version: 2\nfilesystem_policy:\n  read_write: [/sandbox]\n  read_only: [/sandbox/a, /usr]\n', 1);
    const status = await client.status(uri, since);
    assert.deepEqual({ isPolicy: status.isPolicy, errors: status.errors, warnings: status.warnings }, { isPolicy: true, errors: 1, warnings: 1 });
  });

  test('positions are UTF-16: a path after an astral character ends where the client counts', async () => {
    const uri = fileUri('utf16.yaml');
    const text = 'version: 1\nfilesystem_policy:\n  read_write: [/sandbox]\n  read_only: ["/sandbox/😀/SOUL.md"]\n';
    client.open(uri, text, 1);
    const published = await client.diagnostics(uri);
    const d = published.diagnostics.find((x) => x.code === 'shadowed-read-only')!;
    assert.deepEqual(d.range, { start: { line: 3, character: 14 }, end: { line: 3, character: 35 } });
  });

  test('a handler that throws answers empty and is logged; the server survives', async () => {
    const actions = await client.request('textDocument/codeAction', { textDocument: { uri: URI_698 }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: null });
    assert.deepEqual(actions, []);
    await client.waitUntil('an error log', () => client.logs.some((l) => /textDocument\/codeAction failed/.test(l)));
    const hover = await client.request('textDocument/hover', { textDocument: { uri: URI_698 }, position: { line: lineOf(ISSUE_698, 'SOUL.md'), character: 12 } });
    assert.ok(hover);
  });
});

describe('versions and debouncing', () => {
  test('edits typed in quick succession publish only the last version', async () => {
    const client = await TestClient.start({ settings: { debounceMs: 150 } });
    try {
      const uri = fileUri('typing.yaml');
      client.open(uri, ISSUE_698, 1);
      await client.diagnostics(uri, (p) => p.version === 1);
      const since = client.published.length;
      client.change(uri, 2, ISSUE_698.replace('SOUL.md', 'SOUL.m'));
      client.change(uri, 3, ISSUE_698.replace('SOUL.md', 'SOUL.'));
      client.change(uri, 4, ISSUE_698.replace('SOUL.md', 'SOUL'));
      const last = await client.diagnostics(uri, (p) => p.version === 4, 5000, since);
      const published = client.published.slice(since).filter((p) => p.uri === uri).map((p) => p.version);
      assert.deepEqual(published, [4], 'versions 2 and 3 were stale when their debounce ended');
      const d = last.diagnostics.find((x) => x.code === 'shadowed-read-only')!;
      assert.equal(d.data.subject, '/sandbox/.openclaw/workspace/SOUL');
    } finally {
      client.dispose();
    }
  });

  test('the debounce from initializationOptions wins over the configured one', async () => {
    // Configured 5 s; pinned 0: the edit is published well before 5 s.
    const client = await TestClient.start({ settings: { debounceMs: 5000 }, initializationOptions: { debounceMs: 0 } });
    try {
      const uri = fileUri('pinned.yaml');
      client.open(uri, ISSUE_698, 1);
      await client.diagnostics(uri, (p) => p.version === 1);
      client.change(uri, 2, ISSUE_698.replace('/tmp', '/var/tmp'));
      await client.diagnostics(uri, (p) => p.version === 2, 2000);
    } finally {
      client.dispose();
    }
  });
});

describe('settings', () => {
  test('abi: 3 from workspace/configuration removes truncate-not-restricted; a configuration change re-validates', async () => {
    let abi = 3;
    const client = await TestClient.start({ settings: () => ({ abi, debounceMs: 0 }) });
    try {
      client.open(URI_698, ISSUE_698, 1);
      const first = await client.diagnostics(URI_698);
      const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
      assert.ok(!codes(first.diagnostics).includes('truncate-not-restricted'), JSON.stringify(codes(first.diagnostics)));
      assert.ok(client.serverRequests.some((r) => r.method === 'workspace/configuration' && JSON.stringify(r.params).includes(URI_698)), 'settings are asked per document (scopeUri)');
      abi = 2;
      const since = client.published.length;
      client.notify('workspace/didChangeConfiguration', { settings: null });
      const second = await client.diagnostics(URI_698, () => true, 5000, since);
      assert.ok(codes(second.diagnostics).includes('truncate-not-restricted'));
    } finally {
      client.dispose();
    }
  });

  test('more findings than maxDiagnostics (default 1000): the errors first and a note counting the rest; a new limit re-publishes', async () => {
    let maxDiagnostics: number | undefined;
    const client = await TestClient.start({ settings: () => ({ debounceMs: 0, maxDiagnostics }) });
    try {
      // 1,200 shadowed read_only entries and the 256-path limit (errors) after 30 duplicates (warnings) and
      // the truncate note (information): unlimited, 1,232 findings.
      const duplicates = Array.from({ length: 30 }, (_, i) => `    - /etc/d${i}\n    - /etc/d${i}\n`).join('');
      const shadowed = Array.from({ length: 1200 }, (_, i) => `    - /data/f${i}.md\n`).join('');
      const text = `version: 1\nfilesystem_policy:\n  read_only:\n${duplicates}${shadowed}  read_write:\n    - /data\n`;
      const uri = fileUri('many-findings.yaml');
      const statusesBefore = client.statuses.length;
      client.open(uri, text, 1);
      const first = await client.diagnostics(uri);
      assert.equal(first.diagnostics.length, 1000, 'the default: what VS Code keeps per file');
      assert.ok(first.diagnostics.slice(0, 999).every((d) => d.severity === 1), 'errors before the duplicates\' warnings');
      assert.ok(first.diagnostics.some((d) => d.code === 'openshell-validation'), 'the error at the top is among them');
      const note = first.diagnostics[999];
      assert.equal(note.severity, 3);
      assert.equal(note.range.start.line, 0);
      assert.match(note.message as string, /shows 999 of the 1232 findings/);
      const status = await client.status(uri, statusesBefore);
      assert.equal(status.errors, 1201, 'the status counts every finding');

      maxDiagnostics = 0;
      let since = client.published.length;
      client.notify('workspace/didChangeConfiguration', { settings: null });
      const all = await client.diagnostics(uri, () => true, 10000, since);
      assert.equal(all.diagnostics.length, 1232);
      assert.ok(!all.diagnostics.some((d) => /findings of this file/.test(d.message as string)));

      maxDiagnostics = 1220;
      since = client.published.length;
      client.notify('workspace/didChangeConfiguration', { settings: null });
      const limited = await client.diagnostics(uri, () => true, 10000, since);
      assert.equal(limited.diagnostics.length, 1220);
      assert.equal(limited.diagnostics.filter((d) => d.code === 'duplicate-path').length, 1219 - 1201, 'then warnings, as many as fit');
      assert.ok(!limited.diagnostics.some((d) => d.code === 'truncate-not-restricted'), 'information comes after them');
    } finally {
      client.dispose();
    }
  });

  test('a client without workspace/configuration uses defaults, then the settings it pushes', async () => {
    const capabilities = { ...DEFAULT_CAPABILITIES, workspace: { ...DEFAULT_CAPABILITIES.workspace, configuration: false } };
    const client = await TestClient.start({ capabilities, initializationOptions: { debounceMs: 0 } });
    try {
      client.open(URI_698, ISSUE_698, 1);
      const first = await client.diagnostics(URI_698);
      assert.ok(first.diagnostics.some((d) => d.code === 'truncate-not-restricted'), 'default ABI 2');
      assert.equal(client.configurationRequests, 0);
      const since = client.published.length;
      client.notify('workspace/didChangeConfiguration', { settings: { landlockLens: { abi: 4 } } });
      const second = await client.diagnostics(URI_698, () => true, 5000, since);
      assert.ok(!second.diagnostics.some((d) => d.code === 'truncate-not-restricted'));
    } finally {
      client.dispose();
    }
  });

  test('policyFiles globs make a file a policy whatever its content', async () => {
    const client = await TestClient.start({ settings: { policyFiles: ['**/special/*.yaml'], debounceMs: 0 } });
    try {
      const uri = fileUri('special/thing.yaml');
      const since = client.statuses.length;
      client.open(uri, 'version: 1\nprocess_typo: {}\n', 1);
      const status = await client.status(uri, since);
      assert.equal(status.isPolicy, true);
      assert.match(status.detection, /glob/);
      const published = await client.diagnostics(uri);
      assert.ok(published.diagnostics.some((d) => d.code === 'schema'), 'analysed: the unknown key is reported');
    } finally {
      client.dispose();
    }
  });
});

describe('clients with fewer capabilities', () => {
  test('without relatedInformation support, the related lines go into the message', async () => {
    const capabilities = { ...DEFAULT_CAPABILITIES, textDocument: { ...DEFAULT_CAPABILITIES.textDocument, publishDiagnostics: { versionSupport: true } } };
    const client = await TestClient.start({ capabilities, initializationOptions: { debounceMs: 0 } });
    try {
      client.open(URI_698, ISSUE_698, 1);
      const published = await client.diagnostics(URI_698);
      const d = published.diagnostics.find((x) => x.code === 'shadowed-read-only')!;
      assert.equal(d.relatedInformation, undefined);
      assert.match(d.message as string, new RegExp(`line ${lineOf(ISSUE_698, '- /sandbox\n') + 1}: .*/sandbox`));
    } finally {
      client.dispose();
    }
  });

  test('pull diagnostics when the client declares textDocument.diagnostic, and then nothing is pushed', async () => {
    const capabilities = { ...DEFAULT_CAPABILITIES, textDocument: { ...DEFAULT_CAPABILITIES.textDocument, diagnostic: { dynamicRegistration: false } } };
    const client = await TestClient.start({ capabilities, initializationOptions: { debounceMs: 0 } });
    try {
      assert.ok(client.initializeResult?.capabilities.diagnosticProvider, 'diagnosticProvider advertised');
      const since = client.statuses.length;
      client.open(URI_698, ISSUE_698, 1);
      // The status comes without a pull (the language status item needs it for every open document).
      await client.status(URI_698, since);
      const report = await client.request('textDocument/diagnostic', { textDocument: { uri: URI_698 } });
      assert.equal(report.kind, 'full');
      assert.ok(report.items.some((d: Diagnostic) => d.code === 'shadowed-read-only'));
      const again = await client.request('textDocument/diagnostic', { textDocument: { uri: URI_698 }, previousResultId: report.resultId });
      assert.equal(again.kind, 'unchanged', 'same version, same settings: unchanged');
      client.change(URI_698, 2, ISSUE_698.replace('    - /sandbox/.openclaw/workspace/SOUL.md\n', ''));
      const changed = await client.request('textDocument/diagnostic', { textDocument: { uri: URI_698 }, previousResultId: report.resultId });
      assert.equal(changed.kind, 'full');
      assert.ok(!changed.items.some((d: Diagnostic) => d.code === 'shadowed-read-only'));
      assert.equal(client.published.length, 0, 'no publishDiagnostics in pull mode');
    } finally {
      client.dispose();
    }
  });
});

describe('process lifecycle', () => {
  test('shutdown + exit end the process at once with code 0', async () => {
    const client = await TestClient.start();
    client.open(URI_698, ISSUE_698, 1);
    await client.diagnostics(URI_698);
    const { code, ms } = await client.shutdown();
    assert.equal(code, 0);
    assert.ok(ms < 1000, `exited after ${ms} ms`);
  });

  test('exit without shutdown ends with code 1', async () => {
    const client = await TestClient.start();
    client.notify('exit', null);
    await client.waitUntil('process exit', () => client.exitCode !== undefined, 2000);
    assert.equal(client.exitCode, 1);
  });

  test('a pending debounce does not keep the process alive after exit', async () => {
    const client = await TestClient.start({ settings: { debounceMs: 10_000 } });
    client.open(URI_698, ISSUE_698, 1);
    await client.diagnostics(URI_698);
    client.change(URI_698, 2, ISSUE_698 + '\n');
    const { code, ms } = await client.shutdown();
    assert.equal(code, 0);
    assert.ok(ms < 1000, `exited after ${ms} ms`);
  });

  // A dependency printing with console.log over stdio would write into the protocol stream: the server
  // sends such output to the client's log instead, with --stdio and with no transport flag alike.
  for (const transport of [['--stdio'], []]) {
    test(`console output inside the server reaches the client's log, the protocol intact (${transport.join(' ') || 'no transport flag'})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'landlock-lens-console-'));
      const preload = join(dir, 'print.cjs');
      // Printed once the server runs: from a timer, as a dependency's late output would be.
      writeFileSync(preload, "setTimeout(() => { console.log('printed %s', 'by a dependency', { depth: 1 }); console.info('info line'); }, 300);\n");
      const client = await TestClient.start({ args: ['--require', preload, SERVER, ...transport], initializationOptions: { debounceMs: 0 } });
      try {
        await client.waitUntil('the printed lines in the log', () => client.logs.some((l) => l === "printed by a dependency { depth: 1 }") && client.logs.includes('info line'), 5000);
        client.open(URI_698, ISSUE_698, 1);
        const published = await client.diagnostics(URI_698);
        assert.ok(published.diagnostics.some((d) => d.code === 'shadowed-read-only'));
        const { code } = await client.shutdown();
        assert.equal(code, 0);
      } finally {
        client.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test('--node-ipc (how the VS Code extension starts it) works too', async () => {
    // execArgv: [] — the test runs under tsx, which a fork would otherwise load into the server too.
    const child = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
    const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const published = new Promise<PublishDiagnosticsParams>((resolve) => conn.onNotification('textDocument/publishDiagnostics', resolve));
      conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ debounceMs: 0 })));
      conn.listen();
      await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: DEFAULT_CAPABILITIES });
      await conn.sendNotification('initialized', {});
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI_698, languageId: 'yaml', version: 1, text: ISSUE_698 } });
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no diagnostics over IPC')), 5000).unref());
      const p = await Promise.race([published, timeout]);
      assert.ok(p.diagnostics.some((d) => d.code === 'shadowed-read-only'));
      await conn.sendRequest('shutdown');
      await conn.sendNotification('exit');
      assert.equal(await exited, 0);
    } finally {
      conn.dispose();
      child.kill('SIGKILL');
    }
  });

  test('`landlock-lens lsp --stdio` runs the same server', async () => {
    const client = await TestClient.start({ args: [join(ROOT, 'server/out/cli.js'), 'lsp', '--stdio'], initializationOptions: { debounceMs: 0 } });
    assert.equal(client.initializeResult?.serverInfo?.name, 'landlock-lens');
    client.open(URI_698, ISSUE_698, 1);
    const published = await client.diagnostics(URI_698);
    assert.ok(published.diagnostics.some((d) => d.code === 'shadowed-read-only'));
    const { code } = await client.shutdown();
    assert.equal(code, 0);
  });
});

