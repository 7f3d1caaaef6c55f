// Runs a bundle through V8's code cache, so a server start does not compile the same code again.
//
// Compiling the 640 KB server bundle was a third of every server start (spawn to `initialize`
// result), and a fresh process compiled each function of the analysis again on its first call. V8 can
// serialise the bytecode of a script, including the functions compiled lazily after it ran, and
// accept it back on the next start (`vm.Script` `cachedData`): what Node 22 does for every module with
// `module.enableCompileCache()`, done here for the one bundle that matters, on every Node version.
//
// The cache is one file per bundle, written after the first analysis (so it holds the analysis'
// functions too) and again on shutdown (lsp/server.ts), into a directory private to the user. V8
// rejects a cache made by another V8 version or with other flags; the file name also changes with the
// bundle's size and modification time, because V8's own check of the source is its length only.
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { Script } from 'node:vm';

/** What the code cache did for this process. */
export interface CodeCache {
  /**
   * `off`: disabled (LANDLOCK_LENS_CODE_CACHE=off, or no directory for it); `absent`: no cache yet;
   * `used`: V8 took the cached code; `rejected`: V8 refused it (another Node or V8 flags); `unreadable`:
   * the file could not be read; `unsafe`: the directory or the file is not private to this user (owned by
   * someone else, or writable by others), so it is neither read nor written.
   */
  readonly state: 'off' | 'absent' | 'used' | 'rejected' | 'unreadable' | 'unsafe';
  /** The cache file (undefined when off). */
  readonly file: string | undefined;
  /** Whether save() writes: this process found no usable cache (absent, rejected or unreadable). */
  readonly writable: boolean;
  /**
   * Writes the cache (again: it then holds every function compiled since) when `writable`. Says what it
   * did, for the log.
   */
  save(): string;
}

/** The environment variable that names the cache directory, or turns the cache off (`off`, `0`, `false`, `no`). */
export const CODE_CACHE_ENV = 'LANDLOCK_LENS_CODE_CACHE';

/** A cache file bigger than this is not read (ours is under 1 MB; something else is there). */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * The directory for the cache: LANDLOCK_LENS_CODE_CACHE when it names one (VS Code's client points it
 * at the extension's global storage), else the user's cache directory (XDG_CACHE_HOME or ~/.cache on
 * Linux, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows). Never a shared directory such as /tmp:
 * another user could plant code there.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string | undefined {
  const configured = env[CODE_CACHE_ENV]?.trim();
  if (configured && /^(off|0|false|no)$/i.test(configured)) return undefined;
  if (configured) return isAbsolute(configured) ? configured : undefined;
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA && isAbsolute(env.LOCALAPPDATA) ? env.LOCALAPPDATA : home && join(home, 'AppData', 'Local');
    return local ? join(local, 'landlock-lens', 'Cache') : undefined;
  }
  if (!home) return undefined;
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'landlock-lens');
  const xdg = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(home, '.cache');
  return join(xdg, 'landlock-lens');
}

/**
 * `<bundle>-<where>-<what>.v8cache`: `where` tells installations apart (a stale cache of the same
 * installation is removed when a new one is written); `what` changes with the bundle's content (size and
 * modification time), the Node version, the architecture and the V8 flags.
 */
export function codeCacheFileName(bundle: string, size: number, mtimeMs: number, node = process): string {
  const what = [size, mtimeMs, node.version, node.arch, node.execArgv.join(' '), node.env.NODE_OPTIONS ?? ''].join('\n');
  return `${basename(bundle, '.js')}-${fnv1a(bundle)}-${fnv1a(what)}.v8cache`;
}

/**
 * Loads a CommonJS bundle as `require` would, with its compiled code from `cacheDir` when V8 accepts it,
 * and returns its exports. Any failure of the cache itself (unreadable, rejected, unwritable) falls back
 * to compiling the source; an error of the bundle's own code is thrown as `require` would throw it.
 */
export function runBundleWithCodeCache(bundle: string, cacheDir: string | undefined): { exports: unknown; cache: CodeCache } {
  const { source, stat } = readBundle(bundle);
  const file = cacheDir === undefined ? undefined : join(cacheDir, codeCacheFileName(bundle, stat.size, stat.mtimeMs));
  let cachedData: Buffer | undefined;
  let state: CodeCache['state'] = file === undefined ? 'off' : 'absent';
  if (file !== undefined && cacheDir !== undefined) {
    if (!directoryIsPrivate(cacheDir)) {
      state = 'unsafe';
    } else {
      try {
        cachedData = readPrivateFile(file, MAX_CACHE_BYTES);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === UNSAFE) state = 'unsafe';
        else if (code !== 'ENOENT') state = 'unreadable';
      }
    }
  }
  // The wrapper Node itself puts around a CommonJS module, on its own line so that line numbers in
  // stack traces stay those of the bundle.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, {
    filename: bundle,
    lineOffset: -1,
    cachedData,
  });
  if (cachedData) state = script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} as unknown, filename: bundle, id: bundle, loaded: false };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  module.loaded = true;

  const writable = state === 'absent' || state === 'rejected' || state === 'unreadable';
  const cache: CodeCache = {
    state,
    file,
    writable,
    save(): string {
      if (file === undefined || cacheDir === undefined) return 'code cache: off';
      if (state === 'used') return `code cache: used ${file}`;
      if (state === 'unsafe') return `code cache: not used, ${cacheDir} or its file is not private to this user`;
      if (!writable) return `code cache: ${state}`;
      try {
        const data = script.createCachedData();
        mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
        // Written aside and renamed: two servers starting together never read half a file.
        const partial = `${file}.${process.pid}.partial`;
        writeFileSync(partial, data, { mode: 0o600 });
        renameSync(partial, file);
        removeStaleCaches(cacheDir, file, stat.mtimeMs, Date.now());
        return `code cache: wrote ${Math.round(data.length / 1024)} KiB to ${file}`;
      } catch (e) {
        return `code cache: not written (${e instanceof Error ? e.message : String(e)})`;
      }
    },
  };
  return { exports: module.exports, cache };
}

/**
 * The bundle's text with the size and modification time of that same text: read and stat'ed through one
 * open file, so an update that replaces the bundle meanwhile cannot pair the new file's name for the cache
 * with the old file's code.
 */
function readBundle(bundle: string): { source: string; stat: Stats } {
  const fd = openSync(bundle, 'r');
  try {
    const stat = fstatSync(fd);
    return { source: readFileSync(fd, 'utf8'), stat };
  } finally {
    closeSync(fd);
  }
}

const UNSAFE = 'ELANDLOCKLENSUNSAFE';

/**
 * Whether a cache directory or file can be trusted: V8 runs the code a cache holds, so on POSIX it must
 * belong to this user and be writable by no one else (Windows: the user's profile, protected by its ACLs).
 */
export function isPrivateToUser(stat: Pick<Stats, 'uid' | 'mode'>, uid: number | null = process.getuid ? process.getuid() : null): boolean {
  if (uid === null) return true;
  return stat.uid === uid && (stat.mode & 0o022) === 0;
}

/**
 * A missing directory is private (save() creates it 0700); an existing one must be private. (Something
 * else than a directory there is not a danger: nothing can be read from or written into it.)
 */
function directoryIsPrivate(dir: string): boolean {
  try {
    const stat = statSync(dir);
    return !stat.isDirectory() || isPrivateToUser(stat);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/**
 * Reads a whole cache file if it is private to this user and at most `limit` bytes: both checked on the
 * open file itself, so the file read is the one checked.
 */
function readPrivateFile(file: string, limit: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const stat = fstatSync(fd);
    if (!isPrivateToUser(stat)) throw Object.assign(new Error(`${file} is not private to this user`), { code: UNSAFE });
    if (stat.size > limit) throw Object.assign(new Error(`${file} is ${stat.size} bytes`), { code: 'EFBIG' });
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A cache of another installation (an older extension version's folder) unused this long is removed. */
export const ABANDONED_CACHE_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Removes caches that can no longer be used: those of the same installation written before its bundle
 * was (an earlier build), and those of other installations of the same bundle not written for 30 days
 * (VS Code installs each version in a folder of its own, so the old version's cache would stay forever).
 * A cache of the same installation for another Node version or other V8 flags (Neovim and VS Code
 * starting one installed server differently) was written after the bundle and stays: removing it would
 * make the two kinds of start rewrite the cache in turn.
 */
function removeStaleCaches(dir: string, current: string, bundleMtimeMs: number, now: number): void {
  const name = basename(current);
  const installation = name.slice(0, name.lastIndexOf('-') + 1);
  const sameBundle = name.slice(0, name.lastIndexOf('-', installation.length - 2) + 1);
  for (const other of readdirSync(dir)) {
    if (other === name || !other.startsWith(sameBundle) || !other.endsWith('.v8cache')) continue;
    try {
      const written = statSync(join(dir, other)).mtimeMs;
      const stale = other.startsWith(installation) ? written < bundleMtimeMs : now - written > ABANDONED_CACHE_MS;
      if (stale) unlinkSync(join(dir, other));
    } catch {
      // Another server may have removed it first.
    }
  }
}

/** 32-bit FNV-1a as 8 hex digits: a short, stable name part (no `crypto` load at start-up for it). */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
