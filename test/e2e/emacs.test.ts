// Emacs (Debian's 28 in batch mode) with eglot and the documented config from docs/editors.md,
// connected to `landlock-lens lsp --stdio`, on the #698 policy: the flymake diagnostic with its rule
// id, the hover and the code actions eglot gets for the diagnostic.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { checkEditorResult, issue698, parseDriverOutput, type EditorResult } from './expect';
import { CLI_JS, E2E_DIR, ROOT, SPLIT_SIBLINGS, cliShimDir, makeWorkspace, missingReason, run, skipOption, which, type Workspace } from './harness';

const EMACS = which('emacs') ?? '/usr/bin/emacs';
const CONFIG = join(E2E_DIR, 'emacs', 'landlock-lens.el');
const CHECK = join(E2E_DIR, 'emacs', 'check.el');
/** The documented .dir-locals.el that hands the tree listing to the server. */
const DIR_LOCALS = join(E2E_DIR, 'emacs', 'dir-locals.el');
const missing = missingReason('Emacs with eglot', [EMACS, '/usr/share/emacs/site-lisp/elpa/eglot-1.9', CLI_JS]);

interface EmacsDriverResult {
  emacs: string;
  eglot: string;
  diagnostics: { line: number; type: string; text: string }[];
  hover?: string;
  codeActions?: { title: string; editText?: string }[];
}

describe('Emacs + eglot with the documented config', { skip: skipOption(missing) }, () => {
  let ws: Workspace;
  let bin: string;

  before(() => {
    if (missing) throw new Error(missing);
    ws = makeWorkspace('emacs');
    copyFileSync(DIR_LOCALS, join(ws.dir, '.dir-locals.el'));
    bin = cliShimDir();
  });
  after(() => {
    ws?.remove();
    if (bin) rmSync(bin, { recursive: true, force: true });
  });

  function normalise(r: EmacsDriverResult): EditorResult {
    return {
      client: `Emacs ${r.emacs} eglot ${r.eglot}`,
      // eglot renders a diagnostic as "SOURCE [CODE]: MESSAGE".
      diagnostics: r.diagnostics.map((d) => ({ line: d.line, ruleId: /^\S+ \[([^\]]+)\]: /.exec(d.text)?.[1], message: d.text })),
      hover: r.hover,
      codeActions: r.codeActions,
    };
  }

  let first: EmacsDriverResult | undefined;

  it('shadowed-read-only on the SOUL.md line, hover "read-write, granted by /sandbox", the split fix from the tree listing set in .dir-locals.el', async (t) => {
    const env = {
      ...process.env,
      PATH: bin + delimiter + process.env.PATH,
      HOME: ws.dir, // keeps eglot/flymake state out of the user's home
      E2E_CONFIG: CONFIG,
      E2E_FILE: ws.policy,
      E2E_LINE: String(ws.soul.line),
      E2E_CHAR: String(ws.soul.character + 3),
      // A sibling only the tree listing knows: the drivers wait until the split inserts it.
      E2E_EXPECT_INSERT: '/sandbox/.openclaw/workspace/AGENTS.md',
    };
    const r = await run(EMACS, ['-Q', '--batch', '-l', CHECK], { cwd: ws.dir, env, timeoutMs: 60_000 });
    const result = parseDriverOutput('emacs', r.stdout, r.stderr, r.code) as EmacsDriverResult;
    first = result;
    t.diagnostic(`Emacs ${result.emacs}, eglot ${result.eglot}: ${r.ms} ms; diagnostics: ${result.diagnostics.map((d) => d.text.slice(0, 60)).join(' | ')}; actions: ${(result.codeActions ?? []).map((a) => a.title).join(' | ')}`);
    checkEditorResult(normalise(result), issue698(ws.soul.line, SPLIT_SIBLINGS));
    const diag = result.diagnostics.find((d) => d.text.includes('[shadowed-read-only]'))!;
    assert.equal(diag.type, 'eglot-error', 'shadowed-read-only is an error');
    assert.match(diag.text, /^landlock-lens \[shadowed-read-only\]: /);
  });

  it('harness self-test: a wrong rule id fails with a message naming it and what the editor had', () => {
    assert.ok(first, 'needs the result of the previous test');
    const wrong = { ...issue698(ws.soul.line), ruleId: 'no-such-rule' };
    assert.throws(() => checkEditorResult(normalise(first!), wrong),
      new RegExp(`^Error: Emacs [\\d.]+ eglot [\\d.]+: no diagnostic with rule id no-such-rule on line ${ws.soul.line + 1}; the editor has: .*shadowed-read-only on line ${ws.soul.line + 1}`));
  });

  it('docs/editors.md shows exactly the config and .dir-locals.el tested here', () => {
    const docs = readFileSync(join(ROOT, 'docs', 'editors.md'), 'utf8');
    for (const file of [CONFIG, DIR_LOCALS]) {
      assert.ok(docs.includes(readFileSync(file, 'utf8').trim()), `docs/editors.md does not contain ${file} verbatim`);
    }
  });
});
