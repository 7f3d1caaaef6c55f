// The model's prediction of one probe: the core says which rights the sandbox holds on a path
// (`explain(...).rights`), this file turns those rights into the syscall's expected outcome with the
// per-operation requirements of the ground-truth Model §3 (landlock-ground-truth.md). It is test code
// and deliberately knows nothing about rules, ancestors or symlink binding: that is the core's job.
import { parentOf, type EntryKind, type ScratchTree } from './tree';

// Landlock access rights (uapi/linux/landlock.h bit order) and the names `explain` prints.
export const R = {
  EXECUTE: 1 << 0,
  WRITE_FILE: 1 << 1,
  READ_FILE: 1 << 2,
  READ_DIR: 1 << 3,
  REMOVE_DIR: 1 << 4,
  REMOVE_FILE: 1 << 5,
  MAKE_CHAR: 1 << 6,
  MAKE_DIR: 1 << 7,
  MAKE_REG: 1 << 8,
  MAKE_SOCK: 1 << 9,
  MAKE_FIFO: 1 << 10,
  MAKE_BLOCK: 1 << 11,
  MAKE_SYM: 1 << 12,
  REFER: 1 << 13,
  TRUNCATE: 1 << 14,
  IOCTL_DEV: 1 << 15,
} as const;

const NAMES: Record<string, number> = Object.fromEntries(Object.entries(R).map(([k, v]) => [k.toLowerCase(), v]));

/** Rights a non-directory can carry (Landlock's ACCESS_FILE). */
export const FILE_RIGHTS = R.EXECUTE | R.WRITE_FILE | R.READ_FILE | R.TRUNCATE | R.IOCTL_DEV;

export function bitsFromNames(names: readonly string[]): number {
  let bits = 0;
  for (const n of names) {
    const b = NAMES[n];
    if (b === undefined) throw new Error(`unknown right name from explain: ${n}`);
    bits |= b;
  }
  return bits;
}

export function namesFromBits(bits: number): string[] {
  return Object.entries(R).filter(([, v]) => bits & v).map(([k]) => k.toLowerCase());
}

/** What the predictor asks the core. */
export interface ModelAccess {
  /** Every right the sandbox holds on the path (the core's `explain(analysis, path).rights`). */
  rights(path: string): number;
  /** The handled set of the core's ruleset (for the REFER comparison of cross-directory moves). */
  handled: number;
}

export interface Op {
  name: string;
  args: string[];
}

export function parseOp(text: string): Op {
  const [name, ...args] = text.trim().split(/\s+/);
  return { name, args };
}

export function formatOp(op: Op): string {
  return [op.name, ...op.args].join(' ');
}

/** One predicted outcome plus the rights it was derived from (printed on a disagreement). */
export interface Prediction {
  outcome: string;
  why: string;
}

function make(kind: EntryKind): number {
  switch (kind) {
    case 'dir': return R.MAKE_DIR;
    case 'symlink': return R.MAKE_SYM;
    default: return R.MAKE_REG;
  }
}

function remove(kind: EntryKind): number {
  return kind === 'dir' ? R.REMOVE_DIR : R.REMOVE_FILE;
}

const has = (bits: number, need: number) => (bits & need) === need;

function rightsText(label: string, bits: number): string {
  return `${label}{${namesFromBits(bits).join(',')}}`;
}

/**
 * Predicts `op` on the initial `tree` (isolated probes: the tree is rebuilt for each one). Throws on
 * probes outside the modelled space, so that a generator bug never passes silently.
 */
export function predict(op: Op, model: ModelAccess, tree: ScratchTree): Prediction {
  const [a, b] = op.args;
  const rightsOf = (p: string) => model.rights(p);
  switch (op.name) {
    case 'read':
    case 'write':
    case 'append':
    case 'rdwr':
    case 'otrunc':
    case 'rotrunc':
    case 'truncate':
    case 'exec': {
      const r = tree.resolve(a, true);
      if (!r.exists) return { outcome: r.error, why: 'no such file' };
      const kind = r.entry?.kind ?? 'dir';
      if (kind === 'dir') throw new Error(`${op.name} on a directory is not modelled: ${a}`);
      const need = {
        read: R.READ_FILE,
        write: R.WRITE_FILE,
        append: R.WRITE_FILE,
        rdwr: R.READ_FILE | R.WRITE_FILE,
        otrunc: R.WRITE_FILE | R.TRUNCATE,
        rotrunc: R.READ_FILE | R.TRUNCATE,
        truncate: R.TRUNCATE,
        exec: R.EXECUTE,
      }[op.name]!;
      const got = rightsOf(a);
      if (!has(got, need)) return { outcome: 'EACCES', why: `needs ${namesFromBits(need)} on ${a}; ${rightsText('has', got)}` };
      // A plain 0644 file cannot be executed whatever Landlock says (DAC).
      if (op.name === 'exec' && kind !== 'exec') return { outcome: 'EACCES', why: 'not executable (DAC)' };
      return { outcome: 'ok', why: rightsText('has', got) };
    }
    case 'readdir': {
      const r = tree.resolve(a, true);
      if (!r.exists) return { outcome: r.error, why: 'no such directory' };
      if ((r.entry?.kind ?? 'dir') !== 'dir') throw new Error(`readdir on a non-directory: ${a}`);
      const got = rightsOf(a);
      return { outcome: has(got, R.READ_DIR) ? 'ok' : 'EACCES', why: rightsText('has', got) };
    }
    case 'create':
    case 'mkdir':
    case 'mkfifo':
    case 'symlink': {
      // symlink TARGET NAME: the new name is the second argument.
      const name = op.name === 'symlink' ? b : a;
      const parent = tree.resolve(parentOf(name), true);
      if (!parent.exists) return { outcome: parent.error, why: 'no parent directory' };
      if (tree.resolve(name, false).exists) return { outcome: 'EEXIST', why: 'name exists (checked before Landlock)' };
      const need = { create: R.MAKE_REG, mkdir: R.MAKE_DIR, mkfifo: R.MAKE_FIFO, symlink: R.MAKE_SYM }[op.name]!;
      const got = rightsOf(parentOf(name));
      if (!has(got, need)) return { outcome: 'EACCES', why: `needs ${namesFromBits(need)} on the parent; ${rightsText('parent has', got)}` };
      // open(O_WRONLY|O_CREAT) then opens the new file for writing: no rule is bound to the new
      // inode, so its rights are the parent's.
      if (op.name === 'create' && !has(got, R.WRITE_FILE)) return { outcome: 'EACCES', why: `new file not writable; ${rightsText('parent has', got)}` };
      return { outcome: 'ok', why: rightsText('parent has', got) };
    }
    case 'unlink':
    case 'rmdir': {
      const kind = tree.lkind(a);
      if (!kind) return { outcome: 'ENOENT', why: 'no such name' };
      if ((op.name === 'rmdir') !== (kind === 'dir')) throw new Error(`${op.name} on a ${kind} is not modelled: ${a}`);
      const need = op.name === 'rmdir' ? R.REMOVE_DIR : R.REMOVE_FILE;
      const got = rightsOf(parentOf(a));
      if (!has(got, need)) return { outcome: 'EACCES', why: `needs ${namesFromBits(need)} on the parent; ${rightsText('parent has', got)}` };
      // Landlock is asked before the VFS looks at the directory's content.
      if (op.name === 'rmdir' && !tree.isEmptyDir(a)) return { outcome: 'ENOTEMPTY', why: 'allowed, but not empty' };
      return { outcome: 'ok', why: rightsText('parent has', got) };
    }
    case 'rename':
    case 'xchg':
    case 'link':
      return predictMove(op, model, tree);
    default:
      throw new Error(`unknown op ${op.name}`);
  }
}

/** rename / RENAME_EXCHANGE / link: Model §3, same-directory and cross-directory rows. */
function predictMove(op: Op, model: ModelAccess, tree: ScratchTree): Prediction {
  const [a, b] = op.args;
  const ka = tree.lkind(a);
  if (!ka) return { outcome: 'ENOENT', why: 'no source' };
  const dstParent = tree.resolve(parentOf(b), true);
  if (!dstParent.exists) return { outcome: dstParent.error, why: 'no destination directory' };
  const kb = tree.lkind(b);
  if (op.name === 'link') {
    if (kb) return { outcome: 'EEXIST', why: 'destination exists (checked before Landlock)' };
    if (ka === 'dir') throw new Error('link of a directory is not modelled');
  }
  if (op.name === 'xchg' && !kb) return { outcome: 'ENOENT', why: 'exchange needs both names' };

  const pa = parentOf(a);
  const pb = parentOf(b);
  const ea = model.rights(pa);
  const eb = model.rights(pb);
  const same = tree.resolve(pa, true).path === dstParent.path;
  const why = `${rightsText('src parent', ea)} ${rightsText('dst parent', eb)}`;

  // Rights Landlock asks on each parent.
  let needA = 0;
  let needB = 0;
  if (op.name === 'link') {
    needB = make(ka);
  } else if (op.name === 'rename') {
    needA = remove(ka);
    needB = make(ka) | (kb ? remove(kb) : 0);
  } else {
    needA = remove(ka) | make(kb!);
    needB = make(ka) | remove(kb!);
  }
  if (same) {
    if (!has(ea, needA | needB)) return { outcome: 'EACCES', why: `same directory, needs ${namesFromBits(needA | needB)}; ${why}` };
  } else {
    if (!has(ea, needA) || !has(eb, needB)) {
      return { outcome: 'EACCES', why: `cross-directory, src needs ${namesFromBits(needA)}, dst needs ${namesFromBits(needB)}; ${why}` };
    }
    if (!has(ea, R.REFER) || !has(eb, R.REFER)) return { outcome: 'EXDEV', why: `REFER missing on a parent; ${why}` };
    // The moved inode may not gain rights: what the destination grants (limited to what applies to
    // its type) must already be held at the source, counting a rule bound to the inode itself.
    const gains = (kind: EntryKind, name: string, from: number, to: number) => {
      const rel = kind === 'dir' ? model.handled | R.REFER : FILE_RIGHTS & model.handled;
      // A symlink's own inode never carries a rule (rule paths are opened following symlinks).
      const own = kind === 'symlink' ? 0 : model.rights(name);
      return (to & rel & ~(from | own)) !== 0;
    };
    if (gains(ka, a, ea, eb)) return { outcome: 'EXDEV', why: `source would gain rights; ${why}` };
    if (op.name === 'xchg' && gains(kb!, b, eb, ea)) return { outcome: 'EXDEV', why: `destination would gain rights; ${why}` };
  }
  // Landlock allowed it; the VFS still checks the types of an existing destination.
  if (op.name === 'rename' && kb) {
    if (ka === 'dir' && kb !== 'dir') return { outcome: 'ENOTDIR', why: 'allowed; directory over a non-directory' };
    if (ka !== 'dir' && kb === 'dir') return { outcome: 'EISDIR', why: 'allowed; non-directory over a directory' };
    if (kb === 'dir' && !tree.isEmptyDir(b)) return { outcome: 'ENOTEMPTY', why: 'allowed; destination directory not empty' };
  }
  return { outcome: 'ok', why };
}
