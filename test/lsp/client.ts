// A small LSP client for protocol tests: spawns the BUNDLED server (what users run), speaks JSON-RPC
// over stdio, answers the requests a server makes of its client (workspace/configuration,
// client/registerCapability, refreshes), and records what the server pushes so tests can wait for it
// with timeouts, never fixed sleeps.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-languageserver-protocol/node';
import type { ClientCapabilities, PublishDiagnosticsParams, InitializeResult } from 'vscode-languageserver-protocol';
import { statusMethod, type PolicyStatus } from '../../client/src/protocol';

export const ROOT = join(__dirname, '..', '..');
export const SERVER = join(ROOT, 'server/out/server.js');
export const CLI = join(ROOT, 'server/out/cli.js');

/** `npm test` builds first; a direct `node test/run.mjs test/lsp` on a fresh checkout builds here. */
export function ensureBuilt(): void {
  if (existsSync(SERVER) && existsSync(CLI)) return;
  const result = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

// The status notification's shape, as the extension's client reads it (one definition for both).
export type { PolicyStatus } from '../../client/src/protocol';

export const DEFAULT_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true },
    workspaceFolders: true,
  },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, tagSupport: { valueSet: [1, 2] }, codeDescriptionSupport: true, dataSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source', 'source.fixAll'] } }, isPreferredSupport: true },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    inlayHint: {},
    codeLens: {},
  },
};

export interface ClientOptions {
  /** Command line; default `node server/out/server.js --stdio`. */
  args?: string[];
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
  /** The `landlockLens` settings returned for workspace/configuration (per scopeUri if a function). */
  settings?: Record<string, unknown> | ((scopeUri: string | undefined) => Record<string, unknown>);
  rootPath?: string;
  /** Extra environment variables for the server process. */
  env?: NodeJS.ProcessEnv;
}

type Waiter = { check: () => boolean; resolve: () => void };

export class TestClient {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly conn: MessageConnection;
  readonly published: PublishDiagnosticsParams[] = [];
  readonly statuses: PolicyStatus[] = [];
  readonly logs: string[] = [];
  readonly serverRequests: { method: string; params: unknown }[] = [];
  configurationRequests = 0;
  stderr = '';
  exitCode: number | null | undefined;
  private waiters: Waiter[] = [];
  settings: ClientOptions['settings'];

  constructor(readonly options: ClientOptions = {}) {
    this.settings = options.settings;
    const env = options.env ? { ...process.env, ...options.env } : process.env;
    this.proc = spawn(process.execPath, options.args ?? [SERVER, '--stdio'], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.on('data', (c: Buffer) => {
      this.stderr = (this.stderr + c.toString()).slice(-10000);
    });
    this.proc.on('exit', (code) => {
      this.exitCode = code;
      this.poke();
    });
    this.proc.stdin.on('error', () => undefined);
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout), new StreamMessageWriter(this.proc.stdin));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.push(p);
      this.poke();
    });
    this.conn.onNotification(statusMethod, (p: PolicyStatus) => {
      this.statuses.push(p);
      this.poke();
    });
    this.conn.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
      this.poke();
    });
    this.conn.onNotification(() => undefined);
    this.conn.onRequest('workspace/configuration', (p: { items: { scopeUri?: string; section?: string }[] }) => {
      this.configurationRequests++;
      this.serverRequests.push({ method: 'workspace/configuration', params: p });
      return p.items.map((item) => {
        const s = typeof this.settings === 'function' ? this.settings(item.scopeUri) : this.settings ?? {};
        return item.section === 'landlockLens' ? s : null;
      });
    });
    this.conn.onRequest((method: string, params: unknown) => {
      this.serverRequests.push({ method, params });
      this.poke();
      if (method === 'workspace/applyEdit') return { applied: true };
      return null;
    });
    this.conn.onError(() => undefined);
    this.conn.onClose(() => this.poke());
    this.conn.listen();
  }

  static async start(options: ClientOptions = {}): Promise<TestClient> {
    const client = new TestClient(options);
    await client.initialize();
    return client;
  }

  async initialize(): Promise<InitializeResult> {
    const rootUri = pathToFileURL(this.options.rootPath ?? ROOT).href;
    const result = await this.request<InitializeResult>('initialize', {
      processId: process.pid,
      clientInfo: { name: 'landlock-lens-test', version: '1' },
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'root' }],
      capabilities: this.options.capabilities ?? DEFAULT_CAPABILITIES,
      initializationOptions: this.options.initializationOptions,
    });
    this.initializeResult = result;
    this.notify('initialized', {});
    return result;
  }

  initializeResult?: InitializeResult;

  private poke(): void {
    for (const w of [...this.waiters]) {
      if (w.check()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  /** Resolves once `check` holds (checked now and after every message), or fails after `timeoutMs`. */
  waitUntil(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nserver stderr:\n${this.stderr}\nlogs:\n${this.logs.join('\n')}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async request<T = any>(method: string, params: unknown, timeoutMs = 5000): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${method} got no answer within ${timeoutMs} ms\nstderr:\n${this.stderr}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.conn.sendRequest(method, params) as Promise<T>, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  notify(method: string, params: unknown): void {
    void this.conn.sendNotification(method, params);
  }

  open(uri: string, text: string, version = 1): void {
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
  }

  /** Replaces the whole text (allowed under incremental sync too). */
  change(uri: string, version: number, text: string): void {
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  close(uri: string): void {
    this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  /** The next diagnostics published for a uri (after `since` publications) matching a predicate. */
  async diagnostics(uri: string, predicate: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 5000, since = 0): Promise<PublishDiagnosticsParams> {
    let found: PublishDiagnosticsParams | undefined;
    await this.waitUntil(`diagnostics for ${uri}`, () => {
      found = this.published.slice(since).find((p) => p.uri === uri && predicate(p));
      return !!found;
    }, timeoutMs);
    return found!;
  }

  async status(uri: string, since = 0, timeoutMs = 5000): Promise<PolicyStatus> {
    let found: PolicyStatus | undefined;
    await this.waitUntil(`status for ${uri}`, () => {
      found = this.statuses.slice(since).find((s) => s.uri === uri);
      return !!found;
    }, timeoutMs);
    return found!;
  }

  /** shutdown + exit; resolves with the exit code and how long the process took to end after `exit`. */
  async shutdown(): Promise<{ code: number | null | undefined; ms: number }> {
    await this.request('shutdown', null);
    const t = performance.now();
    this.notify('exit', null);
    await this.waitUntil('process exit', () => this.exitCode !== undefined, 5000);
    this.conn.dispose();
    return { code: this.exitCode, ms: performance.now() - t };
  }

  /** Ends the process whatever state it is in (test cleanup). */
  dispose(): void {
    this.conn.dispose();
    if (this.exitCode === undefined) this.proc.kill('SIGKILL');
  }
}

export function fileUri(name: string): string {
  return pathToFileURL(join(ROOT, 'test/fixtures', name)).href;
}

/** The 0-based position of the first occurrence of `needle` (plus `delta` characters) in `text`. */
export function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`${needle} not found`);
  const before = text.slice(0, offset + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - (before.lastIndexOf('\n') + 1) };
}
