// Decides whether a YAML text is an OpenShell policy before any full parse, so that the thousands of
// other YAML files in a workspace cost a regular-expression scan and nothing more.
import picomatch from 'picomatch';

export interface DetectionInput {
  fileName?: string;
  policyGlobs?: string[];
  forcePolicy?: boolean;
}

export interface Detection {
  /** Worth a full analysis. */
  candidate: boolean;
  /** Why, in words (shown in the editor's language status). */
  reason: string;
  /** Opted out with `# landlock-lens: ignore-file`. */
  ignored: boolean;
  /** Treat every document as a policy (modeline, glob or forced), not only those with policy keys. */
  forced: boolean;
}

const MODELINE = /^[ \t]*#[ \t]*landlock-lens:[ \t]*([a-z-]+)/gm;
const POLICY_KEYS = ['filesystem_policy', 'landlock', 'network_policies', 'network_middlewares'];
const TOP_LEVEL_KEY = /^(?:"([^"\n]*)"|'([^'\n]*)'|([A-Za-z_][A-Za-z0-9_-]*))[ \t]*:(?:[ \t]|$)/gm;

const globCache = new Map<string, (path: string) => boolean>();
function globMatcher(globs: string[]): (path: string) => boolean {
  const key = globs.join('\u0000');
  let matcher = globCache.get(key);
  if (!matcher) {
    // A glob without a slash matches the file name only; others match the whole path. `*` never
    // crosses a `/`. (picomatch's own `basename` option breaks slash patterns on absolute paths.)
    const byName = globs.filter((g) => !g.includes('/'));
    const byPath = globs.filter((g) => g.includes('/'));
    const name = byName.length ? picomatch(byName, { dot: true }) : () => false;
    const full = byPath.length ? picomatch(byPath, { dot: true }) : () => false;
    matcher = (p: string) => name(p.slice(p.lastIndexOf('/') + 1)) || full(p);
    globCache.set(key, matcher);
  }
  return matcher;
}

export function matchesPolicyGlobs(fileName: string | undefined, globs: string[] | undefined): boolean {
  if (!fileName || !globs || globs.length === 0) return false;
  const normalised = fileName.replace(/\\/g, '/');
  return globMatcher(globs)(normalised);
}

/**
 * Top-level keys a document text starts lines with (block style), cheaply. With `enough`, it stops as
 * soon as the keys found so far satisfy it: a policy names its policy keys in its first lines, and the
 * rest of a large file need not be scanned on every keystroke.
 */
export function sniffTopLevelKeys(text: string, enough?: (keys: Set<string>) => boolean): Set<string> {
  const keys = new Set<string>();
  TOP_LEVEL_KEY.lastIndex = 0;
  for (let m = TOP_LEVEL_KEY.exec(text); m; m = TOP_LEVEL_KEY.exec(text)) {
    keys.add(m[1] ?? m[2] ?? m[3]);
    if (enough?.(keys)) break;
  }
  return keys;
}

/** Whether a set of top-level keys makes a document a policy (the rule the issue states). */
export function keysLookLikePolicy(keys: { has(key: string): boolean }): boolean {
  return POLICY_KEYS.some((k) => keys.has(k)) || (keys.has('version') && keys.has('process'));
}

export function detect(text: string, input: DetectionInput = {}): Detection {
  let modeline: string | undefined;
  MODELINE.lastIndex = 0;
  // A plain substring search first: most files have no modeline, and the line-anchored pattern costs
  // more than the search over a large policy.
  for (let m = text.includes('landlock-lens') ? MODELINE.exec(text) : null; m; m = MODELINE.exec(text)) {
    if (m[1] === 'ignore-file') return { candidate: false, reason: 'opted out with `# landlock-lens: ignore-file`', ignored: true, forced: false };
    if (m[1] === 'policy') modeline = m[1];
  }
  if (input.forcePolicy) return { candidate: true, reason: 'analysed as a policy on request', ignored: false, forced: true };
  if (modeline) return { candidate: true, reason: 'marked with `# landlock-lens: policy`', ignored: false, forced: true };
  if (matchesPolicyGlobs(input.fileName, input.policyGlobs)) {
    return { candidate: true, reason: 'file name matches a configured policy glob', ignored: false, forced: true };
  }
  const keys = sniffTopLevelKeys(text, keysLookLikePolicy);
  if (keysLookLikePolicy(keys)) {
    return { candidate: true, reason: 'has top-level OpenShell policy keys', ignored: false, forced: false };
  }
  if (keys.has('preset')) {
    return { candidate: true, reason: 'has a top-level `preset:` key (NemoClaw preset fragment)', ignored: false, forced: false };
  }
  // A flow-style root (`{version: 1, ...}`) has no block keys to sniff: look for the policy keys anywhere.
  const firstContent = text.replace(/^\uFEFF/, '').match(/^(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]*(\S)/);
  if (firstContent && firstContent[1] === '{' && /\b(filesystem_policy|network_policies|network_middlewares|landlock)\b/.test(text)) {
    return { candidate: true, reason: 'flow-style document with OpenShell policy keys', ignored: false, forced: false };
  }
  return { candidate: false, reason: 'no top-level OpenShell policy keys (filesystem_policy, landlock, network_policies, network_middlewares, or version with process)', ignored: false, forced: false };
}
