// The document version an analysis was made from, as a TextDocument for the LSP conversions. It answers
// positions from the analysis' own line index instead of building a second one: TextDocument.create
// scans the text again character by character, which in a fresh process (code not yet compiled by V8)
// cost about 2 ms of the first diagnostics of a 256-path policy. Positions follow the same LSP rules
// (test/unit/lines.test.ts compares the two on random texts).
import type { Position, Range, TextDocument } from 'vscode-languageserver-textdocument';
import type { LineIndex } from '../core/index';

export class AnalysedDocument implements TextDocument {
  constructor(
    readonly uri: string,
    readonly languageId: string,
    readonly version: number,
    private readonly text: string,
    private readonly lines: LineIndex,
  ) {}

  get lineCount(): number {
    return this.lines.lineCount;
  }

  getText(range?: Range): string {
    return range ? this.text.substring(this.offsetAt(range.start), this.offsetAt(range.end)) : this.text;
  }

  positionAt(offset: number): Position {
    return this.lines.positionAt(offset);
  }

  offsetAt(position: Position): number {
    return this.lines.offsetAt(position);
  }

  getLineRange(line: number): Range {
    if (line < 0) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const last = Math.min(line, this.lineCount - 1);
    return { start: { line: last, character: 0 }, end: this.positionAt(this.lines.lineEnd(last)) };
  }

  getEOLCharacters(line: number): string {
    if (line < 0 || line >= this.lineCount) return '';
    const next = line + 1 < this.lineCount ? this.lines.lineStart(line + 1) : this.text.length;
    return this.text.substring(this.lines.lineEnd(line), next);
  }
}
