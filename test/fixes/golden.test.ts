// Golden tests of the Landlock-safe split: each folder of test/golden/fixes/ holds input.yaml, an
// optional listing.tree (the `--tree` format) and optional options.json (AnalysisOptions without the
// view), and expected.yaml: what `landlock-lens fix --only shadowed-read-only` makes of the input.
//
// To regenerate the expected files after an intended change:
//   UPDATE_GOLDEN=1 node test/run.mjs test/fixes/golden.test.ts
// then review every changed expected.yaml by eye (git diff) before committing it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, parseTreeListing } from '../../server/src/core/index';
import type { AnalysisOptions } from '../../server/src/core/index';
import { fixText } from '../../server/src/cli/fix';
import { ROOT } from '../helpers';

const DIR = join(ROOT, 'test/golden/fixes');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function optionsFor(caseDir: string): AnalysisOptions {
  const options: AnalysisOptions = existsSync(join(caseDir, 'options.json')) ? JSON.parse(readFileSync(join(caseDir, 'options.json'), 'utf8')) : {};
  const listing = join(caseDir, 'listing.tree');
  if (existsSync(listing)) options.view = parseTreeListing(readFileSync(listing, 'utf8'), 'listing.tree');
  return options;
}

/** Every `# ...` comment of a text (inline or on its own line), for "no comment is lost". */
function comments(text: string): string[] {
  return text.split(/\r?\n/).flatMap((line) => {
    const m = /(?:^|\s)(#.*)$/.exec(line);
    return m ? [m[1].trim()] : [];
  });
}

const cases = readdirSync(DIR).filter((n) => existsSync(join(DIR, n, 'input.yaml'))).sort();

test('the golden folder has the cases the split must handle', () => {
  for (const name of ['issue-698', 'nemoclaw-readonly-dir', 'workdir', 'several-protected', 'nested-protected', 'flow-style', 'crlf', 'indent-4', 'no-final-newline', 'no-listing']) {
    assert.ok(cases.includes(name), `missing golden case ${name}`);
  }
});

for (const name of cases) {
  test(`golden fix: ${name}`, () => {
    const caseDir = join(DIR, name);
    const input = readFileSync(join(caseDir, 'input.yaml'), 'utf8');
    const options = optionsFor(caseDir);
    const before = analyze(input, options);
    assert.ok(before.findings.some((f) => f.ruleId === 'shadowed-read-only'), 'the input must have a shadowed read_only entry');
    const { text } = fixText(input, options, 'shadowed-read-only');
    const expectedFile = join(caseDir, 'expected.yaml');
    if (UPDATE) writeFileSync(expectedFile, text);
    // A case without its expected output is a failure, not a golden file written from whatever the code does.
    assert.ok(existsSync(expectedFile), `${name}: expected.yaml is missing (UPDATE_GOLDEN=1 writes it from the current output: review it before committing)`);
    assert.equal(text, readFileSync(expectedFile, 'utf8'), `${name}: output differs from expected.yaml (UPDATE_GOLDEN=1 to rewrite, then review)`);

    // Whatever the layout, the result is a valid policy in which nothing is shadowed any more.
    const after = analyze(text, options);
    const broken = after.findings.filter((f) => ['yaml-syntax', 'schema', 'openshell-validation', 'shadowed-read-only'].includes(f.ruleId));
    assert.deepEqual(broken.map((f) => `${f.ruleId}: ${f.message}`), []);
    // `# landlock-lens:` starts a suppression directive: the split's notes must never look like one.
    const added = comments(text).filter((c) => !comments(input).includes(c));
    assert.deepEqual(added.filter((c) => /^#[ \t]*landlock-lens[ \t]*:/.test(c)), [], 'a note looks like a suppression directive');
    const lost = comments(input).filter((c) => !text.includes(c));
    assert.deepEqual(lost, [], 'every comment of the input survives');
    if (input.includes('\r\n')) assert.ok(!/[^\r]\n/.test(text), 'CRLF file: every inserted line break is CRLF');
    if (!input.endsWith('\n')) assert.ok(!text.endsWith('\n'), 'no final newline is added');
  });
}
