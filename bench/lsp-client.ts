// A minimal LSP client over stdio for benchmarking: hand-written JSON-RPC framing (no library between
// the pipe and the clock), answers to the requests servers make of their client so that neither server
// ever waits on us, and timestamped publishDiagnostics so latencies are measured on arrival.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  source?: string;
  message: string;
}

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
  at: number;
}

interface Waiter {
  uri: string;
  version?: number;
  resolve: (d: PublishedDiagnostics) => void;
}

type ConfigFn = (section: string | undefined, scopeUri: string | undefined) => unknown;

export interface LspClientOptions {
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Answers workspace/configuration items. */
  configuration: ConfigFn;
  /** Log every message (debugging the harness). */
  trace?: boolean;
}

export class LspClient {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly spawnedAt: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes (header included) of the message being received, once its header is in. */
  private needed: number | undefined;
  private bodyStart = 0;
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void; method: string }>();
  private waiters: Waiter[] = [];
  /** Every publishDiagnostics received, in order. */
  readonly published: PublishedDiagnostics[] = [];
  /** Server->client requests seen (method names), for the report and for debugging. */
  readonly serverRequests: string[] = [];
  lastMessageAt = 0;
  stderr = '';
  exited = false;

  constructor(private readonly opts: LspClientOptions) {
    this.spawnedAt = performance.now();
    this.proc = spawn(opts.command, opts.args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.proc.stderr.on('data', (chunk: Buffer) => {
      // Keep the tail only: servers may log a lot.
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-8000);
    });
    this.proc.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error(`server exited during ${p.method}; stderr tail:\n${this.stderr}`));
      this.pending.clear();
    });
    this.proc.stdin.on('error', () => undefined);
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /**
   * Chunks are kept in a list until a whole message is there: appending each 64 KiB chunk to one
   * buffer copied a 10 MB message about 160 times (quadratic), which charged the client's copying to
   * whichever server sends large messages.
   */
  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.needed === undefined) {
        const head = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
        this.chunks = [head];
        const headerEnd = head.indexOf('\r\n\r\n');
        if (headerEnd < 0) return;
        const header = head.subarray(0, headerEnd).toString('ascii');
        const m = /Content-Length:\s*(\d+)/i.exec(header);
        if (!m) throw new Error(`bad LSP header: ${header}`);
        this.bodyStart = headerEnd + 4;
        this.needed = this.bodyStart + Number(m[1]);
      }
      if (this.buffered < this.needed) return;
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      const body = all.subarray(this.bodyStart, this.needed).toString('utf8');
      const rest = all.subarray(this.needed);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
      this.needed = undefined;
      const at = performance.now();
      this.lastMessageAt = at;
      this.onMessage(JSON.parse(body), at);
      if (!rest.length) return;
    }
  }

  private onMessage(msg: any, at: number): void {
    if (this.opts.trace) console.error('<-', JSON.stringify(msg).slice(0, 300));
    if (msg.method !== undefined && msg.id !== undefined) {
      this.serverRequests.push(msg.method);
      this.respond(msg.id, this.answer(msg.method, msg.params));
      return;
    }
    if (msg.method !== undefined) {
      if (msg.method === 'textDocument/publishDiagnostics') {
        const d: PublishedDiagnostics = { ...msg.params, at };
        this.published.push(d);
        this.waiters = this.waiters.filter((w) => {
          if (w.uri !== d.uri) return true;
          // Servers that send `version` must match the version we wait for; others (yaml-language-server
          // publishes without one) match the next publication, which is the edit's since we wait each time.
          if (w.version !== undefined && d.version !== undefined && d.version !== w.version) return true;
          w.resolve(d);
          return false;
        });
      }
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
    else p.resolve(msg.result);
  }

  private answer(method: string, params: any): unknown {
    switch (method) {
      case 'workspace/configuration':
        return (params.items as { section?: string; scopeUri?: string }[]).map((i) => this.opts.configuration(i.section, i.scopeUri) ?? null);
      case 'client/registerCapability':
      case 'client/unregisterCapability':
      case 'window/workDoneProgress/create':
      case 'workspace/codeLens/refresh':
      case 'workspace/semanticTokens/refresh':
      case 'workspace/inlayHint/refresh':
      case 'workspace/inlineValue/refresh':
      case 'workspace/diagnostic/refresh':
      case 'window/showMessageRequest':
        return null;
      case 'workspace/workspaceFolders':
        return [];
      default:
        return null;
    }
  }

  private write(msg: object): void {
    if (this.opts.trace) console.error('->', JSON.stringify(msg).slice(0, 300));
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  private respond(id: number | string, result: unknown): void {
    this.write({ jsonrpc: '2.0', id, result });
  }

  request<T = any>(method: string, params: unknown, timeoutMs = 60000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out after ${timeoutMs} ms; stderr tail:\n${this.stderr}`));
      }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.write({ jsonrpc: '2.0', method, params });
  }

  /** The next publishDiagnostics for `uri` (and `version`, when the server reports versions). */
  waitDiagnostics(uri: string, version?: number, timeoutMs = 60000): Promise<PublishedDiagnostics> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no diagnostics for ${uri} v${version} within ${timeoutMs} ms; stderr tail:\n${this.stderr}`));
      }, timeoutMs);
      const waiter: Waiter = {
        uri,
        version,
        resolve: (d) => {
          clearTimeout(timer);
          resolve(d);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves once the server has been silent for `quietMs` (or after `maxMs`). */
  async settle(quietMs = 150, maxMs = 5000): Promise<void> {
    const start = performance.now();
    for (;;) {
      const now = performance.now();
      if (now - Math.max(this.lastMessageAt, start) >= quietMs || now - start >= maxMs) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /**
   * CPU time of the server's main thread (where Node runs JavaScript), in ms, from
   * /proc/<pid>/schedstat (nanoseconds). Unlike wall time it does not grow when other work shares
   * the machine; it leaves out GC helper threads and time spent waiting on timers.
   */
  cpuMs(): number {
    try {
      return Number(readFileSync(`/proc/${this.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    } catch {
      return NaN;
    }
  }

  /**
   * Minor page faults of the server process so far, all threads (/proc/<pid>/stat, field 10): each is the
   * kernel giving the process a fresh page of memory on first touch, about 10 µs apiece on this project's
   * machines (microVMs), so fresh memory costs time in proportion to its size.
   */
  minorFaults(): number {
    try {
      const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      // The fields after the command name, which is in parentheses and may hold spaces: state is field 3.
      return Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[10 - 3]);
    } catch {
      return NaN;
    }
  }

  /** Peak and current resident set size in KiB, from /proc/<pid>/status. */
  memory(): { hwmKiB: number; rssKiB: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const get = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { hwmKiB: get('VmHWM'), rssKiB: get('VmRSS') };
  }

  async shutdown(): Promise<void> {
    if (this.exited) return;
    try {
      await this.request('shutdown', null, 3000);
      this.notify('exit', null);
    } catch {
      // fall through to kill
    }
    await new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      const timer = setTimeout(() => {
        this.proc.kill('SIGKILL');
        resolve();
      }, 1500);
      this.proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
