// Rule levels from settings or the project configuration, shared by analyze() and suppressions.
import type { Finding, Severity } from '../types';

/**
 * Per-rule severity overrides ('off' drops the rule). Copies property descriptors rather than values,
 * so a finding's lazily computed fixes stay lazy.
 */
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
    const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(f)) as Finding;
    copy.severity = level;
    out.push(copy);
  }
  return out;
}
