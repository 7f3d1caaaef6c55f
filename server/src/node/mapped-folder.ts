// A filesystem view over local folders that hold the contents of sandbox paths (e.g. /sandbox ->
// the workspace folder), so the analysis knows kinds, symlinks and directory entries without a tree
// listing. It only lstat()s, readdir()s and readlink()s: it never reads a file, and it never follows a
// symlink, inside or out of the mapped folder. The core resolves symlinks itself, in sandbox paths,
// through kind()/readlink(), exactly as the kernel would inside the sandbox; a link that points out of
// the folder therefore lands on a sandbox path, which the base view (or another mapping) answers.
import { lstatSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';
import { normalizePath, standardImageView } from '../core/index';
import type { FsView, PathKind } from '../core/index';

export interface FolderMapping {
  /** Absolute sandbox path, e.g. /sandbox. */
  sandboxPath: string;
  /** Local folder holding its contents. */
  localPath: string;
}

/** Parses a `--map SANDBOX=LOCAL` value. */
export function parseMapping(spec: string): FolderMapping {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) throw new Error(`--map needs SANDBOX=LOCAL (e.g. /sandbox=.), got ${spec}`);
  const sandboxPath = spec.slice(0, eq);
  if (!sandboxPath.startsWith('/')) throw new Error(`--map: the sandbox path must be absolute, got ${sandboxPath}`);
  return { sandboxPath, localPath: spec.slice(eq + 1) };
}

interface ResolvedMapping {
  sandbox: string;
  /** The local folder, canonical (the user chose it; symlinks in its own path are theirs). */
  root: string;
}

function kindOfStats(st: { isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean }): PathKind {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'directory';
  if (st.isFile()) return 'file';
  return 'other';
}

/**
 * An FsView answering for sandbox paths at or under each mapping from the local folder, and from
 * `base` for every other path. The longest matching sandbox path wins.
 */
export function mappedFolderView(mappings: FolderMapping[], base: FsView = standardImageView(), description?: string): FsView {
  const resolved: ResolvedMapping[] = mappings.map((m) => {
    const sandbox = normalizePath(m.sandboxPath);
    if (!sandbox.startsWith('/')) throw new Error(`mapped sandbox path must be absolute: ${m.sandboxPath}`);
    const root = realpathSync(nodePath.resolve(m.localPath));
    if (!statSync(root).isDirectory()) throw new Error(`mapped folder is not a directory: ${m.localPath}`);
    return { sandbox, root };
  }).sort((a, b) => b.sandbox.length - a.sandbox.length);

  const kinds = new Map<string, PathKind>();

  /** The mapping and the path components below its sandbox path, or undefined outside every mapping. */
  const locate = (path: string): { m: ResolvedMapping; parts: string[] } | undefined => {
    const p = normalizePath(path);
    for (const m of resolved) {
      if (m.sandbox === '/' ? p.startsWith('/') : p === m.sandbox || p.startsWith(m.sandbox + '/')) {
        const rest = m.sandbox === '/' ? p.slice(1) : p.slice(m.sandbox.length + 1);
        return { m, parts: rest === '' ? [] : rest.split('/') };
      }
    }
    return undefined;
  };

  const localOf = (m: ResolvedMapping, parts: string[]) => (parts.length ? nodePath.join(m.root, ...parts) : m.root);

  /** lstat of each component in turn: a symlink or a non-directory before the last component stops the walk. */
  const kindIn = (m: ResolvedMapping, parts: string[]): PathKind => {
    if (parts.some((c) => c === '..' || c === '.' || c === '')) return 'unknown'; // never step out of the folder
    let current = m.root;
    for (let i = 0; i < parts.length; i++) {
      current = nodePath.join(current, parts[i]);
      let kind: PathKind;
      try {
        kind = kindOfStats(lstatSync(current));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unknown';
      }
      if (i === parts.length - 1) return kind;
      if (kind === 'symlink') return 'unknown'; // the core resolves the link first; this view never follows it
      if (kind !== 'directory') return 'missing';
    }
    return 'directory';
  };

  const kind = (path: string): PathKind => {
    const at = locate(path);
    if (!at) return base.kind(path);
    const key = normalizePath(path);
    let k = kinds.get(key);
    if (k === undefined) {
      k = kindIn(at.m, at.parts);
      kinds.set(key, k);
    }
    return k;
  };

  return {
    description: description ?? `mapped folder${resolved.length > 1 ? 's' : ''} ${resolved.map((m) => `${m.root} at ${m.sandbox}`).join(', ')}`,
    kind,
    readlink(path: string): string | undefined {
      const at = locate(path);
      if (!at) return base.readlink(path);
      if (kind(path) !== 'symlink') return undefined;
      try {
        return readlinkSync(localOf(at.m, at.parts), 'utf8');
      } catch {
        return undefined;
      }
    },
    list(dir: string): string[] | undefined {
      const at = locate(dir);
      if (!at) return base.list(dir);
      if (kind(dir) !== 'directory') return undefined;
      try {
        return readdirSync(localOf(at.m, at.parts), 'utf8').sort();
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * The real filesystem of this machine, read the same way (lstat/readdir/readlink only). Useful when
 * the policy's paths exist here, e.g. inside the sandbox image or a dev container built from it.
 */
export function localFilesystemView(base: FsView = standardImageView()): FsView {
  return mappedFolderView([{ sandboxPath: '/', localPath: '/' }], base, 'this machine\'s filesystem');
}
