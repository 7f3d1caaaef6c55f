// Invariants every analysis must keep, whatever the input: the checks shared by the bad-input tests
// and the fuzzer. Each returns problems as text (empty = fine), so a failure names the input and says
// what a user would have seen go wrong.
import { analyze, applyEdits, RULES } from '../../server/src/core/index';
import type { Analysis, AnalysisOptions, Finding, OffsetEdit } from '../../server/src/core/index';
import { fileURLToPath } from 'node:url';
import { configureForFile } from '../../server/src/node/config';
import { limitFindings } from '../../server/src/lsp/convert';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import { positionAt } from './lsp-client';
import type { Diagnostic, Range } from './lsp-client';

const RULE_IDS = new Set(RULES.map((r) => r.id));
const SEVERITIES = new Set(['error', 'warning', 'info', 'hint']);

/** Whether an offset falls between the two halves of a surrogate pair (a column no editor can show). */
export function splitsSurrogatePair(text: string, offset: number): boolean {
  if (offset <= 0 || offset >= text.length) return false;
  const before = text.charCodeAt(offset - 1);
  const after = text.charCodeAt(offset);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}

function spanProblems(text: string, what: string, span: { start: number; end: number } | undefined): string[] {
  if (!span) return [`${what}: no span`];
  const { start, end } = span;
  if (!Number.isInteger(start) || !Number.isInteger(end)) return [`${what}: span ${start}..${end} is not integral`];
  if (start < 0 || end < start || end > text.length) return [`${what}: span ${start}..${end} outside the text (length ${text.length})`];
  const out: string[] = [];
  if (splitsSurrogatePair(text, start) || splitsSurrogatePair(text, end)) out.push(`${what}: span ${start}..${end} cuts a surrogate pair`);
  return out;
}

/** Every finding is well formed: known rule, severity, a message, spans inside the text, fixes that apply. */
export function analysisProblems(text: string, analysis: Analysis): string[] {
  const out: string[] = [];
  if (analysis.text !== text) out.push('analysis.text is not the analysed text');
  for (const [i, f] of analysis.findings.entries()) {
    const what = `finding ${i} (${f.ruleId})`;
    if (!RULE_IDS.has(f.ruleId)) out.push(`${what}: unknown rule id`);
    if (!SEVERITIES.has(f.severity)) out.push(`${what}: bad severity ${f.severity}`);
    if (typeof f.message !== 'string' || f.message.trim() === '') out.push(`${what}: empty message`);
    else {
      // An internal value leaking into a message (a word the user never wrote).
      const leak = /\[object Object\]|\bundefined\b|\bNaN\b/.exec(f.message);
      if (leak && !text.includes(leak[0])) out.push(`${what}: message shows an internal value: ${f.message.slice(0, 200)}`);
    }
    out.push(...spanProblems(text, what, f.span));
    for (const r of f.related) out.push(...spanProblems(text, `${what} related`, r.span));
    for (const fix of f.fixes) {
      for (const e of fix.edits) out.push(...spanProblems(text, `${what} fix "${fix.title}"`, e));
      try {
        applyEdits(text, fix.edits);
      } catch (e) {
        out.push(`${what} fix "${fix.title}": edits do not apply: ${(e as Error).message}`);
      }
    }
  }
  return out;
}

/** Comment-only lines (trimmed), with multiplicity. */
export function commentLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split(/\r\n|\r|\n/)) {
    const t = line.trim();
    if (t.startsWith('#')) out.set(t, (out.get(t) ?? 0) + 1);
  }
  return out;
}

function syntaxMessages(analysis: Analysis): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of analysis.findings) if (f.ruleId === 'yaml-syntax') out.set(f.message, (out.get(f.message) ?? 0) + 1);
  return out;
}

/**
 * What applying a fix's edits does to a policy: it must still parse (no YAML syntax error that was not
 * there before) and keep every comment line. Returns problems, empty when the fix is fine.
 */
export function fixResultProblems(before: string, beforeAnalysis: Analysis, edits: OffsetEdit[] | string, title: string, options: AnalysisOptions = {}): string[] {
  let after: string;
  try {
    after = typeof edits === 'string' ? edits : applyEdits(before, edits);
  } catch (e) {
    return [`fix "${title}": edits do not apply: ${(e as Error).message}`];
  }
  const out: string[] = [];
  const afterAnalysis = analyze(after, options);
  const was = syntaxMessages(beforeAnalysis);
  for (const [message, n] of syntaxMessages(afterAnalysis)) {
    if (n > (was.get(message) ?? 0)) out.push(`fix "${title}" breaks the YAML: ${message}`);
  }
  if (beforeAnalysis.isPolicy && !afterAnalysis.isPolicy) out.push(`fix "${title}": the result is no longer recognised as a policy`);
  const kept = commentLines(after);
  for (const [line, n] of commentLines(before)) {
    if ((kept.get(line) ?? 0) < n) out.push(`fix "${title}" loses the comment line ${JSON.stringify(line.slice(0, 120))}`);
  }
  return out;
}

/**
 * Checks the fixes of an analysis (each distinct fix once; at most `limit`, evenly spread, since each
 * check is a full analysis of the fixed text). Returns how many were checked and the problems.
 */
export function allFixProblems(text: string, analysis: Analysis, options: AnalysisOptions = {}, limit = 25): { checked: number; problems: string[] } {
  const distinct: { finding: Finding; fix: Finding['fixes'][number] }[] = [];
  const seen = new Set<string>();
  for (const finding of analysis.findings) {
    for (const fix of finding.fixes) {
      const key = JSON.stringify(fix.edits);
      if (seen.has(key)) continue; // a group's split fix is offered on each of its findings
      seen.add(key);
      distinct.push({ finding, fix });
    }
  }
  const step = distinct.length > limit ? distinct.length / limit : 1;
  const problems: string[] = [];
  let checked = 0;
  for (let i = 0; i < distinct.length && checked < limit; i = Math.floor(++checked * step)) {
    const { finding: f, fix } = distinct[i];
    problems.push(...fixResultProblems(text, analysis, fix.edits, `${f.ruleId}: ${fix.title}`, options).map((p) => `${p} (finding at ${f.span.start})`));
  }
  return { checked, problems };
}

export interface SimpleDiagnostic {
  code: string;
  range: Range;
}

export function toSimple(text: string, findings: Finding[]): SimpleDiagnostic[] {
  return findings.map((f) => ({ code: f.ruleId, range: { start: positionAt(text, f.span.start), end: positionAt(text, f.span.end) } }));
}

/** The note a publication limited to maxDiagnostics ends with (it has no rule id). */
const LIMIT_NOTE = '(limit note)';

/**
 * What the server publishes for these findings: with its default limit per file (1,000, see limitFindings
 * in server/src/lsp/convert.ts), the errors first and a note at the top for the rest.
 */
export function toPublished(text: string, findings: Finding[], max = DEFAULT_SETTINGS.maxDiagnostics): SimpleDiagnostic[] {
  const { shown, hidden } = limitFindings(findings, max);
  const published = toSimple(text, [...shown]);
  if (hidden > 0) published.push({ code: LIMIT_NOTE, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } });
  return published;
}

export function fromLsp(diagnostics: Diagnostic[]): SimpleDiagnostic[] {
  return diagnostics.map((d) => ({ code: d.code === undefined ? LIMIT_NOTE : String(d.code), range: d.range }));
}

const key = (d: SimpleDiagnostic) => `${d.code}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`;

/** Differences between the server's diagnostics and a fresh core analysis (as sorted multisets). */
export function diagnosticsDiff(expected: SimpleDiagnostic[], actual: SimpleDiagnostic[]): string | undefined {
  const a = expected.map(key).sort();
  const b = actual.map(key).sort();
  if (a.length === b.length && a.every((x, i) => x === b[i])) return undefined;
  const missing = a.filter((x) => !b.includes(x));
  const extra = b.filter((x) => !a.includes(x));
  return `diagnostics differ from a fresh analysis: missing ${JSON.stringify(missing.slice(0, 10))}, unexpected ${JSON.stringify(extra.slice(0, 10))} (${a.length} expected, ${b.length} published)`;
}

/** Runs analyze with a wall-clock measure; never throws (an exception is a problem). */
export function timedAnalyze(text: string, options: AnalysisOptions = {}): { analysis?: Analysis; ms: number; error?: unknown } {
  const t0 = performance.now();
  try {
    const analysis = analyze(text, options);
    return { analysis, ms: performance.now() - t0 };
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
}

/**
 * The findings the server must publish for a text at a file URI: the analysis with the project
 * configuration and inline suppressions applied on top, exactly as the server (and the CLI) does.
 * `options` are the editor settings' analysis options.
 */
export function expectedFindingsAt(uri: string, analysis: Analysis): Finding[] {
  const configured = configureForFile(fileURLToPath(uri), {});
  return configured.ignored ? [] : configured.findingsOf(analysis);
}
