// `landlock-lens check`: expands the arguments, applies the project configuration, inline suppressions,
// --min-severity and the baseline to the core's findings, optionally applies fixes, and renders one
// report in the requested format. Exit codes: 0 nothing counted at warning or above, 1 warnings or
// errors, 2 the tool itself failed (unreadable input, configuration problems, bad baseline).
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyze, LineIndex } from '../core/index';
import type { Analysis, AnalysisOptions, Finding, Fix, FsView, Severity } from '../core/index';
import { applyConfigIgnores, configAnalysisOptions, configProblem, ignoredRules, mergeSettings } from '../core/config';
import type { CliSettings, LensConfig } from '../core/config';
import { applySuppressions } from '../core/suppressions';
import { byTextOrder } from '../core/rules/checks';
import type { SuppressedFinding } from '../core/suppressions';
import { clearConfigCache, configRelativePath, loadConfigFile, loadConfigFor, resolveFromConfig } from '../node/config';
import type { ConfigLookup } from '../node/config';
import { readTreeListing } from '../node/views';
import { expandTargets, findRepositoryRoot, relativeToRoot } from './targets';
import type { Target } from './targets';
import { fingerprints, normalisedSubject, normalisedYamlPath } from './fingerprint';
import { readBaseline, writeBaseline } from './baseline';
import type { BaselineEntry } from './baseline';
import type { CheckReport, FileReport } from './report';
import { formatFindingsText, toJsonReport } from './format';
import { toSarif } from './sarif';
import { formatGithub } from './github';
import { applyFixesOneByOne, chooseFix } from './fix';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_TOOL_FAILURE = 2;

export type OutputFormat = 'text' | 'json' | 'sarif' | 'github';
export const OUTPUT_FORMATS: OutputFormat[] = ['text', 'json', 'sarif', 'github'];
export const SEVERITY_RANK: Record<Severity, number> = { hint: 0, info: 1, warning: 2, error: 3 };

/** Analysis settings given on the command line; each one given wins over the configuration. */
export interface CliFlags extends CliSettings {
  /** The view --tree / --map describe, built for the effective workdir; undefined: none given. */
  view?: (workdir: string) => FsView | undefined;
  /** --config FILE: use this configuration for every file instead of discovering one. */
  configFile?: string;
  /** --no-config */
  noConfig?: boolean;
}

export interface CheckOptions {
  format: OutputFormat;
  flags: CliFlags;
  minSeverity: Severity;
  baseline?: string;
  writeBaseline?: string;
  /** --fix (safe fixes only) or --fix-all (also fixes that change access). */
  fix?: 'safe' | 'all';
  stdinFilename?: string;
  /** --output FILE: write the report there instead of standard output. */
  output?: string;
  version: string;
}

export interface CheckIo {
  out(text: string): void;
  err(text: string): void;
  readStdin(): string;
  cwd: string;
}

const NO_CONFIG: ConfigLookup = { config: { policyFiles: [], rules: {}, ignore: [] }, problems: [], fatal: false, usingLastGood: false, valueSpans: {} };

/**
 * The fix --fix applies: a safe one (access unchanged). --fix-all: for shadowed entries the split
 * `landlock-lens fix` would apply (with its warnings), otherwise the preferred fix, else a safe one.
 */
export function pickFix(f: Finding, mode: 'safe' | 'all', analysis?: Analysis): { fix?: Fix; warning?: string } {
  if (mode === 'safe') return { fix: f.fixes.find((x) => x.safe && x.preferred) ?? f.fixes.find((x) => x.safe) };
  if (f.ruleId === 'shadowed-read-only') return chooseFix(f, analysis);
  return { fix: f.fixes.find((x) => x.preferred) ?? f.fixes.find((x) => x.safe) ?? f.fixes[0] };
}

export async function runCheck(args: string[], opts: CheckOptions, io: CheckIo): Promise<number> {
  clearConfigCache(); // the CLI is sometimes run in-process (tests): always read configurations afresh
  const cwd = io.cwd;
  const root = findRepositoryRoot(cwd);
  const { targets, errors } = expandTargets(args, cwd, opts.stdinFilename);
  const toolErrors = [...errors];
  if (opts.fix && targets.some((t) => t.stdin)) throw new CheckUsageError('--fix cannot rewrite standard input; name the file instead');

  let baseline: BaselineEntry[] | undefined;
  if (opts.baseline) baseline = readBaseline(path.resolve(cwd, opts.baseline)); // throws: exit 2
  const baselineByFingerprint = new Map<string, BaselineEntry>();
  for (const e of baseline ?? []) baselineByFingerprint.set(e.fingerprint, e);
  const matchedBaseline = new Set<BaselineEntry>();

  const resolver = new FileOptionsResolver(opts.flags, cwd, root);
  const files: FileReport[] = [];
  const checkedFiles = new Set<string>();
  const fixNotes: string[] = [];

  for (const target of targets) {
    const { options, lookup, relPath } = resolver.resolve(target.abs);
    const config = lookup.config;
    const display = target.display;
    const repoPath = relativeToRoot(root, target.abs);
    if (ignoredRules(config, relPath) === 'all') {
      if (target.explicit) files.push(emptyReport(target, repoPath, `ignored by ${path.relative(cwd, lookup.file!) || lookup.file}`));
      continue;
    }

    let text: string;
    try {
      text = target.stdin ? io.readStdin() : readFileSync(target.abs!, 'utf8');
    } catch (error) {
      toolErrors.push(`cannot read ${display}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (opts.fix) {
      const fixed = autofix(text, options, opts.fix, config, relPath, opts.minSeverity);
      if (fixed.text !== text) {
        writeFileSync(target.abs!, fixed.text);
        text = fixed.text;
      }
      if (fixed.applied.length) fixNotes.push(`${display}: applied ${fixed.applied.length} fix(es):\n  ${fixed.applied.join('\n  ')}`);
      for (const w of fixed.warnings) fixNotes.push(`${display}: ${w}`);
    }

    const analysis = analyze(text, options);
    if (!analysis.isPolicy && !target.explicit) continue; // directories and globs report policies only
    const sup = applySuppressions(analysis, { ruleLevels: config.rules });
    const reported = applyConfigIgnores([...sup.findings, ...sup.problems], config, relPath).sort(byTextOrder);
    const suppressed = sup.suppressed.filter((s) => applyConfigIgnores([s.finding], config, relPath).length > 0);

    // Fingerprints are numbered over every finding of the file, so hiding one never renumbers another.
    const everything = [...reported, ...suppressed.map((s) => s.finding)].sort(byTextOrder);
    const baselineFile = repoPath ?? display;
    const sarifFps = fingerprints(everything);
    const baselineFps = fingerprints(everything, baselineFile);
    const fpMap = new Map<Finding, string>();
    const baselineFp = new Map<Finding, string>();
    everything.forEach((f, i) => {
      fpMap.set(f, sarifFps[i]);
      baselineFp.set(f, baselineFps[i]);
    });

    const shown = (f: Finding) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[opts.minSeverity];
    const newFindings: Finding[] = [];
    const baselined: Finding[] = [];
    for (const f of reported) {
      const entry = baselineByFingerprint.get(baselineFp.get(f)!);
      if (entry) matchedBaseline.add(entry); // matched whatever --min-severity hides, so it is not stale
      if (!shown(f)) continue;
      (entry ? baselined : newFindings).push(f);
    }
    checkedFiles.add(baselineFile);
    const report: FileReport = {
      display, repoPath, abs: target.abs, kind: 'policy', lines: analysis.lines, isPolicy: analysis.isPolicy, detection: analysis.detection,
      findings: newFindings, baselined, suppressed: suppressed.filter((s: SuppressedFinding) => shown(s.finding)), fingerprints: fpMap,
      baselineFingerprints: baselineFp,
    };
    files.push(report);
  }

  const configReports = resolver.configReportsWithProblems();
  files.push(...configReports);
  const configProblems = configReports.reduce((n, r) => n + r.findings.length, 0);

  const staleBaseline = (baseline ?? []).filter((e) => !matchedBaseline.has(e) && checkedFiles.has(e.file));
  const report: CheckReport = { files, root, baselineInUse: !!baseline, staleBaseline, toolErrors };

  if (opts.writeBaseline) {
    const entries: BaselineEntry[] = [];
    for (const file of files) {
      if (file.kind !== 'policy') continue;
      for (const f of [...file.findings, ...file.baselined]) {
        entries.push({ fingerprint: file.baselineFingerprints!.get(f)!, ruleId: f.ruleId, file: file.repoPath ?? file.display, yamlPath: normalisedYamlPath(f), subject: normalisedSubject(f.subject), message: f.message });
      }
    }
    writeBaseline(path.resolve(cwd, opts.writeBaseline), entries);
    io.err(`landlock-lens: wrote ${entries.length} finding(s) to baseline ${opts.writeBaseline}\n`);
  }

  const failed = toolErrors.length > 0 || configProblems > 0;
  const findingsFail = files.some((f) => f.kind === 'policy' && f.findings.some((x) => SEVERITY_RANK[x.severity] >= SEVERITY_RANK.warning));
  const exitCode = failed ? EXIT_TOOL_FAILURE : opts.writeBaseline ? EXIT_OK : findingsFail ? EXIT_FINDINGS : EXIT_OK;

  // Diagnostics about the run itself go to stderr in every format; machine formats also carry them.
  for (const note of fixNotes) io.err(`landlock-lens: ${note}\n`);
  for (const e of toolErrors) io.err(`landlock-lens: ${e}\n`);
  printConfigProblems(configReports, io);
  for (const e of staleBaseline) {
    io.err(`landlock-lens: note: stale baseline entry (no longer found): ${e.file}: [${e.ruleId}] ${e.subject || e.yamlPath}; refresh the baseline with --write-baseline\n`);
  }

  let rendered: string;
  switch (opts.format) {
    case 'json':
      rendered = JSON.stringify(toJsonReport(report), null, 2) + '\n';
      break;
    case 'sarif':
      rendered = JSON.stringify(toSarif(report, { version: opts.version, exitCode }), null, 2) + '\n';
      break;
    case 'github':
      rendered = formatGithub(report);
      break;
    default:
      rendered = formatFindingsText(report);
  }
  if (opts.output) writeFileSync(path.resolve(cwd, opts.output), rendered);
  else io.out(rendered);
  return exitCode;
}

export class CheckUsageError extends Error {}

function emptyReport(target: Target, repoPath: string | undefined, detection: string): FileReport {
  return { display: target.display, repoPath, abs: target.abs, kind: 'policy', lines: new LineIndex(''), isPolicy: false, detection, findings: [], baselined: [], suppressed: [], fingerprints: new Map() };
}

/** Prints configuration problems as tool errors (`file:line:col: error [config] message`). */
export function printConfigProblems(reports: FileReport[], io: { err(text: string): void }): void {
  for (const r of reports) {
    for (const f of r.findings) {
      const at = r.lines.lineColumn(f.span.start);
      io.err(`landlock-lens: ${r.display}:${at.line}:${at.column}: ${f.severity} [config] ${f.message}\n`);
    }
  }
}

/**
 * The analysis options of each file: flag > configuration (nearest .landlock-lens.yaml, or --config)
 * > default. Configuration problems are collected per configuration file; tree listings are read once.
 */
export class FileOptionsResolver {
  private readonly reports = new Map<string, FileReport>();
  private readonly views = new Map<string, FsView | undefined>();

  constructor(private readonly flags: CliFlags, private readonly cwd: string, private readonly root: string) {}

  resolve(abs: string | undefined): { options: AnalysisOptions; lookup: ConfigLookup; relPath: string | undefined } {
    const { flags, cwd } = this;
    let lookup = NO_CONFIG;
    if (!flags.noConfig) {
      lookup = flags.configFile ? loadConfigFile(path.resolve(cwd, flags.configFile)) : loadConfigFor(abs ?? path.join(cwd, 'stdin'));
      if (lookup.file && !this.reports.has(lookup.file)) this.reports.set(lookup.file, configReport(lookup, cwd, this.root, lookup.problems));
    }
    const config = lookup.config;
    const relPath = abs ? configRelativePath(lookup, abs) : undefined;
    const settings = mergeSettings(flags, config, (rel) => resolveFromConfig(lookup, rel));
    const options: AnalysisOptions = { workdir: settings.workdir, gpu: settings.gpu, abi: settings.abi, fileName: abs, ...configAnalysisOptions(config, relPath) };
    const flagView = flags.view?.(settings.workdir);
    if (flagView) options.view = flagView;
    else if (settings.treeListing) {
      const view = this.treeListing(settings.treeListing, settings.workdir, lookup);
      if (view) options.view = view;
    }
    return { options, lookup, relPath };
  }

  private treeListing(file: string, workdir: string, lookup: ConfigLookup): FsView | undefined {
    const key = `${file}\u0000${workdir}`;
    if (this.views.has(key)) return this.views.get(key);
    let view: FsView | undefined;
    try {
      view = readTreeListing(file, workdir);
    } catch (error) {
      const report = lookup.file ? this.reports.get(lookup.file) : undefined;
      report?.findings.push(configProblem(lookup.valueSpans.treeListing ?? { start: 0, end: 0 },
        `The tree listing cannot be read (${error instanceof Error ? error.message : String(error)}); files are analysed with the standard-image assumptions.`, 'treeListing'));
    }
    this.views.set(key, view);
    return view;
  }

  /** One report per configuration file that has problems. */
  configReportsWithProblems(): FileReport[] {
    const out = [...this.reports.values()].filter((r) => r.findings.length > 0);
    for (const r of out) {
      const fps = fingerprints(r.findings);
      r.findings.forEach((f, i) => r.fingerprints.set(f, fps[i]));
    }
    return out;
  }
}

function configReport(lookup: ConfigLookup, cwd: string, root: string, problems: Finding[]): FileReport {
  return {
    display: path.relative(cwd, lookup.file!) || lookup.file!,
    repoPath: relativeToRoot(root, lookup.file),
    abs: lookup.file,
    kind: 'config',
    lines: new LineIndex(lookup.text ?? ''),
    isPolicy: true,
    detection: 'project configuration',
    findings: [...problems],
    baselined: [],
    suppressed: [],
    fingerprints: new Map(),
  };
}

/**
 * Applies fixes one at a time, re-analysing after each (two fixes computed on one text, e.g. two splits
 * that both edit read_write, do not always compose); suppressed and ignored findings are left alone.
 */
export function autofix(text: string, options: AnalysisOptions, mode: 'safe' | 'all', config: LensConfig, relPath: string | undefined, minSeverity: Severity): { text: string; applied: string[]; warnings: string[] } {
  return applyFixesOneByOne(text, options, (analysis) => {
    if (!analysis.isPolicy) return [];
    return applyConfigIgnores(applySuppressions(analysis, { ruleLevels: config.rules }).findings, config, relPath)
      .filter((finding) => SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[minSeverity])
      .map((finding) => ({ finding, ...pickFix(finding, mode, analysis) }));
  });
}
