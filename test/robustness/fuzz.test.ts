// The fuzzer (test/robustness/fuzz.ts) within the CI budget: LANDLOCK_LENS_FUZZ_SECONDS (default 15)
// of mutated corpus policies through the core, then editing sessions on the bundled server. A new
// seed every run (LANDLOCK_LENS_FUZZ_SEED replays one); the seed is in every failure message, and
// failing inputs are saved (their paths are in the message). `npm run fuzz` runs it for 300 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzSummary, runFuzz, seedFromEnv } from './fuzz';

const SECONDS = Number(process.env.LANDLOCK_LENS_FUZZ_SECONDS ?? 15);

test(`fuzz: ${SECONDS} s of mutated policies and LSP editing sessions never crash, hang or corrupt a policy`, { timeout: (SECONDS + 60) * 1000 }, async (t) => {
  const seed = seedFromEnv();
  const stats = await runFuzz({ seconds: SECONDS, seed });
  const summary = fuzzSummary(stats);
  t.diagnostic(summary);
  t.diagnostic(`${stats.coreInputs} core inputs, ${stats.lspSessions} LSP sessions, ${stats.lspEdits} edits, ${stats.requests} requests`);
  console.log(summary);
  assert.deepEqual(stats.problems.slice(0, 10), [], `${stats.problems.length} problems; replay with LANDLOCK_LENS_FUZZ_SEED=${seed}`);
  assert.equal(stats.crashes, 0, `crashes (seed ${seed})`);
  assert.equal(stats.timeouts, 0, `timeouts (seed ${seed})`);
  // The run did real work: inputs through the core, sessions on the server, quick fixes applied.
  assert.ok(stats.coreInputs >= 100, `only ${stats.coreInputs} core inputs`);
  assert.ok(stats.lspSessions >= 10 && stats.lspEdits >= 100, `only ${stats.lspSessions} sessions / ${stats.lspEdits} edits`);
  assert.ok(stats.fixesChecked >= 20, `only ${stats.fixesChecked} fixes checked`);
});
