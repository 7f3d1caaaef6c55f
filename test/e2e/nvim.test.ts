// Neovim (Debian's 0.7, headless) with the documented config from docs/editors.md, connected to
// `landlock-lens lsp --stdio`, on the #698 policy: the diagnostic with its rule id, the hover and
// the code actions on the diagnostic, as Neovim's own LSP client received them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { checkEditorResult, issue698, parseDriverOutput, type EditorResult } from './expect';
import { CLI_JS, E2E_DIR, ROOT, SPLIT_SIBLINGS, TREE_NAME, cliShimDir, makeWorkspace, missingReason, run, skipOption, which, type Workspace } from './harness';

const NVIM = which('nvim') ?? '/usr/bin/nvim';
const CONFIG_07 = join(E2E_DIR, 'nvim', 'landlock-lens.lua');
const CONFIG_08 = join(E2E_DIR, 'nvim', 'landlock-lens-0.8.lua');
const CHECK = join(E2E_DIR, 'nvim', 'check.lua');
const missing = missingReason('Neovim', [NVIM, CLI_JS]);

interface NvimDriverResult {
  nvim: string;
  filetype: string;
  diagnostics: { line: number; code?: string; message: string; source?: string }[];
  hover?: string;
  codeActions?: { title: string; editText?: string }[];
  stopped: boolean;
}

describe('Neovim with the documented config', { skip: skipOption(missing) }, () => {
  let ws: Workspace;
  let bin: string;
  let version = '';

  before(async () => {
    if (missing) throw new Error(missing);
    ws = makeWorkspace('nvim');
    bin = cliShimDir();
    version = (await run(NVIM, ['--version'], { timeoutMs: 10_000 })).stdout.split('\n')[0];
  });
  after(() => {
    ws?.remove();
    if (bin) rmSync(bin, { recursive: true, force: true });
  });

  async function drive(config: string, settings?: object): Promise<{ result: NvimDriverResult; ms: number }> {
    const env = {
      ...process.env,
      PATH: bin + delimiter + process.env.PATH,
      E2E_LINE: String(ws.soul.line),
      E2E_CHAR: String(ws.soul.character + 3),
      // A sibling only the tree listing knows: the drivers wait until the split inserts it.
      E2E_EXPECT_INSERT: '/sandbox/.openclaw/workspace/AGENTS.md',
      ...(settings ? { E2E_SETTINGS: JSON.stringify(settings) } : {}),
      // Keep Neovim's state (shada, lsp.log) out of the user's home.
      XDG_STATE_HOME: join(ws.dir, '.state'), XDG_CACHE_HOME: join(ws.dir, '.cache'), XDG_DATA_HOME: join(ws.dir, '.data'),
    };
    // -u CONFIG: the snippet is loaded exactly as a user's init.lua would be.
    const r = await run(NVIM, ['--headless', '--clean', '-u', config, ws.policy, '-c', `luafile ${CHECK}`], { cwd: ws.dir, env, timeoutMs: 60_000 });
    return { result: parseDriverOutput('neovim', r.stdout, r.stderr, r.code) as NvimDriverResult, ms: r.ms };
  }

  function normalise(r: NvimDriverResult): EditorResult {
    return {
      client: `Neovim ${r.nvim}`,
      diagnostics: r.diagnostics.map((d) => ({ line: d.line, ruleId: d.code, message: d.message })),
      hover: r.hover,
      codeActions: r.codeActions,
    };
  }

  let first: NvimDriverResult | undefined;

  it('0.7+ config: shadowed-read-only on the SOUL.md line, hover "read-write, granted by /sandbox", the split fix from the tree listing set in settings', async (t) => {
    const { result, ms } = await drive(CONFIG_07, { landlockLens: { treeListing: TREE_NAME } });
    first = result;
    t.diagnostic(`${version}: ${ms} ms; diagnostics: ${result.diagnostics.map((d) => `${d.code}@${d.line + 1}`).join(', ')}; actions: ${(result.codeActions ?? []).map((a) => a.title).join(' | ')}`);
    assert.equal(result.filetype, 'yaml');
    checkEditorResult(normalise(result), issue698(ws.soul.line, SPLIT_SIBLINGS));
    const diag = result.diagnostics.find((d) => d.code === 'shadowed-read-only')!;
    assert.equal(diag.source, 'landlock-lens', 'diagnostic source');
    assert.match(diag.message, /read_only/);
    assert.equal(result.stopped, true, 'the server stops when Neovim stops the client');
  });

  it('harness self-test: a wrong rule id fails with a message naming it and what the editor had', () => {
    assert.ok(first, 'needs the result of the previous test');
    const wrong = { ...issue698(ws.soul.line), ruleId: 'no-such-rule' };
    assert.throws(() => checkEditorResult(normalise(first!), wrong),
      new RegExp(`^Error: Neovim [\\d.]+: no diagnostic with rule id no-such-rule on line ${ws.soul.line + 1}; the editor has: .*shadowed-read-only on line ${ws.soul.line + 1}`));
  });

  it('0.8+ config (vim.lsp.start) is valid Lua', async () => {
    const r = await run(NVIM, ['--headless', '--clean', '-u', 'NONE', '-c', `lua assert(loadfile(${JSON.stringify(CONFIG_08)}))`, '-c', 'qa!'], { timeoutMs: 20_000 });
    assert.equal(r.code, 0, r.stderr + r.stdout);
  });

  it('0.8+ config (vim.lsp.start) attaches and reports the same', async (t) => {
    const has = await run(NVIM, ['--headless', '--clean', '-u', 'NONE', '-c', 'lua io.stdout:write(vim.lsp.start and "yes" or "no")', '-c', 'qa!'], { timeoutMs: 20_000 });
    if (has.stdout.trim() !== 'yes') {
      // Not a missing client: Debian 12's Neovim predates vim.lsp.start. Newer Neovim runs this.
      t.skip(`${version} has no vim.lsp.start (0.8+); only the syntax check above ran`);
      return;
    }
    const { result } = await drive(CONFIG_08, { landlockLens: { treeListing: TREE_NAME } });
    checkEditorResult(normalise(result), issue698(ws.soul.line, SPLIT_SIBLINGS));
  });

  it('docs/editors.md shows exactly the configs tested here', () => {
    const docs = readFileSync(join(ROOT, 'docs', 'editors.md'), 'utf8');
    for (const file of [CONFIG_07, CONFIG_08]) {
      assert.ok(docs.includes(readFileSync(file, 'utf8').trim()), `docs/editors.md does not contain ${file} verbatim`);
    }
  });
});
