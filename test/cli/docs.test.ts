// docs/cli.md and the pre-commit hook stay in step with what the CLI accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../helpers';
import { cli } from './helpers';

test('every option in --help is documented in docs/cli.md', () => {
  const help = cli(['--help'], ROOT);
  assert.equal(help.code, 0);
  const options = new Set(help.stdout.match(/--[a-z][a-z-]*(=all)?/g));
  assert.ok(options.size >= 15, `options found in --help: ${[...options].join(' ')}`);
  const doc = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8');
  const missing = [...options].filter((o) => !new RegExp(`${o}(?![a-z-])`).test(doc));
  assert.deepEqual(missing, []);
});

test('the pre-commit hook runs the package binary', () => {
  const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; types: string[] }[];
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  assert.equal(hooks.length, 1);
  const [binary, command] = hooks[0].entry.split(' ');
  assert.ok(binary in pkg.bin, `${binary} is a bin of package.json`);
  assert.equal(command, 'check');
  assert.deepEqual(hooks[0].types, ['yaml']);
});

/** The commands `npm run demo` runs (package.json), split at `;` and `&&`, without the build step. */
function demoCommands(): string[][] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  return pkg.scripts.demo
    .split(/\s*(?:;|&&)\s*/)
    .filter((c) => c.startsWith('node server/out/cli.js '))
    .map((c) => c.slice('node server/out/cli.js '.length).split(/\s+/));
}

test("the README's demo output is what `npm run demo` prints", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /What `npm run demo` prints[\s\S]*?```text\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'the README shows the demo output in a text block');
  const marker = /^# \.\.\. then the policy rewritten by `fix`.*\n/m;
  const [checkAndExplain, fixExcerpt] = block.split(marker);
  assert.ok(fixExcerpt, 'the block shows an excerpt of the rewritten policy after the marker line');

  const commands = demoCommands();
  assert.deepEqual(commands.map((c) => c[0]), ['check', 'explain', 'fix']);
  const [check, explain, fix] = commands.map((args) => cli(args, ROOT));
  assert.equal(check.code, 1, 'check fails on the shadowed entry');
  assert.equal(explain.code, 0);
  assert.equal(fix.code, 0);
  // check and explain: shown in full, line for line.
  assert.equal(checkAndExplain, check.stdout + explain.stdout);
  // fix: the excerpt's lines appear in the rewritten policy, in order and consecutively.
  const excerpt = fixExcerpt.replace(/\n$/, '');
  assert.ok(fix.stdout.includes(excerpt), `the excerpt is part of what fix prints:\n${excerpt}\n---\n${fix.stdout}`);
});

test("docs/cli.md's inline suppression example suppresses both findings and leaves nothing unused", async () => {
  const { project } = await import('./helpers');
  const doc = readFileSync(join(ROOT, 'docs/cli.md'), 'utf8');
  const example = /## Inline suppressions\s+```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(example, 'docs/cli.md shows an inline suppression example');
  const dir = project({ 'policy.yaml': `version: 1\n${example}` });
  const r = cli(['check', 'policy.yaml'], dir);
  assert.equal(r.stdout, '0 errors, 0 warnings, 0 info, 0 hints in 1 file (2 suppressed)\n');
  assert.equal(r.code, 0);
});
