// Lets the language server empty V8's young generation while it is idle, so the next analysis runs
// without a scavenge in it.
//
// Why: the server runs with a small young generation (--max-semi-space-size=2, client/src/server-flags.ts)
// and an analysis keeps what it builds until the next one, so every scavenge copies the live part of
// it. One lands in most analyses, at whatever point the young generation fills: during a 256-path
// policy's first diagnostics it is one scavenge of 2-4 ms out of 13 ms of main-thread work (measured
// here with a `gc` PerformanceObserver). Collecting once the server is idle moves that copy out of the
// time a user waits for diagnostics (the same idea as V8's own idle-time collection in browsers, which
// Node has no idle notion to drive).
//
// Moved, not added: after an analysis the collection runs only when the young generation has less room
// left than 1.5x what it filled since the previous check, i.e. when the next analysis would probably stop
// for a scavenge anyway. Collecting after every analysis made V8, which enlarges the young generation after
// scavenges that keep much alive, grow it to its maximum under Node's default flags: 8 MB more resident
// memory over a 3,000-edit session (test/robustness/long-session.test.ts).
//
// How: V8 exposes a `gc` function only with --expose-gc. Setting that flag at run time makes it
// appear in contexts created afterwards; one such context is made here, its `gc` kept, and the flag
// set back, so no other code (and not the server's own global scope) sees a `gc` function. That costs
// about 2 ms (a context, and node:v8 if nothing loaded it yet): done on first use, which the server
// makes when idle, not while it starts.

type Gc = (options: { type: 'minor' | 'major' }) => void;

/**
 * How much more than the last round the next may fill (a round after a didOpen, with more findings, or in
 * code V8 has just deoptimised allocates more). Measured over didOpen and 40 edits with VS Code's flags:
 * versions with a scavenge inside their analysis, 256 paths 23/41 without idle collections, 1/41 with no
 * headroom, 0-1/41 with this; 200 paths 1-2/41 with this (most often the first edit after the didOpen).
 */
const HEADROOM = 1.5;

export interface YoungGenerationCollector {
  /**
   * Empties the young generation now (nothing where V8 refuses): two scavenges, the first copying what
   * is alive, the second promoting it.
   */
  empty(): void;
  /** One scavenge now if the young generation has less room left than 1.5x what it filled since the last call. */
  collectIfShort(): void;
}

export function youngGenerationCollector(): YoungGenerationCollector {
  // Required on first use rather than imported: the launcher loads this module on every start.
  let v8: typeof import('node:v8') | undefined;
  let gc: Gc | null | undefined;
  /** Young-generation bytes in use after the last call. */
  let usedBefore: number | undefined;
  /** What the young generation filled between the last two calls (none yet: unknown). */
  let filledPerRound = Infinity;

  const loadedV8 = () => (v8 ??= require('node:v8') as typeof import('node:v8'));
  const newSpace = () => loadedV8().getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  const collect = () => {
    if (gc === undefined) gc = exposedGc(loadedV8());
    gc?.({ type: 'minor' });
  };
  return {
    empty() {
      collect();
      collect();
      usedBefore = newSpace()?.space_used_size;
    },
    collectIfShort() {
      const space = newSpace();
      if (!space) return;
      // Less in use than after the last call: a scavenge ran meanwhile, and the estimate stands.
      if (usedBefore !== undefined && space.space_used_size >= usedBefore) filledPerRound = space.space_used_size - usedBefore;
      if (space.space_available_size < HEADROOM * filledPerRound) {
        collect();
        usedBefore = newSpace()?.space_used_size;
      } else {
        usedBefore = space.space_used_size;
      }
    },
  };
}

/** V8's gc function from a context of its own, or null where this V8 refuses. */
function exposedGc({ setFlagsFromString }: typeof import('node:v8')): Gc | null {
  const { runInNewContext } = require('node:vm') as typeof import('node:vm');
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
    return typeof gc === 'function' ? (gc as Gc) : null;
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
