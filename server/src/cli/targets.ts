// What `check` analyses: files named on the command line, directories (searched for *.yaml / *.yml,
// of which only policies are reported), globs (expanded here, so quoting them works the same in every
// shell and on CI) and `-` for standard input.
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { CONFIG_FILE_NAMES } from '../core/config';

export interface Target {
  /** The path as shown in reports (as given, or joined from the directory/glob base). */
  display: string;
  /** Absolute path, for configuration discovery and policy globs (stdin: from --stdin-filename). */
  abs?: string;
  /** Standard input: read the text from there. */
  stdin?: boolean;
  /** Named explicitly: reported even when it is not a policy ("not analysed: ..."). */
  explicit: boolean;
}

/** Folders never searched: version control data and dependencies. */
const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);
const YAML_FILE = /\.ya?ml$/i;
const GLOB_CHARS = /[*?[\]{}]/;

function isYamlCandidate(name: string): boolean {
  return YAML_FILE.test(name) && !CONFIG_FILE_NAMES.includes(name);
}

/** Every *.yaml / *.yml below `dir`, sorted, without following symlinked folders (no loops). */
function walk(dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIPPED_DIRS.has(e.name)) walk(full, out);
    } else if ((e.isFile() || e.isSymbolicLink()) && isYamlCandidate(e.name)) {
      out.push(full);
    }
  }
}

function display(p: string): string {
  return p.split(path.sep).join('/');
}

/** Expands the command-line arguments. Unreadable or unmatched arguments are returned as errors. */
export function expandTargets(args: string[], cwd: string, stdinFilename?: string): { targets: Target[]; errors: string[] } {
  const targets: Target[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  const add = (t: Target) => {
    const key = t.stdin ? '\u0000stdin' : t.abs!;
    if (seen.has(key)) return;
    seen.add(key);
    targets.push(t);
  };
  for (const arg of args) {
    if (arg === '-') {
      add({ display: stdinFilename ?? '<stdin>', abs: stdinFilename ? path.resolve(cwd, stdinFilename) : undefined, stdin: true, explicit: true });
      continue;
    }
    const abs = path.resolve(cwd, arg);
    let st;
    try {
      st = statSync(abs);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) {
      const found: string[] = [];
      walk(abs, found);
      for (const f of found) add({ display: display(path.join(arg, path.relative(abs, f))), abs: f, explicit: false });
      continue;
    }
    if (st) {
      add({ display: arg, abs, explicit: true });
      continue;
    }
    if (GLOB_CHARS.test(arg)) {
      const normalised = display(arg);
      const { base } = picomatch.scan(normalised);
      const baseAbs = path.resolve(cwd, base || '.');
      const isMatch = picomatch(normalised.replace(/^\.\//, ''), { dot: false });
      const found: string[] = [];
      if (existsSync(baseAbs)) walk(baseAbs, found);
      let matched = 0;
      for (const f of found) {
        const rel = display(path.relative(cwd, f));
        const shown = path.isAbsolute(normalised) ? display(f) : rel;
        if (!isMatch(shown)) continue;
        matched++;
        add({ display: shown, abs: f, explicit: false });
      }
      if (matched === 0) errors.push(`no YAML file matches ${arg}`);
      continue;
    }
    errors.push(`cannot read ${arg}: no such file or directory`);
  }
  return { targets, errors };
}

/** The repository root (nearest folder with .git) at or above `cwd`, else `cwd`: SARIF and baseline paths are relative to it. */
export function findRepositoryRoot(cwd: string): string {
  let current = path.resolve(cwd);
  for (;;) {
    if (existsSync(path.join(current, '.git'))) return current;
    const parent = path.dirname(current);
    if (parent === current) return path.resolve(cwd);
    current = parent;
  }
}

/** `abs` relative to `root` with `/` separators, or undefined when it is outside `root`. */
export function relativeToRoot(root: string, abs: string | undefined): string | undefined {
  if (!abs) return undefined;
  const rel = path.relative(root, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}
