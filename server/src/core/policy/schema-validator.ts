// The compiled schema validator. Bundles replace this module with ajv's standalone code generated at
// build time (esbuild.mjs), so the server neither ships ajv's compiler nor spends a first analysis
// compiling; tests running the sources compile it here with the same options.
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';

export const AJV_OPTIONS = { allErrors: true, strict: false, verbose: true, validateFormats: false } as const;

export function compilePolicyValidator(schema: Record<string, unknown>): ValidateFunction {
  return new Ajv(AJV_OPTIONS).compile(schema);
}
