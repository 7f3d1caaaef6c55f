// Every rule the analysis can report. Ids are stable (they appear in suppressions, baselines and SARIF);
// each has a page docs/rules/<id>.md.
import type { Severity } from '../types';

export interface RuleMeta {
  id: string;
  defaultSeverity: Severity;
  title: string;
  /** One sentence: what the rule finds. */
  summary: string;
  /** A security finding (SARIF `security-severity` is set for these). */
  security: boolean;
  /** SARIF security-severity (0-10) for security rules. */
  securitySeverity?: number;
}

export const RULES: RuleMeta[] = [
  { id: 'shadowed-read-only', defaultSeverity: 'error', security: true, securitySeverity: 8.1, title: 'read_only entry shadowed by a writable ancestor', summary: 'A read_only path at or under a read_write entry, the workdir (include_workdir) or a baseline read-write path stays writable: Landlock rules only add up.' },
  { id: 'truncate-not-restricted', defaultSeverity: 'info', security: true, securitySeverity: 4.3, title: 'read_only files can still be truncated', summary: 'The ruleset does not handle LANDLOCK_ACCESS_FS_TRUNCATE (OpenShell pins ABI 2), so truncate(2) and open(O_RDONLY|O_TRUNC) can empty read_only files the sandbox user may write.' },
  { id: 'yaml-syntax', defaultSeverity: 'error', security: false, title: 'YAML syntax error', summary: 'The file is not valid YAML; OpenShell cannot load it.' },
  { id: 'multiple-documents', defaultSeverity: 'error', security: false, title: 'more than one YAML document', summary: 'OpenShell reads exactly one document: "deserializing from YAML containing more than one document is not supported".' },
  { id: 'schema', defaultSeverity: 'error', security: false, title: 'OpenShell loader rejects the file', summary: 'Unknown fields, missing fields and wrong types, in the words of OpenShell\'s loader (serde_yml).' },
  { id: 'openshell-validation', defaultSeverity: 'error', security: false, title: 'OpenShell validator rejects the policy', summary: 'A check of validate_sandbox_policy fails; the gateway refuses the policy and the supervisor falls back to its restrictive default.' },
  { id: 'unknown-compatibility', defaultSeverity: 'warning', security: true, securitySeverity: 5.3, title: 'unknown landlock.compatibility value', summary: 'Any value other than exactly "hard_requirement" silently means best_effort (e.g. "hard-requirement").' },
  { id: 'unexpected-version', defaultSeverity: 'warning', security: false, title: 'version is not 1', summary: 'OpenShell never compares version with 1; every shipped policy uses 1.' },
  { id: 'duplicate-path', defaultSeverity: 'warning', security: false, title: 'duplicate path', summary: 'The same path is listed twice in one list; the copy has no effect but counts toward the 256-path limit.' },
  { id: 'path-in-both-lists', defaultSeverity: 'warning', security: true, securitySeverity: 5.0, title: 'path listed both read_only and read_write', summary: 'Landlock grants the union: the path is read-write and the read_only entry has no effect.' },
  { id: 'non-normal-path', defaultSeverity: 'warning', security: false, title: 'path is not in normal form', summary: 'A trailing "/", "//" or "/./" is removed by the supervisor but compared raw by the baseline merge and live-update checks.' },
  { id: 'literal-glob', defaultSeverity: 'warning', security: false, title: 'glob characters are taken literally', summary: 'OpenShell opens paths literally; "*", "?" and "[...]" are not expanded, so the rule usually matches nothing.' },
  { id: 'literal-variable', defaultSeverity: 'warning', security: false, title: '~ and $VARIABLES are not expanded', summary: 'OpenShell never expands "~", "$HOME" or "${VAR}"; inside an absolute path they are literal characters.' },
  { id: 'supervisor-resolved-symlink', defaultSeverity: 'warning', security: true, securitySeverity: 4.0, title: 'symlink resolved in the supervisor', summary: 'Paths such as /proc/self are resolved when the supervisor builds the ruleset, so they name the supervisor\'s process, not the sandboxed one.' },
  { id: 'read-write-symlink', defaultSeverity: 'error', security: true, securitySeverity: 7.5, title: 'read_write path is a symlink', summary: 'A read_write rule on a symlink grants its target; OpenShell refuses to start when it prepares such a path.' },
  { id: 'read-write-file', defaultSeverity: 'info', security: false, title: 'read_write path is not a directory', summary: 'A read_write file can be written but not deleted, renamed or atomically replaced; a missing read_write path is created as a directory.' },
  { id: 'no-landlock', defaultSeverity: 'warning', security: true, securitySeverity: 7.5, title: 'no Landlock ruleset is applied', summary: 'The policy ends up with no filesystem paths (or every path is missing), so OpenShell applies no Landlock ruleset at all.' },
  { id: 'absent-filesystem-policy', defaultSeverity: 'info', security: false, title: 'filesystem_policy omitted', summary: 'Without the section OpenShell uses include_workdir: true (unlike a present section, where it defaults to false).' },
  { id: 'baseline-not-hidden', defaultSeverity: 'info', security: false, title: 'baseline paths are added anyway', summary: 'With network policies, OpenShell adds its baseline paths (/usr, /lib, /etc, /proc, /tmp...) whether or not the policy lists them.' },
  { id: 'read-only-root', defaultSeverity: 'warning', security: true, securitySeverity: 5.0, title: '"/" is read_only', summary: 'A read_only "/" makes the whole filesystem readable and executable.' },
  { id: 'all-paths-missing', defaultSeverity: 'warning', security: true, securitySeverity: 7.5, title: 'every Landlock path is missing', summary: 'Under best_effort OpenShell then runs the sandbox without Landlock; under hard_requirement it refuses to start.' },
  { id: 'preset-fragment', defaultSeverity: 'info', security: false, title: 'NemoClaw preset fragment', summary: 'A top-level preset: key marks a NemoClaw preset, merged by NemoClaw into a policy; it is not a standalone OpenShell policy.' },
  { id: 'redundant-entry', defaultSeverity: 'hint', security: false, title: 'entry has no effect', summary: 'The entry is already covered by an ancestor with the same or more access; removing it changes nothing.' },
  { id: 'config', defaultSeverity: 'error', security: false, title: 'project configuration problem', summary: 'The .landlock-lens.yaml project configuration cannot be read or has an invalid entry; the problem is reported on the configuration file and the invalid part is not used.' },
  { id: 'unused-suppression', defaultSeverity: 'warning', security: false, title: 'suppression comment suppresses nothing', summary: 'A `# landlock-lens: ignore[rule-id] reason` comment names a rule that reports nothing on its line, so it is stale or misplaced.' },
  { id: 'invalid-suppression', defaultSeverity: 'warning', security: false, title: 'malformed suppression comment', summary: 'A `# landlock-lens:` comment is not a valid suppression (unknown rule id, missing reason or bad syntax) and suppresses nothing.' },
];

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function ruleMeta(id: string): RuleMeta {
  const meta = BY_ID.get(id);
  if (!meta) throw new Error(`unknown rule id ${id}`);
  return meta;
}

export const DOCS_BASE_URL = 'https://github.com/landlock-lens/landlock-lens/blob/main/docs/rules/';

export function ruleDocUrl(id: string, base = DOCS_BASE_URL): string {
  return `${base}${id}.md`;
}
