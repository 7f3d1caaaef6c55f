// A seeded fuzzer for the analysis core and the bundled language server.
//
// Core: policies from the corpus, mutated (character flips, line deletions and duplications,
// indentation changes, token swaps, snippets, splices of two files, truncation), each analysed under
// a time bound; every finding must be well formed and every quick fix must leave a policy that still
// parses with all its comment lines.
// LSP: editing sessions on the bundled server (node server/out/server.js --stdio) with incremental
// didChange edits interleaved with hovers, completions, code actions, inlay hints, document symbols,
// code lenses and closes, under three clients (push diagnostics, pull diagnostics, a minimal client).
// The server must never crash or log an error, answer every request within 2 s, publish for the
// final text exactly what a fresh core analysis finds, and offer only fixes that keep the policy
// parseable with its comments.
//
// Run: node --import tsx test/robustness/fuzz.ts [--seconds N] [--seed S]   (npm run fuzz: 300 s)
// Env: LANDLOCK_LENS_FUZZ_SECONDS, LANDLOCK_LENS_FUZZ_SEED. Failing inputs are written to
// $TMPDIR/landlock-lens-fuzz/ so they can be replayed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../server/src/core/index';
import type { Analysis } from '../../server/src/core/index';
import { allFixProblems, analysisProblems, diagnosticsDiff, expectedFindingsAt, fixResultProblems, fromLsp, timedAnalyze, toPublished, toSimple } from './check';
import { applySuppressions } from '../../server/src/core/suppressions';
import { corpusFiles, ISSUE_698 } from './inputs';
import { applyTextEdits, CLIENT_CAPABILITIES, LspClient, MINIMAL_CAPABILITIES, PULL_CAPABILITIES, positionAt, RequestTimeout } from './lsp-client';
import type { Diagnostic, TextEdit } from './lsp-client';
import { editsOfAction } from './lsp-checks';
import { rng } from '../seeded-random';
export { rng };

export interface FuzzOptions {
  seconds: number;
  seed: number;
  /** Share of the time spent on LSP sessions (the rest on the core). */
  lspShare?: number;
  log?: (line: string) => void;
}

export interface FuzzStats {
  seed: number;
  inputs: number;
  coreInputs: number;
  lspEdits: number;
  lspSessions: number;
  requests: number;
  crashes: number;
  timeouts: number;
  fixesChecked: number;
  problems: string[];
  /** Where failing inputs were written. */
  saved: string[];
}

const CORE_BOUND_MS = 2000;
const REQUEST_BOUND_MS = 2000;

// ------------------------------------------------------------------------------------ randomness

class Random {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ------------------------------------------------------------------------------------ mutations

const CHARS = [' ', '  ', '\n', '\r\n', '\r', '\t', ':', ': ', '-', '- ', '[', ']', '{', '}', ',', '#', '# ', '"', "'", '&a ', '*a', '!', '!!str ', '|', '>', '/', '.', '..', '~', '$', '?', '? ', '%', '@', '`', '\\', 'a', '0', '1', '\u00e9', '\u{1F600}', '\uFEFF', '\u2028', '\u0000', '\u0085', '\u200b'];

const TOKENS = [
  'read_only:', 'read_write:', 'include_workdir: true', 'include_workdir: false', 'filesystem_policy:', 'landlock:', 'process:',
  'network_policies:', 'compatibility: hard_requirement', 'compatibility: hard-requirement', 'compatibility: best_effort',
  '- /sandbox', '- /', '- /tmp', '- /proc/self', '- /sandbox/.openclaw/SOUL.md', '/sandbox/', '/sandbox//x', '/sandbox/./x',
  '/sandbox/*', '~/x', '$HOME/x', '/proc/self/root/..', '../..', 'null', '~', '[]', '{}', '[/usr, /lib]', '&anchor', '*anchor',
  '<<: *anchor', '---', '...', 'version: 1', 'version: 2', 'version: 01', 'run_as_user: root', 'port: 443', 'host: "*.com"',
  '# landlock-lens: policy', '# landlock-lens: ignore-file', '# landlock-lens-disable-next-line', '# comment',
];

const SNIPPETS = [
  'filesystem_policy:\n  include_workdir: true\n  read_only:\n    - /sandbox/.openclaw/workspace/SOUL.md\n  read_write:\n    - /sandbox',
  '  read_only:\n    - /sandbox/a  # keep\n    - /sandbox/b',
  '  read_write: [/sandbox, /tmp]  # flow',
  '  read_only: [/sandbox/x, /usr, /usr/lib]',
  '    - /sandbox/secret.txt',
  '    - /sandbox/',
  '    - /usr',
  '    - /usr/lib',
  '    - "/sandbox/😀"',
  'landlock:\n  compatibility: hard-requirement',
  'network_policies:\n  p:\n    name: p\n    endpoints:\n      - host: api.example.com\n        port: 443\n    binaries:\n      - path: /usr/bin/curl',
  '# a comment line',
  '  # indented comment',
  'x: &a [/usr, /lib]\nfilesystem_policy:\n  read_only: *a',
  '---',
  'version: 1',
];

function lineSpans(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\n') {
      out.push({ start, end: i + 1 });
      start = i + 1;
    }
  }
  if (start < text.length || out.length === 0) out.push({ start, end: text.length });
  return out;
}

/** One random mutation of a policy text. `others` are texts to splice from. */
export function mutate(r: Random, text: string, others: string[]): string {
  const lines = lineSpans(text);
  const line = lines[r.int(lines.length)];
  const at = r.int(text.length + 1);
  switch (r.int(11)) {
    case 0: { // replace a character
      const c = r.pick(CHARS);
      return text.slice(0, at) + c + text.slice(Math.min(text.length, at + 1));
    }
    case 1: // insert a character
      return text.slice(0, at) + r.pick(CHARS) + text.slice(at);
    case 2: // delete a line
      return text.slice(0, line.start) + text.slice(line.end);
    case 3: // duplicate a line
      return text.slice(0, line.end) + text.slice(line.start, line.end) + text.slice(line.end);
    case 4: { // change a line's indentation
      const delta = r.pick([-4, -2, -1, 1, 2, 4]);
      const body = text.slice(line.start, line.end);
      const changed = delta > 0 ? ' '.repeat(delta) + body : body.replace(new RegExp(`^ {1,${-delta}}`), '');
      return text.slice(0, line.start) + (r.chance(0.1) ? '\t' + changed : changed) + text.slice(line.end);
    }
    case 5: { // swap two tokens
      const words = [...text.matchAll(/[^\s]+/g)];
      if (words.length < 2) return text + r.pick(TOKENS);
      const a = r.pick(words);
      const b = r.pick(words);
      if (a.index === b.index) return text;
      const [x, y] = a.index! < b.index! ? [a, b] : [b, a];
      if (x.index! + x[0].length > y.index!) return text;
      return text.slice(0, x.index) + y[0] + text.slice(x.index! + x[0].length, y.index) + x[0] + text.slice(y.index! + y[0].length);
    }
    case 6: { // replace a token by an interesting one
      const words = [...text.matchAll(/[^\s]+/g)];
      if (!words.length) return r.pick(TOKENS);
      const w = r.pick(words);
      return text.slice(0, w.index) + r.pick(TOKENS) + text.slice(w.index! + w[0].length);
    }
    case 7: { // insert a snippet line, at some indentation
      const indent = ' '.repeat(r.pick([0, 0, 2, 4, 6]));
      const snippet = r.pick(SNIPPETS).split('\n').map((l) => indent + l).join('\n') + '\n';
      return text.slice(0, line.start) + snippet + text.slice(line.start);
    }
    case 8: { // splice: the start of this file, the end of another
      const other = r.pick(others);
      const cut = lineSpans(other);
      const from = cut[r.int(cut.length)].start;
      return text.slice(0, line.start) + other.slice(from);
    }
    case 9: // truncate
      return text.slice(0, at);
    default: { // move a line elsewhere
      const body = text.slice(line.start, line.end);
      const rest = text.slice(0, line.start) + text.slice(line.end);
      const to = lineSpans(rest)[r.int(lineSpans(rest).length)].start;
      return rest.slice(0, to) + body + rest.slice(to);
    }
  }
}

// ------------------------------------------------------------------------------------ the fuzzer

export async function runFuzz(options: FuzzOptions): Promise<FuzzStats> {
  const log = options.log ?? (() => undefined);
  const r = new Random(rng(options.seed));
  const corpus = [ISSUE_698(), ...corpusFiles().map((f) => f.text)];
  const stats: FuzzStats = { seed: options.seed, inputs: 0, coreInputs: 0, lspEdits: 0, lspSessions: 0, requests: 0, crashes: 0, timeouts: 0, fixesChecked: 0, problems: [], saved: [] };
  const saveDir = join(tmpdir(), 'landlock-lens-fuzz');
  const save = (label: string, text: string): string => {
    mkdirSync(saveDir, { recursive: true });
    const file = join(saveDir, `seed-${options.seed}-${label}.yaml`);
    writeFileSync(file, text);
    stats.saved.push(file);
    return file;
  };
  const fail = (label: string, text: string, problem: string) => {
    if (stats.problems.length < 200) stats.problems.push(`${problem.slice(0, 1000)} [input saved to ${save(label, text)}]`);
  };

  const randomPolicy = (): string => {
    let text = r.pick(corpus);
    const n = 1 + r.int(4);
    for (let i = 0; i < n; i++) text = mutate(r, text, corpus);
    return text;
  };

  const deadline = Date.now() + options.seconds * 1000;
  const coreDeadline = Date.now() + options.seconds * 1000 * (1 - (options.lspShare ?? 0.6));

  // ---------------------------------------------------------------- core
  while (Date.now() < coreDeadline) {
    const text = randomPolicy();
    const n = stats.coreInputs++;
    stats.inputs++;
    const res = timedAnalyze(text);
    if (res.error) {
      stats.crashes++;
      fail(`core-${n}`, text, `core input ${n}: analyze threw ${(res.error as Error)?.stack ?? res.error}`);
      continue;
    }
    if (res.ms > CORE_BOUND_MS) {
      stats.timeouts++;
      fail(`core-${n}`, text, `core input ${n}: analysis took ${res.ms.toFixed(0)} ms`);
    }
    const problems = analysisProblems(text, res.analysis!);
    // Inline suppressions (`# landlock-lens: ignore[...]`) run on every analysis the CLI and the
    // server make: their findings must be well formed too.
    try {
      const suppressed = applySuppressions(res.analysis!);
      problems.push(...analysisProblems(text, { ...res.analysis!, findings: [...suppressed.findings, ...suppressed.problems] }));
    } catch (e) {
      stats.crashes++;
      problems.push(`applySuppressions threw ${(e as Error)?.stack ?? e}`);
    }
    // Re-analysing every fixed text is the expensive part: a handful of fixes per input.
    const fixes = allFixProblems(text, res.analysis!, {}, 4);
    stats.fixesChecked += fixes.checked;
    problems.push(...fixes.problems);
    if (problems.length) fail(`core-${n}`, text, `core input ${n}: ${problems.slice(0, 3).join(' | ')}`);
  }
  log(`fuzz: core phase done, ${stats.coreInputs} inputs`);

  // ---------------------------------------------------------------- LSP
  const clients = [
    { name: 'push', client: new LspClient({ capabilities: CLIENT_CAPABILITIES, settings: {} }), pull: false, literals: true },
    { name: 'pull', client: new LspClient({ capabilities: PULL_CAPABILITIES, settings: {}, initializationOptions: { debounceMs: 30 } }), pull: true, literals: true },
    { name: 'minimal', client: new LspClient({ capabilities: MINIMAL_CAPABILITIES, initializationOptions: { debounceMs: 10 } }), pull: false, literals: false },
  ];
  try {
    await Promise.all(clients.map((c) => c.client.initialize()));
    let session = 0;
    while (Date.now() < deadline && clients.every((c) => c.client.alive)) {
      const c = clients[session % clients.length];
      await fuzzSession(r, c, session++, randomPolicy, corpus, stats, fail, deadline);
      stats.lspSessions++;
    }
  } finally {
    for (const c of clients) {
      const problems = c.client.problems();
      if (problems.length) {
        stats.crashes++;
        stats.problems.push(`${c.name} client: ${problems.join(' | ').slice(0, 2000)}`);
      }
      await c.client.stop();
    }
  }
  return stats;
}

interface SessionClient {
  name: string;
  client: LspClient;
  pull: boolean;
  literals: boolean;
}

/** A random LSP change to `text`: a range replaced by something, as an incremental content change. */
function randomChange(r: Random, text: string, corpus: string[]): { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string; start: number; end: number } {
  const start = r.int(text.length + 1);
  const kind = r.int(6);
  let end = start;
  let insert = '';
  if (kind === 0) insert = r.pick(CHARS); // typing a character
  else if (kind === 1) end = Math.min(text.length, start + 1 + r.int(3)); // backspace / delete
  else if (kind === 2) insert = r.pick(TOKENS);
  else if (kind === 3) insert = r.pick(SNIPPETS) + '\n';
  else if (kind === 4) {
    end = Math.min(text.length, start + r.int(40));
    insert = r.chance(0.5) ? '' : r.pick(TOKENS);
  } else {
    const other = r.pick(corpus);
    const from = r.int(other.length);
    insert = other.slice(from, from + r.int(200));
  }
  // Between a CR and its LF there is no LSP position (it maps to before the CR): edit there instead.
  const snap = (o: number) => (text[o - 1] === '\r' && text[o] === '\n' ? o - 1 : o);
  const s0 = snap(start);
  const e0 = Math.max(s0, snap(end));
  return { range: { start: positionAt(text, s0), end: positionAt(text, e0) }, text: insert, start: s0, end: e0 };
}

async function fuzzSession(
  r: Random, c: SessionClient, session: number, randomPolicy: () => string, corpus: string[], stats: FuzzStats,
  fail: (label: string, text: string, problem: string) => void, deadline: number,
): Promise<void> {
  const { client } = c;
  let uri = `file:///fuzz/${c.name}-${session}.yaml`;
  let text = randomPolicy();
  let version = 1;
  client.open(uri, text, version);
  const history: string[] = [];
  const label = () => `lsp-${c.name}-${session}-v${version}`;
  const request = async <T>(method: string, params: unknown): Promise<T | undefined> => {
    stats.requests++;
    try {
      return await client.request<T>(method, params, REQUEST_BOUND_MS);
    } catch (e) {
      if (e instanceof RequestTimeout) stats.timeouts++;
      else if (!client.alive) stats.crashes++;
      fail(label(), text, `${c.name} session ${session}, version ${version}: ${method}: ${(e as Error).message.slice(0, 500)}`);
      return undefined;
    }
  };
  const steps = 10 + r.int(40);
  for (let step = 0; step < steps && client.alive && Date.now() < deadline; step++) {
    const op = r.int(20);
    if (op < 11) {
      // One didChange with 1-3 incremental changes, each on the text left by the previous one.
      const changes = [];
      for (let k = 1 + r.int(3); k > 0; k--) {
        const ch = randomChange(r, text, corpus);
        text = text.slice(0, ch.start) + ch.text + text.slice(ch.end);
        changes.push({ range: ch.range, text: ch.text });
      }
      if (r.chance(0.05)) {
        text = randomPolicy(); // a whole-document change (a client without incremental sync, or a paste)
        changes.push({ text });
      }
      version++;
      history.push(text);
      client.change(uri, version, changes);
      stats.lspEdits++;
      stats.inputs++;
    } else if (op < 13) {
      const position = positionAt(text, r.int(text.length + 1));
      await request('textDocument/hover', { textDocument: { uri }, position });
    } else if (op < 15) {
      const position = positionAt(text, r.int(text.length + 1));
      await request('textDocument/completion', { textDocument: { uri }, position, context: r.chance(0.3) ? { triggerKind: 2, triggerCharacter: ' ' } : { triggerKind: 1 } });
    } else if (op === 15) {
      await request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) } });
    } else if (op === 16) {
      await request('textDocument/documentSymbol', { textDocument: { uri } });
      await request('textDocument/codeLens', { textDocument: { uri } });
    } else if (op === 17) {
      await checkCodeActions(c, uri, text, version, stats, fail, label(), request);
    } else if (op === 18 && c.literals) {
      await request('landlockLens/explain', { uri, path: r.pick(['/sandbox', '/sandbox/.openclaw/workspace/SOUL.md', '/usr/lib', '/proc/self/root/..', '', '../x', '/'.repeat(1000)]) });
    } else {
      // Close and reopen (an editor tab closed and opened again).
      client.close(uri);
      uri = `file:///fuzz/${c.name}-${session}-${step}.yaml`;
      version = 1;
      client.open(uri, text, version);
    }
  }
  if (!client.alive) {
    stats.crashes++;
    fail(label(), text, `${c.name} session ${session}: the server died: ${client.problems().join(' | ')}`);
    return;
  }
  // The diagnostics of the final version must be exactly those of a fresh analysis of the final text.
  await checkFinalDiagnostics(c, uri, text, version, stats, fail, label());
  if (r.chance(0.7)) await checkCodeActions(c, uri, text, version, stats, fail, label(), request);
  client.close(uri);
}

async function checkFinalDiagnostics(c: SessionClient, uri: string, text: string, version: number, stats: FuzzStats,
  fail: (label: string, text: string, problem: string) => void, label: string): Promise<void> {
  let diagnostics: Diagnostic[] | undefined;
  try {
    if (c.pull) {
      stats.requests++;
      const report = await c.client.request<{ kind: string; items?: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } }, REQUEST_BOUND_MS);
      diagnostics = report.items ?? [];
    } else {
      const published = await c.client.waitForDiagnostics(uri, (p) => p.version === version, REQUEST_BOUND_MS + 500);
      diagnostics = published.diagnostics;
    }
  } catch (e) {
    if (e instanceof RequestTimeout) stats.timeouts++;
    fail(label, text, `${c.name}: final diagnostics: ${(e as Error).message}`);
    return;
  }
  const diff = diagnosticsDiff(toPublished(text, expectedFindingsAt(uri, analyze(text))), fromLsp(diagnostics));
  if (diff) fail(label, text, `${c.name}: ${diff}`);
}

async function checkCodeActions(c: SessionClient, uri: string, text: string, version: number, stats: FuzzStats,
  fail: (label: string, text: string, problem: string) => void, label: string,
  request: <T>(method: string, params: unknown) => Promise<T | undefined>): Promise<void> {
  const expected: Analysis = analyze(text);
  // The diagnostics as the client holds them: those of this version (the server converts the same way).
  const published = expectedFindingsAt(uri, expected);
  const diagnostics = toSimple(text, published).map((d, i) => ({
    range: d.range, code: d.code, source: 'landlock-lens', message: published[i].message,
  }));
  const actions = await request<any[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) },
    context: { diagnostics },
  });
  if (!actions) return;
  const seen = new Set<string>();
  for (const action of actions.slice(0, 6)) {
    let edits: TextEdit[];
    if (c.literals) {
      const versions = (action.edit?.documentChanges ?? []).map((d: { textDocument: { version: number } }) => d.textDocument.version);
      if (versions.some((v: number) => v !== version)) {
        fail(label, text, `${c.name}: code action "${action.title}" is for version ${versions} while the document is at ${version}`);
        continue;
      }
      edits = editsOfAction(action);
    } else {
      // Clients without CodeAction literals get commands carrying the edits.
      const arg = action.arguments?.[0] as { version: number; edits: TextEdit[] } | undefined;
      if (!arg) continue;
      if (arg.version !== version) fail(label, text, `${c.name}: fix command "${action.title}" for version ${arg.version}, document at ${version}`);
      edits = arg.edits;
    }
    const key = JSON.stringify(edits);
    if (seen.has(key)) continue;
    seen.add(key);
    stats.fixesChecked++;
    let after: string;
    try {
      after = applyTextEdits(text, edits);
    } catch (e) {
      fail(label, text, `${c.name}: code action "${action.title}": ${(e as Error).message}`);
      continue;
    }
    const problems = fixResultProblems(text, expected, after, `code action "${action.title}"`);
    if (problems.length) fail(label, text, `${c.name}: ${problems.join(' | ')}`);
  }
}

export function fuzzSummary(s: FuzzStats): string {
  return `fuzz: ${s.inputs} inputs, ${s.crashes} crashes, ${s.timeouts} timeouts, ${s.fixesChecked} fixes checked, seed ${s.seed}`;
}

export function seedFromEnv(): number {
  const env = process.env.LANDLOCK_LENS_FUZZ_SEED;
  if (env && /^\d+$/.test(env)) return Number(env) >>> 0;
  return (Date.now() ^ (process.pid << 16)) >>> 0;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const seconds = Number(arg('--seconds') ?? process.env.LANDLOCK_LENS_FUZZ_SECONDS ?? 300);
  const seedArg = arg('--seed');
  const seed = seedArg !== undefined ? Number(seedArg) >>> 0 : seedFromEnv();
  console.log(`fuzz: seed ${seed}, ${seconds} s (replay with --seed ${seed})`);
  const stats = await runFuzz({ seconds, seed, log: (l) => console.log(l) });
  console.log(`fuzz: ${stats.coreInputs} core inputs, ${stats.lspSessions} LSP sessions, ${stats.lspEdits} edits, ${stats.requests} requests`);
  for (const p of stats.problems) console.log(`PROBLEM ${p}`);
  console.log(fuzzSummary(stats));
  process.exitCode = stats.problems.length ? 1 : 0;
}

if (require.main === module) void main();
