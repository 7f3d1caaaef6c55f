// Which finding a diagnostic handed back by the client stands for (code actions): the one at the
// diagnostic's place in the current version, else the one with the same rule, subject and YAML path (a
// diagnostic from an older version), else the one with the same rule and range (clients that send no data).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/index';
import type { Analysis, Finding } from '../../server/src/core/index';
import { findingFor, toDiagnostic } from '../../server/src/lsp/convert';
import { AnalysedDocument } from '../../server/src/lsp/snapshot';

const POLICY = 'version: 1\nfilesystem_policy:\n  read_only:\n    - /sandbox/SOUL.md\n  read_write:\n    - /sandbox\n';
// Two documents with the same policy: two shadowed-read-only findings with the same rule, subject and path.
const TWICE = `${POLICY}---\n${POLICY}`;

function setup(text: string) {
  const analysis = analyze(text, { forcePolicy: true });
  const doc = new AnalysedDocument('file:///p.yaml', 'yaml', 1, text, analysis.lines);
  const shadowed = analysis.findings.filter((f) => f.ruleId === 'shadowed-read-only');
  const diagnostic = (f: Finding) => toDiagnostic(doc, f, { relatedInformation: true, docHref: (id) => id });
  return { analysis, doc, shadowed, diagnostic };
}

const shifted = (d: ReturnType<typeof toDiagnostic>, lines: number) => ({ ...d, range: { start: { ...d.range.start, line: d.range.start.line + lines }, end: { ...d.range.end, line: d.range.end.line + lines } } });

test('a diagnostic of the current version finds the finding at its place, also when another has the same key', () => {
  const { analysis, doc, shadowed, diagnostic } = setup(TWICE);
  assert.equal(shadowed.length, 2);
  assert.equal(findingFor(analysis, doc, diagnostic(shadowed[0])), shadowed[0]);
  assert.equal(findingFor(analysis, doc, diagnostic(shadowed[1])), shadowed[1]);
});

test('a diagnostic of an older version (lines moved) finds the finding by rule, subject and YAML path', () => {
  const { analysis, doc, shadowed, diagnostic } = setup(POLICY);
  assert.equal(findingFor(analysis, doc, shifted(diagnostic(shadowed[0]), 1)), shadowed[0]);
  // With two findings of that key and no match at the old place: the first.
  const twice = setup(TWICE);
  assert.equal(findingFor(twice.analysis, twice.doc, shifted(twice.diagnostic(twice.shadowed[1]), 1)), twice.shadowed[0]);
});

test('without data (a client that hands back only code and range), the range decides; another tool or rule finds nothing', () => {
  const { analysis, doc, shadowed, diagnostic } = setup(TWICE);
  const d = diagnostic(shadowed[1]);
  assert.equal(findingFor(analysis, doc, { ...d, data: undefined }), shadowed[1]);
  assert.equal(findingFor(analysis, doc, { ...d, source: 'yaml' }), undefined);
  assert.equal(findingFor(analysis, doc, { ...d, code: 'redundant-entry', data: undefined }), undefined);
});

/** Matches every diagnostic of a policy with `n` shadowed entries; the best of three rounds, in ms. */
function matchingEvery(n: number): number {
  const paths = Array.from({ length: n }, (_, i) => `    - /sandbox/d${i}/f`).join('\n');
  const text = `version: 1\nfilesystem_policy:\n  read_only:\n${paths}\n  read_write:\n    - /sandbox\n`;
  const { analysis, doc, shadowed, diagnostic }: { analysis: Analysis } & ReturnType<typeof setup> = setup(text);
  assert.equal(shadowed.length, n);
  const diagnostics = shadowed.map(diagnostic);
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    let wrong = 0;
    const started = performance.now();
    for (let i = 0; i < n; i++) if (findingFor(analysis, doc, diagnostics[i]) !== shadowed[i]) wrong++;
    best = Math.min(best, performance.now() - started);
    assert.equal(wrong, 0, 'every diagnostic finds its own finding');
  }
  return best;
}

test('thousands of diagnostics of the current version are each matched, in time linear in their number', () => {
  // A code action request may carry every diagnostic of the file. 8x the diagnostics: about 8x the time if
  // each is found by an index (measured: 6-10x), 64x if each scans the findings (measured: 30x and more).
  const small = matchingEvery(2000);
  const large = matchingEvery(16000);
  assert.ok(large < 2000, `16,000 diagnostics matched in ${large.toFixed(0)} ms`);
  assert.ok(large / Math.max(small, 1) < 16, `2,000 -> 16,000 diagnostics: ${small.toFixed(1)} -> ${large.toFixed(1)} ms`);
});
