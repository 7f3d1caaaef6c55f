// The project configuration (.landlock-lens.yaml), read by the CLI and the language server: parsing and
// validation with positions (so problems are reported on the configuration file itself), merging with
// command-line flags, and the path-scoped parts (policy globs, ignores). Pure: the filesystem side
// (discovery, reading, last-good cache) is in server/src/node/config.ts.
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node, Pair } from 'yaml';
import picomatch from 'picomatch';
import type { AnalysisOptions, Finding, Severity, Span } from './types';
import { RULES, ruleMeta } from './rules/catalogue';

/** Looked for, in this order, in the policy's folder and then in each parent folder. */
export const CONFIG_FILE_NAMES = ['.landlock-lens.yaml', '.landlock-lens.yml', '.landlock-lens.json'];

export type RuleLevel = Severity | 'off';
export const RULE_LEVELS: RuleLevel[] = ['off', 'hint', 'info', 'warning', 'error'];

export interface IgnoreEntry {
  /** Globs of policy files, relative to the configuration's folder. */
  files: string[];
  /** Rule ids to ignore in those files; undefined: every rule (the files are not checked at all). */
  rules?: string[];
}

export interface LensConfig {
  workdir?: string;
  gpu?: boolean;
  abi?: number;
  /** Tree listing path, relative to the configuration's folder. */
  treeListing?: string;
  /** Globs (relative to the configuration's folder) of files that are policies whatever their content. */
  policyFiles: string[];
  /** Per-rule levels; 'off' disables a rule. */
  rules: Record<string, RuleLevel>;
  ignore: IgnoreEntry[];
}

export interface ConfigParse {
  config: LensConfig;
  /** Findings with ruleId `config`, spans into the configuration text. */
  problems: Finding[];
  /** The text could not be used at all (syntax error, not a mapping): `config` is empty. */
  fatal: boolean;
  /** Where each top-level key's value is, for problems found later (e.g. a missing tree listing). */
  valueSpans: Record<string, Span>;
}

export function emptyConfig(): LensConfig {
  return { policyFiles: [], rules: {}, ignore: [] };
}

const KNOWN_KEYS = ['workdir', 'gpu', 'abi', 'treeListing', 'policyFiles', 'rules', 'ignore'];
const KNOWN_IDS = new Set(RULES.map((r) => r.id));

export function configProblem(span: Span, message: string, subject = message): Finding {
  return { ruleId: 'config', severity: ruleMeta('config').defaultSeverity, message, span, related: [], fixes: [], yamlPath: [], subject };
}

function spanOf(node: Node | null | undefined, fallback: Span): Span {
  return node?.range ? { start: node.range[0], end: node.range[1] } : fallback;
}

/** Parses and validates a configuration text (YAML; JSON is YAML too). Invalid entries are left out. */
export function parseConfig(text: string): ConfigParse {
  const config = emptyConfig();
  const problems: Finding[] = [];
  const valueSpans: Record<string, Span> = {};
  const whole = { start: 0, end: Math.min(text.length, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n')) };
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, version: '1.2' });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      problems.push(configProblem({ start: e.pos[0], end: Math.max(e.pos[0], e.pos[1]) },
        `The configuration is not valid YAML: ${e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '')}`));
    }
    return { config, problems, fatal: true, valueSpans };
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return { config, problems, fatal: false, valueSpans };
  if (!isMap(root)) {
    problems.push(configProblem(spanOf(root, whole), 'The configuration must be a mapping of settings (workdir, gpu, abi, treeListing, policyFiles, rules, ignore).'));
    return { config, problems, fatal: true, valueSpans };
  }
  for (const pair of root.items as Pair<Node, Node>[]) {
    const keyNode = pair.key;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const keySpan = spanOf(keyNode, whole);
    const value = pair.value;
    const at = spanOf(value, keySpan);
    valueSpans[key] = at;
    const plain = isScalar(value) ? value.value : undefined;
    switch (key) {
      case 'workdir':
        if (typeof plain === 'string' && plain.startsWith('/')) config.workdir = plain;
        else problems.push(configProblem(at, '`workdir` must be an absolute path, e.g. /sandbox.'));
        break;
      case 'gpu':
        if (typeof plain === 'boolean') config.gpu = plain;
        else problems.push(configProblem(at, '`gpu` must be true or false.'));
        break;
      case 'abi':
        if (typeof plain === 'number' && Number.isInteger(plain) && plain >= 1 && plain <= 7) config.abi = plain;
        else problems.push(configProblem(at, '`abi` must be a Landlock ABI version from 1 to 7 (OpenShell pins 2).'));
        break;
      case 'treeListing':
        if (typeof plain === 'string' && plain.trim() !== '') config.treeListing = plain;
        else problems.push(configProblem(at, '`treeListing` must be the path of a tree listing, relative to this file.'));
        break;
      case 'policyFiles': {
        const globs = stringList(value, at, '`policyFiles`', problems);
        if (globs) config.policyFiles = globs;
        break;
      }
      case 'rules':
        parseRules(value, at, config, problems);
        break;
      case 'ignore':
        parseIgnores(value, at, config, problems);
        break;
      case '$schema':
        break; // lets editors validate the JSON form
      default:
        problems.push(configProblem(keySpan, `Unknown setting \`${key}\` (known: ${KNOWN_KEYS.join(', ')}).`, key));
    }
  }
  return { config, problems, fatal: false, valueSpans };
}

/** A string or a list of strings; reports anything else and returns undefined. */
function stringList(node: Node | null, at: Span, what: string, problems: Finding[]): string[] | undefined {
  if (isScalar(node) && typeof node.value === 'string' && node.value !== '') return [node.value];
  if (isSeq(node)) {
    const out: string[] = [];
    for (const item of node.items as Node[]) {
      if (isScalar(item) && typeof item.value === 'string' && item.value !== '') out.push(item.value);
      else problems.push(configProblem(spanOf(item, at), `${what}: every entry must be a non-empty string.`));
    }
    return out;
  }
  problems.push(configProblem(at, `${what} must be a string or a list of strings.`));
  return undefined;
}

function parseRules(node: Node | null, at: Span, config: LensConfig, problems: Finding[]): void {
  if (!isMap(node)) {
    problems.push(configProblem(at, '`rules` must map rule ids to a level (off, hint, info, warning, error).'));
    return;
  }
  for (const pair of node.items as Pair<Node, Node>[]) {
    const id = isScalar(pair.key) ? String(pair.key.value) : '';
    const keySpan = spanOf(pair.key, at);
    if (!KNOWN_IDS.has(id)) {
      problems.push(configProblem(keySpan, `Unknown rule id \`${id}\` in \`rules\` (rule ids are listed in docs/rules/).`, id));
      continue;
    }
    if (id === 'config') {
      problems.push(configProblem(keySpan, 'The `config` rule cannot be configured: a broken configuration must not go unnoticed.', id));
      continue;
    }
    // YAML 1.2 reads `off` as a string, but `false` (and a YAML 1.1 habit) should mean off too.
    const raw = isScalar(pair.value) ? pair.value.value : undefined;
    const level = raw === false ? 'off' : raw;
    if (typeof level === 'string' && (RULE_LEVELS as string[]).includes(level)) config.rules[id] = level as RuleLevel;
    else problems.push(configProblem(spanOf(pair.value, keySpan), `The level of \`${id}\` must be one of ${RULE_LEVELS.join(', ')}.`, id));
  }
}

function parseIgnores(node: Node | null, at: Span, config: LensConfig, problems: Finding[]): void {
  if (!isSeq(node)) {
    problems.push(configProblem(at, '`ignore` must be a list of `{files: [globs], rules: [rule ids]}` entries.'));
    return;
  }
  for (const item of node.items as Node[]) {
    const itemSpan = spanOf(item, at);
    if (!isMap(item)) {
      problems.push(configProblem(itemSpan, 'An `ignore` entry must be a mapping with `files` (globs) and optionally `rules` (rule ids).'));
      continue;
    }
    let files: string[] | undefined;
    let rules: string[] | undefined;
    let ok = true;
    for (const pair of item.items as Pair<Node, Node>[]) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const valueSpan = spanOf(pair.value, spanOf(pair.key, itemSpan));
      if (key === 'files') files = stringList(pair.value, valueSpan, '`ignore.files`', problems);
      else if (key === 'rules') {
        rules = stringList(pair.value, valueSpan, '`ignore.rules`', problems);
        for (const id of rules ?? []) {
          if (KNOWN_IDS.has(id)) continue;
          ok = false;
          const idNode = isSeq(pair.value) ? (pair.value.items as Node[]).find((n) => isScalar(n) && n.value === id) : pair.value;
          problems.push(configProblem(spanOf(idNode, valueSpan), `Unknown rule id \`${id}\` in \`ignore.rules\`.`, id));
        }
      } else if (key !== 'reason') {
        ok = false;
        problems.push(configProblem(spanOf(pair.key, itemSpan), `Unknown key \`${key}\` in an \`ignore\` entry (known: files, rules, reason).`, key));
      }
    }
    if (!files || files.length === 0) {
      problems.push(configProblem(itemSpan, 'An `ignore` entry needs `files`: globs of policy files, relative to this configuration file.'));
      continue;
    }
    // An entry with a mistake is dropped whole: ignoring more than the author meant would hide findings.
    if (ok) config.ignore.push(rules ? { files, rules } : { files });
  }
}

/** Command-line values; each one given wins over the configuration (flag > config > default). */
export interface CliSettings {
  workdir?: string;
  gpu?: boolean;
  abi?: number;
  /** Absolute path. */
  treeListing?: string;
}

export interface EffectiveSettings {
  workdir: string;
  gpu: boolean;
  abi: number;
  /** Absolute path of the tree listing, if any. */
  treeListing?: string;
  /** Where the tree listing setting came from, for messages. */
  treeListingFrom?: 'flag' | 'config';
}

export const DEFAULT_SETTINGS = { workdir: '/sandbox', gpu: false, abi: 2 } as const;

/** Merges flag > config > default. `resolve` makes config-relative paths absolute (adapter side). */
export function mergeSettings(cli: CliSettings, config: LensConfig | undefined, resolve: (relative: string) => string): EffectiveSettings {
  const treeFromConfig = config?.treeListing !== undefined ? resolve(config.treeListing) : undefined;
  return {
    workdir: cli.workdir ?? config?.workdir ?? DEFAULT_SETTINGS.workdir,
    gpu: cli.gpu ?? config?.gpu ?? DEFAULT_SETTINGS.gpu,
    abi: cli.abi ?? config?.abi ?? DEFAULT_SETTINGS.abi,
    treeListing: cli.treeListing ?? treeFromConfig,
    treeListingFrom: cli.treeListing !== undefined ? 'flag' : treeFromConfig !== undefined ? 'config' : undefined,
  };
}

const matchers = new Map<string, (path: string) => boolean>();
/** Globs relative to the configuration's folder; one without a `/` matches a file name at any depth. */
export function matchesGlobs(globs: string[], relativePath: string | undefined): boolean {
  if (!relativePath || globs.length === 0 || relativePath.startsWith('../') || relativePath === '..') return false;
  const key = globs.join('\u0000');
  let m = matchers.get(key);
  if (!m) {
    // picomatch's `basename` option would apply to every glob (even `a/*.yaml`), so slashless globs get `**/` instead.
    m = picomatch(globs.map((g) => g.replace(/^\.\//, '')).map((g) => (g.includes('/') ? g : `**/${g}`)), { dot: true });
    matchers.set(key, m);
  }
  return m(relativePath);
}

/** The configuration's part of the analysis options for one file (path relative to the config folder). */
export function configAnalysisOptions(config: LensConfig, relativePath: string | undefined): AnalysisOptions {
  const options: AnalysisOptions = {};
  if (Object.keys(config.rules).length > 0) options.ruleLevels = { ...config.rules };
  if (matchesGlobs(config.policyFiles, relativePath)) options.forcePolicy = true;
  return options;
}

/** Rules ignored for a file by the configuration: 'all', a set of ids, or undefined. */
export function ignoredRules(config: LensConfig, relativePath: string | undefined): 'all' | Set<string> | undefined {
  let ids: Set<string> | undefined;
  for (const entry of config.ignore) {
    if (!matchesGlobs(entry.files, relativePath)) continue;
    if (!entry.rules) return 'all';
    ids ??= new Set();
    for (const id of entry.rules) ids.add(id);
  }
  return ids;
}

/** Drops the findings a configuration `ignore` entry covers for this file. */
export function applyConfigIgnores(findings: Finding[], config: LensConfig, relativePath: string | undefined): Finding[] {
  const ignored = ignoredRules(config, relativePath);
  if (!ignored) return findings;
  if (ignored === 'all') return [];
  return findings.filter((f) => !ignored.has(f.ruleId));
}
