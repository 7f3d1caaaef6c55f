// Shared types of the analysis core. The core is pure: it never imports `fs`, `vscode` or
// `vscode-languageserver`, so the same code runs in the language server, the CLI and the tests.

/** A range in the original text, as UTF-16 code-unit offsets (what JavaScript strings and LSP use). */
export interface Span {
  start: number;
  end: number;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A replacement of `text.slice(start, end)` by `newText` on the original document text. */
export interface OffsetEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  /** true when applying the fix leaves every path's effective access unchanged. */
  safe: boolean;
  /** Offered as the preferred quick fix (never for fixes that change access or are incomplete). */
  preferred: boolean;
  edits: OffsetEdit[];
}

export interface RelatedLocation {
  message: string;
  span: Span;
}

/** One finding model feeds every output: LSP diagnostics, hovers, CLI text/JSON, SARIF. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  span: Span;
  related: RelatedLocation[];
  fixes: Fix[];
  /** Logical location of the primary node, e.g. ['filesystem_policy', 'read_only', 3]. */
  yamlPath: (string | number)[];
  /** The value the finding is about (a path, a key...), used for line-independent fingerprints. */
  subject: string;
  /** The entry has no effect at all (exact duplicate, ro under ro): editors may fade it. */
  unnecessary?: boolean;
}

export type PathKind = 'file' | 'directory' | 'symlink' | 'other' | 'missing' | 'unknown';

/**
 * What the analysis knows about the sandbox's filesystem. Implementations: a parsed tree listing,
 * the "standard image" defaults, a mapped local folder (adapter side, outside the core). Analyses made
 * with the same view object share the paths it resolved (resolverFor), so its answers must not change
 * while it is in use: make a new view when the filesystem it describes may have changed (the language
 * server makes a mapped-folder view per analysis).
 */
export interface FsView {
  /** lstat-like: the kind of the final component itself (a symlink is reported as 'symlink'). */
  kind(path: string): PathKind;
  /** The target of a symlink as written in the listing (absolute or relative), if known. */
  readlink(path: string): string | undefined;
  /** Names of the entries of a directory, or undefined when the view cannot list it. */
  list(dir: string): string[] | undefined;
  /** Short description for messages, e.g. "tree listing sandbox.tree". */
  readonly description: string;
}

export interface AnalysisOptions {
  /** The sandbox workdir added by include_workdir (default /sandbox). */
  workdir?: string;
  /** Assume a GPU is present (adds OpenShell's GPU baseline paths). */
  gpu?: boolean;
  /** Handled Landlock ABI of the ruleset (default 2, what OpenShell pins). */
  abi?: number;
  /** Filesystem knowledge; defaults to the standard-image view. */
  view?: FsView;
  /** File name or path, used only for glob-based policy detection. */
  fileName?: string;
  /** Globs that make a file a policy whatever its content. */
  policyGlobs?: string[];
  /** Treat the text as a policy even if it does not look like one. */
  forcePolicy?: boolean;
  /** Per-rule severity overrides ('off' disables a rule). */
  ruleLevels?: Record<string, Severity | 'off'>;
}

export type Access = 'read-write' | 'read-only' | 'none';
export type GrantSource = 'read_write' | 'read_only' | 'workdir' | 'baseline';

export interface Grant {
  source: GrantSource;
  /** The path as written (for baseline/workdir: the path added). */
  path: string;
  /** 1-based line of the entry in the policy, or null for implicit grants without a node. */
  line: number | null;
  /** Where the grant comes from in the text (the list item, or the include_workdir key). */
  span?: Span;
  /** The rule path after normalisation and symlink resolution: the inode the rule binds to. */
  boundTo: string;
  /** Rights this rule grants on the explained path (names). */
  rights: string[];
}

/** The answer to "what may the sandboxed process do with PATH?", as `explain` prints it. */
export interface Explanation {
  path: string;
  kind: 'file' | 'directory' | 'unknown';
  access: Access;
  rights: string[];
  grantedBy: Grant[];
  /** True when no Landlock ruleset is applied at all (everything allowed). */
  unrestricted: boolean;
  /** Human-readable notes (e.g. why unrestricted, path resolved through a symlink). */
  notes: string[];
}
