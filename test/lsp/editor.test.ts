// The pure editor helpers behind the language server (server/src/core/editor): completion positions
// read from half-typed YAML, schema walking that does not depend on today's schema layout, hovers
// on keys and enum values, and the plain-text rendering of hovers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/index';
import { completionsAt } from '../../server/src/core/editor/completion';
import { hoverAt } from '../../server/src/core/editor/hover';
import { toPlainText } from '../../server/src/core/editor/markdown';
import { descriptionOf, enumValuesOf, propertiesOf, schemaAt } from '../../server/src/core/editor/schema-nav';
import { codeLenses, effectiveAccessMarkdown } from '../../server/src/core/editor/outline';

/** Completion labels at the `|` marker. */
function complete(textWithCursor: string): string[] {
  const offset = textWithCursor.indexOf('|');
  const text = textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1);
  return completionsAt(text, offset).map((c) => c.label);
}

test('completion: endpoint fields inside a network policy, without the keys already there', () => {
  const labels = complete('version: 1\nnetwork_policies:\n  web:\n    endpoints:\n      - host: api.example.com\n        port: 443\n        |\n');
  assert.ok(labels.includes('protocol') && labels.includes('tls') && labels.includes('access'), labels.join());
  assert.ok(!labels.includes('host') && !labels.includes('port'));
});

test('completion: a sequence at the same column as its key (`endpoints:\\n- host`)', () => {
  const labels = complete('network_policies:\n  web:\n    endpoints:\n    - host: a\n      pro|\n');
  assert.ok(labels.includes('protocol'));
  assert.ok(!labels.includes('host'));
});

test('completion: a new `- ` item offers every field again; other items do not count', () => {
  const labels = complete('network_policies:\n  web:\n    endpoints:\n      - host: a\n        port: 1\n      - |\n');
  assert.ok(labels.includes('host') && labels.includes('port'));
});

test('completion: rule fields under a policy name, nothing for the names themselves', () => {
  assert.deepEqual(complete('network_policies:\n  web:\n    |\n').sort(), ['binaries', 'endpoints', 'name']);
  assert.deepEqual(complete('network_policies:\n  |\n'), []);
  assert.deepEqual(complete('process:\n  |\n').sort(), ['run_as_group', 'run_as_user']);
});

test('completion: enum values for protocol, tls, include_workdir', () => {
  assert.deepEqual(complete('network_policies:\n  web:\n    endpoints:\n      - host: a\n        tls: |\n'), ['skip', 'terminate']);
  assert.ok(complete('network_policies:\n  web:\n    endpoints:\n      - protocol: |\n').includes('rest'));
  assert.deepEqual(complete('filesystem_policy:\n  include_workdir: |\n'), ['true', 'false']);
  assert.deepEqual(complete('filesystem_policy:\n  read_only:\n    - |\n'), [], 'paths are free text');
});

test('completion: a list key inserts a `- ` item indented under it', () => {
  const text = 'filesystem_policy:\n  rea';
  const items = completionsAt(text, text.length);
  const ro = items.find((i) => i.label === 'read_only')!;
  assert.equal(ro.snippet, 'read_only:\n    - $0');
  assert.deepEqual(ro.replace, { start: text.length - 3, end: text.length });
});

test('schema walking follows $ref, additionalProperties, items and allOf generically', () => {
  const root = {
    type: 'object',
    properties: { groups: { type: 'object', additionalProperties: { $ref: '#/$defs/group' } } },
    $defs: {
      group: { type: 'array', items: { allOf: [{ properties: { mode: { description: 'The mode.', anyOf: [{ enum: ['a', 'b'], enumDescriptions: ['A', 'B'] }, { type: 'string' }] } } }] } },
    },
  };
  const mode = schemaAt(['groups', 'anything', 3, 'mode'], root);
  assert.equal(descriptionOf(mode, false, root), 'The mode.');
  assert.deepEqual(enumValuesOf(mode, root).map((v) => [v.value, v.description]), [['a', 'A'], ['b', 'B']]);
  assert.deepEqual(propertiesOf(schemaAt(['groups', 'x', 0], root), root).map((p) => p.name), ['mode']);
  assert.equal(schemaAt(['nope'], root), undefined);
});

test('hover: schema descriptions on keys (also under map-valued sections) and on enum values', () => {
  const text = 'version: 1\nnetwork_policies:\n  web:\n    endpoints:\n      - host: api.example.com\n        protocol: rest\n';
  const analysis = analyze(text);
  const onKey = hoverAt(analysis, text.indexOf('host') + 1)!;
  assert.match(onKey.markdown, /^`host`\n\n\S/);
  const onValue = hoverAt(analysis, text.indexOf('rest') + 1);
  assert.ok(onValue, 'rest has an enum description');
  assert.match(onValue.markdown, /`protocol: rest`/);
  assert.equal(hoverAt(analysis, text.indexOf('api.example') + 2), undefined, 'a free-text value has nothing to say');
});

test('hover: nothing for YAML that is not a policy', () => {
  const text = 'services:\n  web:\n    image: nginx\n';
  assert.equal(hoverAt(analyze(text), 3), undefined);
});

test('code lens and tree when no Landlock ruleset applies', () => {
  const analysis = analyze('version: 1\nfilesystem_policy: {}\n');
  assert.deepEqual(codeLenses(analysis).map((l) => l.title), ['No Landlock ruleset: every path is read-write']);
  assert.match(effectiveAccessMarkdown(analysis, 'p.yaml')!, /No Landlock ruleset is applied/);
});

test('plain text from the hover Markdown keeps the words and the link targets', () => {
  assert.equal(
    toPlainText('**Why:** read_write `/sandbox` (line 7)\n\n---\n- **error** [shadowed-read-only](file:///x/shadowed-read-only.md): a \\[b\\]'),
    'Why: read_write /sandbox (line 7)\n\n\n- error shadowed-read-only (file:///x/shadowed-read-only.md): a [b]',
  );
  assert.equal(toPlainText('`` a`b ``'), 'a`b');
});
