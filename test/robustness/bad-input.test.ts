// Bad input never crashes, hangs or garbles a finding: truncated files, every field of the wrong type,
// alias bombs, absurd nesting, huge, binary and oddly encoded files, long lines, Unicode, streams and
// YAML that is not a policy at all. Each input gets a clear diagnostic or nothing, in bounded time,
// from the core and from the bundled language server alike.
//
// LANDLOCK_LENS_ROBUSTNESS_FULL=1 also truncates the largest corpus policy at every byte, in the core
// and over LSP (a few minutes); by default it is cut at every 2nd line's start and end and every 53rd
// byte (every 8th line and every 211th byte over LSP).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/index';
import type { Analysis } from '../../server/src/core/index';
import { analysisProblems, allFixProblems, timedAnalyze } from './check';
import { hostileInputs, ISSUE_698, largeCorpusPolicy, truncations, wrongTypeInputs } from './inputs';
import type { BadInput } from './inputs';
import { LspClient, lineStarts, MINIMAL_CAPABILITIES, positionAt } from './lsp-client';
import { checkDocumentOverLsp, SERVER_SETTINGS } from './lsp-checks';

const FULL = process.env.LANDLOCK_LENS_ROBUSTNESS_FULL === '1';
const CORE_BOUND_MS = 2000;

/** Runs one input through the core; returns what went wrong (nothing when all is well). */
/** Analyses already made by the core tests, reused as the expected result over LSP. */
const analysed = new Map<string, Analysis>();
const inputKey = (input: BadInput) => `${input.name}\u0000${input.text.length}`;

function coreProblems(input: BadInput, checkFixes = true): { problems: string[]; analysis?: Analysis } {
  const r = timedAnalyze(input.text, input.options);
  if (r.analysis && input.text.length < 2_000_000) analysed.set(inputKey(input), r.analysis);
  const name = input.name;
  if (r.error) return { problems: [`${name}: analyze threw ${(r.error as Error)?.stack ?? String(r.error)}`.slice(0, 1500)] };
  const a = r.analysis!;
  const problems = analysisProblems(input.text, a).map((p) => `${name}: ${p}`);
  const bound = input.maxMs ?? CORE_BOUND_MS;
  if (r.ms > bound) problems.push(`${name}: analysis took ${r.ms.toFixed(0)} ms (bound ${bound} ms)`);
  const ids = a.findings.map((f) => f.ruleId);
  if (input.expect === 'nothing' && (a.isPolicy || a.findings.length)) problems.push(`${name}: not a policy, yet ${ids.length} findings (${[...new Set(ids)].join(', ')})`);
  if (input.expect === 'syntax' && !ids.includes('yaml-syntax')) problems.push(`${name}: expected a yaml-syntax finding, got ${[...new Set(ids)].join(', ') || 'nothing'}`);
  if (input.expect === 'error' && !a.findings.some((f) => f.severity === 'error')) problems.push(`${name}: expected an error, got ${[...new Set(ids)].join(', ') || 'nothing'}`);
  if (input.errorWithin) {
    const w = input.errorWithin;
    if (!a.findings.some((f) => f.severity === 'error' && f.span.start <= w.end && f.span.end >= w.start)) {
      problems.push(`${name}: no error at the wrong field (${w.start}..${w.end}); findings: ${a.findings.map((f) => `${f.ruleId}@${f.span.start}: ${f.message.slice(0, 80)}`).join(' | ')}`);
    }
  }
  // Internal error texts are not diagnostics a user can act on.
  for (const f of a.findings) if (/Maximum call stack|RangeError|TypeError|Cannot read prop/.test(f.message)) problems.push(`${name}: internal error shown as a finding: ${f.message.slice(0, 200)}`);
  if (checkFixes) {
    // Fixes of huge inputs are not re-analysed (each check analyses the whole fixed text again):
    // computing them is part of the timed analysis, their correctness is checked on the rest.
    const fixes = allFixProblems(input.text, a, input.options, input.text.length > 100_000 ? 0 : 25);
    problems.push(...fixes.problems.map((p) => `${name}: ${p}`));
  }
  return { problems, analysis: a };
}

function assertNoProblems(problems: string[], what: string): void {
  assert.deepEqual(problems.slice(0, 30), [], `${problems.length} problems with ${what}`);
}

describe('core: bad input gets a clear diagnostic or nothing, never an exception or a hang', () => {
  test('hostile inputs: alias bombs, deep nesting, 10 MB, binary, NUL, BOM, line endings, long paths, Unicode, streams', () => {
    const inputs = hostileInputs();
    assert.ok(inputs.length > 90);
    const problems = inputs.flatMap((i) => coreProblems(i).problems);
    assertNoProblems(problems, 'hostile inputs');
  });

  test('issue-698.yaml truncated at every byte', () => {
    const inputs = truncations('issue-698.yaml', ISSUE_698(), 'all');
    const problems = inputs.flatMap((i) => coreProblems(i).problems);
    assertNoProblems(problems, `${inputs.length} truncations`);
  });

  test(`the largest corpus policy truncated ${FULL ? 'at every byte' : 'at every 2nd line start and end and every 53rd byte'}`, () => {
    const big = largeCorpusPolicy();
    assert.ok(big.text.length > 8000, 'a large policy');
    const inputs = truncations(big.name, big.text, FULL ? 'all' : { stride: 53, lines: 2 });
    // Fixes are checked on one truncation in 20 (each check is a full analysis of the fixed text).
    const problems = inputs.flatMap((i, k) => coreProblems(i, k % 20 === 0).problems);
    assertNoProblems(problems, `${inputs.length} truncations`);
  });

  test('every schema field with a value of each wrong type: an error at that field, or (serde reads scalars as strings) nothing', () => {
    const inputs = wrongTypeInputs();
    assert.ok(inputs.length > 300, `${inputs.length} inputs`);
    assert.ok(inputs.filter((i) => i.expect === 'error').length > 150, 'most wrong types must be reported');
    const problems = inputs.flatMap((i) => coreProblems(i).problems);
    assertNoProblems(problems, 'wrong types');
  });

  test('BOM, CRLF, lone CR and mixed line endings: the same findings on the same lines and columns as LF', () => {
    const lf = ISSUE_698();
    const expected = analyze(lf).findings.map((f) => ({ id: f.ruleId, ...positionAt(lf, f.span.start) }));
    assert.ok(expected.length >= 2);
    const variants: [string, string][] = [
      ['CRLF', lf.replace(/\n/g, '\r\n')],
      ['lone CR', lf.replace(/\n/g, '\r')],
      ['mixed', lf.split('\n').map((l, i) => l + ['\n', '\r\n', '\r'][i % 3]).join('')],
    ];
    for (const [name, text] of variants) {
      const got = analyze(text).findings.map((f) => ({ id: f.ruleId, ...positionAt(text, f.span.start) }));
      assert.deepEqual(got, expected, name);
    }
    // A BOM is one more character at the start of line 0; every other position is unchanged.
    const bom = '\uFEFF' + lf;
    const got = analyze(bom).findings.map((f) => ({ id: f.ruleId, ...positionAt(bom, f.span.start) }));
    assert.deepEqual(got, expected.map((e) => (e.line === 0 ? { ...e, character: e.character + 1 } : e)), 'BOM');
  });

  test('astral-plane paths: a finding underlines exactly its entry, columns counted in UTF-16 code units', () => {
    const text = 'version: 1\nfilesystem_policy:\n  include_workdir: true\n  read_only: ["/😀/𝒳", /sandbox/😀😀/𝄞, /sandbox/🙂/x]\n';
    const a = analyze(text);
    const shadowed = a.findings.filter((f) => f.ruleId === 'shadowed-read-only');
    assert.deepEqual(shadowed.map((f) => text.slice(f.span.start, f.span.end)), ['/sandbox/😀😀/𝄞', '/sandbox/🙂/x']);
    const line = text.split('\n')[3];
    // Each emoji is two UTF-16 code units: the column of the second entry is where a UTF-16 editor has it.
    assert.deepEqual(shadowed.map((f) => positionAt(text, f.span.start)), [
      { line: 3, character: line.indexOf('/sandbox/😀😀') },
      { line: 3, character: line.indexOf('/sandbox/🙂') },
    ]);
    assert.equal(line.indexOf('/sandbox/😀😀'), 24); // 22 if columns were counted in code points
  });

  test('a large non-policy YAML file is left alone, at the cost of a scan', () => {
    const text = 'items:\n' + '  - {name: x, path: /usr, filesystem: rw}\n'.repeat(90_000);
    analyze(text);
    const t0 = performance.now();
    const a = analyze(text);
    const ms = performance.now() - t0;
    assert.equal(a.isPolicy, false);
    assert.deepEqual(a.findings, []);
    assert.ok(ms < 300, `${(text.length / 1e6).toFixed(1)} MB non-policy file took ${ms.toFixed(0)} ms`);
  });
});

describe('language server: the same inputs over LSP (didOpen, diagnostics, hover, code actions, completion)', () => {
  let client: LspClient;
  const problems: string[] = [];

  before(async () => {
    client = new LspClient({ settings: SERVER_SETTINGS });
    await client.initialize();
  });

  after(async () => {
    await client.stop();
  });

  async function overLsp(inputs: BadInput[], what: string, maxFixes = 10): Promise<void> {
    const local: string[] = [];
    for (const input of inputs) {
      const expected = analysed.get(inputKey(input)) ?? analyze(input.text, input.options);
      const r = await checkDocumentOverLsp(client, input.name, input.text, expected, {
        analysisOptions: input.options,
        // Thousands of diagnostics are megabytes of JSON each way: a wider bound for those alone.
        boundMs: input.maxMs ?? (expected.findings.length > 2000 || input.text.length > 1_000_000 ? 5000 : undefined),
        maxFixes: input.text.length > 100_000 ? 1 : maxFixes,
        leftAlone: input.expect === 'nothing',
      });
      local.push(...r.problems);
      if (!client.alive) break;
    }
    local.push(...client.problems());
    problems.push(...local);
    assertNoProblems(local, what);
  }

  test('hostile inputs', async () => {
    await overLsp(hostileInputs('lsp'), 'hostile inputs over LSP');
  });

  test('issue-698.yaml truncated at every byte', async () => {
    await overLsp(truncations('issue-698.yaml', ISSUE_698(), 'all'), 'truncations over LSP', 3);
  });

  test(`the largest corpus policy truncated ${FULL ? 'at every byte' : 'at every 8th line start and end and every 211th byte'}`, async () => {
    const big = largeCorpusPolicy();
    await overLsp(truncations(big.name, big.text, FULL ? 'all' : { stride: 211, lines: 8 }), 'corpus truncations over LSP', 2);
  });

  test('every schema field with a wrong type', async () => {
    await overLsp(wrongTypeInputs(), 'wrong types over LSP', 3);
  });

  test('astral-plane paths: the diagnostic range covers exactly the entry in the editor', async () => {
    const text = 'version: 1\nfilesystem_policy:\n  include_workdir: true\n  read_only: ["/😀/𝒳", /sandbox/😀😀/𝄞, /sandbox/🙂/x]\n';
    const uri = 'file:///robustness/astral.yaml';
    client.open(uri, text, 1);
    const published = await client.waitForDiagnostics(uri, (p) => p.version === 1);
    const starts = lineStarts(text);
    const covered = published.diagnostics
      .filter((d) => d.code === 'shadowed-read-only')
      .map((d) => text.slice(starts[d.range.start.line] + d.range.start.character, starts[d.range.end.line] + d.range.end.character));
    assert.deepEqual(covered, ['/sandbox/😀😀/𝄞', '/sandbox/🙂/x']);
    client.close(uri);
  });

  test('a plain-text client (no Markdown, code actions as commands): long paths, Unicode, control characters', async () => {
    // Hovers are turned from Markdown into plain text for such clients: that conversion sees the
    // paths too (a 100 KB run of `[` once took seconds, 200,000 backtick runs overflowed the stack).
    // No workspace/configuration either: its settings come with initialize.
    const plain = new LspClient({ capabilities: MINIMAL_CAPABILITIES, initializationOptions: { ...SERVER_SETTINGS } });
    await plain.initialize();
    const inputs = hostileInputs('lsp').filter((i) => /KB|Unicode|astral|surrogate|control|combining|hostile|globs/i.test(i.name));
    assert.ok(inputs.length > 25);
    const local: string[] = [];
    for (const input of inputs) {
      const expected = analysed.get(inputKey(input)) ?? analyze(input.text, input.options);
      local.push(...(await checkDocumentOverLsp(plain, input.name, input.text, expected, { analysisOptions: input.options, maxFixes: 0 })).problems);
    }
    await plain.stop();
    local.push(...plain.problems());
    assertNoProblems(local, 'a plain-text client');
  });

  test('the server logged no error and is still running', () => {
    assert.equal(client.alive, true);
    assert.deepEqual(client.problems(), []);
  });
});
