// Lexical path helpers. OpenShell's supervisor normalises rule paths lexically (openshell-core
// paths.rs normalize_path): `//` collapses, `.` components go, a trailing `/` goes; `..` is left alone
// (the validator rejects it before).

const SLASH = 47;

/**
 * What lexical normalisation changes: a `//`, a `.` component, a trailing `/` (after anything, line
 * breaks included). A regex: it runs natively even before V8 has compiled our code, for every path of
 * every analysis (a loop over the slashes cost twice as much in a fresh process, and no less later).
 */
const NEEDS_NORMALISING = /\/\/|\/\.(?:\/|$)|^\.(?:\/|$)|[\s\S]\/$/;

export function normalizePath(path: string): string {
  if (path === '') return path;
  if (!NEEDS_NORMALISING.test(path)) return path; // the common case: already normal, no allocation
  const absolute = path.startsWith('/');
  const parts = path.split('/').filter((c) => c !== '' && c !== '.');
  const joined = parts.join('/');
  if (absolute) return '/' + joined;
  return joined === '' ? '.' : joined;
}

export function isNormalized(path: string): boolean {
  return normalizePath(path) === path;
}

export function parentOf(path: string): string {
  if (path === '/' || path === '') return '/';
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return path.slice(i + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? '/' + name : dir + '/' + name;
}

/** `/a/b/c` -> ['/', '/a', '/a/b', '/a/b/c'] (self included, root first). Expects a normalised absolute path. */
export function selfAndAncestors(path: string): string[] {
  const out = ['/'];
  if (path === '/') return out;
  let i = path.indexOf('/', 1);
  while (i !== -1) {
    out.push(path.slice(0, i));
    i = path.indexOf('/', i + 1);
  }
  out.push(path);
  return out;
}

/** Whether `ancestor` is `path` or one of its ancestors (both normalised absolute). */
export function isAtOrUnder(path: string, ancestor: string): boolean {
  if (ancestor === '/') return path.startsWith('/');
  // No `ancestor + '/'` string: this runs for every pair a check compares.
  if (!path.startsWith(ancestor)) return false;
  return path.length === ancestor.length || path.charCodeAt(ancestor.length) === SLASH;
}

const ONLY_SLASHES = /^\/*$/;

/**
 * Whether a path is only slashes (`/`, `//`...; or empty): what the validator calls overly broad for
 * read_write. Anchored, because an unanchored /\/+$/ is quadratic on long slash runs; a module constant,
 * because a regular expression literal is a new object each time it is evaluated (per entry, here).
 */
export function isOnlySlashes(path: string): boolean {
  return ONLY_SLASHES.test(path);
}

/** Whether a path has a `..` component (which the validator rejects). */
export function hasParentComponent(path: string): boolean {
  return path.includes('..') && path.split('/').includes('..');
}

export function isStrictlyUnder(path: string, ancestor: string): boolean {
  return path !== ancestor && isAtOrUnder(path, ancestor);
}
