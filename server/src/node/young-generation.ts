// Lets the language server empty V8's young generation while it is idle, so the next analysis runs
// without a scavenge in it.
//
// Why: the server runs with a small young generation (--max-semi-space-size=2, client/src/server-flags.ts)
// and an analysis keeps what it builds until the next one, so every scavenge copies the live part of
// it. One lands in most analyses, at whatever point the young generation fills: during a 256-path
// policy's first diagnostics it is one scavenge of 2-4 ms out of 13 ms of main-thread work (measured
// here with a `gc` PerformanceObserver). Collecting once the server is idle after start-up and after
// each analysis moves that copy out of the time a user waits for diagnostics (the same idea as V8's own
// idle-time collection in browsers, which Node has no idle notion to drive).
//
// How: V8 exposes a `gc` function only with --expose-gc. Setting that flag at run time makes it
// appear in contexts created afterwards; one such context is made here, its `gc` kept, and the flag
// set back, so no other code (and not the server's own global scope) sees a `gc` function. That costs
// about 2 ms (a context, and node:v8 if nothing loaded it yet): done on the first collection, which
// the server makes when idle, not while it starts.

/** Runs one scavenge of the young generation, synchronously (nothing where V8 refuses). */
export type YoungGenerationCollector = () => void;

export function youngGenerationCollector(): YoungGenerationCollector {
  let collect: ((options: { type: 'minor' | 'major' }) => void) | null | undefined;
  return () => {
    if (collect === undefined) collect = exposedGc();
    collect?.({ type: 'minor' });
  };
}

/** V8's gc function from a context of its own, or null where this V8 refuses. */
function exposedGc(): ((options: { type: 'minor' | 'major' }) => void) | null {
  // Required here rather than imported: the launcher loads this module on every start.
  const { setFlagsFromString } = require('node:v8') as typeof import('node:v8');
  const { runInNewContext } = require('node:vm') as typeof import('node:vm');
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
    return typeof gc === 'function' ? (gc as (options: { type: 'minor' | 'major' }) => void) : null;
  } catch {
    return null;
  } finally {
    try {
      setFlagsFromString('--no-expose-gc');
    } catch {
      // Nothing to undo.
    }
  }
}
