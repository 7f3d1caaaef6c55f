// Seeded generator of realistic OpenShell policies for the benchmarks.
//
// The shapes follow the real policies in the corpus (NemoClaw / OpenShell-Community / OpenShell examples):
// version 1, a filesystem_policy whose read_only list contains entries nested under read_write
// directories (the issue #698 shape: SOUL.md read_only under read_write /sandbox), explanatory comments
// (own-line and trailing), landlock, process, and network_policies mixing flow and block endpoints,
// L7 rules and binaries. Sizes count read_only + read_write entries; 256 is OpenShell's limit
// (MAX_FILESYSTEM_PATHS), 2,000 and 20,000 are stress sizes beyond it.
//
// Run directly (`node --import tsx bench/generate.ts`) to write bench/out/; the benchmarks import
// `generatePolicy` / `generateNonPolicy` and write the same files (same seed -> same bytes).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from '../test/seeded-random';
export { rng };

export const POLICY_SIZES = [16, 256, 2000, 20000] as const;
export const NON_POLICY_LINES = 50000;

export const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'out');


const WORDS = [
  'alpha', 'billing', 'cache', 'delta', 'edge', 'feeds', 'gateway', 'harbor', 'ingest', 'jobs', 'kiln', 'ledger',
  'metrics', 'notify', 'orbit', 'pipeline', 'quota', 'relay', 'search', 'tensor', 'upload', 'vault', 'worker',
  'xray', 'yield', 'zephyr', 'openclaw', 'nemo', 'agent', 'notebook', 'trainer', 'eval',
];
const RW_ROOTS = ['/sandbox/projects', '/sandbox/.cache', '/home/agent', '/workspace/repos', '/var/tmp/jobs', '/srv/scratch'];
const RO_ROOTS = ['/opt/tools', '/usr/local/share', '/srv/datasets', '/etc/app', '/opt/models', '/usr/share/doc'];
// Files/dirs people mark read_only inside a writable tree (and that Landlock still lets the agent write).
const PROTECTED_CHILDREN = ['.git/config', 'SOUL.md', 'secrets/token', 'config.yaml', '.env', 'AGENTS.md', 'bin', '.ssh/authorized_keys'];
const RW_UNDER_RO = ['cache', 'logs', 'tmp', 'state'];
const RO_COMMENTS = [
  'immutable config: agents must not edit this',
  'secrets mounted by the gateway',
  'prevent tampering with auth tokens',
  'shipped with the image, read only',
  'Ref: https://github.com/NVIDIA/NemoClaw/issues/804',
];
const RW_COMMENTS = ['writable agent state', 'build cache', 'scratch space for jobs', 'plugin state and config'];
const HOSTS = ['api', 'inference', 'registry', 'cdn', 'hooks', 'auth', 'files', 'status'];
const BINARIES = ['/usr/bin/curl', '/usr/bin/git', '/usr/bin/node', '/usr/local/bin/claude', '/usr/bin/python3', '/bin/bash', '/usr/local/bin/openclaw', '/usr/bin/gh'];

export interface GeneratedPolicy {
  paths: number;
  text: string;
  /** A read_only path nested under the read_write /sandbox (shadowed), in the middle of the file. */
  hoverPath: string;
  /** The path the "small edit" toggles one character of (also read_only, mid-file). */
  editPath: string;
}

interface Entry {
  path: string;
  comment?: string;
}

/** A policy with exactly `paths` filesystem entries (read_only + read_write). */
export function generatePolicy(paths: number, seed = 0x1a2b3c ^ paths): GeneratedPolicy {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const readOnly: Entry[] = [
    { path: '/usr' }, { path: '/lib' }, { path: '/proc' }, { path: '/dev/urandom' }, { path: '/app' }, { path: '/etc' }, { path: '/var/log' },
    { path: '/sandbox/.openclaw', comment: 'Immutable gateway config: prevents the agent from tampering with auth tokens' },
  ];
  const readWrite: Entry[] = [{ path: '/sandbox', comment: 'home directory' }, { path: '/tmp' }, { path: '/dev/null' }];
  const total = () => readOnly.length + readWrite.length;
  const used = new Set<string>([...readOnly, ...readWrite].map((e) => e.path));
  const add = (list: Entry[], path: string, comment?: string) => {
    if (used.has(path) || total() >= paths) return;
    used.add(path);
    list.push(comment ? { path, comment } : { path });
  };
  // Fixed, findable entries placed at the middle of the read_only list (the benchmarks hover/edit them).
  const hoverPath = '/sandbox/.openclaw/workspace/SOUL.md';
  const editPath = '/sandbox/projects/bench-edit/notes.md';
  let k = 0;
  while (total() < paths) {
    if (readOnly.length >= Math.floor(paths * 0.3) && !used.has(hoverPath)) {
      add(readOnly, hoverPath, 'the agent must not rewrite its own persona (issue #698)');
      add(readOnly, editPath);
      continue;
    }
    const name = `${pick(WORDS)}-${k++}`;
    if (r() < 0.45) {
      // A writable project with protected files inside it: the shape Landlock does not honour.
      const dir = `${pick(RW_ROOTS)}/${name}`;
      add(readWrite, dir, r() < 0.2 ? pick(RW_COMMENTS) : undefined);
      const children = 1 + Math.floor(r() * 3);
      for (let c = 0; c < children; c++) add(readOnly, `${dir}/${pick(PROTECTED_CHILDREN)}`, r() < 0.25 ? pick(RO_COMMENTS) : undefined);
    } else {
      const dir = `${pick(RO_ROOTS)}/${name}`;
      add(readOnly, dir, r() < 0.15 ? pick(RO_COMMENTS) : undefined);
      if (r() < 0.35) add(readWrite, `${dir}/${pick(RW_UNDER_RO)}`, r() < 0.2 ? pick(RW_COMMENTS) : undefined);
    }
  }
  if (!used.has(hoverPath)) {
    // Tiny sizes: swap the last generated read_only entries for the fixed ones.
    for (const p of [editPath, hoverPath]) {
      const i = readOnly.length - 1;
      used.delete(readOnly[i].path);
      readOnly[i] = { path: p };
      used.add(p);
    }
  }

  const out: string[] = [];
  out.push('# SPDX-License-Identifier: Apache-2.0');
  out.push(`# Generated benchmark policy: ${paths} filesystem paths (seed ${seed}).`);
  out.push('# Principle: deny by default, allow only what is needed for the agent to work.');
  out.push('');
  out.push('version: 1');
  out.push('');
  out.push('# --- Sandbox setup configuration (queried once at startup) ---');
  out.push('filesystem_policy:');
  out.push('  # Workdir stays out: include_workdir would make /sandbox writable again.');
  out.push('  include_workdir: false');
  const emit = (key: string, list: Entry[]) => {
    out.push(`  ${key}:`);
    list.forEach((e, i) => {
      if (i > 0 && i % 24 === 0) out.push(`    # --- group ${i / 24} ---`);
      out.push(e.comment ? `    - ${e.path}   # ${e.comment}` : `    - ${e.path}`);
    });
  };
  emit('read_only', readOnly);
  emit('read_write', readWrite);
  out.push('');
  out.push('landlock:');
  out.push('  compatibility: best_effort');
  out.push('');
  out.push('process:');
  out.push('  run_as_user: sandbox');
  out.push('  run_as_group: sandbox');
  out.push('');
  out.push('# --- Network policies (queried per-CONNECT request) ---');
  out.push('network_policies:');
  const policies = Math.max(3, Math.round(paths / 32));
  for (let p = 0; p < policies; p++) {
    const svc = `${pick(WORDS)}_${p}`;
    out.push(`  ${svc}:`);
    out.push(`    name: ${svc.replace(/_/g, '-')}`);
    out.push('    endpoints:');
    const endpoints = 1 + Math.floor(r() * 3);
    for (let e = 0; e < endpoints; e++) {
      const host = `${pick(HOSTS)}.${svc.replace(/_/g, '-')}.example.com`;
      const style = r();
      if (style < 0.45) {
        out.push(`      - { host: ${host}, port: 443 }`);
      } else if (style < 0.7) {
        out.push(`      - { host: ${host}, port: 443, protocol: rest, enforcement: enforce, access: ${r() < 0.5 ? 'full' : 'read-only'}, tls: terminate }`);
      } else {
        out.push(`      - host: ${host}`);
        out.push('        port: 443');
        out.push('        protocol: rest');
        out.push('        enforcement: enforce');
        out.push('        tls: terminate');
        out.push('        rules:');
        if (r() < 0.5) out.push('          # read-only API access');
        const rules = 1 + Math.floor(r() * 4);
        for (let q = 0; q < rules; q++) {
          out.push(`          - allow: { method: ${pick(['GET', 'POST', 'HEAD'])}, path: "/v${1 + Math.floor(r() * 2)}/${pick(WORDS)}/**" }`);
        }
      }
    }
    out.push('    binaries:');
    const bins = 1 + Math.floor(r() * 3);
    const chosen = new Set<string>();
    for (let b = 0; b < bins; b++) chosen.add(pick(BINARIES));
    for (const b of chosen) out.push(`      - { path: ${b} }`);
    if (p % 8 === 7) out.push('');
  }
  out.push('');
  return { paths, text: out.join('\n'), hoverPath, editPath };
}

/**
 * A large YAML file that is not a policy (a multi-service deployment config): detection should
 * reject it before any full parse, so analysing it must cost next to nothing.
 */
export function generateNonPolicy(lines = NON_POLICY_LINES, seed = 0xbeef): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const out: string[] = ['# Deployment inventory (not an OpenShell policy)', 'apiVersion: inventory/v1', 'kind: ServiceInventory', 'services:'];
  let s = 0;
  while (out.length < lines - 8) {
    const name = `${pick(WORDS)}-${s++}`;
    out.push(`  - name: ${name}`);
    out.push(`    image: registry.example.com/${name}:${1 + Math.floor(r() * 9)}.${Math.floor(r() * 20)}.${Math.floor(r() * 50)}`);
    out.push(`    replicas: ${1 + Math.floor(r() * 5)}`);
    out.push('    env:');
    const envs = 1 + Math.floor(r() * 4);
    for (let e = 0; e < envs; e++) out.push(`      - { name: ${pick(WORDS).toUpperCase()}_${e}, value: "${pick(WORDS)}" }`);
    out.push('    ports: [8080, 9090]');
    if (r() < 0.3) out.push(`    # owner: team-${pick(WORDS)}`);
    out.push('    volumes:');
    out.push(`      - /data/${name}`);
  }
  while (out.length < lines) out.push(`# padding ${out.length}`);
  return out.join('\n') + '\n';
}

export interface GeneratedFiles {
  policies: { paths: number; file: string; gen: GeneratedPolicy }[];
  nonPolicy: { lines: number; file: string; text: string };
}

export function writeAll(sizes: readonly number[] = POLICY_SIZES): GeneratedFiles {
  mkdirSync(OUT_DIR, { recursive: true });
  const policies = sizes.map((paths) => {
    const gen = generatePolicy(paths);
    const file = join(OUT_DIR, `policy-${paths}.yaml`);
    writeFileSync(file, gen.text);
    return { paths, file, gen };
  });
  const text = generateNonPolicy();
  const file = join(OUT_DIR, `non-policy-${NON_POLICY_LINES}.yaml`);
  writeFileSync(file, text);
  return { policies, nonPolicy: { lines: NON_POLICY_LINES, file, text } };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = writeAll();
  for (const p of files.policies) {
    console.log(`${p.file}: ${p.paths} paths, ${p.gen.text.split('\n').length} lines, ${(p.gen.text.length / 1024).toFixed(1)} KiB`);
  }
  console.log(`${files.nonPolicy.file}: ${files.nonPolicy.lines} lines, ${(files.nonPolicy.text.length / 1024).toFixed(1)} KiB`);
}
