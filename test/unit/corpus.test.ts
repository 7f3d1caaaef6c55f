// The 36 real policies: no crash, no false error, and the real shadowing found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/index';
import { corpusFiles } from '../helpers';

/** Files OpenShell itself rejects, and why (see test/fixtures/corpus/SOURCES.md). */
const OPENSHELL_INVALID: Record<string, RegExp> = {
  'NVIDIA__OpenShell__dev-sandbox-policy__at-03939e0.yaml': /unknown field `inference`/,
  'NVIDIA__NemoClaw__nemoclaw-blueprint__policies__openclaw-sandbox-allow-all__at-58bff66.yaml': /\*/,
};
const NOT_YAML = ['NVIDIA__OpenShell__e2e__mcp-conformance__policy-template.yaml'];
const PRESETS = /presets__/;

for (const { name, text } of corpusFiles()) {
  test(`corpus: ${name}`, () => {
    const a = analyze(text, { fileName: name });
    const errors = a.findings.filter((f) => f.severity === 'error');
    if (NOT_YAML.includes(name)) {
      assert.ok(errors.length > 0 && errors.every((f) => f.ruleId === 'yaml-syntax'), 'template placeholders are reported as YAML errors, cleanly');
      return;
    }
    assert.equal(a.findings.filter((f) => f.ruleId === 'yaml-syntax').length, 0);
    if (PRESETS.test(name)) {
      assert.deepEqual(a.findings.map((f) => f.ruleId), ['preset-fragment']);
      return;
    }
    const rejection = errors.filter((f) => f.ruleId === 'schema' || f.ruleId === 'openshell-validation');
    if (OPENSHELL_INVALID[name]) {
      assert.ok(rejection.some((f) => OPENSHELL_INVALID[name].test(f.message)), `expected OpenShell's rejection, got ${JSON.stringify(rejection.map((f) => f.message))}`);
    } else {
      assert.deepEqual(rejection.map((f) => f.message), [], 'OpenShell accepts this file: no schema or validation error');
    }
  });
}

test('NemoClaw @04012f7: read_only /sandbox/.openclaw is shadowed by /sandbox and the workdir', () => {
  const file = corpusFiles().find((f) => f.name.includes('openclaw-sandbox__at-04012f7'))!;
  const a = analyze(file.text);
  const shadowed = a.findings.filter((f) => f.ruleId === 'shadowed-read-only');
  assert.equal(shadowed.length, 1);
  assert.equal(a.text.slice(shadowed[0].span.start, shadowed[0].span.end), '/sandbox/.openclaw');
  assert.ok(shadowed[0].related.some((r) => a.text.slice(r.span.start, r.span.end) === '/sandbox'));
});

test('NemoClaw @045a340 (the PR #1121 split) has no shadowed entry', () => {
  const file = corpusFiles().find((f) => f.name.includes('openclaw-sandbox__at-045a340'))!;
  assert.equal(analyze(file.text).findings.filter((f) => f.ruleId === 'shadowed-read-only').length, 0);
});
