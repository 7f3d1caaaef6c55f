// Renderings of the one finding model for terminals and for the CLI's JSON contract.
import type { Analysis, Explanation, Finding, LineIndex } from '../core/index';
import type { CheckReport } from './report';
import { reportedCount } from './report';

export interface FileResult {
  file: string;
  analysis: Analysis;
}

export function toJsonFinding(analysis: { lines: LineIndex }, f: Finding) {
  const start = analysis.lines.lineColumn(f.span.start);
  const end = analysis.lines.lineColumn(f.span.end);
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    related: f.related.map((r) => {
      const at = analysis.lines.lineColumn(r.span.start);
      return { message: r.message, line: at.line, column: at.column };
    }),
    fixes: f.fixes.map((x) => ({ title: x.title, safe: x.safe })),
  };
}

export function toJsonFile(result: FileResult) {
  return { file: result.file, findings: result.analysis.findings.map((f) => toJsonFinding(result.analysis, f)) };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `check --format json`: the documented contract, plus top-level counts that never change the finding shape. */
export function toJsonReport(report: CheckReport) {
  const counts = reportedCount(report);
  return {
    files: report.files.filter((f) => f.kind === 'policy').concat(report.files.filter((f) => f.kind === 'config'))
      .map((f) => ({ file: f.display, findings: f.findings.map((x) => toJsonFinding(f, x)) })),
    suppressed: counts.suppressed,
    baselined: counts.baselined,
    staleBaseline: report.staleBaseline.map((e) => ({ ruleId: e.ruleId, file: e.file, yamlPath: e.yamlPath, subject: e.subject, fingerprint: e.fingerprint })),
  };
}

export function formatFindingsText(report: CheckReport): string {
  let out = '';
  const counts = { error: 0, warning: 0, info: 0, hint: 0 };
  let files = 0;
  for (const file of report.files) {
    if (file.kind !== 'policy') continue; // configuration problems go to stderr as tool errors
    files++;
    if (!file.isPolicy) {
      out += `${file.display}: not analysed: ${file.detection}\n`;
      continue;
    }
    for (const f of file.findings) {
      counts[f.severity]++;
      const at = file.lines.lineColumn(f.span.start);
      out += `${file.display}:${at.line}:${at.column}: ${f.severity} [${f.ruleId}] ${f.message}\n`;
      for (const r of f.related) {
        const rat = file.lines.lineColumn(r.span.start);
        out += `    ${file.display}:${rat.line}:${rat.column}: note: ${r.message}\n`;
      }
      for (const x of f.fixes) out += `    fix${x.safe ? ' (safe)' : ' (changes access)'}: ${x.title}\n`;
    }
  }
  const { suppressed, baselined } = reportedCount(report);
  const hidden = [suppressed ? `${suppressed} suppressed` : '', baselined ? `${baselined} in baseline` : ''].filter(Boolean).join(', ');
  out += `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${counts.info} info, ${plural(counts.hint, 'hint')} in ${plural(files, 'file')}${hidden ? ` (${hidden})` : ''}\n`;
  return out;
}

export function formatExplanationsText(explanations: Explanation[]): string {
  let out = '';
  for (const e of explanations) {
    out += `${e.path}: ${e.access}${e.unrestricted ? ' (no Landlock ruleset: everything is allowed)' : ''} [kind: ${e.kind}]\n`;
    out += `  rights: ${e.rights.length ? e.rights.join(', ') : '(none)'}\n`;
    if (e.grantedBy.length) {
      out += '  granted by:\n';
      for (const g of e.grantedBy) {
        out += `    ${g.source} ${g.path}${g.line !== null ? ` (line ${g.line})` : ''}${g.boundTo !== g.path.replace(/\/+$/, '') && g.boundTo !== g.path ? ` -> ${g.boundTo}` : ''}: ${g.rights.join(', ') || '(no rights on this path)'}\n`;
      }
    } else {
      out += '  granted by: no rule\n';
    }
    for (const n of e.notes) out += `  note: ${n}\n`;
  }
  return out;
}
