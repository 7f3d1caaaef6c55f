// What one document must survive over LSP: open it, get its diagnostics, hover, ask for code actions
// and completions, close it. Shared by the bad-input tests and the fuzzer.
import type { Analysis, AnalysisOptions } from '../../server/src/core/index';
import { diagnosticsDiff, expectedFindingsAt, fixResultProblems, fromLsp, toPublished } from './check';
import { applyTextEdits, positionAt, RequestTimeout } from './lsp-client';
import type { Diagnostic, LspClient, PublishedDiagnostics, TextEdit } from './lsp-client';

export const REQUEST_BOUND_MS = 2000;

/** Settings under which the server analyses like `analyze(text, {})`, and URIs matching `forced-*` like forcePolicy. */
export const SERVER_SETTINGS = { policyFiles: ['**/forced-*.yaml'] };

let counter = 0;
export function documentUri(options?: AnalysisOptions): string {
  counter++;
  return options?.forcePolicy ? `file:///robustness/forced-${counter}.yaml` : `file:///robustness/doc-${counter}.yaml`;
}

export interface LspCheckResult {
  problems: string[];
  fixesChecked: number;
  timeouts: number;
}

interface CodeActionLike {
  title: string;
  edit?: { changes?: Record<string, TextEdit[]>; documentChanges?: { edits: TextEdit[] }[] };
}

export function editsOfAction(action: CodeActionLike): TextEdit[] {
  const edit = action.edit;
  if (!edit) return [];
  if (edit.documentChanges) return edit.documentChanges.flatMap((c) => c.edits ?? []);
  return Object.values(edit.changes ?? {}).flat();
}

/**
 * Opens `text`, checks the published diagnostics against `expected` (a fresh core analysis), then
 * hovers, asks for code actions (checking each fix) and completions, and closes the document.
 */
export async function checkDocumentOverLsp(
  client: LspClient,
  name: string,
  text: string,
  expected: Analysis,
  options: { analysisOptions?: AnalysisOptions; boundMs?: number; maxFixes?: number; leftAlone?: boolean } = {},
): Promise<LspCheckResult> {
  const problems: string[] = [];
  let fixesChecked = 0;
  let timeouts = 0;
  const uri = documentUri(options.analysisOptions);
  const bound = Math.max(REQUEST_BOUND_MS, options.boundMs ?? 0);
  const guarded = async <T>(what: string, p: Promise<T>): Promise<T | undefined> => {
    try {
      return await p;
    } catch (e) {
      if (e instanceof RequestTimeout) timeouts++;
      problems.push(`${name}: ${what}: ${(e as Error).message.slice(0, 500)}`);
      return undefined;
    }
  };

  client.open(uri, text, 1);
  const published = await guarded<PublishedDiagnostics>('diagnostics', client.waitForDiagnostics(uri, (p) => p.version === 1, bound + 1000));
  const diagnostics: Diagnostic[] = published?.diagnostics ?? [];
  if (published) {
    // Where the parser runs out of stack on absurd nesting depends on how deep the caller's stack
    // already is (this test process vs the server): there, both must say so, at any position.
    const deep = (message: string) => /nests too deeply/.test(message);
    if (expected.findings.some((f) => deep(f.message))) {
      if (!diagnostics.some((d) => deep(d.message))) problems.push(`${name}: the server does not report the too-deep nesting`);
    } else {
      const diff = diagnosticsDiff(toPublished(text, expectedFindingsAt(uri, expected)), fromLsp(diagnostics));
      if (diff) problems.push(`${name}: ${diff}`);
    }
  }
  if (options.leftAlone && diagnostics.length) problems.push(`${name}: a non-policy file got ${diagnostics.length} diagnostics`);

  // Hover where the first diagnostics start (the entries a user points at) and mid-text; complete at
  // mid-text and at the very end (where a user types next).
  const hoverAt = [...new Set([Math.floor(text.length / 2), ...expected.findings.slice(0, 2).map((f) => f.span.start)])];
  for (const offset of hoverAt) {
    const hover = await guarded('hover', client.request('textDocument/hover', { textDocument: { uri }, position: positionAt(text, offset) }, bound));
    if (options.leftAlone && hover) problems.push(`${name}: hover on a non-policy file`);
  }
  for (const offset of [Math.floor(text.length / 2), text.length]) {
    const items = await guarded<unknown[]>('completion', client.request('textDocument/completion', { textDocument: { uri }, position: positionAt(text, offset), context: { triggerKind: 1 } }, bound));
    if (options.leftAlone && items && items.length) problems.push(`${name}: completion on a non-policy file`);
  }
  const end = positionAt(text, text.length);
  const actions = await guarded<CodeActionLike[]>('codeAction', client.request('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end },
    context: { diagnostics },
  }, bound));
  if (options.leftAlone && actions && actions.length) problems.push(`${name}: code actions on a non-policy file`);
  const maxFixes = options.maxFixes ?? 10;
  const seen = new Set<string>();
  for (const action of actions ?? []) {
    if (fixesChecked >= maxFixes) break;
    const edits = editsOfAction(action);
    const key = JSON.stringify(edits);
    if (seen.has(key) || edits.length === 0) continue;
    seen.add(key);
    fixesChecked++;
    let after: string;
    try {
      after = applyTextEdits(text, edits);
    } catch (e) {
      problems.push(`${name}: code action "${action.title}": ${(e as Error).message}`);
      continue;
    }
    problems.push(...fixResultProblems(text, expected, after, `code action "${action.title}"`, options.analysisOptions).map((p) => `${name}: ${p}`));
  }
  client.close(uri);
  if (!client.alive) problems.push(`${name}: the server died`);
  return { problems, fixesChecked, timeouts };
}
