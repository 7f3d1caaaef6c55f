// The tree, policies and §c expectations of landlock-ground-truth.md, shared with later tests (the
// quick-fix split can be run through runKernelCase with GROUND_TRUTH_TREE and SPLIT_EXPECTATIONS).
import { policy } from './harness';

export const W = '/sandbox/.openclaw/workspace';

// The document's tree (sizes: SOUL.md 8 bytes, AGENTS.md 7, openclaw.json and settings.json 3).
export const GROUND_TRUTH_TREE = `
d /usr
d /usr/share
f /usr/share/f.txt
d /usr/local
d /usr/local/bin
f /usr/local/bin/x.txt
d /lib
d /bin
d /etc
d /sandbox
f ${W}/SOUL.md soul-md!
f ${W}/AGENTS.md agents!
f ${W}/memory/m.md
x ${W}/tool
f /sandbox/.openclaw/agents/a.json
f /sandbox/.openclaw/openclaw.json {1}
f /sandbox/.openclaw-data/data.txt
f /sandbox/work/file.txt
x /sandbox/work/tool
f /sandbox/README.txt
f /sandbox/config/settings.json {1}
f /sandbox/config/sub/deep.txt
f /ro-area/secret.txt
f /ro-area/dir/inner.txt
l /sandbox/lnk_file -> /ro-area/secret.txt
l /sandbox/lnk_dir -> /ro-area/dir
`;

export const SYSTEM = ['/usr', '/lib', '/bin', '/etc'];

/** §a: the seed case, rw /sandbox with a read_only SOUL.md below it (OpenShell #698). */
export const SEED_POLICY = policy([...SYSTEM, `${W}/SOUL.md`], ['/sandbox']);

// §c: the Landlock-safe split, written by hand (the quick-fix engine will produce it later).
export const SPLIT_POLICY = policy(
  [...SYSTEM, '/sandbox', `${W}/SOUL.md`],
  [
    '/sandbox/.openclaw-data', '/sandbox/README.txt', '/sandbox/config', '/sandbox/work', '/sandbox/.openclaw/agents',
    '/sandbox/.openclaw/openclaw.json', `${W}/AGENTS.md`, `${W}/memory`, `${W}/tool`,
  ],
);

/**
 * §c probes and the kernel's answers under ABI 2 (measured; the model must agree). SOUL.md: content
 * and name protected, V2 truncation open; siblings writable; the documented costs of the split.
 */
export const SPLIT_EXPECTATIONS: Record<string, string> = {
  // content
  [`append ${W}/SOUL.md`]: 'EACCES',
  [`write ${W}/SOUL.md`]: 'EACCES',
  [`otrunc ${W}/SOUL.md`]: 'EACCES',
  [`rotrunc ${W}/SOUL.md`]: 'ok', // ABI 2 gap
  [`truncate ${W}/SOUL.md`]: 'ok', // ABI 2 gap
  // name
  [`unlink ${W}/SOUL.md`]: 'EACCES',
  [`rename ${W}/memory/m.md ${W}/SOUL.md`]: 'EACCES',
  [`xchg ${W}/memory/m.md ${W}/SOUL.md`]: 'EACCES',
  [`link ${W}/SOUL.md ${W}/memory/soul_hl`]: 'EXDEV',
  [`link ${W}/SOUL.md ${W}/soul_hl`]: 'EACCES',
  [`symlink ${W}/SOUL.md ${W}/memory/soul_sl`]: 'ok',
  [`rename ${W} /sandbox/.openclaw/ws_old`]: 'EACCES',
  [`rename ${W} /sandbox/work/ws_old`]: 'EACCES',
  [`rename /sandbox/.openclaw /sandbox/.oc_old`]: 'EACCES',
  [`rename /sandbox/.openclaw /sandbox/work/oc_old`]: 'EACCES',
  [`rename ${W}/memory /sandbox/work/memory_moved`]: 'EACCES',
  // siblings
  [`read ${W}/SOUL.md`]: 'ok',
  [`exec ${W}/tool`]: 'ok',
  [`exec /sandbox/work/tool`]: 'ok',
  [`append /sandbox/README.txt`]: 'ok',
  [`append /sandbox/work/file.txt`]: 'ok',
  [`append /sandbox/.openclaw-data/data.txt`]: 'ok',
  [`append /sandbox/.openclaw/agents/a.json`]: 'ok',
  [`append /sandbox/.openclaw/openclaw.json`]: 'ok',
  [`append ${W}/memory/m.md`]: 'ok',
  [`append ${W}/AGENTS.md`]: 'ok',
  [`create /sandbox/work/new`]: 'ok',
  [`mkdir /sandbox/work/newdir`]: 'ok',
  [`unlink /sandbox/work/file.txt`]: 'ok',
  [`create /sandbox/.openclaw/agents/new`]: 'ok',
  [`create ${W}/memory/new`]: 'ok',
  [`rename ${W}/memory/m.md ${W}/memory/m2.md`]: 'ok',
  // what the split costs
  [`create /sandbox/new`]: 'EACCES',
  [`mkdir /sandbox/newdir`]: 'EACCES',
  [`create /sandbox/.openclaw/new`]: 'EACCES',
  [`create ${W}/new`]: 'EACCES',
  [`unlink /sandbox/README.txt`]: 'EACCES',
  [`unlink ${W}/AGENTS.md`]: 'EACCES',
  [`rename /sandbox/work /sandbox/work2`]: 'EACCES',
  [`rename ${W}/memory/m.md ${W}/m.md`]: 'EACCES',
};
