// Scratch trees of the kernel differential tests, written with the paths the sandbox sees (policy
// paths such as /sandbox/x). One description feeds three consumers:
//   - the oracle, which builds the tree for real under a temp dir (policy path /p <-> <tmp>/p);
//   - the core, through a tree listing in the `--tree` format (find's `%y %p`, `l <path> -> <target>`);
//   - the predictor, which needs plain VFS facts (does a name exist, what type, is a directory empty) to
//     tell ENOENT/EEXIST/ENOTEMPTY apart. These facts are not the access model: the rights always come
//     from the core.

export type EntryKind = 'dir' | 'file' | 'exec' | 'symlink';

export interface TreeEntry {
  path: string;
  kind: EntryKind;
  /** Symlink target exactly as written (absolute policy path or relative). */
  target?: string;
  /** File content (no spaces issue: the oracle takes the rest of the line). */
  text?: string;
}

export type Resolved =
  | { exists: true; path: string; entry: TreeEntry | null /* null: the root */ }
  | { exists: false; path: string; error: 'ENOENT' | 'ENOTDIR' | 'ELOOP' };

const LETTERS: Record<string, EntryKind> = { d: 'dir', f: 'file', x: 'exec', l: 'symlink' };

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === '/' ? '/' + name : dir + '/' + name;
}

export function isAtOrUnder(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(dir + '/');
}

export class ScratchTree {
  readonly entries = new Map<string, TreeEntry>();
  /** Creation order: parents before children. */
  readonly order: TreeEntry[] = [];

  /**
   * Lines `d PATH`, `f PATH [text]`, `x PATH` (an executable), `l PATH -> TARGET`; `#` comments.
   * Missing ancestors are added as directories.
   */
  static parse(text: string): ScratchTree {
    const tree = new ScratchTree();
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const m = /^([dfxl]) (\/\S*)(?: (.*))?$/.exec(line);
      if (!m) throw new Error(`bad tree line: ${line}`);
      const kind = LETTERS[m[1]];
      if (kind === 'symlink') {
        const t = /^-> (\S+)$/.exec(m[3] ?? '');
        if (!t) throw new Error(`symlink without "-> target": ${line}`);
        tree.add({ path: m[2], kind, target: t[1] });
      } else {
        tree.add({ path: m[2], kind, text: kind === 'file' ? m[3] : undefined });
      }
    }
    return tree;
  }

  add(entry: TreeEntry): void {
    if (!entry.path.startsWith('/') || entry.path === '/' || /\/\/|\/$|\s/.test(entry.path)) throw new Error(`bad tree path: ${entry.path}`);
    if (this.entries.has(entry.path)) throw new Error(`duplicate tree path: ${entry.path}`);
    const parent = parentOf(entry.path);
    if (parent !== '/') {
      const p = this.entries.get(parent);
      if (!p) this.add({ path: parent, kind: 'dir' });
      else if (p.kind !== 'dir') throw new Error(`parent of ${entry.path} is not a directory`);
    }
    this.entries.set(entry.path, entry);
    this.order.push(entry);
  }

  children(dir: string): TreeEntry[] {
    return this.order.filter((e) => parentOf(e.path) === dir);
  }

  /** Like the kernel's path walk; `followLast` false = lstat/unlink/rename semantics. */
  resolve(path: string, followLast = true): Resolved {
    const queue = path.split('/').filter((c) => c !== '' && c !== '.');
    let current = '/';
    let hops = 0;
    while (queue.length) {
      const comp = queue.shift()!;
      if (comp === '..') {
        current = parentOf(current);
        continue;
      }
      const next = joinPath(current, comp);
      const entry = this.entries.get(next);
      if (!entry) return { exists: false, path: [next, ...queue].join('/'), error: 'ENOENT' };
      if (entry.kind === 'symlink' && (queue.length > 0 || followLast)) {
        if (++hops > 40) return { exists: false, path: next, error: 'ELOOP' };
        const target = entry.target!;
        queue.unshift(...target.split('/').filter((c) => c !== '' && c !== '.'));
        if (target.startsWith('/')) current = '/';
        continue;
      }
      if (entry.kind !== 'dir' && entry.kind !== 'symlink' && queue.length > 0) {
        return { exists: false, path: [next, ...queue].join('/'), error: 'ENOTDIR' };
      }
      current = next;
    }
    return { exists: true, path: current, entry: current === '/' ? null : this.entries.get(current)! };
  }

  /** Kind after following every symlink; 'dir' for the root; null when missing. */
  kind(path: string): EntryKind | null {
    const r = this.resolve(path, true);
    return r.exists ? (r.entry ? r.entry.kind : 'dir') : null;
  }

  /** Kind of the name itself (symlinks not followed); null when missing. */
  lkind(path: string): EntryKind | null {
    const r = this.resolve(path, false);
    return r.exists ? (r.entry ? r.entry.kind : 'dir') : null;
  }

  /** Canonical path of the name itself: its parent resolved, its last component kept. */
  canonicalName(path: string): string | null {
    const parent = this.resolve(parentOf(path), true);
    if (!parent.exists) return null;
    return joinPath(parent.path, baseName(path));
  }

  isEmptyDir(path: string): boolean {
    const r = this.resolve(path, true);
    return r.exists && this.children(r.path).length === 0;
  }

  /**
   * The `--tree` listing the core reads, as `find / \( -type l -printf 'l %p -> %l\n' \) -o -printf
   * '%y %p\n'` would print it for the whole scratch filesystem (executables are plain files to %y).
   * `d /` is included on purpose: the model then knows that nothing else exists. Without it, a path
   * outside the listed directories (a rule reached through a symlink to `/`) falls back to the
   * standard-image assumption "exists, kind unknown": a gap in what the listing says, not in the model.
   */
  listing(): string {
    const lines = ['d /'];
    for (const e of this.order) {
      if (e.kind === 'symlink') lines.push(`l ${e.path} -> ${e.target}`);
      else lines.push(`${e.kind === 'dir' ? 'd' : 'f'} ${e.path}`);
    }
    return lines.join('\n') + '\n';
  }

  /** Oracle directives, every path (and absolute symlink target) mapped into the scratch root. */
  oracleLines(map: (p: string) => string): string[] {
    return this.order.map((e) => {
      switch (e.kind) {
        case 'dir': return `d ${map(e.path)}`;
        case 'exec': return `x ${map(e.path)}`;
        case 'file': return `f ${map(e.path)}${e.text ? ' ' + e.text : ''}`;
        case 'symlink': return `l ${map(e.path)} ${e.target!.startsWith('/') ? map(e.target!) : e.target}`;
      }
    });
  }

  /** The description printed with a failure: the tree in its own input format. */
  describe(): string {
    return this.order
      .map((e) => (e.kind === 'symlink' ? `l ${e.path} -> ${e.target}` : `${e.kind[0] === 'e' ? 'x' : e.kind[0]} ${e.path}${e.text ? ' ' + e.text : ''}`))
      .join('\n');
  }
}
