// Offsets <-> LSP positions. The server answers positions of an analysed version from the analysis' own
// line index (server/src/lsp/snapshot.ts) instead of vscode-languageserver-textdocument's TextDocument:
// both must give the same answer for every offset and position, on texts with LF, CR LF and lone CR,
// positions past a line's end or between CR and LF, and offsets out of range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex } from '../../server/src/core/index';
import { AnalysedDocument } from '../../server/src/lsp/snapshot';
import { rng } from '../seeded-random';

const PIECES = ['a', 'bc', ' ', '\n', '\r\n', '\r', '\u00e9', '\ud83d\ude00', '- /x'];

function randomText(random: () => number): string {
  let text = '';
  for (let n = Math.floor(random() * 14); n > 0; n--) text += PIECES[Math.floor(random() * PIECES.length)];
  return text;
}

test('line index and analysed-document snapshot answer positions exactly as TextDocument does', () => {
  const random = rng(0x11e5);
  let compared = 0;
  for (let round = 0; round < 3000; round++) {
    const text = randomText(random);
    const reference = TextDocument.create('file:///p.yaml', 'yaml', 7, text);
    const lines = new LineIndex(text);
    const snapshot = new AnalysedDocument('file:///p.yaml', 'yaml', 7, text, lines);
    const context = JSON.stringify(text);
    assert.equal(snapshot.lineCount, reference.lineCount, context);
    assert.equal(snapshot.getText(), text);
    // In order (runs on one line, as diagnostics ask) and then in random order (jumps).
    const offsets = Array.from({ length: text.length + 5 }, (_, i) => i - 2);
    const shuffled = offsets.map((o) => [random(), o]).sort((a, b) => a[0] - b[0]).map(([, o]) => o);
    for (const offset of [...offsets, ...shuffled]) {
      assert.deepEqual(snapshot.positionAt(offset), reference.positionAt(offset), `${context} offset ${offset}`);
      compared++;
    }
    for (let line = -1; line <= reference.lineCount + 1; line++) {
      for (const character of [-1, 0, 1, 2, 3, 5, 100]) {
        const position = { line, character };
        assert.equal(snapshot.offsetAt(position), reference.offsetAt(position), `${context} ${line}:${character}`);
        compared++;
      }
      assert.deepEqual(snapshot.getLineRange(line), reference.getLineRange(line), `${context} line range ${line}`);
      assert.equal(snapshot.getEOLCharacters(line), reference.getEOLCharacters(line), `${context} EOL ${line}`);
    }
    const range = { start: reference.positionAt(Math.floor(random() * text.length)), end: reference.positionAt(Math.floor(random() * text.length)) };
    assert.equal(snapshot.getText(range), reference.getText(range), `${context} range`);
  }
  assert.ok(compared > 50000, `compared ${compared}`);
});

test('a position past the end of a line is the end of that line, not the next line (the CLI columns too)', () => {
  const lines = new LineIndex('ab\r\ncd\n');
  assert.equal(lines.offsetAt({ line: 0, character: 9 }), 2);
  assert.deepEqual(lines.positionAt(3), { line: 0, character: 2 }); // between CR and LF: before the break
  assert.deepEqual(lines.lineColumn(5), { line: 2, column: 2 });
});
