// Property tests of the Landlock-safe split over seeded random policies and trees: whatever the
// layout (block/flow lists, 2/4-space indent, zero-indented dashes, CRLF, no final newline, comments
// everywhere, missing read_write key) and whatever the tree (nested directories, files, symlinks in
// and out, dangling links, missing protected paths, a second writable area, the /tmp baseline), after
// `fix --only shadowed-read-only`:
//   - the core reports no shadowed-read-only any more;
//   - every protected path is read-only (core explain), by its canonical path and by its entry;
//   - every path of the tree that was writable and is neither protected (at or under a protected path)
//     nor an ancestor of one is still writable;
//   - the result parses and passes OpenShell's validation (no yaml-syntax, schema, openshell-validation);
//   - every comment of the input is still there.
// A failing seed is printed with the policy and the tree; rerun one with SPLIT_SEED=<n>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, explain, parseTreeListing, primaryDocument } from '../../server/src/core/index';
import type { Analysis, AnalysisOptions, FsView } from '../../server/src/core/index';
import { fixText } from '../../server/src/cli/fix';
import { splitPlanFor } from '../../server/src/core/fixes/split';
import { rng as mulberry32 } from '../seeded-random';

const CASES = Number(process.env.SPLIT_CASES ?? 300);

interface Random {
  next(): number;
  chance(p: number): boolean;
  int(lo: number, hi: number): number;
  pick<T>(items: T[]): T;
}

function random(seed: number): Random {
  const next = mulberry32(seed);
  return {
    next,
    chance: (p) => next() < p,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

interface Node {
  path: string;
  kind: 'd' | 'f' | 'l';
  target?: string;
}

const NAMES = ['a', 'b', 'cfg', 'data', '.hidden', 'work', 'memory', 'x.txt', 'y.md', 'SOUL.md', 'tool', 'notes'];

function genTree(r: Random, withData: boolean, withTmp: boolean): Node[] {
  const nodes: Node[] = [
    { path: '/', kind: 'd' }, { path: '/usr', kind: 'd' }, { path: '/usr/bin', kind: 'd' }, { path: '/lib', kind: 'd' },
    { path: '/etc', kind: 'd' }, { path: '/etc/hosts', kind: 'f' }, { path: '/opt', kind: 'd' }, { path: '/opt/tool', kind: 'f' },
    { path: '/tmp', kind: 'd' },
  ];
  const links: Node[] = [];
  const grow = (dir: string, depth: number) => {
    const names = [...NAMES].sort(() => r.next() - 0.5).slice(0, r.int(1, 5));
    for (const name of names) {
      const path = `${dir}/${name}`;
      const roll = r.next();
      if (depth < 3 && roll < 0.38) {
        nodes.push({ path, kind: 'd' });
        grow(path, depth + 1);
      } else if (roll < 0.86) {
        nodes.push({ path, kind: 'f' });
      } else {
        const link: Node = { path, kind: 'l' };
        nodes.push(link);
        links.push(link);
      }
    }
  };
  nodes.push({ path: '/sandbox', kind: 'd' });
  grow('/sandbox', 1);
  if (withData) {
    nodes.push({ path: '/data', kind: 'd' });
    grow('/data', 1);
  }
  if (withTmp) {
    nodes.push({ path: '/tmp/agent', kind: 'd' }, { path: '/tmp/agent/lock.json', kind: 'f' }, { path: '/tmp/agent/state', kind: 'f' }, { path: '/tmp/x', kind: 'f' });
  }
  const real = nodes.filter((n) => n.kind !== 'l' && n.path !== '/');
  for (const link of links) {
    const roll = r.next();
    if (roll < 0.6) link.target = r.pick(real).path; // anywhere, absolute
    else if (roll < 0.75) link.target = '../' + r.pick(NAMES); // relative, maybe dangling
    else if (roll < 0.9) link.target = '/sandbox/does-not-exist';
    else link.target = '/etc/hosts';
  }
  return nodes;
}

function listing(nodes: Node[]): string {
  return nodes.map((n) => (n.kind === 'l' ? `l ${n.path} -> ${n.target}` : `${n.kind} ${n.path}`)).join('\n') + '\n';
}

interface Layout {
  unit: number;
  zeroIndent: boolean;
  crlf: boolean;
  finalNewline: boolean;
}

let commentId = 0;

function renderList(r: Random, key: string, items: string[], layout: Layout, comments: string[], mode: 'omit' | 'empty' | 'null' | 'list'): string[] {
  const pad = ' '.repeat(layout.unit);
  if (mode === 'omit') return [];
  if (mode === 'null') return [`${pad}${key}:`];
  if (mode === 'empty' || items.length === 0) return [`${pad}${key}: []`];
  const q = (p: string) => (r.chance(0.1) ? JSON.stringify(p) : p);
  if (r.chance(0.2)) return [`${pad}${key}: [${items.map(q).join(', ')}]`];
  const dash = layout.zeroIndent ? pad : pad + pad;
  if (r.chance(0.1)) {
    // A multi-line flow list, sometimes with comments between its items.
    const out = [`${pad}${key}: [`];
    items.forEach((item, i) => {
      let line = `${pad}${pad}${q(item)}${i < items.length - 1 ? ',' : ''}`;
      if (r.chance(0.2)) {
        const c = `# c${++commentId} in flow`;
        comments.push(c);
        line += `  ${c}`;
      }
      out.push(line);
    });
    out.push(`${pad}]`);
    return out;
  }
  const out = [`${pad}${key}:`];
  for (const item of items) {
    if (r.chance(0.12)) {
      const c = `# c${++commentId} own line`;
      comments.push(c);
      out.push(`${dash}${c}`);
    }
    let line = `${dash}- ${q(item)}`;
    if (r.chance(0.25)) {
      const c = `# c${++commentId} trailing`;
      comments.push(c);
      line += `   ${c}`;
    }
    out.push(line);
  }
  return out;
}

interface Case {
  seed: number;
  text: string;
  tree: string;
  comments: string[];
}

function genCase(seed: number): Case {
  const r = random(seed);
  const withData = r.chance(0.3);
  const withTmp = r.chance(0.2);
  const nodes = genTree(r, withData, withTmp);
  const under = (root: string) => nodes.filter((n) => n.path === root || n.path.startsWith(root + '/'));
  const area = [...under('/sandbox'), ...(withData ? under('/data') : [])];
  const dirs = area.filter((n) => n.kind === 'd').map((n) => n.path);

  const rw: string[] = [];
  if (r.chance(0.65)) rw.push('/sandbox');
  for (let i = r.int(0, 2); i > 0; i--) rw.push(r.pick(dirs));
  if (withData && r.chance(0.6)) rw.push('/data');
  if (r.chance(0.08)) {
    const links = area.filter((n) => n.kind === 'l');
    if (links.length) rw.push(r.pick(links).path); // a read_write symlink (reported, but valid)
  }
  const ro = ['/usr', '/lib', '/etc'];
  for (let i = r.int(1, 4); i > 0; i--) ro.push(r.chance(0.1) ? `/sandbox/missing-${i}` : r.pick(area).path);
  const network = withTmp && r.chance(0.7);
  if (network) ro.push(r.pick(['/tmp/agent/lock.json', '/tmp/x', '/tmp/']));
  const includeWorkdir = r.pick([true, false, undefined]);

  const layout: Layout = { unit: r.pick([2, 4]), zeroIndent: r.chance(0.25), crlf: r.chance(0.2), finalNewline: r.chance(0.8) };
  const comments: string[] = [];
  const header = `# c${++commentId} header`;
  comments.push(header);
  const fsKeyComment = r.chance(0.3) ? `  # c${++commentId} key` : '';
  if (fsKeyComment) comments.push(fsKeyComment.trim());
  const pad = ' '.repeat(layout.unit);
  const parts: string[][] = [];
  if (includeWorkdir !== undefined) parts.push([`${pad}include_workdir: ${includeWorkdir}`]);
  parts.push(renderList(r, 'read_only', ro, layout, comments, 'list'));
  parts.push(renderList(r, 'read_write', [...new Set(rw)], layout, comments, rw.length ? 'list' : r.pick(['omit', 'empty', 'null'] as const)));
  parts.sort(() => r.next() - 0.5);
  let fsLines = [`filesystem_policy:${fsKeyComment}`, ...parts.flat()];
  if (r.chance(0.06)) {
    // The whole section as a one-line flow mapping.
    const flow = (items: string[]) => `[${items.join(', ')}]`;
    const entries = [`read_only: ${flow(ro)}`, ...(rw.length ? [`read_write: ${flow([...new Set(rw)])}`] : []), ...(includeWorkdir !== undefined ? [`include_workdir: ${includeWorkdir}`] : [])];
    comments.splice(0, comments.length, header);
    fsLines = [`filesystem_policy: {${entries.join(', ')}}`];
  }
  const lines = [header, 'version: 1', ...fsLines];
  if (network) lines.push('network_policies:', `${pad}api:`, `${pad}${pad}name: api`, `${pad}${pad}endpoints:`, `${pad}${pad}${pad}- host: api.example.com`, `${pad}${pad}${pad}  port: 443`);
  if (r.chance(0.5)) lines.push('landlock:', `${pad}compatibility: best_effort`);
  if (r.chance(0.3)) {
    const c = `# c${++commentId} tail`;
    comments.push(c);
    lines.push(c);
  }
  const eol = layout.crlf ? '\r\n' : '\n';
  const text = lines.join(eol) + (layout.finalNewline ? eol : '');
  return { seed, text, tree: listing(nodes), comments };
}

function canonical(analysis: Analysis, path: string): { path: string; kind: string } {
  const doc = primaryDocument(analysis)!;
  const r = doc.access!.access(path);
  return { path: r.resolved.path, kind: r.kind };
}

function isAtOrUnder(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(dir + '/');
}

function treePaths(tree: string): string[] {
  return tree.trim().split('\n').map((l) => l.slice(2).replace(/ -> .*$/, '')).filter((p) => p !== '/');
}

function checkCase(c: Case, view: FsView | undefined): { shadowed: boolean; problems: string[] } {
  const options: AnalysisOptions = { view, workdir: '/sandbox' };
  const before = analyze(c.text, options);
  const shadowed = before.findings.filter((f) => f.ruleId === 'shadowed-read-only');
  if (shadowed.length === 0) return { shadowed: false, problems: [] };
  const problems: string[] = [];
  const doc = primaryDocument(before)!;
  for (const f of shadowed) {
    if (f.fixes.length === 0) problems.push(`no fix offered for ${f.message}`);
    const preferred = f.fixes.some((x) => x.preferred);
    const plan = splitPlanFor(before, f)?.plan;
    const complete = plan && plan.unknownDirs.length === 0 && (!plan.baselineTmp || plan.tmpRequested);
    if (preferred !== !!complete) problems.push(`fix preferred=${preferred} but the split is ${complete ? 'complete' : 'incomplete or /tmp'}`);
    if (!view && f.fixes.some((x) => !/siblings unknown/.test(x.title)) && plan?.chainDirs.length) problems.push(`no listing, but the title does not say so: ${f.fixes[0]?.title}`);
  }
  const protectedPaths = [...new Set(doc.shadowings!.map((s) => s.rule.boundTo ?? canonical(before, s.rule.path).path))];
  const entries = [...new Set(doc.shadowings!.map((s) => s.entry.raw))];

  const { text } = fixText(c.text, options, 'shadowed-read-only');
  const after = analyze(text, options);
  for (const f of after.findings) {
    if (['yaml-syntax', 'schema', 'openshell-validation', 'shadowed-read-only'].includes(f.ruleId)) problems.push(`after: ${f.ruleId}: ${f.message}`);
  }
  if (!primaryDocument(after)) problems.push('after: not a policy any more');
  else checkAccess(c, view, before, after, protectedPaths, entries, problems);
  for (const comment of c.comments) if (!text.includes(comment)) problems.push(`comment lost: ${comment}`);
  if (c.text.includes('\r\n') && /[^\r]\n/.test(text)) problems.push('LF line break inserted into a CRLF file');
  if (problems.length) problems.push('--- input:', c.text, '--- output:', text, '--- tree:', c.tree);
  return { shadowed: true, problems };
}

function checkAccess(c: Case, view: FsView | undefined, before: Analysis, after: Analysis, protectedPaths: string[], entries: string[], problems: string[]): void {
  for (const p of protectedPaths) {
    const e = explain(after, p);
    if (e.access !== 'read-only') problems.push(`protected ${p} is ${e.access} after the split`);
  }
  for (const raw of entries) {
    const e = explain(after, raw);
    if (e.access !== 'read-only') problems.push(`read_only entry ${raw} is ${e.access} after the split`);
  }
  if (view) {
    for (const q of treePaths(c.tree)) {
      const { path: cq, kind } = canonical(before, q);
      if (kind === 'missing') continue;
      if (explain(before, q).access !== 'read-write') continue;
      if (protectedPaths.some((p) => isAtOrUnder(cq, p) || isAtOrUnder(p, cq))) continue;
      const now = explain(after, q).access;
      if (now !== 'read-write') problems.push(`${q} (${cq}) was writable and is ${now} after the split`);
    }
  }
}

function seeds(): number[] {
  if (process.env.SPLIT_SEED) return [Number(process.env.SPLIT_SEED)];
  return Array.from({ length: CASES }, (_, i) => i + 1);
}

test(`split properties hold with a tree listing (${CASES} seeded policies)`, () => {
  let withShadowing = 0;
  for (const seed of seeds()) {
    const c = genCase(seed);
    const { shadowed, problems } = checkCase(c, parseTreeListing(c.tree, 'generated tree'));
    if (shadowed) withShadowing++;
    assert.deepEqual(problems, [], `seed ${seed}:\n${problems.join('\n')}`);
  }
  // The generator must exercise the split, not just produce policies without shadowing.
  if (!process.env.SPLIT_SEED) assert.ok(withShadowing > CASES / 3, `only ${withShadowing} of ${CASES} cases had a shadowed entry`);
  if (process.env.SPLIT_VERBOSE) console.log(`${withShadowing} of ${CASES} cases had a shadowed entry`);
});

test(`split properties hold without a listing: incomplete, never preferred (${CASES} seeded policies)`, () => {
  let withShadowing = 0;
  for (const seed of seeds()) {
    const c = genCase(seed);
    const { shadowed, problems } = checkCase(c, undefined);
    if (shadowed) withShadowing++;
    assert.deepEqual(problems, [], `seed ${seed}:\n${problems.join('\n')}`);
  }
  if (!process.env.SPLIT_SEED) assert.ok(withShadowing > CASES / 3);
});
