// Where a rule's documentation lives: the page shipped next to the bundle (docs/rules/<id>.md, a
// file: URI that works offline and matches the installed version), else the published page.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ruleDocUrl } from '../core/index';

export class RuleDocs {
  private readonly cache = new Map<string, string>();

  /** `bundleDir` is the directory of server.js (server/out); the docs are at ../../docs/rules. */
  constructor(private readonly bundleDir: string) {}

  href(ruleId: string): string {
    let href = this.cache.get(ruleId);
    if (href === undefined) {
      const file = path.resolve(this.bundleDir, '..', '..', 'docs', 'rules', `${ruleId}.md`);
      href = existsSync(file) ? pathToFileURL(file).href : ruleDocUrl(ruleId);
      this.cache.set(ruleId, href);
    }
    return href;
  }

  /**
   * Looks up every rule's page now. The first lookup runs Node's path and URL code cold (about a
   * millisecond, measured in the first publication of a 256-path policy); done while answering
   * `initialize`, it is not part of the first diagnostics a user waits for.
   */
  prime(ruleIds: Iterable<string>): void {
    for (const id of ruleIds) this.href(id);
  }
}
