// Lets the language server empty V8's young generation while it is idle, so the next analysis runs
// without a scavenge in it.
//
// Why: the server runs with a small young generation (--max-semi-space-size=2, client/src/server-flags.ts)
// and an analysis keeps what it builds until the next one, so every scavenge copies the live part of
// it. One lands in most analyses, at whatever point the young generation fills: during a 256-path
// policy's first diagnostics it is one scavenge of 2-4 ms out of 13 ms of main-thread work (measured
// here with a `gc` PerformanceObserver). Collecting after initialization and after each publication,
// when nobody waits on the server, moves that copy out of the time a user waits for diagnostics (the
// same idea as V8's own idle-time collection in browsers, which Node has no idle notion to drive).
//
// How: V8 exposes a `gc` function only with --expose-gc. Setting that flag at run time makes it
// appear in contexts created afterwards; one such context is made here, its `gc` kept, and the flag
// set back, so no other code (and not the server's own global scope) sees a `gc` function.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Runs one scavenge of the young generation, synchronously. */
export type YoungGenerationCollector = () => void;

/** A collector, or undefined where this V8 refuses (the server then simply runs without one). */
export function youngGenerationCollector(): YoungGenerationCollector | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
    if (typeof gc !== 'function') return undefined;
    const collect = gc as (options: { type: 'minor' | 'major' }) => void;
    return () => collect({ type: 'minor' });
  } catch {
    return undefined;
  } finally {
    try {
      setFlagsFromString('--no-expose-gc');
    } catch {
      // Nothing to undo.
    }
  }
}
