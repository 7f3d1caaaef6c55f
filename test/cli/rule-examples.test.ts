// Every rule page's example (docs/rules/<id>.md, "## Example") makes the CLI report that rule: the pages
// show what the tool really does. Examples are fragments as a reader writes them (a list without its
// `filesystem_policy:`, `{…}` for content that does not matter); they are completed the way a reader would,
// and the three about the filesystem get the tree listing their comment describes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers';
import { RULES } from '../../server/src/core/index';
import { cli, project } from './helpers';

/** What each filesystem example assumes about the image, as a tree listing. */
const LISTINGS: Record<string, string> = {
  // Only /opt is known, empty: the example's path and every baseline path are missing.
  'all-paths-missing': 'd /opt\n',
  'read-write-file': 'd /sandbox\nf /sandbox/notes.txt\n',
  'read-write-symlink': 'd /sandbox\nl /sandbox/lnk_dir -> /ro-area/dir\nd /ro-area\nd /ro-area/dir\n',
};

function exampleOf(ruleId: string): string {
  const page = readFileSync(join(ROOT, 'docs/rules', `${ruleId}.md`), 'utf8');
  const block = /^## Example\s+```yaml\n([\s\S]*?)```/m.exec(page)?.[1];
  assert.ok(block, `docs/rules/${ruleId}.md has a YAML example`);
  return block;
}

/** The example as a whole policy file. */
function asPolicy(example: string): string {
  let text = example.replace(/\{…\}/g, '{}');
  if (/^(read_only|read_write|include_workdir):/m.test(text) && !/^filesystem_policy:/m.test(text)) {
    text = `filesystem_policy:\n${text.replace(/^(?=.)/gm, '  ')}`;
  }
  if (!/^(version|preset):/m.test(text)) text = `version: 1\n${text}`;
  return text;
}

for (const { id } of RULES) {
  test(`the example of ${id} reports ${id}`, () => {
    const example = exampleOf(id);
    let dir: string;
    const args = ['check', '--format', 'json'];
    if (id === 'config') {
      // The example is the project configuration itself.
      dir = project({ '.landlock-lens.yaml': example, 'p.yaml': 'version: 1\nfilesystem_policy:\n  read_only: [/usr]\n' });
    } else {
      dir = project({ 'p.yaml': asPolicy(example), ...(LISTINGS[id] ? { 'image.tree': LISTINGS[id] } : {}) });
      if (LISTINGS[id]) args.push('--tree', 'image.tree');
    }
    const run = cli([...args, 'p.yaml'], dir);
    const report = JSON.parse(run.stdout) as { files: { findings: { ruleId: string }[] }[] };
    const reported = report.files.flatMap((f) => f.findings.map((x) => x.ruleId));
    assert.ok(reported.includes(id), `${id} not reported for its example; reported: ${reported.join(', ')}\n${id === 'config' ? example : asPolicy(example)}`);
  });
}
