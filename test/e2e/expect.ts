// What every editor must show for the #698 policy, checked the same way for each client. The
// checks throw messages that say what was expected and what the editor really had.

/** What a terminal editor's LSP client received, normalised across Neovim and Emacs. */
export interface EditorResult {
  client: string;
  diagnostics: { line: number; ruleId?: string; message: string }[];
  hover?: string;
  codeActions?: { title: string; editText?: string }[];
}

export interface Expectation {
  /** The rule id that must be on `line` (0-based). */
  ruleId: string;
  line: number;
  /** Every pattern must match the hover text. */
  hover: RegExp[];
  /** At least this many code actions on the diagnostic's range. */
  minCodeActions: number;
  /** One of the actions must insert every one of these strings. */
  actionInserts: string[];
}

/** The #698 verdict: SOUL.md's read_only entry is shadowed; it is read-write, granted by /sandbox. */
export function issue698(line: number, actionInserts: string[] = []): Expectation {
  return {
    ruleId: 'shadowed-read-only',
    line,
    // Markdown as the client renders it: raw (`**read-write**`) in Neovim and Emacs, styled in VS Code.
    // "/sandbox" alone (not the start of SOUL.md's own path) names the granting entry.
    hover: [/Effective access:\W*read-write/, /Granted by:\W*read_write\W*\/sandbox(?![\w./-])/],
    minCodeActions: 1,
    actionInserts,
  };
}

function describeDiagnostics(r: EditorResult): string {
  return r.diagnostics.length
    ? r.diagnostics.map((d) => `${d.ruleId ?? '(no rule id)'} on line ${d.line + 1}`).join(', ')
    : 'no diagnostics';
}

export function checkEditorResult(r: EditorResult, e: Expectation): void {
  const diag = r.diagnostics.find((d) => d.ruleId === e.ruleId && d.line === e.line);
  if (!diag) {
    throw new Error(`${r.client}: no diagnostic with rule id ${e.ruleId} on line ${e.line + 1}; the editor has: ${describeDiagnostics(r)}`);
  }
  if (r.hover === undefined) throw new Error(`${r.client}: no hover on line ${e.line + 1}`);
  for (const re of e.hover) {
    if (!re.test(r.hover)) throw new Error(`${r.client}: hover on line ${e.line + 1} does not match ${re}; hover text: ${JSON.stringify(r.hover)}`);
  }
  const n = r.codeActions?.length ?? 0;
  if (n < e.minCodeActions) {
    throw new Error(`${r.client}: ${n} code action(s) for the ${e.ruleId} diagnostic, expected at least ${e.minCodeActions}`);
  }
  if (e.actionInserts.length && !r.codeActions!.some((a) => e.actionInserts.every((x) => a.editText?.includes(x)))) {
    throw new Error(`${r.client}: no code action inserts all of ${JSON.stringify(e.actionInserts)}; actions: ${JSON.stringify(r.codeActions)}`);
  }
}

/** Parses the `RESULT {json}` line the lua/elisp drivers print; anything else is reported whole. */
export function parseDriverOutput(client: string, stdout: string, stderr: string, code: number | null): unknown {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (code !== 0 || !line) {
    throw new Error(`${client} driver failed (exit ${code}):\n--- stdout\n${stdout.trim()}\n--- stderr\n${stderr.trim().slice(-3000)}`);
  }
  return JSON.parse(line.slice('RESULT '.length));
}
