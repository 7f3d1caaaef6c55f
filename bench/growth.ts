// How the analysis' cost grows with the number of paths (2,000 -> 20,000), analyze() alone in a fresh
// process per V8 configuration: the language server's flags (client/src/server-flags.ts,
// what VS Code starts it with) and Node's defaults (the CLI, `landlock-lens check`). The young
// generation's size decides how much of a large analysis the scavenger copies, so the two differ.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleLikeTheServer } from './bundle';
import { writeAll } from './generate';
import { serverV8Flags } from './lsp-bench';
import { median } from './stats';
import { editOffset } from './typing';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface GrowthRow {
  label: string;
  flags: string[];
  bySize: Record<number, { cpuMs: number; wallMs: number; runs: number }>;
}

/**
 * Runs the worker `repeats` times per configuration, alternating configurations (A B A B), and keeps per
 * size the median of the runs' medians: GC helper threads make one process's figure vary by a fifth.
 */
export async function measureGrowth(sizes: number[], configurations: { label: string; flags: string[] }[], repeats = 3): Promise<GrowthRow[]> {
  const outDir = join(ROOT, 'bench/out');
  mkdirSync(outDir, { recursive: true });
  const worker = join(outDir, 'growth-worker.js');
  await bundleLikeTheServer(join(ROOT, 'bench/growth-worker.ts'), worker);
  const args = writeAll(sizes).policies.map((p) => `${p.paths}=${p.file}=${editOffset(p.gen)}`);
  const runs = configurations.map(() => [] as GrowthRow['bySize'][]);
  for (let r = 0; r < repeats; r++) {
    configurations.forEach(({ label, flags }, i) => {
      const child = spawnSync(process.execPath, [...flags, worker, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
      if (child.status !== 0) throw new Error(`growth worker (${label}) failed: ${child.stderr || child.error}`);
      runs[i].push(JSON.parse(child.stdout));
    });
  }
  return configurations.map(({ label, flags }, i) => ({
    label,
    flags,
    bySize: Object.fromEntries(sizes.map((n) => [n, {
      cpuMs: median(runs[i].map((b) => b[n].cpuMs)),
      wallMs: median(runs[i].map((b) => b[n].wallMs)),
      runs: runs[i].reduce((sum, b) => sum + b[n].runs, 0),
    }])),
  }));
}

/** The two configurations the product runs the analysis in. */
export function productConfigurations(): { label: string; flags: string[] }[] {
  return [
    { label: 'language server (VS Code\'s flags)', flags: serverV8Flags() },
    { label: 'CLI (Node defaults)', flags: [] },
  ];
}

export const growthOf = (row: GrowthRow, from: number, to: number, metric: 'cpuMs' | 'wallMs' = 'cpuMs') => row.bySize[to][metric] / row.bySize[from][metric];

async function main(): Promise<void> {
  const rows = await measureGrowth([2000, 20000], productConfigurations());
  for (const r of rows) console.log(`${r.label} (${r.flags.join(' ') || 'no flags'}): 2,000 ${r.bySize[2000].cpuMs.toFixed(1)} ms, 20,000 ${r.bySize[20000].cpuMs.toFixed(1)} ms CPU: ${growthOf(r, 2000, 20000).toFixed(1)}x`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(e);
    process.exit(2);
  });
}
