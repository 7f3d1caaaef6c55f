// Primes the JIT before the first document arrives. A fresh Node process runs the analysis cold: every
// function is compiled to bytecode on its first call and interpreted until V8 sees it is hot, so the
// first analysis of a policy costs several times a later one (12 ms instead of 1.5 ms for 16 paths, 25
// instead of 7 for 256, measured here). Analysing a small built-in policy twice while answering
// `initialize` moves part of that cost into server start (about 15 ms there, counted in the cold start that
// BENCHMARKS.md reports), so the first diagnostics a user waits for come from warmer code.
import { analyze } from '../core/index';
import { toDiagnostics } from './convert';
import { AnalysedDocument } from './snapshot';

/**
 * Exercises what the first diagnostics need: the fast YAML reader (block and flow collections,
 * quoted scalars, comments), the loader view, schema and OpenShell validation, the ruleset, every
 * filesystem check (shadowing by an entry, by the workdir, redundant entries), network policies.
 */
export const WARM_UP_POLICY = `version: 1
# warm-up policy (never shown to anyone)
filesystem_policy:
  include_workdir: true
  read_only:
    - /usr
    - /lib
    - /etc
    - /sandbox/.config/agent.md   # under the workdir
    - /data/shared/notes
    - '/opt/tools'
    - "/var/log"
  read_write:
    - /tmp
    - /data/shared
    - /data/shared/cache
    - /dev/null
landlock:
  compatibility: best_effort
process:
  run_as_user: sandbox
  run_as_group: sandbox
network_policies:
  api:
    name: api
    endpoints:
      - { host: api.example.com, port: 443 }
      - host: "*.example.org"
        port: 443
        protocol: rest
        tls: terminate
        enforcement: enforce
        rules:
          - allow: { method: GET, path: "/**" }
    binaries:
      - { path: /usr/bin/curl }
`;

/** However fast the runs (a clock that does not move), the warm-up ends after this many. */
export const MAX_WARM_UP_RUNS = 50;

/**
 * Runs the analysis pipeline on the sample until `budgetMs` is spent (at least `minRuns` times). Kept
 * short: it is part of the server's cold start, and beyond two or three runs the first real analysis
 * gains little more.
 */
export function warmUp(budgetMs = 15, minRuns = 2, now: () => number = () => performance.now()): { runs: number; ms: number } {
  const start = now();
  let runs = 0;
  while (runs < minRuns || (now() - start < budgetMs && runs < MAX_WARM_UP_RUNS)) {
    const analysis = analyze(WARM_UP_POLICY);
    // Positions as the server answers them for an analysed version (snapshot.ts), not TextDocument's.
    const doc = new AnalysedDocument('untitled:warm-up.yaml', 'yaml', 1, WARM_UP_POLICY, analysis.lines);
    toDiagnostics(doc, analysis.findings, { relatedInformation: true, docHref: (id) => id });
    runs++;
  }
  return { runs, ms: now() - start };
}
