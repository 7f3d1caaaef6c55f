// `landlock-lens fix`: applies fixes one by one on the text (minimal edits), re-analysing after each so
// that later fixes see the result of earlier ones. Applied: the Landlock-safe split
// for shadowed read_only entries, and otherwise only fixes that leave every path's access unchanged.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyze, applyEdits } from '../core/index';
import type { Analysis, AnalysisOptions, Finding, Fix } from '../core/index';
import { splitPlanFor } from '../core/fixes/split';

/** One fix per round: enough rounds for every finding of a 256-path policy. */
const MAX_ROUNDS = 1000;

export interface FixOptions {
  only?: string;
  write: boolean;
}

interface Io {
  out(text: string): void;
  err(text: string): void;
}

export interface FixChoice {
  fix?: Fix;
  /** Why the finding is left as it is, or what the user must still do after the fix. */
  warning?: string;
}

/**
 * The fix `fix` applies for a finding: the split for shadowed entries (not the /tmp one unless asked
 * for with --only shadowed-read-only: it makes /tmp read-only), otherwise a safe preferred fix.
 */
export function chooseFix(finding: Finding, analysis?: Analysis, only?: string): FixChoice {
  if (finding.ruleId !== 'shadowed-read-only') return { fix: finding.fixes.find((f) => f.safe && f.preferred) };
  const found = analysis ? splitPlanFor(analysis, finding) : undefined;
  if (!found) return { fix: finding.fixes.find((f) => f.preferred) ?? finding.fixes[0] };
  const { plan } = found;
  const where = plan.protectedPaths.join(', ');
  if (plan.blocked || !plan.fix) return { warning: `not fixed: ${where}: ${plan.blocked ?? 'no split available'}` };
  if (plan.baselineTmp && !plan.tmpRequested && only !== 'shadowed-read-only') {
    return { warning: `not fixed: ${where} is under OpenShell's baseline /tmp; the split lists /tmp read_only (nothing can then be created directly in /tmp). Move the file out of /tmp, or run with --only shadowed-read-only to apply it.` };
  }
  const warning = plan.unknownDirs.length
    ? `incomplete split for ${where}: the other entries of ${plan.unknownDirs.join(', ')} are unknown; list them read_write (see the comment in the policy) or give --tree/--map, or they become read-only`
    : undefined;
  return { fix: plan.fix, warning };
}

export interface FixTextResult {
  text: string;
  applied: string[];
  warnings: string[];
}

/** Problems that make OpenShell refuse the file: a fix must never add one. */
function breakage(analysis: Analysis): number {
  return analysis.findings.filter((f) => f.ruleId === 'yaml-syntax' || f.ruleId === 'schema' || f.ruleId === 'openshell-validation').length;
}

/** A finding's candidate fix, as a caller's policy picks it (the CLI's `fix`, `check --fix`...). */
export interface FixCandidate {
  finding: Finding;
  fix?: Fix;
  warning?: string;
}

/**
 * Applies one fix at a time and analyses again: fixes are computed on one version of the text, and
 * two of them (e.g. the splits of two groups that both edit read_write) are not guaranteed to compose
 * when applied together. A fix whose result the loader or OpenShell's validation would reject is
 * skipped. `pick` returns, in priority order, the candidates for one analysis.
 */
export function applyFixesOneByOne(text: string, options: AnalysisOptions, pick: (analysis: Analysis) => FixCandidate[]): FixTextResult {
  let current = text;
  let analysis = analyze(current, options);
  const applied: string[] = [];
  const warnings = new Set<string>();
  const seen = new Set<string>([current]);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let progressed = false;
    for (const { finding, fix, warning } of pick(analysis)) {
      if (warning && !fix) warnings.add(warning);
      if (!fix || fix.edits.length === 0) continue;
      const candidate = applyEdits(current, fix.edits);
      if (seen.has(candidate)) continue; // no change, or back to an earlier text: never loop
      const next = analyze(candidate, options);
      if (breakage(next) > breakage(analysis)) {
        warnings.add(`skipped "${fix.title}": the result would not load in OpenShell`);
        seen.add(candidate);
        continue;
      }
      if (warning) warnings.add(warning);
      applied.push(`${finding.ruleId}: ${fix.title}`);
      seen.add(candidate);
      current = candidate;
      analysis = next;
      progressed = true;
      break;
    }
    if (!progressed) break;
  }
  return { text: current, applied, warnings: [...warnings] };
}

/** What `landlock-lens fix` does: the split for shadowed entries, safe preferred fixes for the rest. */
export function fixText(text: string, options: AnalysisOptions, only?: string): FixTextResult {
  return applyFixesOneByOne(text, options, (analysis) =>
    analysis.findings.filter((f) => !only || f.ruleId === only).map((finding) => ({ finding, ...chooseFix(finding, analysis, only) })));
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
  for (const w of result.warnings) io.err(`${file}: ${w}\n`);
  return 0;
}
