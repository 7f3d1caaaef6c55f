// The V8 code cache the launcher (server/out/server.js) runs the server bundle through: where it lives,
// when it is used, rejected, rewritten and cleaned up, and that the server behaves the same with it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODE_CACHE_ENV, codeCacheDir, codeCacheFileName, isPrivateToUser, runBundleWithCodeCache } from '../../server/src/node/code-cache';
import { ROOT, TestClient, ensureBuilt, fileUri } from './client';

const scratch = mkdtempSync(join(tmpdir(), 'landlock-lens-code-cache-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
/** A fresh directory holding a small CommonJS bundle that uses what Node gives a module. */
function makeBundle(): { dir: string; bundle: string; cacheDir: string } {
  const dir = join(scratch, `case-${counter++}`);
  mkdirSync(dir);
  const bundle = join(dir, 'bundle.js');
  writeFileSync(bundle, [
    "'use strict';",
    "const path = require('node:path');",
    'function fail() { throw new Error("from line 4"); }',
    'function square(x) { return x * x; }',
    'module.exports = { square, fail, where: path.basename(__filename), dir: __dirname, self: this === module.exports };',
  ].join('\n'));
  return { dir, bundle, cacheDir: join(dir, 'cache') };
}

type Loaded = { square(x: number): number; fail(): never; where: string; dir: string; self: boolean };

describe('runBundleWithCodeCache', () => {
  test('runs a bundle as require would: exports, require, __filename, __dirname, this, line numbers', () => {
    const { dir, bundle, cacheDir } = makeBundle();
    const { exports, cache } = runBundleWithCodeCache(bundle, cacheDir);
    const loaded = exports as Loaded;
    assert.equal(loaded.square(7), 49);
    assert.equal(loaded.where, 'bundle.js');
    assert.equal(loaded.dir, dir);
    assert.equal(loaded.self, true);
    // The wrapper sits on its own line: stack traces point at the bundle's own lines.
    assert.throws(() => loaded.fail(), (e: Error) => /bundle\.js:3:/.test(e.stack ?? ''));
    assert.equal(cache.state, 'absent');
    assert.equal(cache.writable, true);
  });

  test('absent, then written into a private directory (again with what was compiled since), then used; a used cache is not written', () => {
    const { bundle, cacheDir } = makeBundle();
    const loaded = runBundleWithCodeCache(bundle, cacheDir);
    const first = loaded.cache;
    (loaded.exports as Loaded).square(3);
    assert.match(first.save(), /^code cache: wrote \d+ KiB to /);
    const early = statSync(first.file!).size;
    // A function first run after the first write is in the second one.
    assert.throws(() => (loaded.exports as Loaded).fail());
    assert.match(first.save(), /^code cache: wrote \d+ KiB to /);
    assert.ok(statSync(first.file!).size > early, `${statSync(first.file!).size} <= ${early}`);
    assert.deepEqual(readdirSync(cacheDir), [first.file!.slice(cacheDir.length + 1)]);
    if (process.platform !== 'win32') {
      assert.equal(statSync(cacheDir).mode & 0o777, 0o700);
      assert.equal(statSync(first.file!).mode & 0o777, 0o600);
    }
    const second = runBundleWithCodeCache(bundle, cacheDir);
    assert.equal(second.cache.state, 'used');
    assert.equal(second.cache.writable, false);
    assert.equal((second.exports as Loaded).square(12), 144);
    const before = statSync(first.file!).mtimeMs;
    assert.match(second.cache.save(), /^code cache: used /);
    assert.equal(statSync(first.file!).mtimeMs, before);
  });

  test('a corrupt cache is rejected by V8, the bundle still runs, and the cache is rewritten', () => {
    const { bundle, cacheDir } = makeBundle();
    const file = join(cacheDir, codeCacheFileName(bundle, statSync(bundle).size, statSync(bundle).mtimeMs));
    mkdirSync(cacheDir);
    writeFileSync(file, Buffer.from('not V8 code at all, just bytes '.repeat(40)));
    const loaded = runBundleWithCodeCache(bundle, cacheDir);
    assert.equal(loaded.cache.state, 'rejected');
    assert.equal(loaded.cache.writable, true);
    assert.equal((loaded.exports as Loaded).square(5), 25);
    assert.match(loaded.cache.save(), /wrote/);
    assert.equal(runBundleWithCodeCache(bundle, cacheDir).cache.state, 'used');
  });

  test('a changed bundle gets a new cache file and the old one of the same installation is removed', () => {
    const { bundle, cacheDir } = makeBundle();
    const old = runBundleWithCodeCache(bundle, cacheDir).cache;
    old.save();
    // Another installation's cache in the same directory is left alone.
    const elsewhere = join(cacheDir, 'bundle-00000000-11111111.v8cache');
    writeFileSync(elsewhere, 'x');
    // Same length, new content: V8's own check (the source length) would take the old cache.
    writeFileSync(bundle, readFileSync(bundle, 'utf8').replace('x * x', 'x + x'));
    utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
    const changed = runBundleWithCodeCache(bundle, cacheDir);
    assert.equal(changed.cache.state, 'absent');
    assert.notEqual(changed.cache.file, old.file);
    assert.equal((changed.exports as Loaded).square(4), 8);
    changed.cache.save();
    assert.deepEqual(readdirSync(cacheDir).sort(), [changed.cache.file!.slice(cacheDir.length + 1), 'bundle-00000000-11111111.v8cache'].sort());
  });

  test('caches of the same installation for another Node or other V8 flags stay; abandoned installations go', () => {
    const { bundle, cacheDir } = makeBundle();
    const first = runBundleWithCodeCache(bundle, cacheDir).cache;
    first.save();
    const name = first.file!.slice(cacheDir.length + 1);
    const installation = name.slice(0, name.lastIndexOf('-') + 1);
    // The same bundle started with other V8 flags (Neovim without VS Code's flag), written after the
    // bundle was built: removing it would make the two kinds of start rewrite the cache in turn.
    const otherRuntime = `${installation}22222222.v8cache`;
    writeFileSync(join(cacheDir, otherRuntime), 'x');
    // An older extension version's folder, last written 31 days ago: nothing will use it again.
    const abandoned = join(cacheDir, 'bundle-33333333-44444444.v8cache');
    writeFileSync(abandoned, 'x');
    const monthAgo = new Date(Date.now() - 31 * 24 * 60 * 60 * 1000);
    utimesSync(abandoned, monthAgo, monthAgo);
    // A recent one of another installation stays (another editor may run that version today).
    writeFileSync(join(cacheDir, 'bundle-55555555-66666666.v8cache'), 'x');
    rmSync(first.file!);
    runBundleWithCodeCache(bundle, cacheDir).cache.save();
    assert.deepEqual(readdirSync(cacheDir).sort(), [name, otherRuntime, 'bundle-55555555-66666666.v8cache'].sort());
  });

  test('off, or a cache that cannot be written or read, never stops the bundle', () => {
    const { dir, bundle } = makeBundle();
    const off = runBundleWithCodeCache(bundle, undefined);
    assert.equal(off.cache.state, 'off');
    assert.equal(off.cache.writable, false);
    assert.equal(off.cache.save(), 'code cache: off');
    assert.equal((off.exports as Loaded).square(2), 4);

    const notADirectory = join(dir, 'a-file');
    writeFileSync(notADirectory, '');
    const unwritable = runBundleWithCodeCache(bundle, notADirectory);
    assert.equal((unwritable.exports as Loaded).square(3), 9);
    assert.match(unwritable.cache.save(), /^code cache: not written \(/);

    const cacheDir = join(dir, 'cache');
    mkdirSync(join(cacheDir, codeCacheFileName(bundle, statSync(bundle).size, statSync(bundle).mtimeMs)), { recursive: true });
    const unreadable = runBundleWithCodeCache(bundle, cacheDir);
    assert.equal(unreadable.cache.state, 'unreadable');
    assert.equal((unreadable.exports as Loaded).square(6), 36);
  });

  test('a cache directory or file someone else could write is neither read nor written: V8 would run its code', { skip: process.platform === 'win32' }, () => {
    const { dir, bundle } = makeBundle();
    // Written by this user, then opened up to everyone: not read, not rewritten.
    const cacheDir = join(dir, 'cache');
    runBundleWithCodeCache(bundle, cacheDir).cache.save();
    const file = join(cacheDir, readdirSync(cacheDir)[0]);
    const planted = readFileSync(file);
    chmodSync(file, 0o666);
    const openFile = runBundleWithCodeCache(bundle, cacheDir);
    assert.equal(openFile.cache.state, 'unsafe');
    assert.equal(openFile.cache.writable, false);
    assert.equal((openFile.exports as Loaded).square(5), 25);
    assert.match(openFile.cache.save(), /^code cache: not used, .* is not private to this user$/);
    assert.equal(statSync(file).mode & 0o777, 0o666, 'the file was not rewritten');
    assert.deepEqual(readFileSync(file), planted);

    // A directory others can write to (a shared /tmp folder): nothing in it is trusted.
    chmodSync(file, 0o600);
    chmodSync(cacheDir, 0o777);
    assert.equal(runBundleWithCodeCache(bundle, cacheDir).cache.state, 'unsafe');
    chmodSync(cacheDir, 0o700);
    assert.equal(runBundleWithCodeCache(bundle, cacheDir).cache.state, 'used');

    // Another user's file or directory, whatever its mode.
    assert.equal(isPrivateToUser({ uid: 1000, mode: 0o100600 }, 1000), true);
    assert.equal(isPrivateToUser({ uid: 1001, mode: 0o100600 }, 1000), false);
    assert.equal(isPrivateToUser({ uid: 1000, mode: 0o100620 }, 1000), false);
    assert.equal(isPrivateToUser({ uid: 1000, mode: 0o40702 }, 1000), false);
    assert.equal(isPrivateToUser({ uid: 1001, mode: 0o100600 }, null), true, 'Windows: no POSIX owner to compare');
  });

  test('the cache directory: the environment variable, then the user cache directory, never a relative or shared one', () => {
    const home = '/home/u';
    assert.equal(codeCacheDir({}, 'linux', home), '/home/u/.cache/landlock-lens');
    assert.equal(codeCacheDir({ XDG_CACHE_HOME: '/x/cache' }, 'linux', home), '/x/cache/landlock-lens');
    assert.equal(codeCacheDir({ XDG_CACHE_HOME: 'relative' }, 'linux', home), '/home/u/.cache/landlock-lens');
    assert.equal(codeCacheDir({}, 'darwin', home), '/home/u/Library/Caches/landlock-lens');
    assert.equal(codeCacheDir({ LOCALAPPDATA: '/c/Users/u/AppData/Local' }, 'win32', home), join('/c/Users/u/AppData/Local', 'landlock-lens', 'Cache'));
    assert.equal(codeCacheDir({ [CODE_CACHE_ENV]: '/var/cache/ll' }, 'linux', home), '/var/cache/ll');
    for (const off of ['off', 'OFF', '0', 'false', 'no']) assert.equal(codeCacheDir({ [CODE_CACHE_ENV]: off }, 'linux', home), undefined, off);
    assert.equal(codeCacheDir({ [CODE_CACHE_ENV]: 'cache' }, 'linux', home), undefined);
    assert.equal(codeCacheDir({}, 'linux', ''), undefined);
  });
});

describe('the language server with its code cache', () => {
  before(ensureBuilt);
  const policy = readFileSync(join(ROOT, 'test/fixtures/examples/issue-698.yaml'), 'utf8');
  const uri = fileUri('examples/issue-698.yaml');

  async function session(env: NodeJS.ProcessEnv): Promise<{ logs: string[]; diagnostics: unknown }> {
    const client = await TestClient.start({ initializationOptions: { debounceMs: 0 }, env });
    try {
      client.open(uri, policy, 1);
      const published = await client.diagnostics(uri);
      // The cache is written after the first analysis' diagnostics have gone out.
      if (client.logs.some((l) => /^code cache: (absent|rejected)/.test(l))) {
        await client.waitUntil('the code cache write', () => client.logs.some((l) => /^code cache: (wrote|not written)/.test(l)));
      }
      // A hover: code the first analysis did not compile, for the write on shutdown.
      await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 12, character: 10 } });
      await client.shutdown();
      return { logs: [...client.logs], diagnostics: published.diagnostics };
    } finally {
      client.dispose();
    }
  }

  test('the first start writes the cache after its first analysis; the next start uses it and publishes the same diagnostics', async () => {
    const cacheDir = join(scratch, 'server');
    const first = await session({ [CODE_CACHE_ENV]: cacheDir });
    assert.ok(first.logs.some((l) => l.startsWith(`code cache: absent (${cacheDir}`)), first.logs.join('\n'));
    // Written after the first analysis, and again on shutdown with the hover's code in it.
    const writes = first.logs.filter((l) => /^code cache: wrote \d+ KiB/.test(l)).map((l) => Number(/wrote (\d+) KiB/.exec(l)![1]));
    assert.equal(writes.length, 2, first.logs.join('\n'));
    assert.ok(writes[1] > writes[0], `shutdown write ${writes[1]} KiB <= first ${writes[0]} KiB`);
    assert.equal(readdirSync(cacheDir).filter((f) => f.startsWith('server-main-') && f.endsWith('.v8cache')).length, 1);

    const second = await session({ [CODE_CACHE_ENV]: cacheDir });
    assert.ok(second.logs.some((l) => l.startsWith('code cache: used')), second.logs.join('\n'));
    assert.ok(!second.logs.some((l) => /^code cache: wrote/.test(l)));
    assert.deepEqual(second.diagnostics, first.diagnostics);
  });

  test('a cache directory others can write to: the server says so, works without it and writes nothing there', { skip: process.platform === 'win32' }, async () => {
    const shared = join(scratch, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const run = await session({ [CODE_CACHE_ENV]: shared });
    assert.ok(run.logs.some((l) => l.startsWith(`code cache: unsafe (${shared}`)), run.logs.join('\n'));
    assert.ok(!run.logs.some((l) => /wrote/.test(l)), run.logs.join('\n'));
    assert.deepEqual(readdirSync(shared), []);
    assert.ok((run.diagnostics as unknown[]).length > 0);
  });

  test('LANDLOCK_LENS_CODE_CACHE=off: nothing is read or written', async () => {
    const run = await session({ [CODE_CACHE_ENV]: 'off' });
    assert.ok(run.logs.includes('code cache: off'), run.logs.join('\n'));
    assert.ok(!run.logs.some((l) => /wrote/.test(l)));
  });
});
