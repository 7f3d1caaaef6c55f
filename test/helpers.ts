// Small helpers shared by the core tests.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../server/src/core/index';
import type { AnalysisOptions, Analysis } from '../server/src/core/index';

export const ROOT = join(__dirname, '..');
export const CORPUS_DIR = join(ROOT, 'test/fixtures/corpus');

export interface SimpleFinding {
  ruleId: string;
  severity: string;
  line: number;
  column: number;
  message: string;
}

export function simplify(analysis: Analysis): SimpleFinding[] {
  return analysis.findings.map((f) => {
    const at = analysis.lines.lineColumn(f.span.start);
    return { ruleId: f.ruleId, severity: f.severity, line: at.line, column: at.column, message: f.message };
  });
}

export function findings(text: string, options: AnalysisOptions = {}): SimpleFinding[] {
  return simplify(analyze(text, options));
}

export function ruleIds(text: string, options: AnalysisOptions = {}): string[] {
  return findings(text, options).map((f) => f.ruleId);
}

export function corpusFiles(): { name: string; text: string }[] {
  return readdirSync(CORPUS_DIR)
    .filter((n) => n.endsWith('.yaml'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(CORPUS_DIR, name), 'utf8') }));
}

/** A minimal valid policy around a filesystem block (no network policies, so no baseline). */
export function policy(fs: string, extra = ''): string {
  return `version: 1\nfilesystem_policy:\n${fs}\n${extra}`;
}
