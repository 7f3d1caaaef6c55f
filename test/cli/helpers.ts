// Helpers for the CLI tests: they run the bundled CLI (server/out/cli.js, made by `npm run build`) the
// way CI does, in throw-away project folders, and validate every SARIF log against the SARIF 2.1.0
// schema (test/fixtures/sarif/sarif-schema-2.1.0.json, draft-04).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import assert from 'node:assert/strict';
import Ajv from 'ajv-draft-04';
import { ROOT } from '../helpers';

export const CLI = join(ROOT, 'server/out/cli.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], cwd: string, input?: string): CliRun {
  assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first (npm test does)`);
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary project folder with the given files (paths relative to it). */
export function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'landlock-lens-cli-'));
  for (const [name, text] of Object.entries(files)) write(dir, name, text);
  return dir;
}

export function write(dir: string, name: string, text: string): void {
  mkdirSync(dirname(join(dir, name)), { recursive: true });
  writeFileSync(join(dir, name), text);
}

/** SOUL.md read_only under read_write /sandbox: an error (shadowed-read-only) and an info (truncate). */
export const SHADOWED = [
  'version: 1',
  'filesystem_policy:',
  '  read_write:',
  '    - /sandbox',
  '  read_only:',
  '    - /usr',
  '    - /sandbox/SOUL.md',
  'landlock:',
  '  compatibility: best_effort',
  '',
].join('\n');

/** Only the truncate-not-restricted info: exit 0 by default. */
export const CLEAN = ['version: 1', 'filesystem_policy:', '  read_write: [/tmp]', '  read_only: [/usr]', ''].join('\n');

/** A duplicate-path warning (with a safe fix) and the truncate info. */
export const DUPLICATE = ['version: 1', 'filesystem_policy:', '  read_write: [/tmp]', '  read_only: [/usr, /usr]', ''].join('\n');

const ajv = new Ajv({ allErrors: true, strict: false });
// The schema uses these formats; ajv knows none of them without ajv-formats, so they are checked here.
ajv.addFormat('uri', (s: string) => {
  try {
    return new URL(s).protocol.length > 1;
  } catch {
    return false;
  }
});
ajv.addFormat('uri-reference', (s: string) => !/[\s<>"{}|\\^`]/.test(s) && !/%(?![0-9A-Fa-f]{2})/.test(s));
ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s));
const validateSchema = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8')));

/** Parses a SARIF log and fails the test unless it validates against SARIF 2.1.0. */
export function sarif(text: string): SarifLog {
  const log = JSON.parse(text);
  const ok = validateSchema(log);
  assert.ok(ok, `SARIF does not validate against the 2.1.0 schema:\n${JSON.stringify(validateSchema.errors, null, 2)}`);
  return log as SarifLog;
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn: number } }; logicalLocations?: { fullyQualifiedName: string }[] }[];
  relatedLocations?: { physicalLocation: { region: { startLine: number } }; message: { text: string } }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; justification: string }[];
  baselineState?: string;
}

export interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { rules: { id: string; helpUri: string; shortDescription: { text: string }; fullDescription: { text: string }; help: { text: string; markdown?: string }; properties: Record<string, unknown> }[] } };
    results: SarifResult[];
    originalUriBaseIds: Record<string, { uri: string }>;
    invocations: { executionSuccessful: boolean; exitCode: number }[];
    properties?: Record<string, unknown>;
  }[];
}

export interface JsonReport {
  files: { file: string; findings: { ruleId: string; severity: string; line: number; column: number; message: string }[] }[];
  suppressed: number;
  baselined: number;
  staleBaseline: { ruleId: string; file: string; subject: string }[];
}

export function json(r: CliRun): JsonReport {
  try {
    return JSON.parse(r.stdout);
  } catch {
    assert.fail(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

export function ids(report: JsonReport, fileIndex = 0): string[] {
  return report.files[fileIndex].findings.map((f) => f.ruleId);
}
