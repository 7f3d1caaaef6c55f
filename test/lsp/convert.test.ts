// The diagnostics of one publication (toDiagnostics) share what their findings share: one converted
// related list per winning entry, one rule-page link per rule. What goes over the wire is unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/index';
import { limitFindings, toDiagnostic, toDiagnostics } from '../../server/src/lsp/convert';
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

// More findings than maxDiagnostics: the ones VS Code would keep (errors first), and a note for the rest.
const MANY = `version: 1
filesystem_policy:
  read_only:
    - /etc/hosts
    - /data/a.md
    - /etc/hosts
    - /data/b.md
    - /data/c.md
    - /etc/passwd
    - /etc/passwd
  read_write:
    - /data
    - /data/sub
`;

test('limitFindings keeps max - 1 findings, errors before warnings before hints, in document order', () => {
  const analysis = analyze(MANY, { forcePolicy: true });
  const bySeverity = (s: string) => analysis.findings.filter((f) => f.severity === s);
  const errors = bySeverity('error');
  const warnings = bySeverity('warning');
  assert.equal(errors.length, 3, 'the three read_only entries under /data');
  assert.ok(warnings.length >= 2, 'the duplicates');
  assert.ok(analysis.findings.some((f) => f.severity === 'hint' || f.severity === 'info'));

  const { shown, hidden } = limitFindings(analysis.findings, errors.length + 2);
  assert.deepEqual(shown, analysis.findings.filter((f) => errors.includes(f) || f === warnings[0]));
  assert.equal(hidden, analysis.findings.length - shown.length);

  const onlyErrors = limitFindings(analysis.findings, 3);
  assert.deepEqual(onlyErrors.shown, errors.slice(0, 2), 'fewer places than errors: the first errors');
  assert.deepEqual(limitFindings(analysis.findings, 1).shown, [], 'room for the note alone');
  for (const max of [0, analysis.findings.length]) {
    const all = limitFindings(analysis.findings, max);
    assert.equal(all.shown, analysis.findings, `max ${max}: everything, as it is`);
    assert.equal(all.hidden, 0);
  }
});

test('a limited publication has exactly max diagnostics, the last a note at the top that counts them', () => {
  const analysis = analyze(MANY, { forcePolicy: true });
  const doc = new AnalysedDocument('file:///p.yaml', 'yaml', 1, MANY, analysis.lines);
  const limited = toDiagnostics(doc, analysis.findings, OPTIONS, 4);
  assert.equal(limited.length, 4);
  assert.deepEqual(limited.slice(0, 3).map((d) => d.severity), [1, 1, 1]);
  const note = limited[3];
  assert.equal(note.severity, 3);
  assert.equal(note.code, undefined);
  assert.deepEqual(note.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
  assert.match(note.message as string, new RegExp(`shows 3 of the ${analysis.findings.length} findings .*landlockLens\\.maxDiagnostics = 4.*landlock-lens check`));
  assert.equal(JSON.stringify(toDiagnostics(doc, analysis.findings, OPTIONS, 0)), JSON.stringify(analysis.findings.map((f) => toDiagnostic(doc, f, OPTIONS))));
});
