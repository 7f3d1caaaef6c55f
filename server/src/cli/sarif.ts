// SARIF 2.1.0 for code scanning (GitHub `upload-sarif` and other viewers): every rule with its help
// page, repository-relative URIs under %SRCROOT%, line-independent partial fingerprints, related
// locations for the entries that cause a finding, and suppressed results kept with their justification.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULES, ruleDocUrl } from '../core/index';
import type { Finding, Severity, Span } from '../core/index';
import type { LineIndex } from '../core/index';
import type { Suppression } from '../core/suppressions';
import type { CheckReport, FileReport } from './report';
import { FINGERPRINT_KEY } from './fingerprint';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';
const INFORMATION_URI = 'https://github.com/landlock-lens/landlock-lens';

/** error/warning map directly; info and hint are SARIF notes. */
export function sarifLevel(severity: Severity): 'error' | 'warning' | 'note' {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

/** `shadowed-read-only` -> `ShadowedReadOnly` (SARIF `name`, shown by some viewers). */
function ruleName(id: string): string {
  return id.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** docs/rules next to the bundle (server/out/cli.js -> ../../docs/rules) or to the sources. */
function docsDir(): string | undefined {
  for (const candidate of [path.join(__dirname, '..', '..', 'docs', 'rules'), path.join(__dirname, '..', '..', '..', 'docs', 'rules')]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function ruleHelpMarkdown(dir: string | undefined, id: string): string | undefined {
  if (!dir) return undefined;
  try {
    return readFileSync(path.join(dir, `${id}.md`), 'utf8');
  } catch {
    return undefined;
  }
}

/** Percent-encodes what is not allowed in a URI path segment, keeping `/`. */
function encodePath(p: string): string {
  return p.split('/').map((s) => encodeURIComponent(s)).join('/');
}

function artifactLocation(file: FileReport): { uri: string; uriBaseId?: string } {
  if (file.repoPath) return { uri: encodePath(file.repoPath), uriBaseId: SRCROOT };
  if (file.abs) return { uri: pathToFileURL(file.abs).href };
  return { uri: encodePath(file.display.replace(/^<|>$/g, '')) };
}

function region(lines: LineIndex, span: Span) {
  const start = lines.lineColumn(span.start);
  const end = lines.lineColumn(Math.max(span.end, span.start));
  return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
}

/** `['filesystem_policy', 'read_only', 3]` -> `filesystem_policy.read_only[3]`. */
export function yamlPathName(yamlPath: (string | number)[]): string {
  let out = '';
  for (const seg of yamlPath) out += typeof seg === 'number' ? `[${seg}]` : (out ? '.' : '') + seg;
  return out;
}

export interface SarifOptions {
  version: string;
  /** Exit code of the run, recorded in the invocation. */
  exitCode: number;
}

export function toSarif(report: CheckReport, options: SarifOptions): object {
  const dir = docsDir();
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]));
  const rules = RULES.map((r) => {
    const helpUri = ruleDocUrl(r.id);
    const markdown = ruleHelpMarkdown(dir, r.id);
    const properties: Record<string, unknown> = { tags: r.security ? ['security', 'landlock'] : ['correctness', 'landlock'], precision: 'high' };
    if (r.security && r.securitySeverity !== undefined) properties['security-severity'] = r.securitySeverity.toFixed(1);
    return {
      id: r.id,
      name: ruleName(r.id),
      shortDescription: { text: r.title },
      fullDescription: { text: r.summary },
      helpUri,
      help: markdown ? { text: `${r.summary} See ${helpUri}`, markdown } : { text: `${r.summary} See ${helpUri}` },
      defaultConfiguration: { level: sarifLevel(r.defaultSeverity) },
      properties,
    };
  });

  const artifacts: { location: { uri: string; uriBaseId?: string } }[] = [];
  const results: object[] = [];
  for (const file of report.files) {
    const location = artifactLocation(file);
    const index = artifacts.push({ location }) - 1;
    const physical = (span: Span) => ({ artifactLocation: { ...location, index }, region: region(file.lines, span) });
    const result = (f: Finding, extra: Record<string, unknown>) => {
      const loc: Record<string, unknown> = { physicalLocation: physical(f.span) };
      if (f.yamlPath.length > 0) {
        const last = f.yamlPath[f.yamlPath.length - 1];
        loc.logicalLocations = [{ name: String(last), fullyQualifiedName: yamlPathName(f.yamlPath), kind: typeof last === 'number' ? 'element' : 'property' }];
      }
      const out: Record<string, unknown> = {
        ruleId: f.ruleId,
        ruleIndex: ruleIndex.get(f.ruleId) ?? -1,
        level: sarifLevel(f.severity),
        message: { text: f.message },
        locations: [loc],
      };
      if (f.related.length > 0) {
        out.relatedLocations = f.related.map((r, i) => ({ id: i + 1, physicalLocation: physical(r.span), message: { text: r.message } }));
      }
      const fp = file.fingerprints.get(f);
      if (fp) out.partialFingerprints = { [FINGERPRINT_KEY]: fp };
      if (f.fixes.length > 0) out.properties = { fixes: f.fixes.map((x) => ({ title: x.title, safe: x.safe })) };
      return { ...out, ...extra };
    };
    const baselineState = (state: 'new' | 'unchanged') => (report.baselineInUse ? { baselineState: state } : {});
    for (const f of file.findings) results.push(result(f, baselineState('new')));
    for (const f of file.baselined) results.push(result(f, baselineState('unchanged')));
    for (const { finding, suppression } of file.suppressed) results.push(result(finding, { ...baselineState('new'), suppressions: [inSource(suppression, physical)] }));
  }

  const invocation: Record<string, unknown> = {
    executionSuccessful: options.exitCode !== 2,
    exitCode: options.exitCode,
  };
  if (report.toolErrors.length > 0) {
    invocation.toolExecutionNotifications = report.toolErrors.map((text) => ({ level: 'error', message: { text } }));
  }
  const run: Record<string, unknown> = {
    tool: { driver: { name: 'landlock-lens', informationUri: INFORMATION_URI, version: options.version, semanticVersion: options.version, rules } },
    invocations: [invocation],
    originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(report.root).href.replace(/\/?$/, '/') } },
    artifacts,
    results,
    columnKind: 'utf16CodeUnits',
  };
  if (report.baselineInUse) run.properties = { staleBaseline: report.staleBaseline };
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

function inSource(s: Suppression, physical: (span: Span) => object) {
  return { kind: 'inSource', justification: s.reason, location: { physicalLocation: physical(s.span) } };
}
