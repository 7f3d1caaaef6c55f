// Finding and reading the project configuration (.landlock-lens.yaml) for the CLI and the language
// server. Discovery goes upward from the policy file's folder; the nearest configuration wins (they are
// not merged). A configuration with problems is reported on its own file, and the last good version
// read in this process is used instead, so that a half-typed edit does not flip every diagnostic.
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAMES, applyConfigIgnores, configAnalysisOptions, configProblem, emptyConfig, ignoredRules, parseConfig } from '../core/config';
import type { LensConfig } from '../core/config';
import type { Analysis, AnalysisOptions, Finding, FsView, Span } from '../core/index';
import { applySuppressions } from '../core/suppressions';
import { byTextOrder } from '../core/rules/checks';
import { readTreeListing } from './views';

export interface ConfigLookup {
  /** The configuration to use: the file's, or its last good version if the file has problems. */
  config: LensConfig;
  /** Absolute path of the configuration file, if one was found. */
  file?: string;
  /** Its folder: globs and relative paths in it are relative to this folder. */
  dir?: string;
  /** The file's current text (problem spans are offsets into it). */
  text?: string;
  /** `config` findings about the file (empty when it is fine). */
  problems: Finding[];
  /** The file's own content could not be used at all and no earlier good version exists. */
  fatal: boolean;
  /** `config` is a previous good version, because the current file has problems. */
  usingLastGood: boolean;
  /** Where top-level values are in `text`, for problems found by the adapters (e.g. a missing tree listing). */
  valueSpans: Record<string, Span>;
}

interface CacheEntry {
  mtimeMs: number;
  size: number;
  lookup: ConfigLookup;
}

const cache = new Map<string, CacheEntry>();
const lastGood = new Map<string, LensConfig>();
const recentLookups = new Map<string, { at: number; lookup: ConfigLookup }>();
const MAX_RECENT_LOOKUPS = 64;

/** The nearest configuration file at or above `dir`, if any. */
export function findConfigFile(dir: string): string | undefined {
  let current = path.resolve(dir);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(current, name);
      // Most directories have none: no exception (and its stack trace) per directory and name.
      try {
        if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
      } catch {
        // unreadable (permissions, a name too long): keep looking
      }
    }
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** Reads and validates one configuration file (cached by modification time and size). */
export function loadConfigFile(file: string): ConfigLookup {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  let mtimeMs = -1;
  let size = -1;
  let text: string;
  try {
    const st = statSync(abs);
    mtimeMs = st.mtimeMs;
    size = st.size;
    const hit = cache.get(abs);
    if (hit && hit.mtimeMs === mtimeMs && hit.size === size) return hit.lookup;
    text = readFileSync(abs, 'utf8');
  } catch (error) {
    const message = `The configuration file cannot be read: ${error instanceof Error ? error.message : String(error)}`;
    const previous = lastGood.get(abs);
    return { config: previous ?? emptyConfig(), file: abs, dir, text: '', problems: [configProblem({ start: 0, end: 0 }, message)], fatal: !previous, usingLastGood: !!previous, valueSpans: {} };
  }
  const parsed = parseConfig(text);
  let config = parsed.config;
  let usingLastGood = false;
  if (parsed.problems.length === 0) {
    lastGood.set(abs, config);
  } else {
    const previous = lastGood.get(abs);
    if (previous) {
      config = previous;
      usingLastGood = true;
    }
  }
  const lookup: ConfigLookup = {
    config, file: abs, dir, text, problems: parsed.problems, fatal: parsed.fatal && !usingLastGood, usingLastGood, valueSpans: parsed.valueSpans,
  };
  cache.set(abs, { mtimeMs, size, lookup });
  return lookup;
}

/**
 * The configuration that applies to a policy file (found upward from its folder). Without a
 * configuration file: an empty configuration and no problems.
 */
export function loadConfigFor(filePath: string, reuseForMs = 0): ConfigLookup {
  if (reuseForMs > 0) {
    // The language server looks the configuration up on every keystroke: a lookup made a moment ago
    // (a dozen stat() calls up the folder tree) is still good; file watching clears it on changes.
    const now = Date.now();
    const recent = recentLookups.get(filePath);
    if (recent && now - recent.at < reuseForMs) return recent.lookup;
    const lookup = loadConfigFor(filePath);
    // Entries older than the reuse window are never used again: forget them once a few accumulate,
    // so a long session over many files keeps only those analysed in the last moment.
    if (recentLookups.size >= MAX_RECENT_LOOKUPS) {
      for (const [key, entry] of recentLookups) if (now - entry.at >= reuseForMs) recentLookups.delete(key);
    }
    recentLookups.set(filePath, { at: now, lookup });
    return lookup;
  }
  const file = findConfigFile(path.dirname(path.resolve(filePath)));
  if (!file) return { config: emptyConfig(), problems: [], fatal: false, usingLastGood: false, valueSpans: {} };
  return loadConfigFile(file);
}

/** The path of `filePath` relative to the configuration's folder, with `/` separators. */
export function configRelativePath(lookup: ConfigLookup, filePath: string): string | undefined {
  if (!lookup.dir) return undefined;
  return path.relative(lookup.dir, path.resolve(filePath)).split(path.sep).join('/');
}

/** Makes a path written in the configuration absolute (relative to the configuration's folder). */
export function resolveFromConfig(lookup: ConfigLookup, relative: string): string {
  return path.resolve(lookup.dir ?? process.cwd(), relative);
}

/** The configuration's analysis options for a policy file: rule levels and policy-file globs. */
export function configOptionsFor(lookup: ConfigLookup, filePath: string): AnalysisOptions {
  return configAnalysisOptions(lookup.config, configRelativePath(lookup, filePath));
}

export interface ConfiguredFile {
  /** `base` with the configuration applied on top (workdir, gpu, abi, tree listing, rule levels, policy globs). */
  options: AnalysisOptions;
  lookup: ConfigLookup;
  /** Problems to show on the configuration file (`lookup.problems`, plus an unreadable tree listing). */
  configProblems: Finding[];
  /** The configuration ignores the file entirely (`ignore` entry without `rules`). */
  ignored: boolean;
  /** Changes whenever the configuration (or its tree listing) does: add it to analysis cache keys. */
  key: string;
  /** The findings to show for an analysis made with `options`: suppressions and ignores applied, suppression problems added. */
  findingsOf(analysis: Analysis): Finding[];
}

const treeViews = new Map<string, { mtimeMs: number; view: FsView }>();

/**
 * For adapters whose own settings are defaults (the language server): the project configuration wins
 * over `base`, so the editor and `landlock-lens check` report the same findings.
 */
export interface ConfigureOptions {
  /** Reuse a lookup made this recently (milliseconds; see loadConfigFor). */
  reuseLookupForMs?: number;
  /**
   * Read the files a configuration names (its `treeListing`). False in an untrusted workspace (VS Code's
   * Restricted Mode): a configuration that came with the workspace must not make the server read files
   * elsewhere on the machine; the setting is reported as not applied instead.
   */
  readNamedFiles?: boolean;
}

export function configureForFile(filePath: string, base: AnalysisOptions = {}, { reuseLookupForMs = 0, readNamedFiles = true }: ConfigureOptions = {}): ConfiguredFile {
  const lookup = loadConfigFor(filePath, reuseLookupForMs);
  const { config } = lookup;
  const relPath = configRelativePath(lookup, filePath);
  const options: AnalysisOptions = { ...base, fileName: base.fileName ?? filePath, ...configAnalysisOptions(config, relPath) };
  if (config.workdir !== undefined) options.workdir = config.workdir;
  if (config.gpu !== undefined) options.gpu = config.gpu;
  if (config.abi !== undefined) options.abi = config.abi;
  const levels = { ...base.ruleLevels, ...config.rules };
  if (Object.keys(levels).length > 0) options.ruleLevels = levels;
  const configProblems = [...lookup.problems];
  let treeStamp = '';
  const treeListingSpan = lookup.valueSpans.treeListing ?? { start: 0, end: 0 };
  if (config.treeListing !== undefined && !readNamedFiles) {
    configProblems.push({
      ...configProblem(treeListingSpan,
        'The tree listing is not read: the workspace is not trusted (Restricted Mode). Files are analysed with the standard-image assumptions until you trust the workspace.', 'treeListing-untrusted'),
      severity: 'warning',
    });
  } else if (config.treeListing !== undefined) {
    const file = resolveFromConfig(lookup, config.treeListing);
    try {
      const mtimeMs = statSync(file).mtimeMs;
      const key = `${file}\u0000${options.workdir ?? '/sandbox'}`;
      let hit = treeViews.get(key);
      if (!hit || hit.mtimeMs !== mtimeMs) {
        hit = { mtimeMs, view: readTreeListing(file, options.workdir ?? '/sandbox') };
        treeViews.set(key, hit);
      }
      options.view = hit.view;
      treeStamp = `${file}@${mtimeMs}`;
    } catch (error) {
      configProblems.push(configProblem(treeListingSpan,
        `The tree listing cannot be read (${error instanceof Error ? error.message : String(error)}); files are analysed with the standard-image assumptions.`, 'treeListing'));
    }
  }
  return {
    options,
    lookup,
    configProblems,
    ignored: ignoredRules(config, relPath) === 'all',
    key: JSON.stringify([lookup.file ?? null, config, treeStamp]),
    findingsOf(analysis: Analysis): Finding[] {
      const { findings, problems } = applySuppressions(analysis, { ruleLevels: options.ruleLevels });
      // An analysis lists its findings in text order; only suppression problems need merging in (on
      // every keystroke, re-sorting what is sorted is not free in a fresh process).
      const merged = problems.length === 0 ? findings : [...findings, ...problems].sort(byTextOrder);
      return applyConfigIgnores(merged, config, relPath);
    },
  };
}

/** Forgets cached configurations (tests; a server may call it when files change on disk). */
export function clearConfigCache(): void {
  cache.clear();
  lastGood.clear();
  recentLookups.clear();
  treeViews.clear();
}
