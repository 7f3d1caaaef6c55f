// Security properties of the shipped code:
// - the bundles load no network module, and child_process only where the LSP libraries need it (the
//   client starts the bundled server; the server never starts anything);
// - the extension starts the bundled server and nothing a workspace setting could name;
// - a mapped folder is read with lstat/readdir/readlink only, inside the folder: a symlink pointing out
//   of it is never followed or listed into;
// - a hostile policy (`..`, /proc/self/root, symlinks out of the mapped folder, control characters,
//   absurd globs, huge counts, local paths as sandbox paths) cannot make the language server execute,
//   connect, open, list or stat anything outside what it was given: checked with strace on the
//   bundled server (skipped, with a note, where strace is missing: `apt-get install strace`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { analyze } from '../../server/src/core/index';
import { serverV8Flags } from '../../client/src/server-flags';
import { mappedFolderView } from '../../server/src/node/mapped-folder';
import { LspClient, positionAt, ROOT } from './lsp-client';

const NETWORK_MODULES = ['http', 'https', 'http2', 'dns', 'dns/promises', 'tls', 'dgram', 'net', 'undici', 'worker_threads', 'cluster', 'vm', 'inspector'];
const bare = (m: string) => m.replace(/^node:/, '');

/** External (node built-in) imports of a bundle, and which input files import each: esbuild's own graph. */
async function importGraph(entry: string, external: string[] = []): Promise<Map<string, Set<string>>> {
  const result = await esbuild.build({
    entryPoints: [join(ROOT, entry)], bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    write: false, metafile: true, outdir: join(tmpdir(), 'landlock-lens-metafile'), external, logLevel: 'silent', absWorkingDir: ROOT,
  });
  const graph = new Map<string, Set<string>>();
  for (const [file, info] of Object.entries(result.metafile.inputs)) {
    for (const imp of info.imports) {
      if (!imp.external) continue;
      const m = bare(imp.path);
      if (!graph.has(m)) graph.set(m, new Set());
      graph.get(m)!.add(file);
    }
  }
  return graph;
}

describe('bundles: no network modules; child_process only where the LSP libraries need it', () => {
  test('language server: our code uses fs, path, url and util.format only; child_process is in vscode-languageserver\'s Files helpers, which the server never calls', async () => {
    const graph = await importGraph('server/src/lsp/main.ts');
    const ours = [...graph].filter(([, files]) => [...files].some((f) => f.startsWith('server/src/'))).map(([m]) => m).sort();
    assert.deepEqual(ours, ['fs', 'path', 'url', 'util']);
    // util: only main.ts, for format(), which formats console output for the client's log (no I/O).
    assert.deepEqual([...graph.get('util')!].filter((f) => f.startsWith('server/src/')), ['server/src/lsp/main.ts']);
    assert.match(readFileSync(join(ROOT, 'server/src/lsp/main.ts'), 'utf8'), /^import \{ format \} from 'node:util';$/m);
    // vscode-languageserver's Files.resolveGlobalNodePath/resolveGlobalYarnPath run `npm`/`yarn` to
    // find global module folders; nothing in server/src refers to them.
    assert.deepEqual([...(graph.get('child_process') ?? [])], ['node_modules/vscode-languageserver/lib/node/files.js']);
    const source = spawnSync('grep', ['-rlE', '\\bFiles\\.|child_process|resolveGlobal', join(ROOT, 'server/src')], { encoding: 'utf8' }).stdout.trim();
    assert.equal(source, '', `server sources referring to child_process or Files helpers: ${source}`);
    // net serves the --socket/--pipe transports of vscode-jsonrpc; the server is started with --stdio or IPC.
    assert.deepEqual([...(graph.get('net') ?? [])].map((f) => f.replace(/node_modules\/vscode-languageserver\/node_modules\//, 'node_modules/')), ['node_modules/vscode-jsonrpc/lib/node/main.js']);
    for (const m of NETWORK_MODULES.filter((n) => n !== 'net')) assert.equal(graph.has(m), false, `the server bundle imports ${m}`);
  });

  test('server launcher: Node built-ins only; vm compiles the sibling server bundle and fetches V8\'s gc, nothing else', async () => {
    const graph = await importGraph('server/src/lsp/launch.ts');
    assert.deepEqual([...graph.keys()].sort(), ['fs', 'module', 'os', 'path', 'v8', 'vm']);
    assert.deepEqual([...graph.get('vm')!].sort(), ['server/src/node/code-cache.ts', 'server/src/node/young-generation.ts']);
    // young-generation.ts: v8 turns --expose-gc on and off again around one new context, and vm runs a
    // fixed expression in it that hands back its gc function (node/young-generation.ts).
    assert.deepEqual([...graph.get('v8')!], ['server/src/node/young-generation.ts']);
    const youngSource = readFileSync(join(ROOT, 'server/src/node/young-generation.ts'), 'utf8');
    assert.deepEqual([...youngSource.matchAll(/runInNewContext\(([^)]*)\)/g)].map((m) => m[1]), ["'typeof gc === \"function\" ? gc : undefined'"]);
    assert.deepEqual([...youngSource.matchAll(/setFlagsFromString\(([^)]*)\)/g)].map((m) => m[1]), ["'--expose-gc'", "'--no-expose-gc'"]);
    // The one Script it makes wraps the text of the file it was asked to run, which launch.ts fixes
    // as server-main.js next to itself: no path from the environment, settings or the workspace.
    const cacheSource = readFileSync(join(ROOT, 'server/src/node/code-cache.ts'), 'utf8');
    assert.equal([...cacheSource.matchAll(/new Script\(/g)].length, 1);
    assert.match(cacheSource, /const \{ source, stat \} = readBundle\(bundle\);/);
    assert.match(cacheSource, /const fd = openSync\(bundle, 'r'\);[\s\S]*?return \{ source: readFileSync\(fd, 'utf8'\), stat \};/);
    assert.match(cacheSource, /new Script\(`\(function \(exports, require, module, __filename, __dirname\) \{\\n\$\{source\}\\n\}\)`/);
    const launcher = readFileSync(join(ROOT, 'server/src/lsp/launch.ts'), 'utf8');
    assert.match(launcher, /runBundleWithCodeCache\(\s*join\(__dirname, 'server-main\.js'\),/);
  });

  test('CLI: no child_process, no network module', async () => {
    const graph = await importGraph('server/src/cli/main.ts');
    for (const m of [...NETWORK_MODULES, 'child_process']) assert.equal(graph.has(m), false, `the CLI imports ${m}`);
  });

  test('extension: child_process only in vscode-languageclient, which forks the bundled server and ends its process tree on stop', async () => {
    const graph = await importGraph('client/src/extension.ts', ['vscode']);
    assert.deepEqual([...(graph.get('child_process') ?? [])].sort(), ['node_modules/vscode-languageclient/lib/node/main.js', 'node_modules/vscode-languageclient/lib/node/processes.js']);
    assert.deepEqual([...(graph.get('net') ?? [])], ['node_modules/vscode-jsonrpc/lib/node/main.js']);
    for (const m of NETWORK_MODULES.filter((n) => n !== 'net')) assert.equal(graph.has(m), false, `the extension imports ${m}`);
    // The server it starts is the bundled module, over IPC: no command or path from settings.
    const extension = readFileSync(join(ROOT, 'client/src/extension.ts'), 'utf8');
    assert.match(extension, /const serverModule = context\.asAbsolutePath\('server\/out\/server\.js'\)/);
    // Its launch options are the fixed V8 flag list (no flag comes from settings) and the environment.
    assert.match(extension, /run: \{ module: serverModule, transport: TransportKind\.ipc, options: \{ execArgv: serverV8Flags\(\), env: serverEnvironment\(context\) \} \}/);
    // Its environment adds one variable, the code cache directory, under the extension's own storage.
    const environment = /function serverEnvironment[\s\S]*?\n\}/.exec(extension)?.[0] ?? '';
    assert.deepEqual([...environment.matchAll(/env\.(\w+) =/g)].map((m) => m[1]), ['LANDLOCK_LENS_CODE_CACHE']);
    assert.match(environment, /joinPath\(context\.globalStorageUri, 'code-cache'\)/);
    // The flags come from the core count alone (server-flags.ts takes no other input): fixed flags.
    for (const cores of [1, 2, 8, 64]) {
      for (const flag of serverV8Flags(cores)) assert.match(flag, /^--((min|max)-semi-space-size=2|v8-pool-size=[1-4])$/);
    }
    const settings = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).contributes.configuration.properties);
    assert.deepEqual(settings.filter((s) => /server\.(path|command)|executable|runtime|nodePath|command|\bexec/i.test(s)), []);
  });

  test('the shipped bundles load no network module and call no fetch, eval or Function constructor', () => {
    for (const bundle of ['server/out/server.js', 'server/out/server-main.js', 'server/out/cli.js', 'client/out/extension.js']) {
      const code = readFileSync(join(ROOT, bundle), 'utf8');
      const requires = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => bare(m[1]));
      // The launcher's vm is checked above: it compiles server-main.js through the code cache.
      const allowed = bundle === 'server/out/server.js' ? ['net', 'vm'] : ['net'];
      for (const m of NETWORK_MODULES.filter((n) => !allowed.includes(n))) assert.equal(requires.includes(m), false, `${bundle} requires ${m}`);
      assert.doesNotMatch(code, /[^.\w]fetch\(|XMLHttpRequest|\beval\(|new Function\(/, bundle);
    }
  });
});

/** A workspace with a mapped sandbox folder full of symlinks pointing out, and a secret outside it. */
function makeWorkspace(): { base: string; ws: string; sandbox: string; outside: string } {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'landlock-lens-security-')));
  const ws = join(base, 'ws');
  const sandbox = join(ws, 'sandbox');
  const outside = join(base, 'outside');
  mkdirSync(join(outside, 'dir'), { recursive: true });
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  writeFileSync(join(outside, 'dir', 'inner.txt'), 'secret');
  mkdirSync(join(sandbox, '.openclaw', 'workspace'), { recursive: true });
  mkdirSync(join(sandbox, 'dir'), { recursive: true });
  writeFileSync(join(sandbox, '.openclaw', 'workspace', 'SOUL.md'), 'soul');
  writeFileSync(join(sandbox, 'a.txt'), 'a');
  symlinkSync('../../outside', join(sandbox, 'link-out')); // relative, escapes the folder
  symlinkSync(outside, join(sandbox, 'abs-out')); // absolute, to the local secret folder
  symlinkSync('../../../outside/secret.txt', join(sandbox, 'dir', 'up'));
  symlinkSync('/etc', join(sandbox, 'etc-link'));
  symlinkSync('loop2', join(sandbox, 'loop1'));
  symlinkSync('loop1', join(sandbox, 'loop2'));
  symlinkSync('.', join(sandbox, 'self'));
  writeFileSync(join(ws, 'tree.txt'), 'd /opt\nf /opt/tool\nl /opt/link -> /sandbox/link-out\n');
  return { base, ws, sandbox, outside };
}

function hostilePolicy(outside: string): string {
  const ro = [
    '/sandbox/.openclaw/workspace/SOUL.md', '/sandbox/link-out/secret.txt', '/sandbox/abs-out/secret.txt', '/sandbox/abs-out/dir',
    '/sandbox/dir/up', '/sandbox/etc-link/shadow', '/sandbox/../outside/secret.txt', '/sandbox/dir/../../outside',
    '/sandbox/loop1/x', '/sandbox/self/self/self/link-out/dir', '/proc/self/root/..', '/proc/self/root/etc/shadow', '/proc/1/root/etc/passwd',
    '/etc/shadow', `${outside}/secret.txt`, `${outside}/dir`, '/opt/link/secret.txt', '"/sandbox/\\x01\\x1b[31m"', '"/sandbox/**/*"', '"/[a-z]*/**"',
    ...Array.from({ length: 300 }, (_, i) => `/sandbox/link-out/n${i}`),
  ];
  return `version: 1\nfilesystem_policy:\n  include_workdir: true\n  read_write:\n    - /sandbox\n    - /sandbox/link-out\n    - /sandbox/abs-out/dir\n    - /proc/self/root\n  read_only:\n${ro.map((p) => `    - ${p}\n`).join('')}`;
}

/** A read_only file under a read_write /sandbox: its split fix lists /sandbox and the directories below. */
const SPLIT_POLICY = 'version: 1\nfilesystem_policy:\n  read_write:\n    - /sandbox\n  read_only:\n    - /sandbox/.openclaw/workspace/SOUL.md\n';

describe('mapped folder: a symlink inside never leads out of it', () => {
  let w: ReturnType<typeof makeWorkspace>;
  before(() => {
    w = makeWorkspace();
  });
  after(() => rmSync(w.base, { recursive: true, force: true }));

  test('symlinks are reported as symlinks with their text, never listed into or followed; `..` never steps out', () => {
    const view = mappedFolderView([{ sandboxPath: '/sandbox', localPath: w.sandbox }]);
    assert.equal(view.kind('/sandbox/link-out'), 'symlink');
    assert.equal(view.readlink('/sandbox/link-out'), '../../outside');
    assert.equal(view.list('/sandbox/link-out'), undefined);
    assert.equal(view.list('/sandbox/abs-out'), undefined);
    assert.equal(view.kind('/sandbox/link-out/secret.txt'), 'unknown');
    assert.equal(view.kind('/sandbox/abs-out/secret.txt'), 'unknown');
    assert.equal(view.kind('/sandbox/../outside/secret.txt'), 'unknown');
    assert.equal(view.kind('/sandbox/dir/../../outside'), 'unknown');
    assert.equal(view.list('/sandbox/self'), undefined);
    assert.deepEqual(view.list('/sandbox'), ['.openclaw', 'a.txt', 'abs-out', 'dir', 'etc-link', 'link-out', 'loop1', 'loop2', 'self']);
  });

  test('a hostile policy analysed over the mapped folder touches nothing outside it (every fs call recorded)', () => {
    // The real fs module object: mapped-folder.ts reads its functions at call time.
    const fs = createRequire(__filename)('node:fs') as Record<string, unknown>;
    const names = ['lstatSync', 'statSync', 'readdirSync', 'readlinkSync', 'realpathSync', 'readFileSync', 'openSync', 'existsSync', 'opendirSync', 'accessSync'];
    const calls: string[] = [];
    const originals = new Map(names.map((n) => [n, fs[n]]));
    for (const n of names) {
      const original = fs[n] as (...args: unknown[]) => unknown;
      fs[n] = function (this: unknown, ...args: unknown[]) {
        calls.push(`${n} ${String(args[0])}`);
        return original.apply(this, args);
      };
    }
    let findings: string[];
    let splitTitles: string[] = [];
    try {
      const view = mappedFolderView([{ sandboxPath: '/sandbox', localPath: w.sandbox }]);
      findings = analyze(hostilePolicy(w.outside), { view }).findings.map((f) => f.ruleId);
      // The split fix of issue #698's shape lists the directories on the way to the protected path.
      const split = analyze(SPLIT_POLICY, { view: mappedFolderView([{ sandboxPath: '/sandbox', localPath: w.sandbox }]) });
      splitTitles = split.findings.flatMap((f) => f.fixes.map((x) => x.title));
    } finally {
      for (const [n, original] of originals) fs[n] = original;
    }
    assert.ok(findings.includes('shadowed-read-only'), 'the policy was analysed');
    assert.ok(calls.some((c) => c.startsWith('readdirSync ')), `the view listed directories (split fix: ${splitTitles.join(' / ')})`);
    const inside = (p: string) => p === w.sandbox || p.startsWith(w.sandbox + sep);
    // realpathSync of the folder itself is where the user's own path is canonicalised.
    const stray = calls.filter((c) => {
      const [fn, p] = [c.slice(0, c.indexOf(' ')), c.slice(c.indexOf(' ') + 1)];
      return !(inside(p) || (fn === 'realpathSync' && relative(p, w.sandbox) === ''));
    });
    assert.deepEqual(stray, []);
    // Only lstat, readdir, readlink (and the folder's realpath/stat): never a file read.
    assert.deepEqual([...new Set(calls.map((c) => c.split(' ')[0]))].sort(), ['lstatSync', 'readdirSync', 'readlinkSync', 'realpathSync', 'statSync']);
    assert.ok(!calls.some((c) => /^readdirSync .*(link-out|abs-out|etc-link|self|loop)/.test(c)), 'a symlink was listed into');
  });
});

const HAS_STRACE = spawnSync('strace', ['-V'], { encoding: 'utf8' }).status === 0;

interface Syscall {
  pid: number;
  name: string;
  line: string;
  paths: string[];
}

function parseStrace(file: string): Syscall[] {
  const out: Syscall[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(\d+)\s+(?:<\.\.\.\s+)?(\w+)[( ]/.exec(line);
    if (!m) continue;
    // The path a syscall names is its first string argument (readlink's second is the link's text).
    const first = /"((?:[^"\\]|\\.)*)"/.exec(line);
    const paths = first ? [first[1]] : [];
    out.push({ pid: Number(m[1]), name: m[2], line, paths });
  }
  return out;
}

describe('language server under strace: a hostile policy cannot make it read, list, run or connect to anything it was not given', { skip: HAS_STRACE ? false : 'strace is not installed (apt-get install strace)' }, () => {
  let w: ReturnType<typeof makeWorkspace>;
  let calls: Syscall[];

  before(async () => {
    w = makeWorkspace();
    const log = join(w.base, 'strace.log');
    const client = new LspClient({
      wrapper: ['strace', '-f', '-qq', '-s', '4096', '-e', 'trace=%file,%network,%process', '-o', log],
      settings: { sandboxFolders: { '/sandbox': '${workspaceFolder}/sandbox' }, treeListing: 'tree.txt' },
      rootUri: pathToFileURL(w.ws).href,
    });
    await client.initialize();
    const uri = pathToFileURL(join(w.ws, 'policy.yaml')).href;
    const text = hostilePolicy(w.outside);
    client.open(uri, text, 1);
    const published = await client.waitForDiagnostics(uri, (p) => p.version === 1, 10_000);
    assert.ok(published.diagnostics.some((d) => d.code === 'shadowed-read-only'), 'the policy was analysed with the mapped folder');
    const lines = text.split('\n');
    for (let line = 0; line < Math.min(lines.length, 40); line++) {
      await client.request('textDocument/hover', { textDocument: { uri }, position: { line, character: 8 } }, 5000);
    }
    await client.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) }, context: { diagnostics: published.diagnostics } }, 5000);
    await client.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) } }, 5000);
    await client.request('textDocument/documentSymbol', { textDocument: { uri } }, 5000);
    await client.request('textDocument/codeLens', { textDocument: { uri } }, 5000);
    for (const path of ['/sandbox/link-out/secret.txt', '/sandbox/abs-out/dir/inner.txt', `${w.outside}/secret.txt`, '/proc/self/root/etc/passwd', '../../etc/passwd', '/sandbox/loop1/x']) {
      await client.request('landlockLens/explain', { uri, path }, 5000);
    }
    await client.request('landlockLens/effectiveAccess', { uri }, 5000);
    const splitUri = pathToFileURL(join(w.ws, 'split.yaml')).href;
    client.open(splitUri, SPLIT_POLICY, 1);
    const split = await client.waitForDiagnostics(splitUri, (p) => p.version === 1, 10_000);
    await client.request('textDocument/codeAction', { textDocument: { uri: splitUri }, range: { start: { line: 0, character: 0 }, end: positionAt(SPLIT_POLICY, SPLIT_POLICY.length) }, context: { diagnostics: split.diagnostics } }, 5000);
    // The same text as an untitled document: no file, no folder, no configuration lookup.
    client.open('untitled:Untitled-1', text, 1);
    await client.waitForDiagnostics('untitled:Untitled-1', (p) => p.version === 1, 10_000);
    await client.stop();
    assert.deepEqual(client.problems(), []);
    calls = parseStrace(log);
  });

  after(() => rmSync(w.base, { recursive: true, force: true }));

  test('it starts no program: the only execve is strace starting node', () => {
    const execs = calls.filter((c) => c.name === 'execve' || c.name === 'execveat');
    assert.equal(execs.length, 1, execs.map((c) => c.line).join('\n'));
    assert.equal(execs[0].paths[0], process.execPath);
  });

  test('it opens no socket and connects nowhere', () => {
    const network = calls.filter((c) => ['socket', 'connect', 'bind', 'sendto', 'sendmsg', 'listen', 'accept', 'accept4', 'socketpair'].includes(c.name));
    assert.deepEqual(network.map((c) => c.line), []);
  });

  test('nothing outside the workspace\'s given files: no secret, no /etc/shadow, no /proc/*/root, no symlink target outside the mapped folder', () => {
    const touched = calls.flatMap((c) => c.paths.map((p) => ({ p, c })));
    const forbidden = touched.filter(({ p }) => p.startsWith(w.outside) || /^\/etc\/(shadow|passwd)|^\/proc\/[^/]+\/root|^\/root\b/.test(p));
    assert.deepEqual(forbidden.map(({ c }) => c.line), []);
  });

  test('in the test\'s folder it touches only the mapped folder, the tree listing and configuration lookups', () => {
    const inBase = calls.flatMap((c) => c.paths.filter((p) => p.startsWith(w.base + '/')).map((p) => ({ p, c })));
    const allowed = (p: string) =>
      p === w.sandbox || p.startsWith(w.sandbox + '/') ||
      p === join(w.ws, 'tree.txt') ||
      /\/\.landlock-lens\.(yaml|yml|json)$/.test(p) ||
      p === w.ws; // the workspace folder itself (realpath of the mapped folder walks through it)
    assert.deepEqual(inBase.filter(({ p }) => !allowed(p)).map(({ c }) => c.line), []);
    // Directories it lists (opened O_DIRECTORY) are real directories inside the mapped folder, never a link.
    const listed = calls.filter((c) => c.name === 'openat' && /O_DIRECTORY/.test(c.line) && c.paths.some((p) => p.startsWith(w.base)));
    assert.ok(listed.length > 0, 'the split fix listed the mapped folder');
    for (const c of listed) {
      const p = c.paths.find((x) => x.startsWith(w.base))!;
      assert.ok(p === w.sandbox || p.startsWith(w.sandbox + '/'), c.line);
      assert.equal(realpathSync(p), p, `listed through a symlink: ${c.line}`);
    }
    // Inside the mapped folder, only metadata: no file is opened for reading.
    const opened = calls.filter((c) => c.name === 'openat' && !/O_DIRECTORY/.test(c.line) && c.paths.some((p) => p.startsWith(w.sandbox)));
    assert.deepEqual(opened.map((c) => c.line), []);
  });
});
