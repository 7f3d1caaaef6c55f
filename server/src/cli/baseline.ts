// Baselines: a JSON file of accepted findings. Findings in it do not fail the run; entries that no
// longer match anything are reported as stale so the file shrinks as findings are fixed.
import { readFileSync, writeFileSync } from 'node:fs';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  /** Repository-relative path (or the path as given, for files outside the repository). */
  file: string;
  yamlPath: string;
  subject: string;
  /** For people reading the file; not used for matching. */
  message: string;
}

export interface BaselineFile {
  version: number;
  tool: 'landlock-lens';
  findings: BaselineEntry[];
}

export function readBaseline(file: string): BaselineEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read baseline ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const findings = (data as BaselineFile | null)?.findings;
  if (!data || typeof data !== 'object' || (data as BaselineFile).version !== BASELINE_VERSION || !Array.isArray(findings)
    || !findings.every((e) => e && typeof e.fingerprint === 'string' && typeof e.file === 'string')) {
    throw new Error(`${file} is not a landlock-lens baseline (version ${BASELINE_VERSION}, made with --write-baseline)`);
  }
  return findings;
}

export function writeBaseline(file: string, entries: BaselineEntry[]): void {
  const sorted = [...entries].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  const body: BaselineFile = { version: BASELINE_VERSION, tool: 'landlock-lens', findings: sorted };
  writeFileSync(file, JSON.stringify(body, null, 2) + '\n');
}
