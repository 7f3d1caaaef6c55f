// `landlock-lens fix`: applies fixes round by round on the original text (minimal edits), re-analysing
// between rounds so that later fixes see the result of earlier ones.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyze, applyEdits } from '../core/index';
import type { AnalysisOptions, Finding, Fix, OffsetEdit } from '../core/index';

const MAX_ROUNDS = 20;

export interface FixOptions {
  only?: string;
  write: boolean;
}

interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** The fix `fix` applies for a finding: the split for shadowed entries, otherwise only safe fixes. */
export function chooseFix(finding: Finding): Fix | undefined {
  if (finding.ruleId === 'shadowed-read-only') return finding.fixes.find((f) => f.preferred) ?? finding.fixes[0];
  return finding.fixes.find((f) => f.safe && f.preferred) ?? finding.fixes.find((f) => f.safe);
}

function overlaps(a: OffsetEdit, b: OffsetEdit): boolean {
  return a.start < b.end && b.start < a.end || (a.start === b.start && a.end === b.end);
}

export function fixText(text: string, options: AnalysisOptions, only?: string): { text: string; applied: string[] } {
  let current = text;
  const applied: string[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const analysis = analyze(current, options);
    const chosen: OffsetEdit[] = [];
    for (const finding of analysis.findings) {
      if (only && finding.ruleId !== only) continue;
      const fix = chooseFix(finding);
      if (!fix || fix.edits.length === 0) continue;
      if (fix.edits.some((e) => chosen.some((c) => overlaps(c, e)))) continue;
      chosen.push(...fix.edits);
      applied.push(`${finding.ruleId}: ${fix.title}`);
    }
    if (chosen.length === 0) break;
    const next = applyEdits(current, chosen);
    if (next === current) break;
    current = next;
  }
  return { text: current, applied };
}

export function runFix(file: string, options: AnalysisOptions, fixOptions: FixOptions, io: Io): number {
  const text = readFileSync(file, 'utf8');
  const result = fixText(text, { ...options, fileName: path.resolve(file) }, fixOptions.only);
  if (fixOptions.write) {
    if (result.text !== text) writeFileSync(file, result.text);
    io.err(`${file}: ${result.applied.length ? `applied ${result.applied.length} fix(es):\n  ${result.applied.join('\n  ')}` : 'nothing to fix'}\n`);
  } else {
    io.out(result.text);
  }
  return 0;
}
