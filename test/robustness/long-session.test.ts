// A long editing session: thousands of incremental edits on one policy over LSP, with hovers, code
// actions, inlay hints and symbols in between, and hundreds of documents opened and closed. The
// server's memory must stay flat (RSS sampled from /proc after warm-up and at the end) and its caches
// must hold one analysis per open document, never one per version or per closed document (counted in
// a heap snapshot the server writes on SIGUSR2).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../server/src/core/index';
import { expectedFindingsAt, diagnosticsDiff, fromLsp, toPublished } from './check';
import { rssBytes, summarizeHeap, waitForSnapshot } from './heap';
import { ISSUE_698 } from './inputs';
import { LspClient, positionAt } from './lsp-client';

const EDITS = Number(process.env.LANDLOCK_LENS_LONG_SESSION_EDITS ?? 3000);
const WARM_UP = 1000;
const MB = 1024 * 1024;

/**
 * Shapes of the server's per-document state: property names survive minification (small-integer
 * fields such as `version` are not heap objects, so they are not in a snapshot's edges).
 */
const SHAPES = {
  cacheEntry: ['analysis', 'doc', 'key', 'uri'],
  analysis: ['text', 'lines', 'isPolicy', 'detection', 'findings', 'documents'],
  textDocument: ['_uri', '_languageId', '_content'],
  analysedDocument: ['uri', 'languageId', 'text', 'lines'], // (no 'version': small integers have no edge in a heap snapshot)
};

let dir: string;
let client: LspClient;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'landlock-lens-heap-'));
  client = new LspClient({ nodeArgs: ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`] });
  await client.initialize();
});

after(async () => {
  await client.stop();
  rmSync(dir, { recursive: true, force: true });
});

test(`${EDITS} edits on one policy and 200 documents opened and closed: memory stays flat, one cached analysis per open document`, { timeout: 180_000 }, async () => {
  const uri = 'file:///long-session/policy.yaml';
  let text = ISSUE_698() + 'network_policies:\n  github:\n    name: github\n    endpoints:\n      - host: api.github.com\n        port: 443\n    binaries:\n      - path: /usr/bin/git\n';
  let version = 1;
  client.open(uri, text, version);

  // Edits that keep the document about the same size: a character typed into SOUL.md's path and
  // removed again, include_workdir flipped, a line break added and removed in a comment.
  const soul = () => text.indexOf('SOUL.md');
  const edit = (i: number) => {
    let start: number;
    let end: number;
    let insert: string;
    switch (i % 4) {
      case 0: start = end = soul(); insert = 'x'; break;
      case 1: start = soul() - 1; end = start + 1; insert = ''; break;
      case 2: {
        const at = text.indexOf('include_workdir: ') + 'include_workdir: '.length;
        start = at;
        end = text.indexOf('\n', at);
        insert = text.slice(at, end) === 'true' ? 'false' : 'true';
        break;
      }
      default: {
        // A ` #` added to the end of the first (comment) line, and removed the next time.
        const eol = text.indexOf('\n');
        const has = text.slice(eol - 2, eol) === ' #';
        start = has ? eol - 2 : eol;
        end = eol;
        insert = has ? '' : ' #';
      }
    }
    const range = { start: positionAt(text, start), end: positionAt(text, end) };
    text = text.slice(0, start) + insert + text.slice(end);
    client.change(uri, ++version, [{ range, text: insert }]);
  };

  const session = async (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      edit(i);
      // What an editor asks while typing; awaiting these also keeps the pipe from filling up.
      if (i % 10 === 0) await client.request('textDocument/hover', { textDocument: { uri }, position: positionAt(text, soul()) });
      if (i % 50 === 0) {
        await client.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) }, context: { diagnostics: [] } });
        await client.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) } });
        await client.request('textDocument/documentSymbol', { textDocument: { uri } });
        await client.request('textDocument/completion', { textDocument: { uri }, position: positionAt(text, text.length) });
      }
    }
    const published = await client.waitForDiagnostics(uri, (p) => p.version === version, 5000);
    // After thousands of versions the diagnostics are still exactly those of the current text.
    assert.equal(diagnosticsDiff(toPublished(text, expectedFindingsAt(uri, analyze(text))), fromLsp(published.diagnostics)), undefined);
  };

  // Warm-up: V8 grows its heap spaces over the first thousand edits or so, then RSS plateaus. (No heap
  // snapshot here: the full GC it starts with makes V8 shrink and regrow its heap, which RSS shows.)
  await session(0, WARM_UP);
  const rssWarm = rssBytes(client.pid);
  const samples = [rssWarm];
  for (let from = WARM_UP; from < WARM_UP + EDITS; from += 1000) {
    await session(from, Math.min(from + 1000, WARM_UP + EDITS));
    samples.push(rssBytes(client.pid));
  }

  // Many short-lived documents: each gets analysed, then closed; nothing of them may stay behind.
  for (let d = 0; d < 200; d++) {
    const other = `file:///long-session/other-${d}.yaml`;
    client.open(other, text.replace('SOUL.md', `SOUL-${d}.md`), 1);
    await client.request('textDocument/hover', { textDocument: { uri: other }, position: { line: 12, character: 10 } });
    client.close(other);
  }
  await client.request('textDocument/hover', { textDocument: { uri }, position: positionAt(text, soul()) });
  const rssEnd = rssBytes(client.pid);

  // A snapshot can catch an object that an optimising compile still holds a handle to: under load, one
  // closed document's snapshot, retained only from "(Handle scope)" and the compiler's canonical handles
  // through the context of a closure being compiled. Such a handle lasts until the compile is done, so a
  // count above the expected one is taken again after a pause; a leak would still be there.
  const written = new Set<string>();
  const snapshot = async () => {
    process.kill(client.pid, 'SIGUSR2');
    return summarizeHeap(await waitForSnapshot(dir, written), SHAPES);
  };
  const expected: Record<keyof typeof SHAPES, number> = { cacheEntry: 1, analysis: 1, textDocument: 1, analysedDocument: 1 };
  let heap = await snapshot();
  if (Object.entries(expected).some(([shape, count]) => heap.counts[shape] !== count)) {
    console.log(`long session: snapshot taken again after counts ${JSON.stringify(heap.counts)}`);
    await new Promise((r) => setTimeout(r, 1000));
    heap = await snapshot();
  }

  const growth = rssEnd - rssWarm;
  console.log(`long session: ${EDITS} edits + 200 documents; RSS ${(rssWarm / MB).toFixed(1)} MB after warm-up, ${(rssEnd / MB).toFixed(1)} MB at the end (${growth >= 0 ? '+' : ''}${(growth / MB).toFixed(1)} MB); live heap ${(heap.totalBytes / MB).toFixed(1)} MB; ${JSON.stringify(heap.counts)}; RSS samples ${samples.map((b) => (b / MB).toFixed(0)).join(' ')} MB`);
  assert.ok(growth < 30 * MB, `RSS grew by ${(growth / MB).toFixed(1)} MB over ${EDITS} edits (from ${(rssWarm / MB).toFixed(1)} MB)`);
  // One open document: one cache entry, one analysis, the live TextDocument and the analysed version.
  assert.equal(heap.counts.cacheEntry, expected.cacheEntry, 'cached analyses');
  assert.equal(heap.counts.analysis, expected.analysis, 'live Analysis objects');
  assert.equal(heap.counts.textDocument, expected.textDocument, 'live TextDocuments');
  assert.equal(heap.counts.analysedDocument, expected.analysedDocument, 'analysed-version snapshots');
  // The live heap after a full GC: about 10 MB. An analysis kept per version (tens of kilobytes each,
  // for 4,000 versions) or per closed document would be hundreds of megabytes.
  assert.ok(heap.totalBytes < 30 * MB, `live heap ${(heap.totalBytes / MB).toFixed(1)} MB`);
  assert.deepEqual(client.problems(), []);
});
