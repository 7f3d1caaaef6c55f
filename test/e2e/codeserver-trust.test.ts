// Restricted Mode in real VS Code (code-server in Chromium, the packaged .vsix). The workspace names its
// tree listing in the project configuration, .landlock-lens.yaml. Untrusted, the server reads no file
// the workspace names: it says so on the configuration file, and the split of SOUL.md's parent cannot
// know the siblings it must keep writable (and says that too). Once the user trusts the folder, the
// extension restarts its server (nothing else changes: no setting is involved), and the split is the
// complete one, built from the listing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startVsCodeSession, type VsCodeSession } from './codeserver';
import {
  CHROMIUM_BIN, CLI_JS, CODE_SERVER_BIN, POLICY_NAME, SOUL, TREE_NAME, VSIX, makeWorkspace, missingReason, skipOption, waitFor, type Workspace,
} from './harness';
import type { Workbench } from './workbench';

const missing = missingReason('code-server + Chromium', [CODE_SERVER_BIN, CHROMIUM_BIN, VSIX, CLI_JS]);
const PREFIX = 'vscode-trust';
/** The warning the server puts on .landlock-lens.yaml's treeListing in an untrusted workspace. */
const UNTRUSTED = 'The tree listing is not read: the workspace is not trusted';
/** The split's title (include_workdir: true in this policy, so it also sets it to false). */
const SPLIT = /split read_write `\/sandbox` so `\/sandbox\/\.openclaw\/workspace\/SOUL\.md` stays read-only/;

describe('VS Code Restricted Mode: the tree listing only once the workspace is trusted', { skip: skipOption(missing) }, () => {
  let ws: Workspace;
  let session: VsCodeSession | undefined;
  let wb: Workbench;
  let page: Page;
  let line = 0;
  let column = 0;

  before(async () => {
    if (missing) throw new Error(missing);
    ws = makeWorkspace('trust');
    // The listing named by the project configuration only (no landlockLens.treeListing setting).
    writeFileSync(join(ws.dir, '.vscode', 'settings.json'), '{}\n');
    writeFileSync(join(ws.dir, '.landlock-lens.yaml'), `# Landlock Lens project configuration\ntreeListing: ${TREE_NAME}\n`);
    line = ws.soul.line + 1;
    column = ws.soul.character + 4;
    session = await startVsCodeSession(PREFIX, ws.dir, POLICY_NAME, { workspaceTrust: true });
    wb = session.wb;
    page = session.browser.page;
  }, { timeout: 180_000 });

  after(async () => {
    await session?.close();
    ws?.remove();
  }, { timeout: 60_000 });

  it('untrusted: the policy is analysed, the listing is not read (said on the configuration), the split says it does not know the siblings', { timeout: 90_000 }, async (t) => {
    await wb.step('Restricted Mode is on', () => waitFor(
      async () => ((await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).count()) > 0 ? true : undefined),
      { timeoutMs: 30_000, what: 'the "Restricted Mode" status bar item' }));
    await wb.step('error squiggle under SOUL.md', () => wb.expectSquiggle('error', SOUL));
    const warning = await wb.step('Problems panel: the listing is not read', () => wb.expectProblemText(UNTRUSTED));
    t.diagnostic(`Problems row: ${warning}`);
    const titles = await wb.step('quick fixes at SOUL.md (untrusted)', () => wb.openQuickFixes(line, column));
    await wb.closeQuickFixes();
    t.diagnostic(`offered: ${JSON.stringify(titles)}`);
    const split = titles.find((x) => SPLIT.test(x));
    assert.ok(split, `a split is offered: ${JSON.stringify(titles)}`);
    assert.match(split, /siblings unknown without a tree listing/, 'the workspace setting naming the listing is withheld');
  });

  it('trusting the folder restarts the server with the listing: the split is complete', { timeout: 120_000 }, async (t) => {
    await wb.step('Manage Workspace Trust', () => wb.runCommand('Workspaces: Manage Workspace Trust'));
    await wb.step('click Trust', async () => {
      const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
      await trust.waitFor({ timeout: 15_000 });
      await trust.click();
    });
    await wb.step('Restricted Mode is off', () => waitFor(
      async () => ((await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).count()) === 0 ? true : undefined),
      { timeoutMs: 30_000, what: 'the "Restricted Mode" status bar item to go' }));
    await wb.step(`back to ${POLICY_NAME}`, () => wb.openFile(POLICY_NAME));
    await wb.step('Problems panel: no more untrusted warning', () => wb.expectNoProblemText(UNTRUSTED, 30_000));
    // The restarted server analyses again; poll the menu until the split comes from the listing.
    const titles = await wb.step('quick fixes at SOUL.md (trusted)', () => waitFor(async () => {
      const offered = await wb.openQuickFixes(line, column);
      await wb.closeQuickFixes();
      return offered.some((x) => SPLIT.test(x) && !/siblings unknown/.test(x)) ? offered : undefined;
    }, { timeoutMs: 60_000, intervalMs: 2_000, what: 'a complete split (from the tree listing) in the quick-fix menu' }));
    t.diagnostic(`offered: ${JSON.stringify(titles)}`);
    const split = titles.find((x) => SPLIT.test(x))!;
    assert.match(split, /nothing can be created or deleted directly in 3 directories\)$/, 'the complete split, siblings from the listing');
  });
});
