// `check --output FILE`: the report goes to the file (as CI uploads a SARIF log), stdout stays empty, and
// the exit code and stderr notes are what they would be without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHADOWED, cli, project } from './helpers';

test('--output writes the report to the file instead of stdout, in every format', () => {
  const dir = project({ 'p.yaml': SHADOWED });
  for (const format of ['text', 'json', 'sarif', 'github']) {
    const direct = cli(['check', '--format', format, 'p.yaml'], dir);
    const out = `report.${format}`;
    const redirected = cli(['check', '--format', format, '--output', out, 'p.yaml'], dir);
    assert.equal(redirected.stdout, '', `${format}: nothing on stdout`);
    assert.equal(redirected.code, direct.code, `${format}: same exit code`);
    assert.equal(direct.code, 1, 'the shadowed entry fails the run');
    assert.ok(existsSync(join(dir, out)), `${format}: ${out} written`);
    const written = readFileSync(join(dir, out), 'utf8');
    if (format === 'sarif') {
      // Only the run's timestamps may differ between two runs.
      const strip = (s: string) => s.replace(/"(startTimeUtc|endTimeUtc)": "[^"]*"/g, '');
      assert.equal(strip(written), strip(direct.stdout));
    } else {
      assert.equal(written, direct.stdout, `${format}: the file holds what stdout would have`);
    }
  }
  assert.match(readFileSync(join(dir, 'report.json'), 'utf8'), /"ruleId": "shadowed-read-only"/);
});
