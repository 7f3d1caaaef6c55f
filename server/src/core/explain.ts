// "What may the sandboxed process do with PATH?" — the answer `explain`, hovers and inlay hints share.
import type { Analysis, DocumentAnalysis } from './analyze';
import type { Explanation, Grant } from './types';
import { FILE_RIGHTS, accessLevel, rightNames, unhandledRights } from './landlock/rights';
import { normalizePath } from './fsview/paths';

/** The document `explain` answers for: the first policy document of the stream. */
export function primaryDocument(analysis: Analysis): DocumentAnalysis | undefined {
  return analysis.documents.find((d) => d.isPolicy && d.ruleset && d.access);
}

export function explain(analysis: Analysis, path: string, document = primaryDocument(analysis)): Explanation {
  const normalized = normalizePath(path);
  if (!document || !document.ruleset || !document.access) {
    return { path, kind: 'unknown', access: 'read-write', rights: [], grantedBy: [], unrestricted: true, notes: ['The file is not an analysable OpenShell policy.'] };
  }
  const ruleset = document.ruleset;
  const result = document.access.access(normalized);
  const nonDirectory = result.kind === 'file' || result.kind === 'other';
  const notes: string[] = [];
  if (!ruleset.applied) notes.push(`No Landlock ruleset is applied: ${ruleset.notAppliedReason}.`);
  if (result.resolved.links.length) {
    notes.push(`Resolved through symlink${result.resolved.links.length > 1 ? 's' : ''}: ${result.resolved.links.map((l) => `${l.link} -> ${l.target}`).join(', ')}; access is that of ${result.resolved.path}.`);
  }
  if (result.kind === 'missing') notes.push(`${normalized} does not exist in ${analysis.options.view.description}.`);
  else if (result.kind === 'unknown') notes.push(`Kind unknown (${analysis.options.view.description}); rights are shown as for a directory. Give a tree listing for exact rights.`);
  const unhandled = unhandledRights(ruleset.handled) & (nonDirectory ? FILE_RIGHTS : ~0);
  if (ruleset.applied && unhandled) notes.push(`Not handled by the ruleset (ABI ${ruleset.abi}), so always allowed: ${rightNames(unhandled).join(', ')}.`);
  if (ruleset.includeWorkdir && !ruleset.workdirAdded && ruleset.applied) {
    const wd = ruleset.workdir;
    if (normalized === wd || normalized.startsWith(wd + '/')) notes.push(`include_workdir is true: the workdir ${wd} is read-write too (already listed in read_write).`);
  }
  const grantedBy: Grant[] = result.rules.map((rule) => ({
    source: rule.source,
    path: rule.entry?.raw ?? rule.path,
    line: rule.span ? analysis.lines.lineColumn(rule.span.start).line : null,
    span: rule.span,
    boundTo: rule.boundTo ?? rule.path,
    rights: rightNames(nonDirectory ? rule.rights & FILE_RIGHTS : rule.rights),
  }));
  return {
    path,
    kind: result.kind === 'directory' ? 'directory' : nonDirectory ? 'file' : 'unknown',
    access: accessLevel(result.rights),
    rights: rightNames(result.rights),
    grantedBy,
    unrestricted: !ruleset.applied,
    notes,
  };
}
