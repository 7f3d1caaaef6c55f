// Filesystem-backed views for the adapters (CLI and language server). The core never reads files.
import { readFileSync, statSync } from 'node:fs';
import { parseTreeListing, standardImageView } from '../core/index';
import type { TreeListingView } from '../core/index';

/** Tree listings larger than this are refused: a listing of a whole image is still far below it. */
export const MAX_TREE_LISTING_BYTES = 64 * 1024 * 1024;

export function readTreeListing(file: string, workdir = '/sandbox'): TreeListingView {
  const size = statSync(file).size;
  if (size > MAX_TREE_LISTING_BYTES) throw new Error(`tree listing ${file} is ${size} bytes, more than ${MAX_TREE_LISTING_BYTES}`);
  return parseTreeListing(readFileSync(file, 'utf8'), `tree listing ${file}`, standardImageView(workdir));
}
