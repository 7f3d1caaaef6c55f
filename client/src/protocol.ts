// The custom messages between this extension and the Landlock Lens language server
// (server/src/lsp). Both sides use these exact method names and shapes.
import type { Explanation } from '../../server/src/core/types';

/** Request `landlockLens/explain`: what may the sandboxed process do with `path`? */
export const explainMethod = 'landlockLens/explain';
export interface ExplainParams {
  /** The document URI as the language client sent it to the server. */
  uri: string;
  /** Absolute path inside the sandbox. */
  path: string;
}
/** null when the document is unknown or not analysed as a policy. */
export type ExplainResult = { markdown: string; explanation: Explanation } | null;

/** Request `landlockLens/effectiveAccess`: a readable tree of every listed path with its access. */
export const effectiveAccessMethod = 'landlockLens/effectiveAccess';
export interface EffectiveAccessParams {
  uri: string;
}
export type EffectiveAccessResult = { markdown: string } | null;

/** Notification `landlockLens/status` (server → client), sent after each analysis of a document. */
export const statusMethod = 'landlockLens/status';
export interface PolicyStatus {
  uri: string;
  isPolicy: boolean;
  /** Why the document is or is not analysed as a policy, e.g. "has a filesystem_policy key". */
  detection: string;
  errors: number;
  warnings: number;
}
