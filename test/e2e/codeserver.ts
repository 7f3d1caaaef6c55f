// Starts code-server (VS Code 1.100 in the browser) with a fresh profile, our .vsix installed and a
// workspace open, and drives it with Debian's Chromium through playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_BIN, CODE_SERVER_BIN, SCREENSHOT_DIR, VSIX, killTree, processesMentioning, run, waitFor } from './harness';
import { Workbench } from './workbench';

/** User settings that keep the offline workbench quiet (no gallery, telemetry or welcome page). */
const USER_SETTINGS = {
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.startupEditor': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'git.enabled': false,
  'github.gitAuthentication': false,
  'editor.minimap.enabled': false,
  'workbench.colorTheme': 'Default Dark Modern',
  // Below the line the hover has room for the effective access as well as the diagnostic.
  'editor.hover.above': false,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export interface CodeServerOptions {
  /**
   * Keep VS Code's workspace trust (off by default: every other test works in a trusted workspace).
   * The folder then opens in Restricted Mode, without the startup prompt.
   */
  workspaceTrust?: boolean;
}

export class CodeServer {
  private profile = mkdtempSync(join(tmpdir(), 'landlock-lens-cs-'));
  private proc?: ChildProcess;
  private log = '';
  url = '';

  private args(): string[] {
    return [
      '--auth', 'none', '--disable-telemetry', '--disable-update-check',
      ...(this.options.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--user-data-dir', join(this.profile, 'user'), '--extensions-dir', join(this.profile, 'ext'),
      '--config', join(this.profile, 'config.yaml'),
    ];
  }

  constructor(private readonly options: CodeServerOptions = {}) {
    mkdirSync(join(this.profile, 'user', 'User'), { recursive: true });
    const settings = options.workspaceTrust ? { ...USER_SETTINGS, 'security.workspace.trust.startupPrompt': 'never' } : USER_SETTINGS;
    writeFileSync(join(this.profile, 'user', 'User', 'settings.json'), JSON.stringify(settings, null, 2));
    // An empty config keeps code-server from writing ~/.config/code-server/config.yaml.
    writeFileSync(join(this.profile, 'config.yaml'), '');
  }

  async installExtension(vsix: string): Promise<string> {
    const r = await run(CODE_SERVER_BIN, [...this.args(), '--install-extension', vsix], { timeoutMs: 60_000 });
    const out = (r.stdout + r.stderr).trim();
    if (r.code !== 0 || !/successfully installed/i.test(out)) throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.code}):\n${out}`);
    return out;
  }

  /** Starts the server on a port the kernel picks (port 0) and reads the real address from its log. */
  async start(folder: string): Promise<void> {
    // Without the test run's LANDLOCK_LENS_CODE_CACHE (test/run.mjs): the extension then picks the
    // cache directory itself, as it does for users.
    const { LANDLOCK_LENS_CODE_CACHE: _runCache, ...env } = process.env;
    this.proc = spawn(CODE_SERVER_BIN, [...this.args(), '--bind-addr', '127.0.0.1:0', folder], { stdio: ['ignore', 'pipe', 'pipe'], env });
    this.proc.stdout!.on('data', (d) => (this.log += d));
    this.proc.stderr!.on('data', (d) => (this.log += d));
    const base = await waitFor(() => {
      if (this.proc!.exitCode !== null) throw new Error(`code-server exited with ${this.proc!.exitCode}`);
      return /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(this.log)?.[1];
    }, { timeoutMs: 30_000, what: 'code-server to listen', detail: () => this.log.slice(-2000) });
    await waitFor(async () => ((await fetch(`${base}/healthz`).catch(() => undefined))?.ok ? true : undefined),
      { timeoutMs: 15_000, what: `${base}/healthz` });
    this.url = `${base}/?folder=${encodeURIComponent(folder)}`;
  }

  /** Files in an extension's global storage folder (VS Code's `ExtensionContext.globalStorageUri`). */
  globalStorageFiles(extensionId: string, sub = ''): string[] {
    const dir = join(this.profile, 'user', 'User', 'globalStorage', extensionId, sub);
    return existsSync(dir) ? readdirSync(dir) : [];
  }

  serverLog(): string {
    return this.log;
  }

  /**
   * The extension host's logs: our "Landlock Lens" output channel and the host's own log (activation
   * errors). Filled in by stop(), after code-server has flushed them.
   */
  extensionLog = '';

  private readExtensionLogs(): string {
    const logs = join(this.profile, 'user', 'logs');
    return ['Landlock Lens.log', 'remoteexthost.log'].map((name) => {
      const file = findFile(logs, name);
      return `=== ${name}\n${file ? readFileSync(file, 'utf8') : '(none)'}\n`;
    }).join('');
  }

  async stop(): Promise<void> {
    await killTree(this.proc?.pid);
    try {
      this.extensionLog = this.readExtensionLogs();
    } catch (e) {
      this.extensionLog = `(could not read the logs: ${e instanceof Error ? e.message : String(e)})`;
    }
    rmSync(this.profile, { recursive: true, force: true });
  }
}

function findFile(dir: string, name: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    } else if (entry.endsWith(name)) {
      return p;
    }
  }
  return undefined;
}

export interface BrowserSession {
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export async function openBrowser(url: string): Promise<BrowserSession> {
  // A private config/cache home: Chromium's profile data and its crash handler's database live
  // there instead of ~/.config/chromium, and the path identifies this browser's processes.
  const home = mkdtempSync(join(tmpdir(), 'landlock-lens-chromium-'));
  let browser: Browser | undefined;
  const kill = async () => {
    await browser?.close().catch(() => undefined);
    // The crash handlers detach from the browser (their parent becomes init), so find every process
    // that names our private directory, then kill each with its children.
    for (const pid of processesMentioning(home)) await killTree(pid, 1000);
    rmSync(home, { recursive: true, force: true });
  };
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM_BIN,
      headless: true,
      env: { ...process.env, XDG_CONFIG_HOME: join(home, 'config'), XDG_CACHE_HOME: join(home, 'cache') },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', `--crash-dumps-dir=${join(home, 'crash')}`],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(url);
    return { browser, page, close: kill };
  } catch (e) {
    await kill();
    throw e;
  }
}

/**
 * One VS Code test session: the packaged .vsix installed into a fresh code-server profile, the folder
 * open in Chromium, `file` open in an editor. Screenshots are named `<prefix>-NN-<step>.png` (an
 * earlier run's are removed first); close() writes code-server's and the extension's logs next to them.
 */
export interface VsCodeSession {
  cs: CodeServer;
  browser: BrowserSession;
  wb: Workbench;
  close(): Promise<void>;
}

export async function startVsCodeSession(prefix: string, folder: string, file: string, options: CodeServerOptions = {}): Promise<VsCodeSession> {
  // Only this session's files: `vscode-01-…` but not `vscode-trust-01-…`.
  const own = new RegExp(`^${prefix}-(\\d\\d-|code-server\\.log$|extension\\.log$)`);
  for (const f of existsSync(SCREENSHOT_DIR) ? readdirSync(SCREENSHOT_DIR) : []) {
    if (own.test(f)) rmSync(join(SCREENSHOT_DIR, f));
  }
  const cs = new CodeServer(options);
  let browser: BrowserSession | undefined;
  const close = async () => {
    await browser?.close();
    await cs.stop();
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    writeFileSync(join(SCREENSHOT_DIR, `${prefix}-code-server.log`), cs.serverLog());
    writeFileSync(join(SCREENSHOT_DIR, `${prefix}-extension.log`), cs.extensionLog);
  };
  try {
    await cs.installExtension(VSIX);
    await cs.start(folder);
    browser = await openBrowser(cs.url);
    const wb = new Workbench(browser.page, prefix);
    await wb.step('workbench loads', () => wb.waitForWorkbench());
    await wb.step(`open ${file}`, () => wb.openFile(file));
    return { cs, browser, wb, close };
  } catch (e) {
    await close();
    throw e;
  }
}
