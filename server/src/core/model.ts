// The policy model (what OpenShell's loader reads, with source spans) and the Landlock model (the
// ruleset OpenShell builds from it). Both are plain data so that every adapter can render them.
import type { GrantSource, PathKind, Span } from './types';

export interface Located<T> {
  value: T;
  /** The value node. */
  span: Span;
  /** The key of the mapping pair holding the value. */
  keySpan: Span;
}

export type ListName = 'read_only' | 'read_write';

export interface PathEntry {
  list: ListName;
  index: number;
  /** The string OpenShell receives (any scalar is accepted as a string). */
  raw: string;
  /** After the supervisor's lexical normalisation (`//`, `/./` and trailing `/` removed). */
  normalized: string;
  /** The scalar node of the list item. */
  span: Span;
  yamlPath: (string | number)[];
}

/**
 * absent: key missing; null: `key:`/`~`/`null` (OpenShell treats it as absent); present: a mapping;
 * invalid: some other type (the loader rejects the file; the schema check reports it).
 */
export type SectionState = 'absent' | 'null' | 'present' | 'invalid';

export interface FilesystemSection {
  state: SectionState;
  keySpan?: Span;
  span?: Span;
  /** Explicit `include_workdir`; when absent the value depends on `state` (see effectiveIncludeWorkdir). */
  includeWorkdir?: Located<boolean>;
  readOnly: PathEntry[];
  readWrite: PathEntry[];
  readOnlyKeySpan?: Span;
  readWriteKeySpan?: Span;
  /** Span of the list value nodes (sequence, or empty scalar), for inserting items. */
  readOnlySpan?: Span;
  readWriteSpan?: Span;
  /** Items of each list that are not paths (nested lists or mappings, which the schema rejects). */
  readOnlyOtherItems?: number;
  readWriteOtherItems?: number;
}

export interface PolicyModel {
  version?: Located<number>;
  filesystem: FilesystemSection;
  landlock: { state: SectionState; keySpan?: Span; compatibility?: Located<string> };
  process: { state: SectionState; keySpan?: Span; runAsUser?: Located<string>; runAsGroup?: Located<string> };
  networkPolicies: { keySpan?: Span; count: number };
  networkMiddlewares: { keySpan?: Span; count: number };
  /** Top-level `preset:` (a NemoClaw preset fragment). */
  presetKeySpan?: Span;
  /** Span of the whole document's root node. */
  rootSpan: Span;
}

export interface LandlockRule {
  /** The path OpenShell opens (normalised). */
  path: string;
  access: ListName;
  source: GrantSource;
  /** Explicit entry that produced this rule, if any. */
  entry?: PathEntry;
  /** Where the rule comes from in the text (entry scalar, include_workdir key, network_policies key). */
  span?: Span;
  /** The canonical path the rule binds to after following symlinks; null when the path is missing. */
  boundTo: string | null;
  /** Kind of the inode the rule binds to ('unknown' when the view does not know). */
  boundKind: PathKind;
  /** Rights granted on the bound inode (already cut to file rights for non-directories). */
  rights: number;
}

export interface EffectiveRuleset {
  /** Handled ABI (1..7). */
  abi: number;
  /** Bit set of handled filesystem rights. */
  handled: number;
  /** false when OpenShell applies no Landlock ruleset at all (then every access is allowed). */
  applied: boolean;
  /** Why no ruleset is applied, in words. */
  notAppliedReason?: string;
  rules: LandlockRule[];
  /** Paths added by OpenShell's baseline enrichment. */
  baseline: { path: string; access: ListName }[];
  /** The effective include_workdir value and whether the workdir was appended as a rule. */
  includeWorkdir: boolean;
  workdirAdded: boolean;
  workdir: string;
}
