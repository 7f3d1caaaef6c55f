// The npm package (what pre-commit's `language: node`, a git dependency and `npm publish` install): the
// CLI and language server bundles, the schema and the docs, and nothing of the repository's development
// files. `npm pack` must print only the tarball's name: pre-commit reads its output as that name, so a
// lifecycle script on pack (prepare, prepack: npm prints their banner there) breaks the hook
// (test/e2e/precommit.test.ts runs the real pre-commit).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt } from '../lsp/client';

const ROOT = join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string>; scripts: Record<string, string> };

before(ensureBuilt);

test('npm pack holds the bundles, the schema and the docs, and nothing else of the repository', () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path).sort();
  for (const bin of Object.values(pkg.bin)) assert.ok(files.includes(bin), `the bin ${bin} is in the package`);
  for (const bundle of ['server/out/cli.js', 'server/out/server.js', 'server/out/server-main.js', 'schemas/openshell-policy.schema.json', 'docs/rules/shadowed-read-only.md', 'docs/cli.md', 'LICENSE', 'README.md', 'package.json']) {
    assert.ok(files.includes(bundle), `${bundle} is in the package`);
  }
  const unexpected = files.filter((f) => !/^(server\/out\/[\w-]+\.js|schemas\/[\w.-]+\.json|docs\/[\w/.-]+\.md|LICENSE|README\.md|CHANGELOG\.md|package\.json)$/.test(f));
  assert.deepEqual(unexpected, []);
});

test('npm pack prints only the tarball name: no lifecycle script runs on pack', () => {
  for (const script of ['prepack', 'prepare', 'postpack']) assert.equal(pkg.scripts[script], undefined, `a ${script} script prints on npm pack's output`);
  const r = spawnSync('npm', ['pack', '--dry-run'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `${pkg.name}-${pkg.version}.tgz`);
});

test('postinstall builds only in a checkout: in an installed package (no esbuild.mjs) it does nothing', () => {
  const script = pkg.scripts.postinstall;
  assert.ok(script, 'a postinstall script builds the bundles in a checkout');
  // Run as npm runs it, with the working directory of an installed package.
  const installed = spawnSync('sh', ['-c', script], { cwd: join(ROOT, 'schemas'), encoding: 'utf8' });
  assert.equal(installed.status, 0, installed.stderr);
  assert.equal(installed.stdout + installed.stderr, '');
});
