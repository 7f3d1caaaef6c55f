// The bundled language server over stdio: hovers, code actions, completion, symbols, inlay hints,
// code lenses, the custom requests, and the tree-listing setting.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, CompletionItem, Diagnostic, DocumentSymbol, InlayHint, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, applyEdits } from '../../server/src/core/index';
import { DEFAULT_CAPABILITIES, ROOT, TestClient, ensureBuilt, fileUri, positionOf } from './client';

const ISSUE_698 = readFileSync(join(ROOT, 'test/fixtures/examples/issue-698.yaml'), 'utf8');
const URI_698 = fileUri('examples/issue-698.yaml');
const SOUL = '/sandbox/.openclaw/workspace/SOUL.md';
const WHOLE = { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } };

/** Applies LSP TextEdits to a text (what the editor does with a code action). */
function applyTextEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('x:y', 'yaml', 1, text), edits);
}

function editsOf(action: CodeAction, uri: string, version?: number): TextEdit[] {
  const change = action.edit?.documentChanges?.[0];
  assert.ok(change && 'textDocument' in change, 'a versioned document change');
  assert.equal(change.textDocument.uri, uri);
  if (version !== undefined) assert.equal(change.textDocument.version, version);
  return change.edits as TextEdit[];
}

before(ensureBuilt);

describe('editor features', () => {
  let client: TestClient;
  let diagnostics: Diagnostic[];
  before(async () => {
    client = await TestClient.start({ initializationOptions: { debounceMs: 0 } });
    client.open(URI_698, ISSUE_698, 1);
    diagnostics = (await client.diagnostics(URI_698)).diagnostics;
  });
  after(() => client.dispose());

  test('hover on SOUL.md: read-write, granted by /sandbox, why and what the split costs', async () => {
    const hover = await client.request('textDocument/hover', { textDocument: { uri: URI_698 }, position: positionOf(ISSUE_698, SOUL, 10) });
    assert.equal(hover.contents.kind, 'markdown');
    const md: string = hover.contents.value;
    assert.match(md, /Effective access: \*\*read-write\*\*/);
    assert.match(md, /read_write `\/sandbox` \(line 7\)/);
    assert.match(md, /shadowed/);
    // The split engine's concrete plan for this entry, with its measured costs and what it leaves open.
    assert.match(md, /Landlock-safe split/);
    assert.match(md, /`\/sandbox` moves from read_write to read_only/);
    assert.match(md, /nothing can be created, deleted or renamed directly in `\/sandbox`/);
    assert.match(md, /atomically replaced/);
    assert.match(md, /entries created later directly in those directories are read-only/);
    assert.match(md, /truncat/);
    assert.match(md, /hard link/);
    assert.match(md, /\*\*incomplete:\*\*/, 'no tree listing here: the hover says the split is incomplete');
    assert.match(md, /include_workdir: false/);
    assert.match(md, /\[shadowed-read-only\]\(file:.*shadowed-read-only\.md\)|\[shadowed-read-only\]\(https:/);
    assert.deepEqual(hover.range.start, positionOf(ISSUE_698, SOUL));
  });

  test('hover on a protected entry says read-only and does not advise a split', async () => {
    const hover = await client.request('textDocument/hover', { textDocument: { uri: URI_698 }, position: positionOf(ISSUE_698, '- /etc', 3) });
    assert.match(hover.contents.value, /Effective access: \*\*read-only\*\*/);
    assert.doesNotMatch(hover.contents.value, /Split/);
  });

  test('hover on include_workdir, on compatibility, and on a plain key (schema description)', async () => {
    const wd = await client.request('textDocument/hover', { textDocument: { uri: URI_698 }, position: positionOf(ISSUE_698, 'include_workdir', 3) });
    assert.match(wd.contents.value, /`\/sandbox`/);
    assert.match(wd.contents.value, /absent/);
    assert.match(wd.contents.value, /`true` when `filesystem_policy` itself is absent/);
    const compat = await client.request('textDocument/hover', { textDocument: { uri: URI_698 }, position: positionOf(ISSUE_698, 'best_effort', 2) });
    assert.match(compat.contents.value, /exact, case-sensitive string `hard_requirement`/);
    const user = await client.request('textDocument/hover', { textDocument: { uri: URI_698 }, position: positionOf(ISSUE_698, 'run_as_user', 2) });
    assert.match(user.contents.value, /`run_as_user`/);
    assert.ok(user.contents.value.length > 'run_as_user'.length + 10, 'with the schema description');
  });

  test('code actions: every fix the core offers for the diagnostic, preferred only when the core says so', async () => {
    const shadowed = diagnostics.find((d) => d.code === 'shadowed-read-only')!;
    const actions: CodeAction[] = await client.request('textDocument/codeAction', {
      textDocument: { uri: URI_698 }, range: shadowed.range, context: { diagnostics: [shadowed], triggerKind: 1 },
    });
    const finding = analyze(ISSUE_698).findings.find((f) => f.ruleId === 'shadowed-read-only')!;
    const quickfixes = actions.filter((a) => a.kind === 'quickfix');
    assert.deepEqual(quickfixes.map((a) => a.title), finding.fixes.map((f) => f.title));
    assert.deepEqual(quickfixes.map((a) => a.isPreferred === true), finding.fixes.map((f) => f.preferred));
    assert.ok(!actions.some((a) => /documentation/i.test(a.title)), 'docs are linked from the diagnostic, not offered as an action');
    for (const [i, action] of quickfixes.entries()) {
      assert.deepEqual(action.diagnostics, [shadowed]);
      assert.equal(applyTextEdits(ISSUE_698, editsOf(action, URI_698, 1)), applyEdits(ISSUE_698, finding.fixes[i].edits));
    }
  });

  test('code actions also for a diagnostic handed back without source or range (Neovim 0.7 user_data.lsp)', async () => {
    const shadowed = diagnostics.find((d) => d.code === 'shadowed-read-only')!;
    const partial = { code: shadowed.code, data: shadowed.data };
    const actions: CodeAction[] = await client.request('textDocument/codeAction', {
      textDocument: { uri: URI_698 }, range: shadowed.range, context: { diagnostics: [partial] },
    });
    const finding = analyze(ISSUE_698).findings.find((f) => f.ruleId === 'shadowed-read-only')!;
    assert.deepEqual(actions.filter((a) => a.kind === 'quickfix').map((a) => a.title), finding.fixes.map((f) => f.title));
    const foreign = { ...shadowed, source: 'yaml' };
    const none: CodeAction[] = await client.request('textDocument/codeAction', {
      textDocument: { uri: URI_698 }, range: shadowed.range, context: { diagnostics: [foreign], only: ['quickfix'] },
    });
    assert.deepEqual(none, [], "another tool's diagnostic gets none of our fixes");
  });

  test('a duplicate entry: a preferred quick fix and "Fix all safe problems" that applies only safe fixes', async () => {
    const uri = fileUri('dups.yaml');
    const text = 'version: 1\nfilesystem_policy:\n  read_only:\n    - /usr\n    - /etc\n    - /usr\n    - /etc\n  read_write: [/tmp]\n';
    client.open(uri, text, 7);
    const published = await client.diagnostics(uri);
    const dup = published.diagnostics.filter((d) => d.code === 'duplicate-path');
    assert.equal(dup.length, 2);
    assert.deepEqual(dup[0].tags, [1], 'an exact duplicate is faded as unnecessary');
    const actions: CodeAction[] = await client.request('textDocument/codeAction', {
      textDocument: { uri }, range: dup[0].range, context: { diagnostics: [dup[0]] },
    });
    const quick = actions.find((a) => a.kind === 'quickfix')!;
    assert.equal(quick.isPreferred, true);
    assert.equal(applyTextEdits(text, editsOf(quick, uri, 7)), text.replace('    - /usr\n    - /etc\n  read_write', '    - /etc\n  read_write'));
    const fixAll = actions.find((a) => a.kind === 'source.fixAll.landlockLens')!;
    assert.equal(fixAll.title, 'Fix all safe problems');
    assert.equal(applyTextEdits(text, editsOf(fixAll, uri, 7)), 'version: 1\nfilesystem_policy:\n  read_only:\n    - /usr\n    - /etc\n  read_write: [/tmp]\n');
    // Asked for source actions only (e.g. on save): no quick fixes.
    const onlySource: CodeAction[] = await client.request('textDocument/codeAction', {
      textDocument: { uri }, range: dup[0].range, context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.deepEqual(onlySource.map((a) => a.kind), ['source.fixAll.landlockLens']);
  });

  test('no fix-all when no safe fix exists (#698 has only access-changing fixes)', async () => {
    const actions: CodeAction[] = await client.request('textDocument/codeAction', {
      textDocument: { uri: URI_698 }, range: WHOLE, context: { diagnostics: [], only: ['source'] },
    });
    assert.ok(!actions.some((a) => a.kind === 'source.fixAll.landlockLens'), JSON.stringify(actions.map((a) => a.title)));
    // The reason: the split, its only fix, changes access (fix-all must never apply that unasked).
    const fixes = analyze(ISSUE_698).findings.flatMap((f) => f.fixes);
    assert.deepEqual(fixes.map((x) => x.safe), [false]);
    assert.match(fixes[0].title, /split read_write `\/sandbox`/);
  });

  test('inlay hints: the effective access after each path, shadowed entries marked', async () => {
    const hints: InlayHint[] = await client.request('textDocument/inlayHint', { textDocument: { uri: URI_698 }, range: WHOLE });
    const at = (needle: string) => hints.find((h) => h.position.line === positionOf(ISSUE_698, needle).line)?.label;
    assert.equal(at(SOUL), 'rw (shadowed)');
    assert.equal(at('- /usr'), 'ro');
    assert.equal(at('- /tmp'), 'rw');
    const soul = hints.find((h) => h.label === 'rw (shadowed)')!;
    assert.deepEqual(soul.position, positionOf(ISSUE_698, SOUL, SOUL.length), 'just after the path');
  });

  test('code lens above filesystem_policy summarises writable trees and shadowed entries', async () => {
    const lenses = await client.request('textDocument/codeLens', { textDocument: { uri: URI_698 } });
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0].range.start.line, positionOf(ISSUE_698, 'filesystem_policy:').line);
    assert.equal(lenses[0].command.title, '2 writable trees: /sandbox, /tmp · 1 read_only entry shadowed');
    assert.equal(lenses[0].command.command, 'landlockLens.showEffectiveAccess');
    assert.deepEqual(lenses[0].command.arguments, [URI_698]);
  });

  test('document symbols: sections, and each path with its effective access', async () => {
    const symbols: DocumentSymbol[] = await client.request('textDocument/documentSymbol', { textDocument: { uri: URI_698 } });
    assert.deepEqual(symbols.map((s) => s.name), ['version', 'filesystem_policy', 'landlock', 'process']);
    const fs = symbols[1];
    const ro = fs.children!.find((c) => c.name === 'read_only')!;
    const soul = ro.children!.find((c) => c.name === SOUL)!;
    assert.equal(soul.detail, 'read-write (shadowed)');
    assert.equal(ro.children!.find((c) => c.name === '/usr')!.detail, 'read-only');
  });

  test('completion: keys of filesystem_policy, enum values of compatibility', async () => {
    const uri = fileUri('completing.yaml');
    const text = 'version: 1\nfilesystem_policy:\n  read_only: [/usr]\n  \nlandlock:\n  compatibility: h\n';
    client.open(uri, text, 1);
    await client.diagnostics(uri);
    const keys: CompletionItem[] = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: 2 } });
    const labels = keys.map((k) => k.label).sort();
    assert.deepEqual(labels, ['include_workdir', 'read_write'], 'read_only is already there');
    const wd = keys.find((k) => k.label === 'include_workdir')!;
    assert.equal(wd.insertTextFormat, 2);
    assert.match((wd.textEdit as TextEdit).newText, /^include_workdir: \$\{1\|true,false\|\}$/);
    // After `  compatibility: h`: the typed `h` is what the choice replaces.
    const values: CompletionItem[] = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 5, character: 18 } });
    assert.deepEqual(values.map((v) => v.label), ['best_effort', 'hard_requirement']);
    assert.deepEqual((values[1].textEdit as TextEdit).range, { start: { line: 5, character: 17 }, end: { line: 5, character: 18 } });
    const top: CompletionItem[] = await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 6, character: 0 } });
    assert.deepEqual(top.map((k) => k.label).sort(), ['network_middlewares', 'network_policies', 'process']);
  });

  test('completion in a new file marked as a policy, none in other YAML', async () => {
    const marked = fileUri('new-policy.yaml');
    client.open(marked, '# landlock-lens: policy\n\n', 1);
    await client.diagnostics(marked);
    const top: CompletionItem[] = await client.request('textDocument/completion', { textDocument: { uri: marked }, position: { line: 1, character: 0 } });
    assert.ok(['version', 'filesystem_policy', 'landlock'].every((k) => top.some((i) => i.label === k)), top.map((i) => i.label).join());
    const other = fileUri('workflow.yaml');
    client.open(other, 'name: ci\n\n', 1);
    await client.diagnostics(other);
    assert.deepEqual(await client.request('textDocument/completion', { textDocument: { uri: other }, position: { line: 1, character: 0 } }), []);
  });

  test('landlockLens/explain and landlockLens/effectiveAccess', async () => {
    const explained = await client.request('landlockLens/explain', { uri: URI_698, path: SOUL });
    assert.equal(explained.explanation.access, 'read-write');
    assert.deepEqual(explained.explanation.grantedBy.map((g: { source: string; path: string; line: number }) => [g.source, g.path, g.line]), [
      ['read_write', '/sandbox', 7],
      ['read_only', SOUL, 13],
    ]);
    assert.match(explained.markdown, /# Access of `\/sandbox\/\.openclaw\/workspace\/SOUL\.md`/);
    const tree = await client.request('landlockLens/effectiveAccess', { uri: URI_698 });
    const lines: string[] = tree.markdown.split('\n');
    const sandbox = lines.find((l) => l.startsWith('- `/sandbox`'));
    assert.ok(sandbox && /read-write/.test(sandbox) && /workdir/.test(sandbox), sandbox);
    const soul = lines.find((l) => l.includes(SOUL))!;
    assert.match(soul, /^ {2}- /, 'nested under /sandbox');
    assert.match(soul, /shadowed/);
    assert.ok(lines.some((l) => /^- `\/usr`: read-only/.test(l)));
    assert.equal(await client.request('landlockLens/explain', { uri: fileUri('not-open.yaml'), path: '/x' }), null);
  });

  test('custom requests answer null for a YAML file that is not a policy', async () => {
    const uri = fileUri('other.yaml');
    client.open(uri, 'name: ci\non: [push]\n', 1);
    assert.equal(await client.request('landlockLens/effectiveAccess', { uri }), null);
    assert.equal(await client.request('landlockLens/explain', { uri, path: '/sandbox' }), null);
  });
});

describe('settings that shape features', () => {
  test('inlayHints.enabled: false turns the hints off', async () => {
    const client = await TestClient.start({ settings: { inlayHints: { enabled: false }, debounceMs: 0 } });
    try {
      client.open(URI_698, ISSUE_698, 1);
      await client.diagnostics(URI_698);
      assert.deepEqual(await client.request('textDocument/inlayHint', { textDocument: { uri: URI_698 }, range: WHOLE }), []);
    } finally {
      client.dispose();
    }
  });

  test('plain-text hovers for clients without Markdown', async () => {
    const capabilities = { ...DEFAULT_CAPABILITIES, textDocument: { ...DEFAULT_CAPABILITIES.textDocument, hover: { contentFormat: ['plaintext' as const] } } };
    const client = await TestClient.start({ capabilities, initializationOptions: { debounceMs: 0 } });
    try {
      client.open(URI_698, ISSUE_698, 1);
      await client.diagnostics(URI_698);
      const hover = await client.request('textDocument/hover', { textDocument: { uri: URI_698 }, position: positionOf(ISSUE_698, SOUL, 10) });
      assert.equal(hover.contents.kind, 'plaintext');
      assert.match(hover.contents.value, /Effective access: read-write/);
      assert.doesNotMatch(hover.contents.value, /\*\*|`/);
    } finally {
      client.dispose();
    }
  });

  test('code actions as commands for clients without CodeAction literals, applied with workspace/applyEdit', async () => {
    const textDocument = { ...DEFAULT_CAPABILITIES.textDocument, codeAction: {} };
    const client = await TestClient.start({ capabilities: { ...DEFAULT_CAPABILITIES, textDocument }, initializationOptions: { debounceMs: 0 } });
    try {
      const uri = fileUri('old-client.yaml');
      const text = 'version: 1\nfilesystem_policy:\n  read_only: [/usr, /usr]\n';
      client.open(uri, text, 1);
      const published = await client.diagnostics(uri);
      const dup = published.diagnostics.find((d) => d.code === 'duplicate-path')!;
      const commands = await client.request('textDocument/codeAction', { textDocument: { uri }, range: dup.range, context: { diagnostics: [dup] } });
      assert.ok(commands.length >= 1);
      assert.equal(commands[0].command, 'landlockLens.server.applyFix');
      await client.request('workspace/executeCommand', { command: commands[0].command, arguments: commands[0].arguments });
      const applied = client.serverRequests.find((r) => r.method === 'workspace/applyEdit');
      assert.ok(applied, 'the server asked the client to apply the edit');
      const edit = (applied.params as { edit: { documentChanges: { edits: TextEdit[] }[] } }).edit;
      assert.equal(applyTextEdits(text, edit.documentChanges[0].edits), 'version: 1\nfilesystem_policy:\n  read_only: [/usr]\n');
    } finally {
      client.dispose();
    }
  });

  test('treeListing: read relative to the workspace folder, re-read when the file changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'landlock-lens-lsp-'));
    try {
      const listing = join(dir, 'sandbox.tree');
      writeFileSync(listing, 'd /sandbox\nf /sandbox/notes.txt\n');
      const client = await TestClient.start({ rootPath: dir, settings: { treeListing: 'sandbox.tree', debounceMs: 0 } });
      try {
        const uri = pathToFileURL(join(dir, 'policy.yaml')).href;
        const text = 'version: 1\nfilesystem_policy:\n  read_write: [/sandbox/notes.txt]\n';
        client.open(uri, text, 1);
        const first = await client.diagnostics(uri);
        assert.ok(first.diagnostics.some((d) => d.code === 'read-write-file'), 'the listing says notes.txt is a file');
        writeFileSync(listing, 'd /sandbox\nd /sandbox/notes.txt\nf /sandbox/notes.txt/a\n');
        const since = client.published.length;
        client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(listing).href, type: 2 }] });
        const second = await client.diagnostics(uri, () => true, 5000, since);
        assert.ok(!second.diagnostics.some((d) => d.code === 'read-write-file'), 'now a directory');
        assert.ok(client.serverRequests.some((r) => r.method === 'client/registerCapability' && JSON.stringify(r.params).includes('sandbox.tree')), 'the listing is watched');
      } finally {
        client.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
