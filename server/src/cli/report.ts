// The result of `check`, shared by every output format (text, JSON, SARIF, GitHub annotations).
import type { Finding } from '../core/index';
import type { LineIndex } from '../core/index';
import type { SuppressedFinding } from '../core/suppressions';
import type { BaselineEntry } from './baseline';

export interface FileReport {
  /** The path as given on the command line (or joined from a directory / glob). */
  display: string;
  /** Repository-relative path with `/` separators; undefined outside the repository or for unnamed stdin. */
  repoPath?: string;
  /** Absolute path, when the input is a file. */
  abs?: string;
  kind: 'policy' | 'config';
  lines: LineIndex;
  isPolicy: boolean;
  detection: string;
  /** Reported and counted: not suppressed, not in the baseline, at or above --min-severity. */
  findings: Finding[];
  /** Matched by the baseline: shown in SARIF only (baselineState "unchanged"), never counted. */
  baselined: Finding[];
  /** Hidden by an inline suppression: shown in SARIF only (with `suppressions`), never counted. */
  suppressed: SuppressedFinding[];
  /** SARIF partial fingerprint of every finding above. */
  fingerprints: Map<Finding, string>;
  /** Baseline fingerprint (with the file) of every finding above. */
  baselineFingerprints?: Map<Finding, string>;
}

export interface CheckReport {
  files: FileReport[];
  /** Repository root (or working directory): SARIF URIs and baseline paths are relative to it. */
  root: string;
  /** A baseline file was given (SARIF then sets baselineState on every result). */
  baselineInUse: boolean;
  staleBaseline: BaselineEntry[];
  /** Problems of the tool itself (unreadable files...): exit code 2. */
  toolErrors: string[];
}

export function reportedCount(report: CheckReport): { suppressed: number; baselined: number } {
  let suppressed = 0;
  let baselined = 0;
  for (const f of report.files) {
    suppressed += f.suppressed.length;
    baselined += f.baselined.length;
  }
  return { suppressed, baselined };
}
