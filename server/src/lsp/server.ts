// The Landlock Lens language server: thin LSP glue around the pure core. One Analysis per document
// version (and settings), reused by diagnostics, hovers, code actions, symbols, inlay hints, code
// lenses and the custom requests. Every handler is guarded: an exception is logged and the request
// gets an empty answer, never a crashed server.
import {
  CodeActionKind, CompletionItemKind, CompletionTriggerKind, DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification, InlayHintKind, InsertTextFormat, InsertTextMode, MarkupKind, SymbolKind,
  TextDocumentSyncKind, TextDocuments,
  type ClientCapabilities, type CodeAction, type CodeLens, type Command, type CompletionItem, type Connection,
  type Diagnostic, type DocumentDiagnosticReport, type DocumentSymbol, type Hover, type InitializeParams,
  type InitializeResult, type InlayHint, type SymbolInformation, type TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { RULES, analyze, standardImageView } from '../core/index';
import type { Analysis, AnalysisOptions, FsView } from '../core/index';
import { mappedFolderView } from '../node/mapped-folder';
import { clearConfigCache, configureForFile } from '../node/config';
import { warmUp } from './warm-up';
import type { CodeCache } from '../node/code-cache';
import type { YoungGenerationCollector } from '../node/young-generation';
import { AnalysedDocument } from './snapshot';
import { CONFIG_FILE_NAMES } from '../core/config';
import type { ConfiguredFile } from '../node/config';
import { explain, primaryDocument } from '../core/explain';
import { hoverAt } from '../core/editor/hover';
import { completionsAt } from '../core/editor/completion';
import { codeLenses, documentOutline, effectiveAccessMarkdown, inlayHints } from '../core/editor/outline';
import type { OutlineNode } from '../core/editor/outline';
import { explanationMarkdown } from '../core/editor/explain-text';
import { code, toPlainText } from '../core/editor/markdown';
import {
  DEFAULT_SETTINGS, initializationFlag, mergeSettings, pinnedDebounce, settingsFromDidChange, settingsFromInitializationOptions,
  type Settings,
} from './settings';
import {
  FIX_ALL_KIND, SOURCE, findingFor, fixToAction, safeFixEdits, toDiagnostics, toRange, workspaceEdit, type DiagnosticOptions,
} from './convert';
import { RuleDocs } from './docs';
import { TreeListings, WorkspaceFolders, fileNameForDetection, fsPathOf, resolveSettingPath, substituteFolder } from './workspace';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export const SERVER_NAME = 'landlock-lens';
export const SERVER_VERSION = '0.1.0';

/** Custom protocol, shared with the VS Code client (client/src/protocol.ts). */
export const EXPLAIN_METHOD = 'landlockLens/explain';
export const EFFECTIVE_ACCESS_METHOD = 'landlockLens/effectiveAccess';
export const STATUS_METHOD = 'landlockLens/status';
/** Client-side command the code lens runs (registered by the VS Code extension). */
export const SHOW_EFFECTIVE_ACCESS_COMMAND = 'landlockLens.showEffectiveAccess';
/** Server-side command behind code actions for clients without CodeAction literals. */
export const APPLY_FIX_COMMAND = 'landlockLens.server.applyFix';

/** How long to wait for the client's workspace/configuration answer before using defaults. */
const CONFIGURATION_TIMEOUT_MS = 3000;
/** How long a project-configuration lookup is reused for a document (file watching clears it sooner). */
const CONFIG_LOOKUP_REUSE_MS = 1000;
/** Time spent priming the JIT while answering `initialize` (initializationOptions.warmUp: false skips it). */
const WARM_UP_BUDGET_MS = 15;
/** Quiet time after start-up or an analysis before the young generation is collected (collectWhenIdle). */
const IDLE_COLLECTION_DELAY_MS = 5;

interface ClientFeatures {
  configuration: boolean;
  didChangeConfigurationDynamic: boolean;
  watchedFilesDynamic: boolean;
  pullDiagnostics: boolean;
  diagnosticRefresh: boolean;
  inlayHintRefresh: boolean;
  codeLensRefresh: boolean;
  relatedInformation: boolean;
  hoverMarkdown: boolean;
  completionMarkdown: boolean;
  snippets: boolean;
  insertTextModeAsIs: boolean;
  codeActionLiterals: boolean;
  documentChanges: boolean;
  hierarchicalSymbols: boolean;
  workspaceFolders: boolean;
}

function clientFeatures(c: ClientCapabilities): ClientFeatures {
  const td = c.textDocument ?? {};
  const diag = td.diagnostic as (typeof td.diagnostic & { relatedInformation?: boolean }) | undefined;
  return {
    configuration: !!c.workspace?.configuration,
    didChangeConfigurationDynamic: !!c.workspace?.didChangeConfiguration?.dynamicRegistration,
    watchedFilesDynamic: !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration,
    pullDiagnostics: !!td.diagnostic,
    diagnosticRefresh: !!c.workspace?.diagnostics?.refreshSupport,
    inlayHintRefresh: !!c.workspace?.inlayHint?.refreshSupport,
    codeLensRefresh: !!c.workspace?.codeLens?.refreshSupport,
    relatedInformation: !!td.publishDiagnostics?.relatedInformation || !!diag?.relatedInformation,
    hoverMarkdown: (td.hover?.contentFormat ?? []).includes(MarkupKind.Markdown),
    completionMarkdown: (td.completion?.completionItem?.documentationFormat ?? []).includes(MarkupKind.Markdown),
    snippets: !!td.completion?.completionItem?.snippetSupport,
    insertTextModeAsIs: (td.completion?.completionItem?.insertTextModeSupport?.valueSet ?? []).includes(InsertTextMode.asIs),
    codeActionLiterals: !!td.codeAction?.codeActionLiteralSupport,
    documentChanges: !!c.workspace?.workspaceEdit?.documentChanges,
    hierarchicalSymbols: !!td.documentSymbol?.hierarchicalDocumentSymbolSupport,
    workspaceFolders: !!c.workspace?.workspaceFolders,
  };
}

/** One analysis of one document version under one set of options. */
interface CacheEntry {
  id: number;
  uri: string;
  version: number;
  key: string;
  analysis: Analysis;
  /** The analysed version (the live TextDocument is updated in place on every change), positions from the analysis. */
  doc: TextDocument;
  /** A glob or a `# landlock-lens: policy` modeline makes it a policy even while it is still empty. */
  policyLike: boolean;
}

interface AnalysisContext {
  options: AnalysisOptions & { sandboxFolders: Record<string, string> };
  key: string;
  configured?: ConfiguredFile;
}

export function startServer(connection: Connection, bundleDir: string, codeCache?: CodeCache, collectYoung?: YoungGenerationCollector): void {
  const documents = new TextDocuments(TextDocument);
  const folders = new WorkspaceFolders();
  const listings = new TreeListings();
  const ruleDocs = new RuleDocs(bundleDir);
  let features: ClientFeatures = clientFeatures({});
  let initSettings: unknown;
  let pinned: number | undefined;
  /** False when the client runs in an untrusted workspace: files named by workspace configuration are not read. */
  let workspaceTrusted = true;
  /** Settings pushed by didChangeConfiguration, for clients without workspace/configuration. */
  let pushedSettings: unknown;
  const settingsCache = new Map<string, Promise<Settings>>();
  const resolvedSettings = new Map<string, Settings>();
  const analyses = new Map<string, CacheEntry>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const justOpened = new Set<string>();
  const watchedNames = new Set<string>();
  const reportedListingErrors = new Set<string>();
  let nextAnalysisId = 1;
  let initialized = false;

  const log = (message: string) => connection.console.error(message);

  function guard<P, R>(name: string, fallback: R, handler: (params: P) => R | Promise<R>): (params: P) => Promise<R> {
    return async (params: P) => {
      try {
        return await handler(params);
      } catch (e) {
        log(`${name} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
        return fallback;
      }
    };
  }

  // ---------------------------------------------------------------- settings

  function baseSettings(): Settings {
    const s = mergeSettings(DEFAULT_SETTINGS, initSettings);
    return features.configuration ? s : mergeSettings(s, pushedSettings);
  }

  function pin(s: Settings): Settings {
    return pinned === undefined ? s : { ...s, debounceMs: pinned };
  }

  async function fetchSettings(uri: string): Promise<Settings> {
    let settings = baseSettings();
    if (features.configuration) {
      try {
        const raw = await Promise.race([
          connection.workspace.getConfiguration({ scopeUri: uri, section: 'landlockLens' }),
          new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${CONFIGURATION_TIMEOUT_MS} ms`)), CONFIGURATION_TIMEOUT_MS).unref()),
        ]);
        settings = mergeSettings(settings, raw);
      } catch (e) {
        log(`workspace/configuration for ${uri} failed, using defaults: ${(e as Error).message}`);
      }
    }
    return pin(settings);
  }

  function settingsFor(uri: string): Promise<Settings> {
    // Before `initialized` the server may not ask the client anything: use (but do not keep) the base settings.
    if (!initialized) return Promise.resolve(pin(baseSettings()));
    let p = settingsCache.get(uri);
    if (!p) {
      p = fetchSettings(uri);
      settingsCache.set(uri, p);
      p.then((s) => {
        if (settingsCache.get(uri) === p) resolvedSettings.set(uri, s);
      }, () => undefined);
    }
    return p;
  }

  function debounceFor(uri: string): number {
    return resolvedSettings.get(uri)?.debounceMs ?? pin(baseSettings()).debounceMs;
  }

  // ---------------------------------------------------------------- analysis

  function detectionPath(uri: string): string | undefined {
    const fsPath = fsPathOf(uri);
    if (fsPath) return fsPath;
    try {
      return decodeURIComponent(new URL(uri).pathname) || undefined;
    } catch {
      return undefined;
    }
  }

  function contextFor(uri: string, settings: Settings): AnalysisContext {
    const fsPath = fsPathOf(uri);
    const folder = fsPath ? folders.folderOf(fsPath) : undefined;
    const options: AnalysisContext['options'] = {
      workdir: settings.workdir,
      gpu: settings.gpu,
      abi: settings.abi,
      policyGlobs: settings.policyFiles,
      fileName: fileNameForDetection(detectionPath(uri), folder, settings.policyFiles),
      sandboxFolders: Object.fromEntries(Object.entries(settings.sandboxFolders).map(([k, v]) => [k, substituteFolder(v, folder)])),
    };
    let listingStamp = '';
    let view: FsView | undefined;
    if (settings.treeListing) {
      const file = resolveSettingPath(settings.treeListing, fsPath, folder);
      if (file) {
        const listing = listings.get(file, settings.workdir);
        listingStamp = `${file}@${listing.stamp}`;
        view = listing.view;
        if (listing.error) reportOnce(listing.error);
        watchListing(file);
      }
    }
    const mappings = Object.entries(options.sandboxFolders)
      .map(([sandboxPath, local]) => ({ sandboxPath, localPath: resolveSettingPath(local, fsPath, folder) }))
      .filter((m): m is { sandboxPath: string; localPath: string } => !!m.localPath);
    if (mappings.length) {
      try {
        // A fresh view per analysis: it caches what it has lstat()ed, and the folder keeps changing.
        view = mappedFolderView(mappings, view ?? standardImageView(settings.workdir));
      } catch (e) {
        reportOnce(`cannot use landlockLens.sandboxFolders: ${(e as Error).message}`);
      }
    }
    if (view) options.view = view;
    // The project configuration (.landlock-lens.yaml) wins over editor settings, so that the editor and
    // the CLI in CI report the same findings.
    const configured = fsPath ? configureForFile(fsPath, options, { reuseLookupForMs: CONFIG_LOOKUP_REUSE_MS, readNamedFiles: workspaceTrusted }) : undefined;
    if (configured) Object.assign(options, configured.options);
    const key = JSON.stringify([options.workdir, options.gpu, options.abi, options.policyGlobs, options.fileName, options.sandboxFolders, listingStamp, configured?.key ?? null]);
    return { options, key, configured };
  }

  const publishedConfigProblems = new Map<string, string>();
  /** Problems of a configuration file are diagnostics on that file, published when they change. */
  function publishConfigProblems(configured: ConfiguredFile | undefined): void {
    const file = configured?.lookup.file;
    if (!configured || !file) return;
    const uri = pathToFileURL(file).href;
    const configDoc = TextDocument.create(uri, 'yaml', 0, configured.lookup.text ?? '');
    const diagnostics = toDiagnostics(configDoc, configured.configProblems, diagnosticOptions());
    const stamp = JSON.stringify(diagnostics);
    if (publishedConfigProblems.get(uri) === stamp) return;
    publishedConfigProblems.set(uri, stamp);
    void connection.sendDiagnostics({ uri, diagnostics });
  }

  /** Analyses a document version (or returns the cached analysis of it). Sends the status notification. */
  function analyzeVersion(doc: TextDocument, settings: Settings): CacheEntry {
    const context = contextFor(doc.uri, settings);
    // (No reference to an outdated entry stays on this frame while analyzeAnew runs.)
    return cachedAnalysisOf(doc, context) ?? analyzeAnew(doc, context);
  }

  /**
   * A process that found no code cache writes one (node/code-cache.ts) twice: after its first analysis,
   * so that one exists early even if the server is killed, and on `shutdown`, when it also holds what
   * that session compiled later (edits, hovers, code actions), which the next starts then skip compiling.
   * A process that used a cache, has it off or found its directory unsafe writes nothing.
   */
  const writableCodeCache = codeCache?.writable ? codeCache : undefined;
  let codeCacheWritten = false;
  function saveCodeCacheAfterFirstAnalysis(): void {
    if (!writableCodeCache || codeCacheWritten) return;
    codeCacheWritten = true;
    // After the current message's answer has gone out.
    setImmediate(() => connection.console.log(writableCodeCache.save()));
  }

  /**
   * Empties the young generation once the server has been idle for a moment after start-up, and after an
   * analysis when the next one would not fit in what is left (see node/young-generation.ts): the next
   * keystroke's analysis then starts with room for what it allocates instead of copying this one's
   * objects in the middle of its work. A timer, so it runs after the diagnostics have gone out (or been
   * pulled), and after any message already waiting.
   */
  let idleCollection: NodeJS.Timeout | undefined;
  let emptyWhenIdle = false;
  function collectWhenIdle(afterStartup = false): void {
    if (!collectYoung) return;
    if (idleCollection) clearTimeout(idleCollection);
    // After start-up all of it, so the first document's analysis starts with an empty young generation.
    emptyWhenIdle ||= afterStartup;
    idleCollection = setTimeout(() => {
      idleCollection = undefined;
      if (emptyWhenIdle) collectYoung.empty();
      else collectYoung.collectIfShort();
      emptyWhenIdle = false;
    }, IDLE_COLLECTION_DELAY_MS);
    idleCollection.unref?.();
  }

  function cachedAnalysisOf(doc: TextDocument, context: AnalysisContext): CacheEntry | undefined {
    const cached = analyses.get(doc.uri);
    return cached && cached.version === doc.version && cached.key === context.key ? cached : undefined;
  }

  function analyzeAnew(doc: TextDocument, context: AnalysisContext): CacheEntry {
    // Let the collector take the previous version's analysis while this one is built: peak memory
    // then holds one analysis of a large policy, not two. Nothing can ask for it meanwhile.
    analyses.delete(doc.uri);
    const text = doc.getText();
    const analysis = analyze(text, context.options);
    const { configured } = context;
    if (configured) {
      // Suppressions, rule levels and path-scoped ignores, exactly as the CLI applies them.
      analysis.findings = configured.ignored ? [] : configured.findingsOf(analysis);
      publishConfigProblems(configured);
    }
    saveCodeCacheAfterFirstAnalysis();
    collectWhenIdle();
    const entry: CacheEntry = {
      id: nextAnalysisId++,
      uri: doc.uri,
      version: doc.version,
      key: context.key,
      analysis,
      doc: new AnalysedDocument(doc.uri, doc.languageId, doc.version, text, analysis.lines),
      policyLike: analysis.isPolicy || analysis.forcedPolicy,
    };
    analyses.set(doc.uri, entry);
    sendStatus(entry);
    return entry;
  }

  /** The analysis of the document's current version, or undefined when the document is not open. */
  async function currentAnalysis(uri: string): Promise<CacheEntry | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = documents.get(uri);
      if (!doc) return undefined;
      const version = doc.version;
      const settings = await settingsFor(uri);
      const now = documents.get(uri);
      if (!now) return undefined;
      if (now.version === version) return analyzeVersion(now, settings);
    }
    const doc = documents.get(uri);
    return doc ? analyzeVersion(doc, await settingsFor(uri)) : undefined;
  }

  function sendStatus(entry: CacheEntry): void {
    const { analysis } = entry;
    let errors = 0;
    let warnings = 0;
    for (const f of analysis.findings) {
      if (f.severity === 'error') errors++;
      else if (f.severity === 'warning') warnings++;
    }
    void connection.sendNotification(STATUS_METHOD, { uri: entry.uri, isPolicy: analysis.isPolicy, detection: analysis.detection, errors, warnings });
  }

  /**
   * Built for each publication or pull, not kept: a version is published once (and pulled again only
   * after a change), and at 20,000 paths keeping them would hold 12,000 diagnostics for nothing.
   */
  function diagnosticsOf(entry: CacheEntry, settings: Settings): Diagnostic[] {
    return toDiagnostics(entry.doc, entry.analysis.findings, diagnosticOptions(), settings.maxDiagnostics);
  }

  /** How findings become diagnostics for this client (a policy's and a configuration file's alike). */
  function diagnosticOptions(): DiagnosticOptions {
    return { relatedInformation: features.relatedInformation, docHref: (id) => ruleDocs.href(id) };
  }

  // ---------------------------------------------------------------- push diagnostics

  /**
   * Analyses the current version and publishes its diagnostics. In pull mode it only analyses: the
   * status notification then arrives even for documents the client does not pull, and the pull that
   * follows finds the analysis cached.
   */
  async function validate(uri: string): Promise<void> {
    const doc = documents.get(uri);
    if (!doc) return;
    const version = doc.version;
    const settings = await settingsFor(uri);
    const now = documents.get(uri);
    // A newer version arrived meanwhile: its own (debounced) validation publishes, never this one.
    if (!now || now.version !== version) return;
    const entry = analyzeVersion(now, settings);
    if (features.pullDiagnostics) return;
    await connection.sendDiagnostics({ uri, version, diagnostics: diagnosticsOf(entry, settings) });
  }

  const guardedValidate = guard('validation', undefined, validate);

  function schedule(uri: string, delayMs: number): void {
    const pending = timers.get(uri);
    if (pending) clearTimeout(pending);
    timers.delete(uri);
    if (delayMs <= 0) {
      void guardedValidate(uri);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(uri);
      void guardedValidate(uri);
    }, delayMs);
    timer.unref?.();
    timers.set(uri, timer);
  }

  /** Settings or a tree listing changed: analyse every open document again. */
  function revalidateAll(): void {
    for (const doc of documents.all()) schedule(doc.uri, 0);
    if (features.pullDiagnostics && features.diagnosticRefresh) {
      connection.languages.diagnostics.refresh().catch((e) => log(`diagnostic refresh failed: ${e}`));
    }
    if (features.inlayHintRefresh) connection.languages.inlayHint.refresh().catch((e) => log(`inlay hint refresh failed: ${e}`));
    if (features.codeLensRefresh) connection.sendRequest('workspace/codeLens/refresh').catch((e) => log(`code lens refresh failed: ${e}`));
  }

  function reportOnce(problem: string): void {
    if (reportedListingErrors.has(problem)) return;
    reportedListingErrors.add(problem);
    log(problem);
    void connection.window.showWarningMessage(`Landlock Lens: ${problem}. Using standard image assumptions instead.`);
  }

  function watchListing(file: string): void {
    if (!features.watchedFilesDynamic || !initialized) return;
    const name = path.basename(file);
    if (watchedNames.has(name)) return;
    watchedNames.add(name);
    connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: `**/${name}` }] })
      .catch((e) => log(`could not watch ${file}: ${e}`));
  }

  // ---------------------------------------------------------------- lifecycle

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    features = clientFeatures(params.capabilities ?? {});
    initSettings = settingsFromInitializationOptions(params.initializationOptions);
    pinned = pinnedDebounce(params.initializationOptions);
    // VS Code's client says whether the workspace is trusted; other clients do not, and are trusted.
    workspaceTrusted = initializationFlag(params.initializationOptions, 'workspaceTrusted');
    const folderUris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    folders.set(folderUris);
    // The first analysis a user waits for should run warm: prime the JIT now (see warm-up.ts).
    if (initializationFlag(params.initializationOptions, 'warmUp')) {
      const warm = warmUp(WARM_UP_BUDGET_MS);
      connection.console.log(`warmed up: ${warm.runs} analyses in ${warm.ms.toFixed(0)} ms`);
      ruleDocs.prime(RULES.map((rule) => rule.id));
    }
    collectWhenIdle(true);
    if (codeCache) connection.console.log(`code cache: ${codeCache.state}${codeCache.file ? ` (${codeCache.file})` : ''}`);
    const result: InitializeResult = {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: [' '], resolveProvider: false },
        documentSymbolProvider: { label: 'Landlock Lens' },
        codeActionProvider: features.codeActionLiterals
          ? { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false }
          : true,
        codeLensProvider: { resolveProvider: false },
        inlayHintProvider: { resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: SERVER_NAME, version: SERVER_VERSION },
    };
    if (features.pullDiagnostics) {
      result.capabilities.diagnosticProvider = { identifier: SOURCE, interFileDependencies: false, workspaceDiagnostics: false };
    }
    if (!features.codeActionLiterals) result.capabilities.executeCommandProvider = { commands: [APPLY_FIX_COMMAND] };
    return result;
  });

  connection.onInitialized(guard('initialized', undefined, () => {
    initialized = true;
    // Documents opened before `initialized` were analysed with default settings.
    if (documents.all().length) revalidateAll();
    if (features.didChangeConfigurationDynamic) {
      connection.client.register(DidChangeConfigurationNotification.type, { section: 'landlockLens' })
        .catch((e) => log(`could not register for configuration changes: ${e}`));
    }
    // Project configuration files: looked up at most once a second per document, and at once when they change.
    if (features.watchedFilesDynamic) {
      connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: CONFIG_FILE_NAMES.map((name) => ({ globPattern: `**/${name}` })) })
        .catch((e) => log(`could not watch configuration files: ${e}`));
    }
    if (features.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        folders.remove(event.removed.map((f) => f.uri));
        folders.add(event.added.map((f) => f.uri));
        settingsCache.clear();
        resolvedSettings.clear();
        revalidateAll();
      });
    }
  }));

  connection.onShutdown(() => {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
    if (idleCollection) clearTimeout(idleCollection);
    if (writableCodeCache && codeCacheWritten) connection.console.log(writableCodeCache.save());
  });

  connection.onDidChangeConfiguration(guard('didChangeConfiguration', undefined, (params) => {
    const pushed = settingsFromDidChange(params?.settings);
    if (pushed !== undefined) pushedSettings = pushed;
    settingsCache.clear();
    resolvedSettings.clear();
    reportedListingErrors.clear();
    revalidateAll();
  }));

  connection.onDidChangeWatchedFiles(guard('didChangeWatchedFiles', undefined, (params) => {
    let changed = false;
    for (const change of params.changes) {
      const file = fsPathOf(change.uri);
      if (file && listings.has(file)) {
        listings.invalidate(file);
        changed = true;
      }
      if (file && (CONFIG_FILE_NAMES as readonly string[]).includes(path.basename(file))) {
        clearConfigCache();
        changed = true;
      }
    }
    if (changed) {
      reportedListingErrors.clear();
      revalidateAll();
    }
  }));

  documents.onDidOpen((e) => justOpened.add(e.document.uri));
  documents.onDidChangeContent((e) => {
    const uri = e.document.uri;
    // Opening analyses at once; edits wait for a pause in typing.
    schedule(uri, justOpened.delete(uri) ? 0 : debounceFor(uri));
  });
  documents.onDidClose((e) => {
    const uri = e.document.uri;
    const pending = timers.get(uri);
    if (pending) clearTimeout(pending);
    timers.delete(uri);
    justOpened.delete(uri);
    analyses.delete(uri);
    settingsCache.delete(uri);
    resolvedSettings.delete(uri);
    if (!features.pullDiagnostics) void connection.sendDiagnostics({ uri, diagnostics: [] }).catch(() => undefined);
  });

  // ---------------------------------------------------------------- pull diagnostics

  connection.languages.diagnostics.on(guard('textDocument/diagnostic', { kind: 'full', items: [] } as DocumentDiagnosticReport, async (params) => {
    const entry = await currentAnalysis(params.textDocument.uri);
    if (!entry) return { kind: 'full', items: [] };
    const settings = await settingsFor(params.textDocument.uri);
    // The limit is part of the result: a changed setting makes the next pull a full one.
    const resultId = `${entry.id}:${settings.maxDiagnostics}`;
    if (params.previousResultId === resultId) return { kind: 'unchanged', resultId };
    return { kind: 'full', resultId, items: diagnosticsOf(entry, settings) };
  }));

  // ---------------------------------------------------------------- hover

  const docHref = (id: string) => ruleDocs.href(id);

  connection.onHover(guard<Parameters<Parameters<Connection['onHover']>[0]>[0], Hover | null>('textDocument/hover', null, async (params) => {
    const entry = await currentAnalysis(params.textDocument.uri);
    if (!entry || !entry.analysis.isPolicy) return null;
    const offset = entry.doc.offsetAt(params.position);
    const hover = hoverAt(entry.analysis, offset, { docUrl: docHref });
    if (!hover) return null;
    return {
      contents: features.hoverMarkdown ? { kind: MarkupKind.Markdown, value: hover.markdown } : { kind: MarkupKind.PlainText, value: toPlainText(hover.markdown) },
      range: toRange(entry.doc, hover.span),
    };
  }));

  // ---------------------------------------------------------------- completion

  connection.onCompletion(guard<Parameters<Parameters<Connection['onCompletion']>[0]>[0], CompletionItem[]>('textDocument/completion', [], async (params) => {
    const entry = await currentAnalysis(params.textDocument.uri);
    // A new file that a glob or modeline declares a policy gets completion before it has any key.
    if (!entry || !(entry.analysis.isPolicy || entry.policyLike)) return [];
    const offset = entry.doc.offsetAt(params.position);
    const byTrigger = params.context?.triggerKind === CompletionTriggerKind.TriggerCharacter;
    const items = completionsAt(entry.analysis.text, offset, entry.analysis.lines)
      // A typed space only asks for values (`compatibility: `), not for keys at every indentation.
      .filter((c) => !byTrigger || c.kind === 'value');
    return items.map((c): CompletionItem => {
      const range = toRange(entry.doc, c.replace);
      const useSnippet = features.snippets && c.snippet !== undefined;
      const item: CompletionItem = {
        label: c.label,
        kind: c.kind === 'key' ? CompletionItemKind.Property : CompletionItemKind.EnumMember,
        detail: c.detail,
        sortText: c.sortText,
        filterText: c.label,
        textEdit: { range, newText: useSnippet ? c.snippet! : c.insertText },
        insertTextFormat: useSnippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
      };
      if (useSnippet && c.snippet!.includes('\n') && features.insertTextModeAsIs) item.insertTextMode = InsertTextMode.asIs;
      if (c.documentation) {
        item.documentation = features.completionMarkdown ? { kind: MarkupKind.Markdown, value: c.documentation } : toPlainText(c.documentation);
      }
      return item;
    });
  }));

  // ---------------------------------------------------------------- document symbols

  const SYMBOL_KINDS: Record<OutlineNode['kind'], SymbolKind> = {
    document: SymbolKind.File,
    section: SymbolKind.Module,
    key: SymbolKind.Property,
    list: SymbolKind.Array,
    entry: SymbolKind.File,
    item: SymbolKind.Object,
  };

  connection.onDocumentSymbol(guard<Parameters<Parameters<Connection['onDocumentSymbol']>[0]>[0], DocumentSymbol[] | SymbolInformation[]>('textDocument/documentSymbol', [], async (params) => {
    const entry = await currentAnalysis(params.textDocument.uri);
    if (!entry || !entry.analysis.isPolicy) return [];
    const outline = documentOutline(entry.analysis);
    const doc = entry.doc;
    if (features.hierarchicalSymbols) {
      const convert = (n: OutlineNode): DocumentSymbol => ({
        name: n.name || '""',
        detail: n.detail,
        kind: SYMBOL_KINDS[n.kind],
        range: toRange(doc, n.span),
        selectionRange: toRange(doc, n.selectionSpan),
        children: n.children.map(convert),
      });
      return outline.map(convert);
    }
    const flat: SymbolInformation[] = [];
    const walk = (n: OutlineNode, container?: string) => {
      flat.push({ name: n.name || '""', kind: SYMBOL_KINDS[n.kind], location: { uri: doc.uri, range: toRange(doc, n.span) }, containerName: container });
      for (const c of n.children) walk(c, n.name);
    };
    outline.forEach((n) => walk(n));
    return flat;
  }));

  // ---------------------------------------------------------------- inlay hints

  connection.languages.inlayHint.on(guard<Parameters<Parameters<Connection['languages']['inlayHint']['on']>[0]>[0], InlayHint[]>('textDocument/inlayHint', [], async (params) => {
    const uri = params.textDocument.uri;
    const entry = await currentAnalysis(uri);
    if (!entry || !entry.analysis.isPolicy) return [];
    const settings = await settingsFor(uri);
    if (!settings.inlayHints.enabled) return [];
    const span = { start: entry.doc.offsetAt(params.range.start), end: entry.doc.offsetAt(params.range.end) };
    return inlayHints(entry.analysis, span).map((h) => ({
      position: entry.doc.positionAt(h.offset),
      label: h.label,
      kind: InlayHintKind.Type,
      paddingLeft: true,
      tooltip: h.tooltip,
    }));
  }));

  // ---------------------------------------------------------------- code lens

  connection.onCodeLens(guard<Parameters<Parameters<Connection['onCodeLens']>[0]>[0], CodeLens[]>('textDocument/codeLens', [], async (params) => {
    const entry = await currentAnalysis(params.textDocument.uri);
    if (!entry || !entry.analysis.isPolicy) return [];
    return codeLenses(entry.analysis).map((lens) => ({
      range: toRange(entry.doc, lens.span),
      command: { title: lens.title, command: SHOW_EFFECTIVE_ACCESS_COMMAND, arguments: [entry.uri] },
    }));
  }));

  // ---------------------------------------------------------------- code actions

  connection.onCodeAction(guard<Parameters<Parameters<Connection['onCodeAction']>[0]>[0], (CodeAction | Command)[]>('textDocument/codeAction', [], async (params) => {
    const entry = await currentAnalysis(params.textDocument.uri);
    if (!entry || !entry.analysis.isPolicy) return [];
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
    const actions: CodeAction[] = [];
    const options = { documentChanges: features.documentChanges };
    if (wants(CodeActionKind.QuickFix)) {
      for (const diagnostic of params.context.diagnostics) {
        const finding = findingFor(entry.analysis, entry.doc, diagnostic);
        if (!finding) continue;
        for (const fix of finding.fixes) actions.push(fixToAction(entry.doc, fix, diagnostic, options));
      }
    }
    if (wants(FIX_ALL_KIND)) {
      const all = safeFixEdits(entry.analysis);
      if (all.fixes > 0) {
        actions.push({ title: 'Fix all safe problems', kind: FIX_ALL_KIND, edit: workspaceEdit(entry.doc, all.edits, options.documentChanges) });
      }
    }
    if (features.codeActionLiterals) return actions;
    // Old clients: plain commands, which the server applies with workspace/applyEdit.
    return actions.map((a): Command => ({
      title: a.title,
      command: APPLY_FIX_COMMAND,
      arguments: [{ uri: entry.uri, version: entry.version, edits: editsOf(a) }],
    }));
  }));

  function editsOf(action: CodeAction): TextEdit[] {
    const edit = action.edit;
    if (!edit) return [];
    if (edit.documentChanges) return edit.documentChanges.flatMap((c) => ('edits' in c ? c.edits.filter((e): e is TextEdit => 'range' in e) : []));
    return Object.values(edit.changes ?? {}).flat();
  }

  connection.onExecuteCommand(guard<Parameters<Parameters<Connection['onExecuteCommand']>[0]>[0], null>('workspace/executeCommand', null, async (params) => {
    if (params.command !== APPLY_FIX_COMMAND) return null;
    const arg = params.arguments?.[0] as { uri: string; version: number; edits: TextEdit[] } | undefined;
    if (!arg) return null;
    const doc = documents.get(arg.uri);
    if (!doc || doc.version !== arg.version) {
      void connection.window.showWarningMessage('Landlock Lens: the document changed since the fix was computed; try again.');
      return null;
    }
    await connection.workspace.applyEdit({
      label: 'Landlock Lens fix',
      edit: features.documentChanges
        ? { documentChanges: [{ textDocument: { uri: arg.uri, version: arg.version }, edits: arg.edits }] }
        : { changes: { [arg.uri]: arg.edits } },
    });
    return null;
  }));

  // ---------------------------------------------------------------- custom requests

  connection.onRequest(EXPLAIN_METHOD, guard<{ uri: string; path: string }, unknown>(EXPLAIN_METHOD, null, async (params) => {
    if (!params || typeof params.uri !== 'string' || typeof params.path !== 'string') return null;
    const entry = await currentAnalysis(params.uri);
    if (!entry || !primaryDocument(entry.analysis)) return null;
    const explanation = explain(entry.analysis, params.path.trim());
    const policyName = path.basename(fsPathOf(entry.uri) ?? entry.uri);
    const kind = explanation.kind === 'unknown' ? 'kind unknown' : explanation.kind;
    const markdown = `# Access of ${code(explanation.path)}\n\n${explanationMarkdown(explanation, `In ${code(policyName)} (${kind}):`)}`;
    // Spans are offsets into this server's copy of the text; the client needs lines only.
    return { markdown, explanation: { ...explanation, grantedBy: explanation.grantedBy.map(({ span: _span, ...g }) => g) } };
  }));

  connection.onRequest(EFFECTIVE_ACCESS_METHOD, guard<{ uri: string }, unknown>(EFFECTIVE_ACCESS_METHOD, null, async (params) => {
    if (!params || typeof params.uri !== 'string') return null;
    const entry = await currentAnalysis(params.uri);
    if (!entry) return null;
    const markdown = effectiveAccessMarkdown(entry.analysis, path.basename(fsPathOf(entry.uri) ?? entry.uri));
    return markdown === undefined ? null : { markdown };
  }));

  documents.listen(connection);
  connection.listen();
}
