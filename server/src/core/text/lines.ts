// Offsets <-> positions. Offsets are UTF-16 code units into the original text (BOM and CR included),
// which is exactly LSP's default position encoding; the CLI prints 1-based line/column from them.

export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based UTF-16 column. */
  character: number;
}

export class LineIndex {
  /** Offset at which each line starts. A line ends at \n, \r\n or a lone \r (as LSP counts). */
  private readonly lineStarts: number[];
  /** The line of the last lookup (see lineOf). */
  private lastLine = 0;

  constructor(private readonly text: string) {
    this.lineStarts = text.includes('\r') ? lineStartsAnyBreak(text) : lineStartsLf(text);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineOf(clamped);
    const start = this.lineStarts[line];
    return { line, character: this.beforeLineBreak(clamped, start) - start };
  }

  /**
   * The line holding an offset. Lookups come in runs on one line or the next (a range's start and end,
   * findings in text order), so the last answer is tried first: a binary search per lookup was most of
   * the cost of converting the first diagnostics of a fresh process.
   */
  private lineOf(offset: number): number {
    const starts = this.lineStarts;
    const last = this.lastLine;
    if (starts[last] <= offset) {
      if (last + 1 >= starts.length || offset < starts[last + 1]) return last;
      if (last + 2 >= starts.length || offset < starts[last + 2]) return (this.lastLine = last + 1);
    }
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return (this.lastLine = low);
  }

  /** A character past the end of its line means the line's end (LSP), never the next line. */
  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[position.line];
    if (position.character <= 0) return start;
    const next = position.line + 1 < this.lineStarts.length ? this.lineStarts[position.line + 1] : this.text.length;
    return this.beforeLineBreak(Math.min(start + position.character, next), start);
  }

  /**
   * An offset inside or after a line's break, moved back to where the break starts: LSP has no
   * position between CR and LF (vscode-languageserver-textdocument's rule, which this mirrors).
   */
  private beforeLineBreak(offset: number, lineStart: number): number {
    while (offset > lineStart) {
      const c = this.text.charCodeAt(offset - 1);
      if (c !== 10 && c !== 13) break;
      offset--;
    }
    return offset;
  }

  /** 1-based line and column, for humans and the CLI's JSON. */
  lineColumn(offset: number): { line: number; column: number } {
    const p = this.positionAt(offset);
    return { line: p.line + 1, column: p.character + 1 };
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))];
  }

  /** Where the line's content ends: before its line break (lines past the last are the last). */
  lineEnd(line: number): number {
    const l = Math.max(0, Math.min(line, this.lineStarts.length - 1));
    const next = l + 1 < this.lineStarts.length ? this.lineStarts[l + 1] : this.text.length;
    return this.beforeLineBreak(next, this.lineStarts[l]);
  }

  /** The line's text without its line break. */
  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }
}

// Two ways, because most policies have no CR: searching for LF with indexOf runs natively, while a loop
// over every character runs in V8's interpreter in a fresh process (the first analysis a user waits for).

function lineStartsLf(text: string): number[] {
  const starts = [0];
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
  return starts;
}

/** CR LF, a lone CR and LF each end a line. */
function lineStartsAnyBreak(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (ch === 10 /* \n */) {
      starts.push(i + 1);
    }
  }
  return starts;
}
