// Line-independent identities of findings, for SARIF `partialFingerprints` (code scanning keeps an
// alert open, not "fixed and new", when lines move) and for baselines. Built from the rule, the YAML
// path and the value the finding is about; list indices are left out when the value identifies the
// entry, so inserting an entry above does not change the others' fingerprints either.
import { createHash } from 'node:crypto';
import type { Finding } from '../core/index';

export const FINGERPRINT_KEY = 'landlockLens/v1';

/** `filesystem_policy.read_only[]` (or `[3]` when there is no subject to tell entries apart). */
export function normalisedYamlPath(f: Pick<Finding, 'yamlPath' | 'subject'>): string {
  let out = '';
  for (const seg of f.yamlPath) {
    if (typeof seg === 'number') out += f.subject ? '[]' : `[${seg}]`;
    else out += (out ? '.' : '') + seg;
  }
  return out;
}

/** The subject with whitespace collapsed and line numbers masked (some messages are subjects). */
export function normalisedSubject(subject: string): string {
  return subject.replace(/\s+/g, ' ').trim().replace(/\bline \d+/g, 'line #').replace(/\bcolumn \d+/g, 'column #');
}

function hash(parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/**
 * One fingerprint per finding, in order. `file` (repository-relative) is part of baseline fingerprints;
 * SARIF fingerprints leave it out (code scanning already tracks alerts per file). Identical keys in one
 * file get an occurrence number, like GitHub's own `primaryLocationLineHash`.
 */
export function fingerprints(findings: Finding[], file?: string): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const key = [f.ruleId, file ?? '', normalisedYamlPath(f), normalisedSubject(f.subject)];
    const base = hash(key);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return `${base}:${n}`;
  });
}
