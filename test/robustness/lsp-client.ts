// A minimal JSON-RPC/LSP client for the robustness tests. It drives the *bundled* server
// (server/out/server.js --stdio), the file users actually run, and records everything a user would
// notice going wrong: the process dying, text on stderr, window/logMessage errors, requests that are
// not answered in time.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const SERVER_BUNDLE = join(ROOT, 'server/out/server.js');

export interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface Diagnostic {
  range: Range;
  severity?: number;
  code?: string | number;
  source?: string;
  message: string;
  data?: unknown;
}

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export class RequestTimeout extends Error {
  constructor(readonly method: string, readonly ms: number) {
    super(`${method} not answered within ${ms} ms`);
  }
}

export interface ClientOptions {
  /** Extra node flags for the server process (e.g. --heapsnapshot-signal=SIGUSR2). */
  nodeArgs?: string[];
  /** initializationOptions (debounceMs is pinned to 0 unless given). */
  initializationOptions?: Record<string, unknown>;
  /** Answers to workspace/configuration (the `landlockLens` section). */
  settings?: Record<string, unknown>;
  rootUri?: string | null;
  env?: NodeJS.ProcessEnv;
  /** Runs the server under another program, e.g. ['strace', '-f', '-o', file]. */
  wrapper?: string[];
  /** Client capabilities (default: CLIENT_CAPABILITIES, a typical editor). */
  capabilities?: object;
}

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** An old or minimal client: no configuration request, plain text, flat symbols, code actions as commands. */
export const MINIMAL_CAPABILITIES = {
  workspace: { applyEdit: true },
  textDocument: { publishDiagnostics: {}, hover: { contentFormat: ['plaintext'] }, completion: {}, codeAction: {}, documentSymbol: {} },
};

/** A client that pulls diagnostics (textDocument/diagnostic) instead of receiving them. */
export const PULL_CAPABILITIES = {
  workspace: { configuration: true, workspaceEdit: { documentChanges: true }, applyEdit: true, diagnostics: { refreshSupport: true } },
  textDocument: {
    diagnostic: { dynamicRegistration: false, relatedInformation: true },
    hover: { contentFormat: ['markdown'] },
    completion: { completionItem: { snippetSupport: false } },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    inlayHint: {},
  },
};

/** Capabilities of a typical editor: push diagnostics, code action literals, markdown, snippets. */
export const CLIENT_CAPABILITIES = {
  workspace: { configuration: true, workspaceEdit: { documentChanges: true }, applyEdit: true },
  textDocument: {
    synchronization: { didSave: true },
    publishDiagnostics: { relatedInformation: true, versionSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown'] } },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } } },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    inlayHint: {},
  },
};

export class LspClient {
  readonly proc: ChildProcessWithoutNullStreams;
  stderr = '';
  /** window/logMessage and window/showMessage of type Error (1). */
  readonly errorLogs: string[] = [];
  readonly logs: string[] = [];
  /** Latest publishDiagnostics per URI. */
  readonly diagnostics = new Map<string, PublishedDiagnostics>();
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  exited: Promise<void>;
  private chunks: Buffer[] = [];
  private size = 0;
  /** Bytes needed before the next message can be complete. */
  private need = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly waiters: { test(p: PublishedDiagnostics): boolean; resolve(p: PublishedDiagnostics): void }[] = [];
  private readonly settings: Record<string, unknown>;

  constructor(private readonly options: ClientOptions = {}) {
    this.settings = options.settings ?? {};
    const args = [...(options.nodeArgs ?? []), SERVER_BUNDLE, '--stdio'];
    const [cmd, ...pre] = options.wrapper ? [...options.wrapper, process.execPath] : [process.execPath];
    this.proc = spawn(cmd, [...pre, ...args], { cwd: ROOT, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.proc.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    // A write after the server died must not crash the test process; the exit is what is asserted.
    this.proc.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        for (const p of this.pending.values()) {
          clearTimeout(p.timer);
          p.reject(new Error(`server exited (code ${code}, signal ${signal}) before answering ${p.method}; stderr: ${this.stderr.slice(-2000)}`));
        }
        this.pending.clear();
        resolve();
      });
    });
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get alive(): boolean {
    return this.exitCode === null && this.exitSignal === null;
  }

  private send(message: object): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
    if (!this.proc.stdin.writable) return;
    this.proc.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  private onData(chunk: Buffer): void {
    // Chunks are joined only once a whole message can be there: joining on every 64 KB chunk is
    // quadratic for the megabytes of diagnostics a huge policy produces.
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size < this.need) return;
    let buffer = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    this.need = 0;
    for (;;) {
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) break;
      const header = buffer.subarray(0, headerEnd).toString('ascii');
      const m = /Content-Length: *(\d+)/i.exec(header);
      if (!m) throw new Error(`bad header from server: ${header}`);
      const total = headerEnd + 4 + Number(m[1]);
      if (buffer.length < total) {
        this.need = total;
        break;
      }
      const body = buffer.subarray(headerEnd + 4, total).toString('utf8');
      buffer = buffer.subarray(total);
      this.onMessage(JSON.parse(body));
    }
    this.chunks = buffer.length ? [buffer] : [];
    this.size = buffer.length;
  }

  private onMessage(msg: { id?: number | string; method?: string; params?: any; result?: unknown; error?: { message: string } }): void {
    if (msg.method !== undefined && msg.id !== undefined) {
      this.send({ id: msg.id, result: this.answerServerRequest(msg.method, msg.params) });
      return;
    }
    if (msg.method !== undefined) {
      this.onNotification(msg.method, msg.params);
      return;
    }
    const pending = this.pending.get(msg.id as number);
    if (!pending) return;
    this.pending.delete(msg.id as number);
    clearTimeout(pending.timer);
    if (msg.error) pending.reject(new Error(`${pending.method} failed: ${msg.error.message}`));
    else pending.resolve(msg.result);
  }

  private answerServerRequest(method: string, params: any): unknown {
    if (method === 'workspace/configuration') return (params?.items ?? []).map(() => this.settings);
    if (method === 'workspace/applyEdit') return { applied: false };
    return null;
  }

  private onNotification(method: string, params: any): void {
    if (method === 'textDocument/publishDiagnostics') {
      const p = params as PublishedDiagnostics;
      this.diagnostics.set(p.uri, p);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        if (this.waiters[i].test(p)) {
          this.waiters[i].resolve(p);
          this.waiters.splice(i, 1);
        }
      }
    } else if (method === 'window/logMessage' || method === 'window/showMessage') {
      const line = `${method} type ${params?.type}: ${params?.message}`;
      this.logs.push(line);
      if (params?.type === 1) this.errorLogs.push(line);
    }
  }

  request<T = unknown>(method: string, params: unknown, timeoutMs = 2000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (!this.alive) {
        reject(new Error(`server is not running (code ${this.exitCode}, signal ${this.exitSignal}) for ${method}; stderr: ${this.stderr.slice(-2000)}`));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestTimeout(method, timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      this.send({ id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.send({ method, params });
  }

  /** Resolves with the first publishDiagnostics for `uri` that passes `test` (already received ones count). */
  waitForDiagnostics(uri: string, test: (p: PublishedDiagnostics) => boolean, timeoutMs = 2000): Promise<PublishedDiagnostics> {
    const current = this.diagnostics.get(uri);
    if (current && test(current)) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const waiter = {
        test: (p: PublishedDiagnostics) => p.uri === uri && test(p),
        resolve: (p: PublishedDiagnostics) => {
          clearTimeout(timer);
          resolve(p);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new RequestTimeout(`publishDiagnostics for ${uri}`, timeoutMs));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** initialize + initialized, with the constructor's options unless others are given. */
  async initialize(options: ClientOptions = this.options): Promise<void> {
    await this.request('initialize', {
      processId: process.pid,
      rootUri: options.rootUri ?? null,
      workspaceFolders: options.rootUri ? [{ uri: options.rootUri, name: 'ws' }] : null,
      capabilities: options.capabilities ?? CLIENT_CAPABILITIES,
      initializationOptions: { debounceMs: 0, ...(options.initializationOptions ?? {}) },
    }, 10000);
    this.notify('initialized', {});
  }

  open(uri: string, text: string, version = 1): void {
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
  }

  change(uri: string, version: number, changes: ({ range: Range; text: string } | { text: string })[]): void {
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  close(uri: string): void {
    this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  /** shutdown + exit, then waits for the process (kills it if it does not go). */
  async stop(): Promise<void> {
    if (this.alive) {
      try {
        await this.request('shutdown', null, 5000);
        this.notify('exit', null);
      } catch {
        // Already broken: the kill below ends it.
      }
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(timer);
    }
  }

  /** Everything that shows the server misbehaved, for assertion messages. */
  problems(): string[] {
    const out: string[] = [];
    if (!this.alive && !(this.exitCode === 0)) out.push(`server exited: code ${this.exitCode}, signal ${this.exitSignal}`);
    if (this.stderr.trim()) out.push(`stderr: ${this.stderr.slice(0, 4000)}`);
    out.push(...this.errorLogs.map((l) => l.slice(0, 4000)));
    return out;
  }
}

let cachedText: string | undefined;
let cachedStarts: number[] = [];

/** Offset -> LSP position with LSP's line breaks (\n, \r\n, lone \r) and UTF-16 columns. */
export function positionAt(text: string, offset: number): { line: number; character: number } {
  if (text !== cachedText) {
    cachedText = text;
    cachedStarts = lineStarts(text);
  }
  const at = Math.max(0, Math.min(offset, text.length));
  let low = 0;
  let high = cachedStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (cachedStarts[mid] <= at) low = mid;
    else high = mid - 1;
  }
  // As vscode-languageserver-textdocument does: an offset between a CR and its LF is put before the CR.
  let column = at;
  while (column > cachedStarts[low] && (text.charCodeAt(column - 1) === 13 || text.charCodeAt(column - 1) === 10)) column--;
  return { line: low, character: column - cachedStarts[low] };
}

/** Applies LSP text edits (non-overlapping) to a text. */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const starts = lineStarts(text);
  const offsetOf = (p: { line: number; character: number }) => {
    if (p.line >= starts.length) return text.length;
    const next = p.line + 1 < starts.length ? starts[p.line + 1] : text.length;
    return Math.min(starts[p.line] + p.character, next);
  };
  const withOffsets = edits.map((e, i) => ({ start: offsetOf(e.range.start), end: offsetOf(e.range.end), newText: e.newText, i }));
  // Equal starts keep the order given (LSP: insertions at one position apply in array order).
  withOffsets.sort((a, b) => b.start - a.start || b.i - a.i);
  let out = text;
  let lastStart = Infinity;
  for (const e of withOffsets) {
    if (e.end > lastStart) throw new Error('overlapping text edits');
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
    lastStart = e.start;
  }
  return out;
}

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}
