// GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` annotation per finding, shown
// on the pull request's diff. Escaping follows @actions/core (toCommandValue / escapeData /
// escapeProperty): `%`, CR and LF everywhere, and also `:` and `,` in properties.
import type { Finding, Severity } from '../core/index';
import type { CheckReport, FileReport } from './report';

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(severity: Severity): 'error' | 'warning' | 'notice' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'notice';
}

export function annotation(file: FileReport, f: Finding): string {
  const start = file.lines.lineColumn(f.span.start);
  const end = file.lines.lineColumn(Math.max(f.span.end, f.span.start));
  const props = [
    `file=${escapeProperty(file.repoPath ?? file.display)}`,
    `line=${start.line}`,
    `col=${start.column}`,
    `endLine=${end.line}`,
    `endColumn=${end.column}`,
    `title=${escapeProperty(f.ruleId)}`,
  ].join(',');
  let message = f.message;
  for (const r of f.related) message += `\nline ${file.lines.lineColumn(r.span.start).line}: ${r.message}`;
  return `::${command(f.severity)} ${props}::${escapeData(message)}`;
}

export function formatGithub(report: CheckReport): string {
  let out = '';
  for (const file of report.files) {
    for (const f of file.findings) out += annotation(file, f) + '\n';
  }
  return out;
}
