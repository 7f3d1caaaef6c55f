// OpenShell's loader (serde_yml): its YAML quirks and its error texts, placed on the exact node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/index';
import { findings } from '../helpers';

function schemaErrors(text: string) {
  return findings(text).filter((f) => f.ruleId === 'schema').map((f) => `${f.line}:${f.column} ${f.message}`);
}

test('quoted integers and leading zeros are rejected where an integer is expected', () => {
  assert.deepEqual(schemaErrors('version: "1"\nfilesystem_policy: {read_only: [/usr]}\n'), ['1:10 version: invalid type: string "1", expected u32']);
  assert.deepEqual(schemaErrors('version: 01\nfilesystem_policy: {read_only: [/usr]}\n'), ['1:10 version: invalid type: string "01", expected u32']);
  assert.deepEqual(schemaErrors('version: 1.0\nfilesystem_policy: {read_only: [/usr]}\n'), ['1:10 version: invalid type: floating point `1.0`, expected u32']);
  assert.deepEqual(schemaErrors('version: -1\nfilesystem_policy: {read_only: [/usr]}\n'), ['1:10 version: invalid value: integer `-1`, expected u32']);
  assert.deepEqual(schemaErrors('version: 0x1\nfilesystem_policy: {read_only: [/usr]}\n'), [], '0x1 is an integer to serde_yml');
});

test('only true/false spellings are booleans', () => {
  assert.deepEqual(schemaErrors('version: 1\nfilesystem_policy:\n  include_workdir: yes\n'), ['3:20 filesystem_policy.include_workdir: invalid type: string "yes", expected a boolean']);
  assert.deepEqual(schemaErrors('version: 1\nfilesystem_policy:\n  include_workdir: "true"\n'), ['3:20 filesystem_policy.include_workdir: invalid type: string "true", expected a boolean']);
  assert.deepEqual(schemaErrors('version: 1\nfilesystem_policy:\n  include_workdir: True\n'), []);
});

test('`key:` with nothing is an empty list, `null` for a list is a type error', () => {
  assert.deepEqual(schemaErrors('version: 1\nfilesystem_policy:\n  read_only:\n  read_write: [/tmp]\n'), []);
  assert.deepEqual(schemaErrors('version: 1\nfilesystem_policy:\n  read_only: ~\n'), ['3:14 filesystem_policy.read_only: invalid type: unit value, expected a sequence']);
  assert.deepEqual(schemaErrors('version: 1\nfilesystem_policy:\n  read_only: null\n'), ['3:14 filesystem_policy.read_only: invalid type: unit value, expected a sequence']);
});

test('any scalar is accepted where a string is expected', () => {
  const a = analyze('version: 1\nfilesystem_policy:\n  read_only: [123, true]\n');
  assert.deepEqual(a.findings.filter((f) => f.ruleId === 'schema'), []);
  assert.deepEqual(a.documents[0].model!.filesystem.readOnly.map((e) => e.raw), ['123', 'true']);
  assert.deepEqual(a.findings.filter((f) => f.ruleId === 'openshell-validation').map((f) => f.message), [
    "path must be absolute (start with '/'): 123",
    "path must be absolute (start with '/'): true",
  ]);
  assert.deepEqual(schemaErrors('version: 1\nfilesystem_policy:\n  read_only: [{a: 1}]\n'), ['3:15 filesystem_policy.read_only[0]: invalid type: map, expected a string']);
});

test('unknown fields, missing version and duplicate fields in serde\'s words', () => {
  assert.deepEqual(schemaErrors('version: 1\nfilesystem_policy:\n  foo: 1\n'), ['3:3 filesystem_policy: unknown field `foo`, expected one of `include_workdir`, `read_only`, `read_write`']);
  assert.deepEqual(schemaErrors('filesystem_policy:\n  read_only: [/usr]\n'), ['1:1 missing field `version`']);
  assert.deepEqual(schemaErrors('version: 1\nfilesystem_policy:\n  read_only: [/a]\n  read_only: [/b]\n'), ['4:3 filesystem_policy: duplicate field `read_only`']);
  assert.match(schemaErrors('version: 1\ninference: {}\nfilesystem_policy: {}\n')[0], /^2:1 unknown field `inference`, expected one of `version`, `filesystem_policy`, `landlock`, `process`, `network_policies`, `network_middlewares`/);
});

test('optional sections written empty or null are absent', () => {
  const a = analyze('version: 1\nfilesystem_policy:\nprocess: ~\n');
  assert.deepEqual(a.findings.filter((f) => f.ruleId === 'schema'), []);
  assert.equal(a.documents[0].model!.filesystem.state, 'null');
  assert.equal(a.documents[0].ruleset!.includeWorkdir, true);
});

test('more than one document is OpenShell\'s error; each document is still analysed', () => {
  const a = analyze('version: 1\nfilesystem_policy: {read_write: [/a], read_only: [/a/b]}\n---\nversion: 1\nfilesystem_policy: {read_only: [/etc]}\n');
  const multi = a.findings.filter((f) => f.ruleId === 'multiple-documents');
  assert.equal(multi.length, 1);
  assert.match(multi[0].message, /^deserializing from YAML containing more than one document is not supported/);
  assert.equal(a.lines.lineColumn(multi[0].span.start).line, 3);
  assert.equal(a.findings.filter((f) => f.ruleId === 'shadowed-read-only').length, 1);
});

test('CRLF and a BOM: positions stay exact', () => {
  const text = '\uFEFFversion: 1\r\nfilesystem_policy:\r\n  include_workdir: true\r\n  read_only:\r\n    - /sandbox/x\r\n';
  const f = findings(text).find((x) => x.ruleId === 'shadowed-read-only')!;
  assert.equal(f.line, 5);
  assert.equal(f.column, 7);
  const a = analyze(text);
  const s = a.findings.find((x) => x.ruleId === 'shadowed-read-only')!.span;
  assert.equal(text.slice(s.start, s.end), '/sandbox/x');
});

test('YAML syntax errors are findings with the parser\'s position; nothing else is claimed', () => {
  const r = findings('version: 1\nfilesystem_policy:\n  read_only: [/usr\n  read_write: [/tmp]\n');
  assert.ok(r.length > 0 && r.every((f) => f.ruleId === 'yaml-syntax'));
});

test('an alias bomb is cut off, not expanded', () => {
  const lines = ['version: 1', 'a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 9; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
  lines.push('filesystem_policy: {read_only: [/usr]}');
  const start = performance.now();
  const r = findings(lines.join('\n') + '\n');
  assert.ok(performance.now() - start < 2000);
  assert.ok(r.some((f) => f.ruleId === 'yaml-syntax' && /alias/.test(f.message)));
});

test('an alias to an anchor not defined before it: "unknown anchor" at the alias (serde_yml rejects the file)', () => {
  assert.deepEqual(schemaErrors('version: 1\nfilesystem_policy:\n  read_only: [*nope]\n'), ['3:15 unknown anchor']);
  // Anchors count only before the alias, as in libyaml.
  assert.deepEqual(schemaErrors('version: 1\nfilesystem_policy:\n  read_only: [*later, &later /usr]\n'), ['3:15 unknown anchor']);
  assert.deepEqual(schemaErrors('version: 1\nfilesystem_policy:\n  read_only: [&usr /usr, *usr]\n'), [], 'a defined anchor is fine');
});

test('a mapping key that is not a scalar: invalid type, expected field identifier (struct) or a string (map)', () => {
  assert.deepEqual(schemaErrors('version: 1\n? [a]\n: b\nfilesystem_policy:\n  read_only: [/usr]\n'), ['2:3 invalid type: sequence, expected field identifier']);
  assert.deepEqual(schemaErrors('version: 1\nfilesystem_policy:\n  ? {x: 1}\n  : y\n  read_only: [/usr]\n'), ['3:5 filesystem_policy: invalid type: map, expected field identifier']);
  assert.deepEqual(schemaErrors('version: 1\nfilesystem_policy: {read_only: [/usr]}\nnetwork_policies:\n  [a, b]: {name: n}\n'), ['4:3 network_policies: invalid type: sequence, expected a string']);
});
