// Rule levels from settings or the project configuration, shared by analyze() and suppressions.
import type { Finding, Severity } from '../types';
import { withSeverity } from './lazy-fixes';

/** Per-rule severity overrides ('off' drops the rule). Lazily planned fixes stay lazy. */
export function applyRuleLevels(findings: Finding[], levels: Record<string, Severity | 'off'> | undefined): Finding[] {
  if (!levels) return findings;
  const out: Finding[] = [];
  for (const f of findings) {
    const level = levels[f.ruleId];
    if (level === 'off') continue;
    if (!level || level === f.severity) {
      out.push(f);
      continue;
    }
    out.push(withSeverity(f, level));
  }
  return out;
}
