// Lexical path helpers. OpenShell's supervisor normalises rule paths lexically (openshell-core
// paths.rs normalize_path): `//` collapses, `.` components go, a trailing `/` goes; `..` is left alone
// (the validator rejects it before).

const NEEDS_NORMALISING = /\/\/|\/\.(\/|$)|^\.(\/|$)|.\/$/;

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
  return path === ancestor || path.startsWith(ancestor + '/');
}

export function isStrictlyUnder(path: string, ancestor: string): boolean {
  return path !== ancestor && isAtOrUnder(path, ancestor);
}
