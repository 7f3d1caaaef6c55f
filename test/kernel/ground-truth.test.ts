// The seed cases of landlock-ground-truth.md (§a-§f), replayed on this machine's kernel and compared,
// probe by probe, with the core's prediction. Each case also pins the kernel's answers the document
// reports, so a change of kernel behaviour (or of the oracle) shows up as such, not as a model bug.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelSupport, policy, runKernelCase, runKernelSequence, type KernelCaseResult } from './harness';
import { GROUND_TRUTH_TREE as TREE, SEED_POLICY, SPLIT_EXPECTATIONS, SPLIT_POLICY, W } from './ground-truth-fixtures';

/** Runs the probes, requires the model to agree with the kernel, then the kernel to say what the document says. */
function check(policyYaml: string, expected: Record<string, string>, abi = 2, tree = TREE): KernelCaseResult {
  const result = runKernelCase(policyYaml, tree, Object.keys(expected), { abi });
  assert.deepEqual(result.rulesetProblems, [], result.report());
  assert.deepEqual(result.disagreements, [], result.report());
  const kernel = Object.fromEntries(result.probes.map((p) => [p.op, p.kernel]));
  assert.deepEqual(kernel, expected, 'the kernel no longer answers as landlock-ground-truth.md reports');
  return result;
}

function skipUnlessKernel(t: { skip(message?: string): void }, abi = 2): boolean {
  const s = kernelSupport();
  if (!s.ok) {
    t.skip(s.reason);
    return true;
  }
  if (s.kernelAbi < abi) {
    t.skip(`needs Landlock ABI ${abi}, the kernel offers ${s.kernelAbi}`);
    return true;
  }
  return false;
}

test('§a seed (#698): a read_only SOUL.md under read_write /sandbox stays fully writable', (t) => {
  if (skipUnlessKernel(t)) return;
  check(SEED_POLICY, {
    [`read ${W}/SOUL.md`]: 'ok',
    [`append ${W}/SOUL.md`]: 'ok',
    [`write ${W}/SOUL.md`]: 'ok',
    [`otrunc ${W}/SOUL.md`]: 'ok',
    [`truncate ${W}/SOUL.md`]: 'ok',
    [`rename ${W}/AGENTS.md ${W}/SOUL.md`]: 'ok',
    [`unlink ${W}/SOUL.md`]: 'ok',
    [`link ${W}/SOUL.md /sandbox/work/soul_hl`]: 'ok',
    [`rename ${W} /sandbox/.openclaw/ws_old`]: 'ok',
    [`exec ${W}/tool`]: 'ok',
  });
  // The document's multi-step probes: state carries over (kernel only, the model describes a start).
  assert.deepEqual(
    runKernelSequence(SEED_POLICY, TREE, [
      `create ${W}/x`, `rename ${W}/x ${W}/SOUL.md`, `size ${W}/SOUL.md`,
      `unlink ${W}/SOUL.md`, `create ${W}/SOUL.md`,
      `link ${W}/AGENTS.md /sandbox/work/agents_hl`, `append /sandbox/work/agents_hl`, `size ${W}/AGENTS.md`,
      `rename ${W} /sandbox/.openclaw/ws_old`, `exec /sandbox/.openclaw/ws_old/tool`,
    ]),
    ['ok', 'ok', 'ok 0', 'ok', 'ok', 'ok', 'ok', 'ok 8', 'ok', 'ok'],
  );
});

const READ_ONLY_FILES = policy([`${W}/SOUL.md`, `${W}/AGENTS.md`, '/sandbox/.openclaw/openclaw.json'], []);

test('§b truncation gap: under ABI 2 a read_only file with no read_write ancestor can still be emptied', (t) => {
  if (skipUnlessKernel(t)) return;
  check(READ_ONLY_FILES, {
    [`read ${W}/SOUL.md`]: 'ok',
    [`append ${W}/SOUL.md`]: 'EACCES',
    [`otrunc ${W}/SOUL.md`]: 'EACCES',
    [`truncate ${W}/SOUL.md`]: 'ok',
    [`rotrunc ${W}/AGENTS.md`]: 'ok',
  });
  assert.deepEqual(
    runKernelSequence(READ_ONLY_FILES, TREE, [`truncate ${W}/SOUL.md`, `size ${W}/SOUL.md`, `rotrunc ${W}/AGENTS.md`, `size ${W}/AGENTS.md`]),
    ['ok', 'ok 0', 'ok', 'ok 0'],
    'truncate(2) and O_RDONLY|O_TRUNC empty the read_only files under ABI 2',
  );
});

for (const abi of [3, 5]) {
  test(`§b truncation gap closed when the ruleset handles ABI ${abi}`, (t) => {
    if (skipUnlessKernel(t, abi)) return;
    check(
      READ_ONLY_FILES,
      {
        [`read ${W}/SOUL.md`]: 'ok',
        [`append ${W}/SOUL.md`]: 'EACCES',
        [`otrunc ${W}/SOUL.md`]: 'EACCES',
        [`truncate ${W}/SOUL.md`]: 'EACCES',
        [`rotrunc ${W}/AGENTS.md`]: 'EACCES',
      },
      abi,
    );
    assert.deepEqual(
      runKernelSequence(READ_ONLY_FILES, TREE, [`truncate ${W}/SOUL.md`, `size ${W}/SOUL.md`, `rotrunc ${W}/AGENTS.md`, `size ${W}/AGENTS.md`], { abi }),
      ['EACCES', 'ok 8', 'EACCES', 'ok 7'],
    );
  });
}

test('§c split: SOUL.md protected against write, unlink, rename-over and parent rename; siblings still writable', (t) => {
  if (skipUnlessKernel(t)) return;
  check(SPLIT_POLICY, SPLIT_EXPECTATIONS);
  assert.deepEqual(
    runKernelSequence(SPLIT_POLICY, TREE, [
      `symlink ${W}/SOUL.md ${W}/memory/soul_sl`, `append ${W}/memory/soul_sl`,
      `create ${W}/memory/x`, `rename ${W}/memory/x ${W}/SOUL.md`, `size ${W}/SOUL.md`,
      // entries created from outside while the sandbox runs
      'root create /sandbox/late.txt', 'append /sandbox/late.txt',
      `root create ${W}/late.md`, `append ${W}/late.md`,
      `root create ${W}/memory/late.md`, `append ${W}/memory/late.md`,
      `root create ${W}/agents.tmp`, `root rename ${W}/agents.tmp ${W}/AGENTS.md`, `append ${W}/AGENTS.md`,
    ]),
    ['ok', 'EACCES', 'ok', 'EACCES', 'ok 8', 'ok', 'EACCES', 'ok', 'EACCES', 'ok', 'ok', 'ok', 'ok', 'EACCES'],
  );
});

test('§c split under ABI 3: truncate(2) on SOUL.md refused too', (t) => {
  if (skipUnlessKernel(t, 3)) return;
  check(SPLIT_POLICY, { [`truncate ${W}/SOUL.md`]: 'EACCES', [`rotrunc ${W}/SOUL.md`]: 'EACCES', [`append /sandbox/README.txt`]: 'ok' }, 3);
});

test('§d a read_only directory under read_write /sandbox has no effect', (t) => {
  if (skipUnlessKernel(t)) return;
  const p = policy(['/sandbox/config'], ['/sandbox']);
  check(p, {
    [`append /sandbox/config/settings.json`]: 'ok',
    [`create /sandbox/config/new`]: 'ok',
    [`append /sandbox/config/sub/deep.txt`]: 'ok',
    [`unlink /sandbox/config/sub/deep.txt`]: 'ok',
    [`rmdir /sandbox/config/sub`]: 'ENOTEMPTY', // allowed: only the content stops it
    [`mkdir /sandbox/config/newdir`]: 'ok',
    [`rename /sandbox/config /sandbox/config_old`]: 'ok',
  });
  assert.deepEqual(
    runKernelSequence(p, TREE, [
      'unlink /sandbox/config/sub/deep.txt', 'rmdir /sandbox/config/sub',
      'rename /sandbox/config /sandbox/config_old', 'mkdir /sandbox/config', 'create /sandbox/config/settings.json',
    ]),
    ['ok', 'ok', 'ok', 'ok', 'ok'],
  );
});

test('§d NemoClaw shape: read_only /sandbox/.openclaw under read_write /sandbox is writable', (t) => {
  if (skipUnlessKernel(t)) return;
  check(policy(['/sandbox/.openclaw'], ['/sandbox', '/sandbox/.openclaw-data']), {
    [`append /sandbox/.openclaw/openclaw.json`]: 'ok',
    [`create /sandbox/.openclaw/new.json`]: 'ok',
    [`append ${W}/SOUL.md`]: 'ok',
    [`rename /sandbox/.openclaw /sandbox/.openclaw_old`]: 'ok',
  });
});

test('§d split of a read_only directory: content and names protected, except ABI 2 truncation', (t) => {
  if (skipUnlessKernel(t)) return;
  check(policy(['/sandbox', '/sandbox/config'], ['/sandbox/.openclaw', '/sandbox/.openclaw-data', '/sandbox/README.txt', '/sandbox/work']), {
    [`read /sandbox/config/settings.json`]: 'ok',
    [`readdir /sandbox/config/sub`]: 'ok',
    [`append /sandbox/config/settings.json`]: 'EACCES',
    [`create /sandbox/config/new`]: 'EACCES',
    [`append /sandbox/config/sub/deep.txt`]: 'EACCES',
    [`unlink /sandbox/config/sub/deep.txt`]: 'EACCES',
    [`mkdir /sandbox/config/sub2`]: 'EACCES',
    [`rename /sandbox/config /sandbox/config_old`]: 'EACCES',
    [`rename /sandbox/config/sub /sandbox/work/sub`]: 'EACCES',
    [`rename /sandbox/work/file.txt /sandbox/config/settings.json`]: 'EACCES',
    [`truncate /sandbox/config/settings.json`]: 'ok',
    [`append ${W}/SOUL.md`]: 'ok',
  });
});

test('§e read_write /usr/local under read_only /usr: rights add up, moves across fail', (t) => {
  if (skipUnlessKernel(t)) return;
  check(policy(['/usr'], ['/usr/local']), {
    [`append /usr/local/bin/x.txt`]: 'ok',
    [`create /usr/local/new`]: 'ok',
    [`mkdir /usr/local/newdir`]: 'ok',
    [`rename /usr/local/bin /usr/local/bin2`]: 'ok',
    [`unlink /usr/local/bin/x.txt`]: 'ok',
    [`read /usr/share/f.txt`]: 'ok',
    [`append /usr/share/f.txt`]: 'EACCES',
    [`create /usr/new`]: 'EACCES',
    [`rename /usr/local /usr/local2`]: 'EACCES',
    [`rename /usr/local/bin/x.txt /usr/share/new`]: 'EACCES',
    [`rename /usr/share/f.txt /usr/local/f.txt`]: 'EACCES',
    [`link /usr/share/f.txt /usr/local/f_hl`]: 'EXDEV',
  });
});

test('§f1 a read_only rule on a symlink protects its target through every path, not the link', (t) => {
  if (skipUnlessKernel(t)) return;
  const p = policy(['/sandbox/lnk_file'], ['/sandbox']);
  check(p, {
    [`read /ro-area/secret.txt`]: 'ok',
    [`read /ro-area/dir/inner.txt`]: 'EACCES',
    [`append /ro-area/secret.txt`]: 'EACCES',
    [`append /sandbox/lnk_file`]: 'EACCES',
    [`unlink /sandbox/lnk_file`]: 'ok',
  });
  assert.deepEqual(
    runKernelSequence(p, TREE, ['unlink /sandbox/lnk_file', 'symlink /sandbox/work/file.txt /sandbox/lnk_file', 'append /sandbox/lnk_file']),
    ['ok', 'ok', 'ok'],
  );
});

test('§f2 a read_write rule on a symlink makes its target writable inside a read-only area', (t) => {
  if (skipUnlessKernel(t)) return;
  check(policy(['/ro-area'], ['/sandbox/lnk_dir']), {
    [`append /ro-area/dir/inner.txt`]: 'ok',
    [`create /ro-area/dir/new`]: 'ok',
    [`append /sandbox/lnk_dir/inner.txt`]: 'ok',
    [`append /ro-area/secret.txt`]: 'EACCES',
    [`readdir /sandbox`]: 'EACCES',
    [`unlink /sandbox/lnk_dir`]: 'EACCES',
  });
});

const F3 = policy(['/sandbox', `${W}/SOUL.md`], ['/sandbox/work', '/sandbox/work/cache']);

test('§f3 a symlink planted at a missing rule path redirects the rule at the next start', (t) => {
  if (skipUnlessKernel(t)) return;
  // First start: work/cache is missing (rule skipped); the sandbox may plant the link.
  check(F3, { [`append ${W}/SOUL.md`]: 'EACCES', [`symlink ${W} /sandbox/work/cache`]: 'ok' });
  // Next start, same policy: the rw rule now binds to the workspace; the tree listing shows the link.
  check(F3, { [`append ${W}/SOUL.md`]: 'ok', [`otrunc ${W}/SOUL.md`]: 'ok', [`unlink ${W}/SOUL.md`]: 'ok' }, 2, TREE + `l /sandbox/work/cache -> ${W}\n`);
});

test('include_workdir: the workdir is appended to read_write and overrides read_only below it', (t) => {
  if (skipUnlessKernel(t)) return;
  const expected = {
    [`append ${W}/SOUL.md`]: 'ok',
    [`create /sandbox/new`]: 'ok',
    [`append /ro-area/secret.txt`]: 'EACCES',
    [`read /ro-area/secret.txt`]: 'ok',
  };
  check(policy(['/ro-area', `${W}/SOUL.md`], [], true), expected);
  // Same when the workdir is listed too (OpenShell does not append it twice).
  check(policy(['/ro-area', `${W}/SOUL.md`], ['/sandbox'], true), expected);
  // Another workdir: only that subtree is writable.
  const other = runKernelCase(policy(['/sandbox'], [], true), TREE, ['append /sandbox/work/file.txt', 'create /sandbox/work/new', 'append /sandbox/README.txt', 'rmdir /sandbox/work'], {
    workdir: '/sandbox/work',
  });
  assert.deepEqual(other.rulesetProblems, [], other.report());
  assert.deepEqual(other.disagreements, [], other.report());
  assert.deepEqual(other.probes.map((p) => p.kernel), ['ok', 'ok', 'EACCES', 'EACCES']);
});
