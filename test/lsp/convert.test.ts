// The diagnostics of one publication (toDiagnostics) share what their findings share: one converted
// related list per winning entry, one rule-page link per rule. What goes over the wire is unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/index';
import { toDiagnostic, toDiagnostics } from '../../server/src/lsp/convert';
import { AnalysedDocument } from '../../server/src/lsp/snapshot';

const POLICY = `version: 1
filesystem_policy:
  read_only:
    - /sandbox/SOUL.md
    - /sandbox/AGENTS.md
    - /data/notes.md
    - /data/notes.md
  read_write:
    - /sandbox
    - /data
`;
const OPTIONS = { relatedInformation: true, docHref: (id: string) => `file:///docs/rules/${id}.md` };

function setup() {
  const analysis = analyze(POLICY, { forcePolicy: true });
  const doc = new AnalysedDocument('file:///p.yaml', 'yaml', 1, POLICY, analysis.lines);
  return { analysis, doc, diagnostics: toDiagnostics(doc, analysis.findings, OPTIONS) };
}

test('the same JSON as converting each finding on its own', () => {
  const { analysis, doc, diagnostics } = setup();
  assert.equal(JSON.stringify(diagnostics), JSON.stringify(analysis.findings.map((f) => toDiagnostic(doc, f, OPTIONS))));
  assert.ok(diagnostics.filter((d) => d.code === 'shadowed-read-only').length >= 3);
});

test('entries shadowed by the same read_write entry share one related list; another winner has its own', () => {
  const { diagnostics } = setup();
  const shadowed = (path: string) => diagnostics.find((d) => d.code === 'shadowed-read-only' && (d.data as { subject: string }).subject === path)!;
  const soul = shadowed('/sandbox/SOUL.md');
  const agents = shadowed('/sandbox/AGENTS.md');
  const notes = shadowed('/data/notes.md');
  assert.equal(soul.relatedInformation, agents.relatedInformation);
  assert.match(soul.relatedInformation![0].message, /`\/sandbox` is read_write/);
  assert.notEqual(notes.relatedInformation, soul.relatedInformation);
  assert.match(notes.relatedInformation![0].message, /`\/data` is read_write/);
  assert.equal(soul.codeDescription, agents.codeDescription);
  assert.equal(soul.codeDescription!.href, 'file:///docs/rules/shadowed-read-only.md');
});

test('a related list of one finding alone is converted for it (not kept for others)', () => {
  const { analysis, diagnostics } = setup();
  const index = analysis.findings.findIndex((f) => f.ruleId === 'duplicate-path');
  assert.ok(index >= 0);
  assert.equal(Object.isFrozen(analysis.findings[index].related), false);
  assert.match(diagnostics[index].relatedInformation![0].message, /first listed here/);
  assert.equal(diagnostics.filter((d) => d.relatedInformation === diagnostics[index].relatedInformation).length, 1);
});
