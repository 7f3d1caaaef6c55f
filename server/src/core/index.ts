// Public API of the pure analysis core.
export { analyze, resolveOptions, MAX_ANALYSED_CHARS } from './analyze';
export type { Analysis, DocumentAnalysis, ResolvedOptions } from './analyze';
export { explain, primaryDocument } from './explain';
export { parseTreeListing, standardImageView, PathResolver, UNKNOWN_VIEW } from './fsview/views';
export type { TreeListingView } from './fsview/views';
export { normalizePath } from './fsview/paths';
export { RULES, ruleMeta, ruleDocUrl, DOCS_BASE_URL } from './rules/catalogue';
export type { RuleMeta } from './rules/catalogue';
export { LineIndex } from './text/lines';
export { detect } from './detect';
export { applyEdits } from './fixes/edits';
export { describeSplit, splitPlanFor, planSplits } from './fixes/split';
export type { SplitPlan } from './fixes/split';
export { RIGHT_NAMES, accessLevel, rightNames } from './landlock/rights';
export * from './types';
export type * from './model';
