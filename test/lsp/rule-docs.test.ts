// Where a diagnostic's rule link points (server/src/lsp/docs.ts): the page shipped next to the bundle
// when it is there (offline, the installed version), else the published page; and `prime`, which the
// server calls while answering `initialize`, settles every link before the first publication.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RuleDocs } from '../../server/src/lsp/docs';
import { ruleDocUrl } from '../../server/src/core/index';

function installedLayout(pages: string[]): { root: string; bundleDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'rule-docs-'));
  const bundleDir = join(root, 'server', 'out');
  mkdirSync(bundleDir, { recursive: true });
  mkdirSync(join(root, 'docs', 'rules'), { recursive: true });
  for (const id of pages) writeFileSync(join(root, 'docs', 'rules', `${id}.md`), `# ${id}\n`);
  return { root, bundleDir };
}

test('a shipped page is linked as a file: URI, a missing one as the published page', () => {
  const { root, bundleDir } = installedLayout(['shadowed-read-only']);
  try {
    const docs = new RuleDocs(bundleDir);
    assert.equal(docs.href('shadowed-read-only'), pathToFileURL(join(root, 'docs', 'rules', 'shadowed-read-only.md')).href);
    assert.equal(docs.href('redundant-entry'), ruleDocUrl('redundant-entry'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('prime settles every link at once: later lookups no longer read the disk', () => {
  const { root, bundleDir } = installedLayout(['shadowed-read-only', 'redundant-entry']);
  try {
    const docs = new RuleDocs(bundleDir);
    docs.prime(['shadowed-read-only', 'redundant-entry', 'duplicate-path']);
    const shipped = pathToFileURL(join(root, 'docs', 'rules', 'redundant-entry.md')).href;
    // The files change after priming; the links stay what priming found.
    rmSync(join(root, 'docs', 'rules', 'redundant-entry.md'));
    writeFileSync(join(root, 'docs', 'rules', 'duplicate-path.md'), '# duplicate-path\n');
    assert.equal(docs.href('redundant-entry'), shipped);
    assert.equal(docs.href('duplicate-path'), ruleDocUrl('duplicate-path'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
