// Files around a document: its workspace folder, the tree listing named by the settings (read from
// disk, re-read when its mtime changes), and glob matching of the document's path.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTreeListing } from '../node/views';
import type { TreeListingView } from '../core/index';
import { matchesPolicyGlobs } from '../core/detect';

export function fsPathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export class WorkspaceFolders {
  private folders: string[] = [];

  set(uris: string[]): void {
    this.folders = uris.map(fsPathOf).filter((p): p is string => !!p).sort((a, b) => b.length - a.length);
  }

  add(uris: string[]): void {
    const added = uris.map(fsPathOf).filter((p): p is string => !!p);
    this.folders = [...new Set([...this.folders, ...added])].sort((a, b) => b.length - a.length);
  }

  remove(uris: string[]): void {
    const gone = new Set(uris.map(fsPathOf));
    this.folders = this.folders.filter((f) => !gone.has(f));
  }

  /** The innermost folder holding a file, or undefined. */
  folderOf(fsPath: string): string | undefined {
    return this.folders.find((f) => fsPath === f || fsPath.startsWith(f.endsWith(path.sep) ? f : f + path.sep));
  }
}

/** Replaces `${workspaceFolder}` (VS Code's variable) in a setting value. */
export function substituteFolder(value: string, folder: string | undefined): string {
  return folder ? value.replace(/\$\{workspaceFolder\}/g, folder) : value;
}

/** Where a relative setting path points: the document's workspace folder, else the document's directory. */
export function resolveSettingPath(value: string, documentPath: string | undefined, folder: string | undefined): string | undefined {
  const v = substituteFolder(value, folder);
  if (path.isAbsolute(v)) return v;
  const base = folder ?? (documentPath ? path.dirname(documentPath) : undefined);
  return base ? path.resolve(base, v) : undefined;
}

/**
 * The file name to give the core for glob detection: the path relative to the workspace folder when
 * a glob matches it that way, else the absolute path (the setting documents both).
 */
export function fileNameForDetection(documentPath: string | undefined, folder: string | undefined, globs: string[]): string | undefined {
  if (!documentPath) return undefined;
  if (folder && globs.length) {
    const relative = path.relative(folder, documentPath).split(path.sep).join('/');
    if (!relative.startsWith('..') && matchesPolicyGlobs(relative, globs)) return relative;
  }
  return documentPath;
}

interface ListingEntry {
  mtimeMs: number;
  size: number;
  view?: TreeListingView;
  error?: string;
}

/** Tree listings by absolute path, re-read when their mtime or size changes. */
export class TreeListings {
  private readonly entries = new Map<string, ListingEntry>();

  /** The listing, or an error message; `stamp` changes whenever the file does (for cache keys). */
  get(file: string, workdir: string): { view?: TreeListingView; error?: string; stamp: string } {
    let st: { mtimeMs: number; size: number };
    try {
      st = statSync(file);
    } catch (e) {
      this.entries.delete(file);
      return { error: `cannot read tree listing ${file}: ${(e as Error).message}`, stamp: 'missing' };
    }
    const key = `${file}\u0000${workdir}`;
    let entry = this.entries.get(key);
    if (!entry || entry.mtimeMs !== st.mtimeMs || entry.size !== st.size) {
      entry = { mtimeMs: st.mtimeMs, size: st.size };
      try {
        entry.view = readTreeListing(file, workdir);
      } catch (e) {
        entry.error = `cannot read tree listing ${file}: ${(e as Error).message}`;
      }
      this.entries.set(key, entry);
    }
    return { view: entry.view, error: entry.error, stamp: `${st.mtimeMs}:${st.size}` };
  }

  /** Forgets a listing (a watched-file event said it changed). */
  invalidate(file: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(file + '\u0000')) this.entries.delete(key);
  }

  has(file: string): boolean {
    for (const key of this.entries.keys()) if (key.startsWith(file + '\u0000')) return true;
    return false;
  }
}
