// VS Code for real: code-server 4.100.3 (VS Code 1.100.3) in Debian's Chromium, with the packaged
// landlock-lens.vsix installed into a fresh profile and a workspace holding the #698 policy. Checks
// what a user sees: the squiggle, the Problems panel, the hover, the split quick fix and its result.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startVsCodeSession, type VsCodeSession } from './codeserver';
import {
  CHROMIUM_BIN, CLI_JS, CODE_SERVER_BIN, POLICY_NAME, ROOT, SOUL, SPLIT_SIBLINGS, TREE_NAME, VSIX,
  cliCheck, makeWorkspace, missingReason, skipOption, waitFor, type Workspace,
} from './harness';
import type { Workbench } from './workbench';
import { issue698 } from './expect';

const missing = missingReason('code-server + Chromium', [CODE_SERVER_BIN, CHROMIUM_BIN, VSIX, CLI_JS]);
/** The README's screenshot; refreshed when E2E_UPDATE_DOCS_IMAGE=1 (it is committed, so not on every run). */
const DOCS_IMAGE = join(ROOT, 'docs', 'images', 'vscode-hover.png');

describe('VS Code (code-server in Chromium) with the packaged .vsix', { skip: skipOption(missing) }, () => {
  let ws: Workspace;
  let session: VsCodeSession | undefined;
  let wb: Workbench;
  // 1-based, as the editor shows them.
  let line = 0;
  let column = 0;

  // Generous bounds (a run takes ~25 s) so that a hung browser fails the suite instead of CI's clock.
  before(async () => {
    if (missing) throw new Error(missing);
    ws = makeWorkspace('vscode');
    line = ws.soul.line + 1;
    column = ws.soul.character + 4;
    session = await startVsCodeSession('vscode', ws.dir, POLICY_NAME);
    wb = session.wb;
  }, { timeout: 180_000 });

  after(async () => {
    // Logs are written next to the screenshots, for whoever debugs a failure.
    await session?.close();
    ws?.remove();
  }, { timeout: 60_000 });

  it('underlines the SOUL.md entry with an error squiggle', { timeout: 90_000 }, async () => {
    await wb.step('error squiggle under SOUL.md', () => wb.expectSquiggle('error', SOUL));
  });

  it('lists shadowed-read-only in the Problems panel at the SOUL.md line', { timeout: 90_000 }, async (t) => {
    const row = await wb.step('Problems panel lists shadowed-read-only', () => wb.expectProblem('shadowed-read-only', line));
    t.diagnostic(`Problems row: ${row}`);
    assert.match(row, /read_only/, 'the row shows the finding message');
    assert.match(row, /landlock-lens/, 'the row shows the source');
  });

  it('hovering the entry shows effective access read-write, granted by /sandbox', { timeout: 90_000 }, async (t) => {
    const text = await wb.step('hover on SOUL.md', () => wb.expectHover(line, column, issue698(ws.soul.line).hover));
    t.diagnostic(`hover: ${text.slice(0, 300)}`);
    // The diagnostic comes first in the hover; scroll to the analysis for the picture.
    await wb.step('hover scrolled to effective access', () => wb.scrollHoverTo('(line 7): '));
    if (process.env.E2E_UPDATE_DOCS_IMAGE === '1' || !existsSync(DOCS_IMAGE)) {
      mkdirSync(join(ROOT, 'docs', 'images'), { recursive: true });
      copyFileSync(wb.shots[wb.shots.length - 1], DOCS_IMAGE);
      t.diagnostic(`wrote ${DOCS_IMAGE} (${statSync(DOCS_IMAGE).size} bytes)`);
      assert.ok(statSync(DOCS_IMAGE).size < 200_000, `${DOCS_IMAGE} stays under 200 KB for the README`);
    }
    await wb.hideHover();
  });

  it('harness self-test: a wrong expectation fails with the step, what was seen and a screenshot path', { timeout: 90_000 }, async () => {
    await assert.rejects(
      wb.step('self-test (must fail) no-such-rule in Problems', () => wb.expectProblem('no-such-rule', line, 2_000)),
      (e: Error) => {
        assert.match(e.message, new RegExp(
          `^step "self-test \\(must fail\\) no-such-rule in Problems" failed: timed out after 2000 ms waiting for a Problems panel row with rule id no-such-rule at line ${line}\\n` +
          `    seen: Problems panel rows: .*shadowed-read-only.*\\n` +
          `    screenshot: test/e2e/screenshots/vscode-\\d\\d-self-test-must-fail-no-such-rule-in-problems-FAILED\\.png$`, 's'));
        const shot = (e as Error & { screenshot: string }).screenshot;
        assert.ok(statSync(join(ROOT, shot)).size > 10_000, `${shot} is a real screenshot`);
        return true;
      });
  });

  it('the server keeps its V8 code cache in the extension\'s global storage', { timeout: 60_000 }, async () => {
    // Written once the first analysis has run (the squiggle above came from it): VS Code's client
    // points LANDLOCK_LENS_CODE_CACHE there, so the next start skips compiling the server.
    const files = await waitFor(() => {
      const found = session!.cs.globalStorageFiles('landlock-lens.landlock-lens', 'code-cache').filter((f) => f.endsWith('.v8cache'));
      return found.length ? found : undefined;
    }, { timeoutMs: 30_000, what: 'a .v8cache file in globalStorage/landlock-lens.landlock-lens/code-cache' });
    assert.equal(files.length, 1, files.join(', '));
    assert.match(files[0], /^server-main-[0-9a-f]{8}-[0-9a-f]{8}\.v8cache$/);
  });

  it('the split quick fix (light bulb, Ctrl+.) rewrites the policy and clears the error', { timeout: 90_000 }, async (t) => {
    const title = await wb.step('apply the split quick fix', () => wb.applyQuickFix(/split/i, line, column));
    t.diagnostic(`applied: ${title}`);
    await wb.step('save the policy', () => wb.save());

    const text = readFileSync(ws.policy, 'utf8');
    const fsPolicy = parse(text).filesystem_policy;
    const rw: string[] = fsPolicy.read_write ?? [];
    const ro: string[] = fsPolicy.read_only ?? [];
    assert.ok(ro.includes(SOUL), `SOUL.md stays read_only:\n${text}`);
    for (const ancestor of ['/sandbox', '/sandbox/.openclaw', '/sandbox/.openclaw/workspace']) {
      assert.ok(!rw.includes(ancestor), `${ancestor} (an ancestor of SOUL.md) is no longer read_write:\n${text}`);
    }
    for (const sibling of SPLIT_SIBLINGS) assert.ok(rw.includes(sibling), `${sibling} (from ${TREE_NAME}) became read_write:\n${text}`);
    assert.ok(rw.includes('/tmp'), `unrelated read_write /tmp is kept:\n${text}`);
    assert.ok(text.startsWith(ws.text.split('\n').slice(0, 2).join('\n')), 'the header comments survive the edit');
    // The same core from the command line agrees that the shadowing is gone and nothing broke.
    const after = cliCheck(ws.policy, ['--tree', join(ws.dir, TREE_NAME)]);
    const bad = after.filter((f) => ['shadowed-read-only', 'yaml-syntax', 'schema', 'openshell-validation'].includes(f.ruleId));
    assert.deepEqual(bad, [], 'landlock-lens check on the fixed policy');

    await wb.step('Problems panel no longer lists shadowed-read-only', () => wb.expectNoProblem('shadowed-read-only'));
    await wb.step('no error squiggle under SOUL.md', () => wb.expectNoSquiggle('error', SOUL));
  });
});
