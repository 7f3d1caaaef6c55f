// Seeded generator of random OpenShell policies, scratch trees and probes for the kernel differential
// test, and a shrinker that reduces a disagreeing case to a minimal one for the report.
import { posix } from 'node:path';
import { policy, runKernelCase, type KernelCaseResult, type PolicyRule } from './harness';
import type { Op } from './predict';
import { isAtOrUnder, joinPath, parentOf, ScratchTree, type TreeEntry } from './tree';

/** mulberry32: small, fast, good enough for test generation, and identical on every platform. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (!items.length) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }
  weighted<T extends string>(weights: Record<T, number>): T {
    const entries = Object.entries(weights) as [T, number][];
    let r = this.next() * entries.reduce((s, [, w]) => s + w, 0);
    for (const [k, w] of entries) if ((r -= w) < 0) return k;
    return entries[entries.length - 1][0];
  }
}

/** Derives the seed of case `i` of a run, so that any case can be replayed alone. */
export function caseSeed(runSeed: number, i: number): number {
  let h = (runSeed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

export interface RandomCase {
  seed: number;
  abi: number;
  rules: PolicyRule[];
  tree: ScratchTree;
  ops: Op[];
}

export function policyText(rules: PolicyRule[]): string {
  return policy(rules.filter((r) => r.access === 'ro').map((r) => r.path), rules.filter((r) => r.access === 'rw').map((r) => r.path));
}

function randomTree(rng: Rng): ScratchTree {
  const tree = new ScratchTree();
  let n = 0;
  const dirs: string[] = [];
  const grow = (dir: string, depth: number) => {
    const count = depth === 1 ? rng.int(1, 4) : depth >= 3 ? rng.int(0, 2) : rng.int(0, 3);
    for (let i = 0; i < count; i++) {
      const r = rng.next();
      if (r < 0.35 && depth < 4) {
        const d = joinPath(dir, `d${++n}`);
        tree.add({ path: d, kind: 'dir' });
        dirs.push(d);
        grow(d, depth + 1);
      } else if (r < 0.85) {
        tree.add({ path: joinPath(dir, `f${++n}.txt`), kind: 'file', text: `file${n}` });
      } else {
        tree.add({ path: joinPath(dir, `x${++n}`), kind: 'exec' });
      }
    }
  };
  const tops = ['/sandbox', '/ro-area', ...(rng.chance(0.4) ? ['/data'] : [])];
  for (const top of tops) {
    tree.add({ path: top, kind: 'dir' });
    dirs.push(top);
    grow(top, 1);
  }
  // Symlinks last, each to something that exists already (or to nothing): no loops, some chains.
  const links = rng.int(0, 4);
  for (let i = 0; i < links; i++) {
    const parent = rng.pick(dirs);
    const existing = tree.order.map((e) => e.path);
    const choice = rng.next();
    const target = choice < 0.75 ? rng.pick(existing) : choice < 0.85 ? rng.pick([...tops, '/']) : joinPath(rng.pick(dirs), `gone${++n}`);
    const written = rng.chance(0.6) ? target : posix.relative(parent, target) || '.';
    tree.add({ path: joinPath(parent, `l${++n}`), kind: 'symlink', target: written });
  }
  return tree;
}

/**
 * Names usable in probes and rules: every entry, entries reached through a symlink to a directory, and
 * through `link/..`, which the kernel resolves physically (to the parent of the link's target).
 */
function probeNames(tree: ScratchTree): string[] {
  const names = tree.order.map((e) => e.path);
  const childNames = (dir: string) => tree.children(dir).map((c) => c.path.slice(c.path.lastIndexOf('/') + 1));
  for (const e of tree.order) {
    if (e.kind !== 'symlink') continue;
    const r = tree.resolve(e.path, true);
    if (r.exists && (r.entry === null || r.entry.kind === 'dir')) {
      for (const c of childNames(r.path)) names.push(joinPath(e.path, c));
      if (r.path !== '/') for (const c of childNames(parentOf(r.path)).slice(0, 2)) names.push(`${e.path}/../${c}`);
    }
  }
  return names;
}

/** The same path written as OpenShell accepts and normalises it (`//`, `/./`, trailing `/`). */
function cosmetic(rng: Rng, path: string): string {
  if (path === '/' || path.includes('..')) return path;
  const i = path.lastIndexOf('/');
  switch (rng.int(0, 2)) {
    case 0: return path + '/';
    case 1: return `${path.slice(0, i)}//${path.slice(i + 1)}`;
    default: return `${path.slice(0, i)}/./${path.slice(i + 1)}`;
  }
}

const OP_WEIGHTS = {
  read: 5, write: 4, append: 3, rdwr: 2, otrunc: 4, rotrunc: 4, truncate: 5, exec: 3, readdir: 3,
  create: 6, mkdir: 4, mkfifo: 2, symlink: 3, unlink: 6, rmdir: 3, rename: 16, xchg: 5, link: 8,
};

function randomOps(rng: Rng, tree: ScratchTree, count: number): Op[] {
  const names = probeNames(tree);
  const kindOf = (p: string) => tree.kind(p);
  const fileLike = names.filter((p) => kindOf(p) === 'file' || kindOf(p) === 'exec');
  const execLike = names.filter((p) => kindOf(p) === 'exec');
  const dangling = names.filter((p) => tree.lkind(p) === 'symlink' && kindOf(p) === null);
  const dirLike = ['/', ...names.filter((p) => kindOf(p) === 'dir')];
  const nonDirNames = names.filter((p) => tree.lkind(p) !== 'dir');
  const dirNames = names.filter((p) => tree.lkind(p) === 'dir');
  let fresh = 0;
  const newName = () => joinPath(rng.pick(dirLike), `n${++fresh}`);
  const canon = (p: string) => tree.canonicalName(p)!;

  const ops: Op[] = [];
  let guard = 0;
  while (ops.length < count && guard++ < count * 20) {
    const name = rng.weighted(OP_WEIGHTS);
    const op = ((): Op | null => {
      switch (name) {
        case 'read': case 'write': case 'append': case 'rdwr': case 'otrunc': case 'rotrunc': case 'truncate': {
          if (dangling.length && rng.chance(0.05)) return { name, args: [rng.pick(dangling)] };
          return fileLike.length ? { name, args: [rng.pick(fileLike)] } : null;
        }
        case 'exec':
          return execLike.length ? { name, args: [rng.pick(execLike)] } : null;
        case 'readdir':
          return { name, args: [rng.pick(dirLike)] };
        case 'create': case 'mkdir': case 'mkfifo':
          return { name, args: [newName()] };
        case 'symlink':
          return { name, args: [rng.chance(0.7) ? rng.pick(names) : `rel${++fresh}`, newName()] };
        case 'unlink':
          return nonDirNames.length ? { name, args: [rng.pick(nonDirNames)] } : null;
        case 'rmdir':
          return { name, args: [rng.pick(dirNames)] };
        case 'link': {
          if (!nonDirNames.length) return null;
          return { name, args: [rng.pick(nonDirNames), newName()] };
        }
        case 'rename': case 'xchg': {
          const a = rng.pick(names);
          const aDir = tree.lkind(a) === 'dir';
          let b: string;
          if (name === 'rename' && rng.chance(0.5)) b = newName();
          else if (name === 'rename') {
            const pool = aDir ? dirNames : nonDirNames;
            if (!pool.length) return null;
            b = rng.pick(pool);
          } else b = rng.pick(names);
          const ca = canon(a);
          const cb = canon(b);
          if (ca === cb) return null;
          // Moving a directory into itself (EINVAL) or onto one of its ancestors (ENOTEMPTY) is
          // refused by the VFS before Landlock is asked: outside the model, not generated.
          if (isAtOrUnder(cb, ca) || isAtOrUnder(ca, cb)) return null;
          const bParent = tree.resolve(parentOf(b), true);
          if (aDir && bParent.exists && isAtOrUnder(bParent.path, ca)) return null;
          if (name === 'xchg' && tree.lkind(b) === 'dir') {
            const aParent = tree.resolve(parentOf(a), true);
            if (aParent.exists && isAtOrUnder(aParent.path, cb)) return null;
          }
          return { name, args: [a, b] };
        }
      }
    })();
    if (op) ops.push(op);
  }
  return ops;
}

export function randomCase(seed: number, maxAbi: number, opsPerCase: number): RandomCase {
  const rng = new Rng(seed);
  const tree = randomTree(rng);
  const abiChoice = rng.weighted({ '2': 40, '3': 25, '5': 25, '1': 5, '7': 5 });
  const abi = Math.min(Number(abiChoice), maxAbi);
  // `..` components are refused by OpenShell's validator: such names stay probe-only.
  const names = probeNames(tree).filter((p) => !p.includes('..'));
  const dirs = names.filter((p) => tree.kind(p) === 'dir');
  const rules: PolicyRule[] = [];
  const count = rng.int(1, 6);
  for (let i = 0; i < count; i++) {
    const r = rng.next();
    let path: string;
    if (r < 0.5) path = rng.pick(dirs.length ? dirs : ['/sandbox']);
    else if (r < 0.8) path = rng.pick(names);
    else if (r < 0.9) path = joinPath(rng.pick(dirs.length ? dirs : ['/sandbox']), 'missing');
    else if (r < 0.97) path = rng.pick(['/sandbox', '/ro-area']);
    else path = '/';
    if (rng.chance(0.1)) path = cosmetic(rng, path);
    // read_write `/` is refused by OpenShell's validator ("read-write path is overly broad").
    rules.push({ access: path !== '/' && rng.chance(0.5) ? 'rw' : 'ro', path });
  }
  return { seed, abi, rules, tree, ops: randomOps(rng, tree, opsPerCase) };
}

export function runRandomCase(c: RandomCase): KernelCaseResult {
  return runKernelCase(policyText(c.rules), c.tree, c.ops, { abi: c.abi, scratch: 'memory' });
}

function failing(c: RandomCase): boolean {
  const r = runRandomCase(c);
  return r.disagreements.length > 0 || r.rulesetProblems.length > 0;
}

function withoutEntry(tree: ScratchTree, entry: TreeEntry): ScratchTree {
  const t = new ScratchTree();
  for (const e of tree.order) if (!isAtOrUnder(e.path, entry.path)) t.add(e);
  return t;
}

/** Greedy shrinking: one probe, then as few rules and tree entries as keep the case failing. */
export function shrink(c: RandomCase, failingOp?: Op): RandomCase {
  // A ruleset mismatch needs no probe at all.
  let best: RandomCase = { ...c, ops: failingOp ? [failingOp] : [] };
  if (!failing(best)) best = c;
  for (let i = best.rules.length - 1; i >= 0; i--) {
    const trial = { ...best, rules: best.rules.filter((_, j) => j !== i) };
    if (trial.rules.length && failing(trial)) best = trial;
  }
  for (let i = best.tree.order.length - 1; i >= 0; i--) {
    const entry = best.tree.order[i];
    if (!entry || ['/sandbox', '/ro-area'].includes(entry.path)) continue;
    const trial = { ...best, tree: withoutEntry(best.tree, entry) };
    if (failing(trial)) best = trial;
  }
  return best;
}

export function describeCase(c: RandomCase): string {
  const r = runRandomCase(c);
  return [`case seed ${c.seed}, ABI ${c.abi}`, r.report()].join('\n');
}
