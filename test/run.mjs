// Runs the test suites with node's built-in test runner (TypeScript through tsx).
// Files run one at a time: the packaging test rebuilds the bundles that the protocol tests spawn.
// Usage: node test/run.mjs [dir-or-file ...]   (default: every *.test.ts under test/ except e2e/)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const targets = args.length ? args : ['test'];
const excluded = args.length ? [] : ['test/e2e'];

function collect(path, out) {
  const rel = relative(root, join(root, path)) || '.';
  if (excluded.some((e) => rel === e || rel.startsWith(e + '/'))) return;
  const st = statSync(join(root, path));
  if (st.isDirectory()) {
    for (const name of readdirSync(join(root, path)).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      collect(join(path, name), out);
    }
  } else if (path.endsWith('.test.ts') || path.endsWith('.test.mjs')) {
    out.push(rel);
  }
}

const files = [];
for (const t of targets) collect(t, files);
if (files.length === 0) {
  console.error('no test files found in ' + targets.join(', '));
  process.exit(1);
}
// The servers the tests start keep their V8 code cache (server/src/node/code-cache.ts) in a directory
// of this run, not in the user's ~/.cache: the first server writes it, later ones use it.
const codeCache = mkdtempSync(join(tmpdir(), 'landlock-lens-test-code-cache-'));
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, LANDLOCK_LENS_ROOT: root, LANDLOCK_LENS_CODE_CACHE: process.env.LANDLOCK_LENS_CODE_CACHE || codeCache },
});
rmSync(codeCache, { recursive: true, force: true });
process.exit(result.status ?? 1);
