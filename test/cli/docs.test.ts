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
