// Made-up benchmark sessions for the tests of the harness's summaries and of the targets: a session with
// plausible figures everywhere, and what a test cares about set by the test.
import type { LspBenchResult, SessionSample } from '../../bench/lsp-bench';

/** A session of `server` at `paths` in `round`; every figure not given is a plausible constant. */
export function sessionSample(given: Pick<SessionSample, 'server' | 'paths' | 'round'> & Partial<SessionSample>): SessionSample {
  const openMs = given.openMs ?? 10;
  const editMs = given.editMs ?? [5];
  return {
    coldStartMs: 100, coldCpuMs: 90, openMs, editMs, openCpuMs: openMs, editCpuMs: editMs, openFaults: 0, editFaults: [0],
    hoverMs: [1], codeActionMs: [1], hwmKiB: 50_000, openDiagnostics: 0, codeActions: 0, hoverChars: 0, sync: 'incremental',
    serverRequests: [], warnings: [],
    ...given,
  };
}

/** The servers as runLspBench describes them: ours at debounce 0 and at its default, yaml-language-server with its 200 ms delay. */
const SERVERS: LspBenchResult['servers'] = [
  { id: 'ours-d0', label: 'ours', role: 'ours', openDebounceMs: 0, changeDebounceMs: 0 },
  { id: 'ours-default', label: 'ours (default debounce)', role: 'ours', openDebounceMs: 200, changeDebounceMs: 200 },
  { id: 'yls', label: 'yls', role: 'theirs', openDebounceMs: 200, changeDebounceMs: 200 },
];

/** A benchmark result of these sessions, with fresh copies of the servers (inferDebounce changes them). */
export function benchResult(samples: SessionSample[], serverIds: string[]): LspBenchResult {
  return {
    samples,
    servers: SERVERS.filter((s) => serverIds.includes(s.id)).map((s) => ({ ...s })),
    schema: { path: 'schema.json', standIn: false },
    errors: [],
  };
}
