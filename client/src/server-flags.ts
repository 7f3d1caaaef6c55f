// The V8 flags VS Code starts the language server with. Kept apart from extension.ts (which needs the
// `vscode` module) so bench/ starts the server exactly as the extension does and unit tests can check them.
import { availableParallelism } from 'node:os';

/**
 * Node's default pool of V8 background threads (concurrent compilation, parallel and concurrent GC).
 * `--v8-pool-size` above it is never asked for.
 */
const NODE_DEFAULT_V8_POOL_SIZE = 4;

/**
 * Background threads for V8: one core less than the machine has, so the server's main thread keeps a
 * core of its own, and never more than Node's default. On 2 cores Node's four threads fought the main
 * thread (and the editor) for the cores: the first diagnostics of a 2,000-path policy took 100 ms of wall
 * time for 55 ms of main-thread work and 160 ms of CPU in all; with one thread, 70 ms and 105 ms of CPU.
 * BENCHMARKS.md compares the two in every full run (`ours-pool4`). From 5 cores up this is Node's default.
 */
export function v8PoolSize(cores: number): number {
  // A count that is not a number (never seen; a flag of NaN would stop Node from starting) keeps the default.
  if (!Number.isFinite(cores)) return NODE_DEFAULT_V8_POOL_SIZE;
  return Math.max(1, Math.min(NODE_DEFAULT_V8_POOL_SIZE, Math.floor(cores) - 1));
}

/**
 * The flags, for a machine with `cores` cores.
 * - `--max-semi-space-size=2`: small young-generation semi-spaces; an analysis allocates little, and V8's
 *   default (16 MiB semi-spaces) costs the process 20-40 MiB of resident memory for nothing (bench/,
 *   BENCHMARKS.md).
 * - `--min-semi-space-size=2`: start at that size rather than V8's 1 MiB, which the first diagnostics of a
 *   policy of OpenShell's 256 paths (about 1 MiB of analysis, message and publication) outgrew: a
 *   scavenge landed in 3 of 5 first diagnostics, 1 of 5 with this; 12 -> 10 ms to first diagnostics in
 *   three A/B runs, 2,000 paths 75-80 -> 72-73 ms, peak memory unchanged at every size. At 16 paths
 *   first diagnostics took about a millisecond more (5 -> 6 ms), with no collection and as many page faults
 *   either way: not explained.
 */
export function serverV8Flags(cores = availableParallelism()): string[] {
  return ['--min-semi-space-size=2', '--max-semi-space-size=2', `--v8-pool-size=${v8PoolSize(cores)}`];
}
