// Findings and fixes of the core -> LSP diagnostics, code actions and workspace edits. Offsets are
// UTF-16 code units, LSP's default position encoding, so TextDocument.positionAt converts them as is.
import {
  CodeActionKind, DiagnosticSeverity, DiagnosticTag,
  type CodeAction, type CodeDescription, type Diagnostic, type DiagnosticRelatedInformation, type Range, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis, Finding, Fix, OffsetEdit, RelatedLocation, Severity, Span } from '../core/index';

export const SOURCE = 'landlock-lens';
export const FIX_ALL_KIND = 'source.fixAll.landlockLens';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/**
 * What a diagnostic carries so that a code action request can find its finding again, even in a later
 * version of the document (with the rule id from `code`). Fixes stay in the server's per-version
 * analysis: computing them (the split lists directories) and sending their titles with every
 * diagnostic on every keystroke would cost more than the analysis itself. Kept small: it is part of
 * every diagnostic of every publication.
 */
export interface DiagnosticData {
  yamlPath: (string | number)[];
  subject: string;
}

export interface DiagnosticOptions {
  relatedInformation: boolean;
  docHref(ruleId: string): string;
}

export function toRange(doc: TextDocument, span: Span): Range {
  return { start: doc.positionAt(span.start), end: doc.positionAt(span.end) };
}

/**
 * What the diagnostics of one publication share instead of each building its own copy: the findings
 * shadowed by one entry hold one frozen related list (core/rules/checks.ts), converted here once, and
 * every diagnostic of a rule links the same page. Nothing changes in the JSON sent; at 2,000 paths it is
 * a third fewer objects to build, keep alive while the message is encoded, and walk.
 */
interface SharedConversions {
  related: Map<readonly RelatedLocation[], DiagnosticRelatedInformation[]>;
  descriptions: Map<string, CodeDescription>;
}

/**
 * The diagnostics of a document's findings, for one publication (or one pull): at most
 * `maxDiagnostics` of them (0: no limit), see limitFindings.
 */
export function toDiagnostics(doc: TextDocument, findings: readonly Finding[], options: DiagnosticOptions, maxDiagnostics = 0): Diagnostic[] {
  const { shown, hidden } = limitFindings(findings, maxDiagnostics);
  const shared: SharedConversions = { related: new Map(), descriptions: new Map() };
  const diagnostics: Diagnostic[] = [];
  for (const f of shown) diagnostics.push(toDiagnostic(doc, f, options, shared));
  if (hidden > 0) diagnostics.push(limitNote(shown.length, findings.length, maxDiagnostics));
  return diagnostics;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2, hint: 3 };

/**
 * The findings a publication shows when a file has more than `max` (0: no limit): `max - 1` of them and
 * a note (limitNote) that counts the others, so the whole publication is `max` diagnostics. Chosen
 * as VS Code chooses when a file has more diagnostics than it keeps (1,000 per file; the extension
 * host drops the rest after the client has converted every one of them): errors first, then warnings,
 * information and hints, each in the order of the findings; returned in the order of the findings.
 * With the default of 1,000 VS Code therefore shows what it showed unlimited, and the server no longer
 * converts, encodes and sends diagnostics it throws away (a 20,000-path stress policy has 12,444).
 * A policy within OpenShell's 256 paths rarely comes near it (the benchmark's has 160 findings).
 */
export function limitFindings(findings: readonly Finding[], max: number): { shown: readonly Finding[]; hidden: number } {
  if (max <= 0 || findings.length <= max) return { shown: findings, hidden: 0 };
  const keep = max - 1;
  const perRank = [0, 0, 0, 0];
  for (const f of findings) perRank[SEVERITY_RANK[f.severity]]++;
  // Every finding of a rank below `cutRank` is shown, and the first `leftAtCut` of rank `cutRank`.
  let cutRank = 0;
  let leftAtCut = keep;
  while (cutRank < 3 && perRank[cutRank] <= leftAtCut) leftAtCut -= perRank[cutRank++];
  const shown: Finding[] = [];
  for (const f of findings) {
    const rank = SEVERITY_RANK[f.severity];
    if (rank < cutRank) shown.push(f);
    else if (rank === cutRank && leftAtCut > 0) {
      shown.push(f);
      leftAtCut--;
    }
  }
  return { shown, hidden: findings.length - shown.length };
}

/** The diagnostic that says a publication was limited, at the top of the file. */
export function limitNote(shown: number, total: number, max: number): Diagnostic {
  const start = { line: 0, character: 0 };
  return {
    range: { start, end: start },
    severity: DiagnosticSeverity.Information,
    source: SOURCE,
    message: `Landlock Lens shows ${shown} of the ${total} findings of this file, errors first (setting landlockLens.maxDiagnostics = ${max}; 0 shows all). \`landlock-lens check\` lists every one.`,
  };
}

export function toDiagnostic(doc: TextDocument, finding: Finding, options: DiagnosticOptions, shared?: SharedConversions): Diagnostic {
  let message = finding.message;
  let related: DiagnosticRelatedInformation[] | undefined;
  if (finding.related.length) {
    if (options.relatedInformation) {
      // Only a frozen list is shared by several findings; any other would fill the map for nothing.
      const sharedList = shared && Object.isFrozen(finding.related);
      related = sharedList ? shared.related.get(finding.related) : undefined;
      if (!related) {
        related = finding.related.map((r) => ({ location: { uri: doc.uri, range: toRange(doc, r.span) }, message: r.message }));
        if (sharedList) shared.related.set(finding.related, related);
      }
    } else {
      // Without relatedInformation support the locations would be lost: say them in the message.
      message += finding.related.map((r) => `\n  line ${doc.positionAt(r.span.start).line + 1}: ${r.message}`).join('');
    }
  }
  const data: DiagnosticData = { yamlPath: finding.yamlPath, subject: finding.subject };
  const diagnostic: Diagnostic = {
    range: toRange(doc, finding.span),
    severity: SEVERITY[finding.severity],
    source: SOURCE,
    code: finding.ruleId,
    codeDescription: shared ? sharedDescription(shared, finding.ruleId, options) : { href: options.docHref(finding.ruleId) },
    message,
    data,
  };
  if (related) diagnostic.relatedInformation = related;
  if (finding.unnecessary) diagnostic.tags = [DiagnosticTag.Unnecessary];
  return diagnostic;
}

function sharedDescription(shared: SharedConversions, ruleId: string, options: DiagnosticOptions): CodeDescription {
  let description = shared.descriptions.get(ruleId);
  if (!description) shared.descriptions.set(ruleId, (description = { href: options.docHref(ruleId) }));
  return description;
}

export function toTextEdits(doc: TextDocument, edits: OffsetEdit[]): TextEdit[] {
  return edits.map((e) => ({ range: toRange(doc, e), newText: e.newText }));
}

export function workspaceEdit(doc: TextDocument, edits: OffsetEdit[], documentChanges: boolean): WorkspaceEdit {
  const textEdits = toTextEdits(doc, edits);
  if (documentChanges) return { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits: textEdits }] };
  return { changes: { [doc.uri]: textEdits } };
}

/**
 * The findings of an analysis indexed for findingFor: a code action request may carry every
 * diagnostic of the document, and matching each against every finding is quadratic (20,000
 * diagnostics took minutes, blocking the server).
 */
interface FindingIndex {
  /** rule, subject, YAML path -> findings in order. */
  byKey: Map<string, Finding[]>;
  /** rule, subject, YAML path, start -> first such finding. */
  byKeyStart: Map<string, Finding>;
  /** rule, start, end -> first such finding. */
  bySpan: Map<string, Finding>;
}

const findingIndexes = new WeakMap<Analysis, FindingIndex>();

const findingKey = (ruleId: string, subject: unknown, yamlPath: unknown) => `${ruleId}\u0000${String(subject)}\u0000${JSON.stringify(yamlPath)}`;

function findingIndex(analysis: Analysis): FindingIndex {
  let index = findingIndexes.get(analysis);
  if (!index) {
    index = { byKey: new Map(), byKeyStart: new Map(), bySpan: new Map() };
    for (const f of analysis.findings) {
      const key = findingKey(f.ruleId, f.subject, f.yamlPath);
      const list = index.byKey.get(key);
      if (list) list.push(f);
      else index.byKey.set(key, [f]);
      const keyStart = `${key}\u0000${f.span.start}`;
      if (!index.byKeyStart.has(keyStart)) index.byKeyStart.set(keyStart, f);
      const span = `${f.ruleId}\u0000${f.span.start}\u0000${f.span.end}`;
      if (!index.bySpan.has(span)) index.bySpan.set(span, f);
    }
    findingIndexes.set(analysis, index);
  }
  return index;
}

/**
 * The first finding (in text order) starting at `start` with this rule, subject and YAML path: what the
 * index below answers for such a diagnostic, found by binary search in the sorted findings.
 */
function sameFindingAt(findings: Finding[], start: number, ruleId: string, subject: unknown, yamlPath: unknown): Finding | undefined {
  let low = 0;
  let high = findings.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (findings[mid].span.start < start) low = mid + 1;
    else high = mid;
  }
  let path: string | undefined;
  for (let i = low; i < findings.length && findings[i].span.start === start; i++) {
    const f = findings[i];
    if (f.ruleId !== ruleId || String(f.subject) !== String(subject)) continue;
    if (JSON.stringify(f.yamlPath) === (path ??= JSON.stringify(yamlPath))) return f;
  }
  return undefined;
}

/**
 * The finding a diagnostic from the client stands for, in the current analysis. The diagnostic may
 * come from an older version: match on rule, YAML path and subject first, then on rule and range.
 */
export function findingFor(analysis: Analysis, doc: TextDocument, diagnostic: Diagnostic): Finding | undefined {
  // Some clients hand back only part of a diagnostic (Neovim 0.7 scripts often send just
  // `user_data.lsp`: code and data, no source or range): a missing source is not another tool's.
  if (diagnostic.source !== undefined && diagnostic.source !== SOURCE) return undefined;
  const data = diagnostic.data as Partial<DiagnosticData> | undefined;
  const ruleId = typeof diagnostic.code === 'string' ? diagnostic.code : undefined;
  if (!ruleId) return undefined;
  const range = diagnostic.range;
  const start = range ? doc.offsetAt(range.start) : undefined;
  const end = range ? doc.offsetAt(range.end) : undefined;
  if (data && data.subject !== undefined && data.yamlPath) {
    // The usual request comes from the current version: the finding starts where the diagnostic does.
    // Looking there first answers it without indexing every finding (12,000 at 20,000 paths).
    const here = start === undefined ? undefined : sameFindingAt(analysis.findings, start, ruleId, data.subject, data.yamlPath);
    if (here) return here;
    const index = findingIndex(analysis);
    const key = findingKey(ruleId, data.subject, data.yamlPath);
    const exact = index.byKey.get(key);
    if (exact && exact.length === 1) return exact[0];
    if (exact && exact.length > 1) return index.byKeyStart.get(`${key}\u0000${start}`) ?? exact[0];
  }
  return start === undefined ? undefined : findingIndex(analysis).bySpan.get(`${ruleId}\u0000${start}\u0000${end}`);
}

export interface ActionOptions {
  documentChanges: boolean;
}

export function fixToAction(doc: TextDocument, fix: Fix, diagnostic: Diagnostic | undefined, options: ActionOptions): CodeAction {
  const action: CodeAction = {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    edit: workspaceEdit(doc, fix.edits, options.documentChanges),
  };
  if (diagnostic) action.diagnostics = [diagnostic];
  if (fix.preferred) action.isPreferred = true;
  return action;
}

// Overlapping ranges, or two edits at the same start (their order would be ambiguous).
const overlaps = (a: OffsetEdit, b: OffsetEdit) => (a.start < b.end && b.start < a.end) || a.start === b.start;

/**
 * Every safe fix of the document (one per finding, the preferred one first), skipping fixes whose
 * edits touch an edit already taken: applying them together must never corrupt the text.
 */
export function safeFixEdits(analysis: Analysis): { edits: OffsetEdit[]; fixes: number } {
  const taken: OffsetEdit[] = [];
  const seen = new Set<string>();
  let fixes = 0;
  for (const finding of analysis.findings) {
    const safe = finding.fixes.filter((f) => f.safe).sort((a, b) => Number(b.preferred) - Number(a.preferred));
    const fix = safe[0];
    if (!fix || fix.edits.length === 0) continue;
    const key = JSON.stringify(fix.edits);
    if (seen.has(key)) continue;
    if (fix.edits.some((e) => taken.some((t) => overlaps(e, t)))) continue;
    seen.add(key);
    taken.push(...fix.edits);
    fixes++;
  }
  return { edits: taken, fixes };
}
