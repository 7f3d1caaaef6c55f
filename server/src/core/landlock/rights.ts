// Landlock filesystem access rights as bit sets, in the kernel's bit order (uapi/linux/landlock.h).

export const EXECUTE = 1 << 0;
export const WRITE_FILE = 1 << 1;
export const READ_FILE = 1 << 2;
export const READ_DIR = 1 << 3;
export const REMOVE_DIR = 1 << 4;
export const REMOVE_FILE = 1 << 5;
export const MAKE_CHAR = 1 << 6;
export const MAKE_DIR = 1 << 7;
export const MAKE_REG = 1 << 8;
export const MAKE_SOCK = 1 << 9;
export const MAKE_FIFO = 1 << 10;
export const MAKE_BLOCK = 1 << 11;
export const MAKE_SYM = 1 << 12;
export const REFER = 1 << 13; // ABI 2
export const TRUNCATE = 1 << 14; // ABI 3
export const IOCTL_DEV = 1 << 15; // ABI 5

/** Names as `explain` prints them: Landlock's, lower case, in bit order. */
export const RIGHT_NAMES = [
  'execute', 'write_file', 'read_file', 'read_dir', 'remove_dir', 'remove_file', 'make_char', 'make_dir',
  'make_reg', 'make_sock', 'make_fifo', 'make_block', 'make_sym', 'refer', 'truncate', 'ioctl_dev',
] as const;

export const ALL_RIGHTS = (1 << RIGHT_NAMES.length) - 1;
const ABI1_RIGHTS = (1 << 13) - 1;

/** What a read_only entry asks for: landlock crate `AccessFs::from_read` (execute included). */
export const READ_ACCESS = EXECUTE | READ_FILE | READ_DIR;

/** Rights that make an access "read-write" (truncate and ioctl_dev alone do not). */
export const WRITE_TYPE_RIGHTS =
  WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_CHAR | MAKE_DIR | MAKE_REG | MAKE_SOCK | MAKE_FIFO | MAKE_BLOCK | MAKE_SYM | REFER;

/** Rights that apply to non-directories (landlock crate `AccessFs::from_file` before the ABI cut). */
export const FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV;

export const MIN_ABI = 1;
export const MAX_ABI = 7;
/** OpenShell pins `ABI::V2` (landlock.rs:190). */
export const OPENSHELL_ABI = 2;

/** The handled set of a ruleset built with `AccessFs::from_all(abi)`. */
export function handledForAbi(abi: number): number {
  let set = ABI1_RIGHTS;
  if (abi >= 2) set |= REFER;
  if (abi >= 3) set |= TRUNCATE;
  if (abi >= 5) set |= IOCTL_DEV;
  return set;
}

/**
 * Rights the kernel never checks under a ruleset with this handled set. REFER counts as handled even
 * under ABI 1 (where nothing can grant it: cross-directory renames and links are always refused).
 */
export function unhandledRights(handled: number): number {
  return ALL_RIGHTS & ~(handled | REFER);
}

export function rightNames(bits: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < RIGHT_NAMES.length; i++) if (bits & (1 << i)) names.push(RIGHT_NAMES[i]);
  return names;
}

export function rightsFromNames(names: readonly string[]): number {
  let bits = 0;
  for (const name of names) {
    const i = (RIGHT_NAMES as readonly string[]).indexOf(name);
    if (i >= 0) bits |= 1 << i;
  }
  return bits;
}

export type AccessLevel = 'read-write' | 'read-only' | 'none';

export function accessLevel(bits: number): AccessLevel {
  if (bits & WRITE_TYPE_RIGHTS) return 'read-write';
  if (bits & READ_ACCESS) return 'read-only';
  return 'none';
}
