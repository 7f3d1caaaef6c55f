// The quick-fix split, produced by the engine (not written by hand), enforced by the real kernel:
// the #698 tree of landlock-ground-truth.md §c and the read-only-directory case of §d. The protected
// path must resist write, unlink, rename-over and re-homing by renaming a parent; its siblings must
// stay writable; and the core must predict every probe the kernel answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, parseTreeListing } from '../../server/src/core/index';
import type { Fix } from '../../server/src/core/index';
import { applyEdits } from '../../server/src/core/fixes/edits';
import { parse as parseYaml } from 'yaml';
import { kernelSupport, policy, runKernelCase, type KernelCaseResult } from './harness';
import { GROUND_TRUTH_TREE as TREE, SEED_POLICY, SPLIT_EXPECTATIONS, SPLIT_POLICY, SYSTEM, W } from './ground-truth-fixtures';
import { ScratchTree } from './tree';

function skipUnlessKernel(t: { skip(message?: string): void }): boolean {
  const s = kernelSupport();
  if (!s.ok) t.skip(s.reason);
  return !s.ok;
}

/** The engine's split of a policy on the ground-truth tree: the (single) fix of its shadowed entries. */
function engineSplit(policyYaml: string): { text: string; fix: Fix } {
  const view = parseTreeListing(ScratchTree.parse(TREE).listing(), 'ground-truth tree');
  const found = analyze(policyYaml, { view }).findings.filter((f) => f.ruleId === 'shadowed-read-only');
  assert.ok(found.length > 0, 'the input policy must have a shadowed read_only entry');
  const fix = found[0].fixes[0];
  assert.ok(fix, 'a split is offered');
  assert.ok(found.every((f) => f.fixes[0] === fix), 'one rewrite for the group');
  return { text: applyEdits(policyYaml, fix.edits), fix };
}

function ruleSet(policyYaml: string): { ro: string[]; rw: string[]; includeWorkdir: unknown } {
  const fs = (parseYaml(policyYaml) as { filesystem_policy: Record<string, unknown> }).filesystem_policy;
  const sorted = (v: unknown) => ((v as string[] | null) ?? []).map(String).sort();
  return { ro: sorted(fs.read_only), rw: sorted(fs.read_write), includeWorkdir: fs.include_workdir };
}

function check(policyYaml: string, expected: Record<string, string>): KernelCaseResult {
  const result = runKernelCase(policyYaml, TREE, Object.keys(expected));
  assert.deepEqual(result.rulesetProblems, [], result.report());
  assert.deepEqual(result.disagreements, [], result.report());
  const kernel = Object.fromEntries(result.probes.map((p) => [p.op, p.kernel]));
  assert.deepEqual(kernel, expected, result.report());
  return result;
}

test('§c: the engine turns the #698 policy into exactly the split measured in the ground truth', () => {
  const { text, fix } = engineSplit(SEED_POLICY);
  assert.equal(fix.preferred, true);
  assert.equal(fix.safe, false);
  assert.match(fix.title, /2 symlinks not listed/, 'lnk_file and lnk_dir are skipped (§f)');
  assert.deepEqual(ruleSet(text), ruleSet(SPLIT_POLICY));
});

test('§c on the kernel: the engine\'s split protects SOUL.md (content and name) and keeps its siblings writable', (t) => {
  if (skipUnlessKernel(t)) return;
  const { text } = engineSplit(SEED_POLICY);
  check(text, {
    ...SPLIT_EXPECTATIONS,
    // re-homing by renaming a parent, into the same or another writable directory
    [`rename /sandbox/.openclaw/workspace /sandbox/work/ws`]: 'EACCES',
    [`rename /sandbox/.openclaw /sandbox/.openclaw-data/oc`]: 'EACCES',
    // the skipped symlinks grant nothing: their targets are outside every rule
    [`append /ro-area/secret.txt`]: 'EACCES',
    [`append /sandbox/lnk_file`]: 'EACCES',
  });
});

test('§c on the kernel: the seed policy (before the fix) lets all of it through', (t) => {
  if (skipUnlessKernel(t)) return;
  check(SEED_POLICY, {
    [`append ${W}/SOUL.md`]: 'ok',
    [`unlink ${W}/SOUL.md`]: 'ok',
    [`rename ${W}/memory/m.md ${W}/SOUL.md`]: 'ok',
    [`rename ${W} /sandbox/work/ws`]: 'ok',
  });
});

test('§d on the kernel: a read_only directory under read_write /sandbox, split by the engine', (t) => {
  const input = policy([...SYSTEM, '/sandbox/config'], ['/sandbox']);
  const { text } = engineSplit(input);
  assert.deepEqual(ruleSet(text).rw, ['/sandbox/.openclaw', '/sandbox/.openclaw-data', '/sandbox/README.txt', '/sandbox/work']);
  if (skipUnlessKernel(t)) return;
  check(text, {
    'read /sandbox/config/settings.json': 'ok',
    'readdir /sandbox/config/sub': 'ok',
    'append /sandbox/config/settings.json': 'EACCES',
    'create /sandbox/config/new': 'EACCES',
    'unlink /sandbox/config/sub/deep.txt': 'EACCES',
    'mkdir /sandbox/config/sub2': 'EACCES',
    'rename /sandbox/config /sandbox/config_old': 'EACCES',
    'rename /sandbox/config/sub /sandbox/work/sub': 'EACCES',
    'rename /sandbox/work/file.txt /sandbox/config/settings.json': 'EACCES',
    'truncate /sandbox/config/settings.json': 'ok', // ABI 2 gap, as measured
    [`append ${W}/SOUL.md`]: 'ok', // under read_write .openclaw
    'create /sandbox/work/new': 'ok',
  });
});
