// Golden fixtures: every input YAML has its expected findings (the CLI's JSON shape) written next to
// it as <name>.findings.json. Run with UPDATE_GOLDEN=1 to rewrite them, then review the diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/core/index';
import { toJsonFinding } from '../../server/src/cli/format';
import { ROOT } from '../helpers';

const DIRS = ['test/golden/cases', 'test/fixtures/corpus'];
const update = process.env.UPDATE_GOLDEN === '1';

for (const dir of DIRS) {
  for (const name of readdirSync(join(ROOT, dir)).filter((n) => n.endsWith('.yaml')).sort()) {
    test(`golden: ${dir}/${name}`, () => {
      const input = join(ROOT, dir, name);
      const expectedFile = input.replace(/\.yaml$/, '.findings.json');
      const analysis = analyze(readFileSync(input, 'utf8'), { fileName: name });
      const actual = { isPolicy: analysis.isPolicy, findings: analysis.findings.map((f) => toJsonFinding(analysis, f)) };
      const rendered = JSON.stringify(actual, null, 2) + '\n';
      if (update || !existsSync(expectedFile)) {
        if (!update) assert.fail(`missing ${expectedFile}: run with UPDATE_GOLDEN=1 and review it`);
        writeFileSync(expectedFile, rendered);
        return;
      }
      assert.deepEqual(actual, JSON.parse(readFileSync(expectedFile, 'utf8')));
    });
  }
}
