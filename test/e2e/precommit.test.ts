// The pre-commit hook (.pre-commit-hooks.yaml, `language: node`) installed and run by the real
// pre-commit (Debian's), as docs/cli.md tells users to: pre-commit clones this repository, runs
// `npm install` there (whose postinstall builds the bundles), `npm pack` (whose output it reads as the
// tarball's name) and `npm install -g` of the tarball, then runs `landlock-lens check` on the staged
// YAML files. The hook repository is the working tree as it is now (tracked and new files), committed
// into a scratch repository, so the test checks these changes and not only the last commit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { POLICY_FIXTURE, ROOT, missingReason, run, skipOption, which } from './harness';

const PRE_COMMIT = which('pre-commit') ?? '/usr/bin/pre-commit';
const missing = missingReason('pre-commit', [PRE_COMMIT]);
const HOOK_NAME = 'Landlock Lens (OpenShell sandbox policies)';

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=Landlock Lens tests', '-c', 'user.email=tests@landlock-lens.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A repository holding this working tree's files (tracked and new, not ignored), in one commit. */
function snapshotRepository(dir: string): string {
  const files = git(ROOT, 'ls-files', '-co', '--exclude-standard', '-z').split('\0').filter(Boolean);
  for (const file of files) {
    const from = join(ROOT, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(from, join(dir, file));
  }
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'the working tree under test');
  return git(dir, 'rev-parse', 'HEAD');
}

const CLEAN_POLICY = `version: 1
filesystem_policy:
  include_workdir: false
  read_only:
    - /usr
    - /etc
  read_write:
    - /tmp
`;

describe('pre-commit installs the hook from this repository and runs it', { skip: skipOption(missing) }, () => {
  let scratch: string;
  let user: string;
  let env: NodeJS.ProcessEnv;

  before(() => {
    if (missing) throw new Error(missing);
    scratch = mkdtempSync(join(tmpdir(), 'landlock-lens-pre-commit-'));
    const hookRepo = join(scratch, 'hook');
    mkdirSync(hookRepo);
    const rev = snapshotRepository(hookRepo);
    user = join(scratch, 'user');
    mkdirSync(user);
    git(user, 'init', '-q');
    writeFileSync(join(user, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: landlock-lens\n`);
    copyFileSync(POLICY_FIXTURE, join(user, 'policy.yaml'));
    writeFileSync(join(user, 'notes.yaml'), 'owner: platform-team\nreview: quarterly\n');
    git(user, 'add', '-A');
    env = { ...process.env, PRE_COMMIT_HOME: join(scratch, 'pre-commit-home'), LANDLOCK_LENS_CODE_CACHE: 'off' };
  });
  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('fails the commit on the #698 policy, with the finding where it is, and leaves other YAML alone', { timeout: 600_000 }, async () => {
    // The first run installs the hook's environment (npm install of this repository: a minute or two).
    const r = await run(PRE_COMMIT, ['run', '--all-files', '--color', 'never'], { cwd: user, env, timeoutMs: 590_000 });
    const out = r.stdout + r.stderr;
    assert.equal(r.code, 1, out);
    assert.match(out, new RegExp(`${HOOK_NAME.replace(/[()]/g, '\\$&')}\\.+Failed`));
    assert.match(out, /policy\.yaml:13:7: error \[shadowed-read-only\] read_only `\/sandbox\/\.openclaw\/workspace\/SOUL\.md` has no effect/);
    assert.match(out, /notes\.yaml: not analysed: no top-level OpenShell policy keys/);
    assert.doesNotMatch(out, /An unexpected error has occurred/);
  });

  it('passes once the policy no longer has errors or warnings', { timeout: 300_000 }, async () => {
    writeFileSync(join(user, 'policy.yaml'), CLEAN_POLICY);
    git(user, 'add', '-A');
    const r = await run(PRE_COMMIT, ['run', '--all-files', '--color', 'never'], { cwd: user, env, timeoutMs: 290_000 });
    const out = r.stdout + r.stderr;
    assert.equal(r.code, 0, out);
    assert.match(out, new RegExp(`${HOOK_NAME.replace(/[()]/g, '\\$&')}\\.+Passed`));
    assert.equal(readFileSync(join(user, 'policy.yaml'), 'utf8'), CLEAN_POLICY, 'the hook checks; it does not rewrite');
  });
});
