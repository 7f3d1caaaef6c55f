// Filesystem views the core can reason with, without touching a filesystem: the tree listing made
// inside the sandbox image, and the "standard image" assumptions used when nothing better is known.
import type { FsView, PathKind } from '../types';
import { baseName, joinPath, normalizePath, parentOf } from './paths';

const TYPE_LETTERS: Record<string, PathKind> = { f: 'file', d: 'directory', l: 'symlink', c: 'other', b: 'other', p: 'other', s: 'other', D: 'other' };

export interface TreeListingProblem {
  line: number;
  message: string;
}

export interface TreeListingView extends FsView {
  readonly entries: number;
  readonly problems: TreeListingProblem[];
}

/**
 * Parses `find ... -printf '%y %p\n'` output (symlinks as `l <path> -> <target>`). A path inside a
 * listed directory that the listing does not name is missing; paths outside every listed directory
 * fall back to `base` (the standard image by default).
 */
export function parseTreeListing(text: string, description = 'tree listing', base: FsView = standardImageView()): TreeListingView {
  const kinds = new Map<string, PathKind>();
  const targets = new Map<string, string>();
  const children = new Map<string, string[]>();
  const problems: TreeListingProblem[] = [];
  const lines = text.split(/\r?\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || line.startsWith('#')) continue;
    const m = /^([fdlcbpsD]) (.+)$/.exec(line);
    if (!m) {
      if (problems.length < 20) problems.push({ line: i + 1, message: `not a tree listing line (expected "<type> <absolute path>"): ${line.slice(0, 80)}` });
      continue;
    }
    let path = m[2];
    if (m[1] === 'l') {
      const arrow = path.indexOf(' -> ');
      if (arrow >= 0) {
        targets.set(normalizePath(path.slice(0, arrow)), path.slice(arrow + 4));
        path = path.slice(0, arrow);
      }
    }
    if (!path.startsWith('/')) {
      if (problems.length < 20) problems.push({ line: i + 1, message: `path is not absolute: ${path.slice(0, 80)}` });
      continue;
    }
    const normal = normalizePath(path);
    if (!kinds.has(normal) && normal !== '/') {
      const parent = parentOf(normal);
      let list = children.get(parent);
      if (!list) children.set(parent, (list = []));
      list.push(baseName(normal));
    }
    kinds.set(normal, TYPE_LETTERS[m[1]]);
  }
  return {
    description,
    entries: kinds.size,
    problems,
    kind(path: string): PathKind {
      const p = normalizePath(path);
      const known = kinds.get(p);
      if (known) return known;
      if (p === '/') return base.kind(p);
      const parentKind = kinds.get(parentOf(p));
      if (parentKind === 'directory') return 'missing';
      if (parentKind === 'file' || parentKind === 'other') return 'missing';
      return base.kind(p);
    },
    readlink(path: string): string | undefined {
      return targets.get(normalizePath(path)) ?? base.readlink(path);
    },
    list(dir: string): string[] | undefined {
      const p = normalizePath(dir);
      if (kinds.get(p) === 'directory') return [...(children.get(p) ?? [])].sort();
      return base.list(p);
    },
  };
}

/** Directories every OpenShell image has, and the baseline entries known not to exist by default. */
const STANDARD_DIRECTORIES = ['/', '/usr', '/lib', '/etc', '/var', '/var/log', '/proc', '/tmp', '/dev'];

/**
 * Without a listing: a standard image in which `/usr /lib /etc /var/log /proc /tmp` and the workdir
 * are directories, `/dev/urandom` is a device, `/app` does not exist, and everything else is unknown
 * (assumed to exist, kind unknown).
 */
export function standardImageView(workdir = '/sandbox'): FsView {
  const kinds = new Map<string, PathKind>();
  for (const d of STANDARD_DIRECTORIES) kinds.set(d, 'directory');
  const wd = normalizePath(workdir);
  if (wd.startsWith('/')) kinds.set(wd, 'directory');
  kinds.set('/dev/urandom', 'other');
  kinds.set('/dev/null', 'other');
  kinds.set('/app', 'missing');
  return {
    description: 'standard image assumptions (no tree listing)',
    kind: (path) => kinds.get(normalizePath(path)) ?? 'unknown',
    readlink: () => undefined,
    list: () => undefined,
  };
}

/** A view that knows nothing; every path exists with an unknown kind. */
export const UNKNOWN_VIEW: FsView = {
  description: 'no filesystem knowledge',
  kind: () => 'unknown',
  readlink: () => undefined,
  list: () => undefined,
};

export interface Resolution {
  /** Canonical path after following every symlink. */
  path: string;
  /** Kind of the final inode: never 'symlink' unless the link could not be followed. */
  kind: PathKind;
  /** Symlinks followed, in order (link path -> target path). */
  links: { link: string; target: string }[];
  /** Too many symlink levels (the kernel's ELOOP). */
  loop: boolean;
}

const MAX_SYMLINK_HOPS = 40;
/** A `.` or `..` component (a constant: a literal would be a new RegExp object per path walked). */
const DOT_COMPONENT = /\/\.\.?(\/|$)/;

/**
 * Resolves a path like the kernel's path walk, following symlinks in every component, with a cache.
 * A view's answers never change, so one resolver can serve every analysis made with that view
 * (resolverFor): an edit then resolves only the paths it changed.
 */
export class PathResolver {
  private readonly cache = new Map<string, Resolution>();
  constructor(readonly view: FsView) {}

  /** Paths (and their ancestors) resolved so far. */
  get size(): number {
    return this.cache.size;
  }

  clear(): void {
    this.cache.clear();
  }

  resolve(path: string): Resolution {
    // Cache keys are normalised paths, so a path found as it is needs no normalising: most lookups
    // (every entry's parent, paths the model normalised already) are hits.
    const asGiven = this.cache.get(path);
    if (asGiven) return asGiven;
    const normal = normalizePath(path);
    const hit = normal === path ? undefined : this.cache.get(normal);
    if (hit) return hit;
    // Everything cached below (the key, its ancestors, the resolved paths) derives from this copy.
    const key = detachedCopy(normal);
    const result = this.walk(key);
    this.cache.set(key, result);
    return result;
  }

  /**
   * The common case, a path without `.`/`..` components: resolve the parent (cached, so shared
   * prefixes are walked once) and look at the last component; only symlinks take the full walk.
   */
  private walk(path: string): Resolution {
    if (path === '/' || !path.startsWith('/') || DOT_COMPONENT.test(path)) return this.fullWalk(path);
    const parentPath = parentOf(path);
    const parent = this.resolve(parentPath);
    if (parent.loop) return parent;
    // Usually no symlink above: the path resolves to itself, and the resolution holds the key's own string
    // (a joined copy would be one more string per path, kept as long as the resolver).
    const next = parent.path === parentPath ? path : joinPath(parent.path, path.slice(path.lastIndexOf('/') + 1));
    if (parent.kind === 'missing' || parent.kind === 'file' || parent.kind === 'other' || parent.kind === 'symlink') {
      if (parent.kind === 'symlink') return this.fullWalk(path); // an unreadable link: let the full walk decide
      return { path: next, kind: 'missing', links: parent.links, loop: false };
    }
    const kind = this.view.kind(next);
    if (kind === 'symlink') return this.fullWalk(path);
    return { path: next, kind, links: parent.links, loop: false };
  }

  private fullWalk(path: string): Resolution {
    const links: { link: string; target: string }[] = [];
    const queue = path.split('/').filter((c) => c !== '' && c !== '.');
    let current = '/';
    let hops = 0;
    while (queue.length > 0) {
      const comp = queue.shift()!;
      if (comp === '..') {
        current = parentOf(current);
        continue;
      }
      const next = joinPath(current, comp);
      const kind = this.view.kind(next);
      if (kind === 'symlink') {
        const target = this.view.readlink(next);
        if (target === undefined) {
          return { path: [next, ...queue].join('/').replace(/^\/\//, '/'), kind: queue.length ? 'unknown' : 'symlink', links, loop: false };
        }
        if (++hops > MAX_SYMLINK_HOPS) return { path: next, kind: 'missing', links, loop: true };
        links.push({ link: next, target });
        queue.unshift(...target.split('/').filter((c) => c !== '' && c !== '.'));
        if (target.startsWith('/')) current = '/';
        continue;
      }
      if (kind === 'missing' || ((kind === 'file' || kind === 'other') && queue.length > 0)) {
        const rest = queue.length ? '/' + queue.join('/') : '';
        return { path: next + rest, kind: 'missing', links, loop: false };
      }
      current = next;
    }
    return { path: current, kind: this.view.kind(current), links, loop: false };
  }
}

/**
 * A copy of a string that shares no memory with the one it came from. Paths are slices of the policy
 * text, and V8 keeps a slice's whole parent string alive: a long-lived cache keyed by slices would keep
 * every version of the document that added an entry (1.2 MB per keystroke at 20,000 paths). Prefixing
 * a character makes a concatenation, which slicing flattens into a new string of its own.
 */
function detachedCopy(s: string): string {
  return (' ' + s).slice(1);
}

const resolvers = new WeakMap<FsView, PathResolver>();

/** The resolver shared by every analysis made with a view (whose answers must not change: see FsView). */
export function resolverFor(view: FsView): PathResolver {
  let resolver = resolvers.get(view);
  if (!resolver) resolvers.set(view, (resolver = new PathResolver(view)));
  return resolver;
}
