// The `landlockLens.*` settings as the server uses them: defaults, validation of what clients send
// (anything may arrive: Neovim users type these by hand), and the layering of
// defaults < initializationOptions < workspace/configuration (or didChangeConfiguration) with
// initializationOptions.debounceMs winning over everything (benchmarks and tests pin it).

export interface Settings {
  workdir: string;
  gpu: boolean;
  abi: number;
  policyFiles: string[];
  inlayHints: { enabled: boolean };
  treeListing: string;
  sandboxFolders: Record<string, string>;
  debounceMs: number;
  /** Diagnostics published per file at most, a note counting the others included (0: no limit). */
  maxDiagnostics: number;
}

export const DEFAULT_SETTINGS: Settings = {
  workdir: '/sandbox',
  gpu: false,
  abi: 2,
  policyFiles: [],
  inlayHints: { enabled: true },
  treeListing: '',
  sandboxFolders: {},
  debounceMs: 200,
  // VS Code's own limit per file (extHostDiagnostics.ts): the default changes nothing it shows.
  maxDiagnostics: 1000,
};

/** A debounce longer than this is a typo (ms vs s); it would make the server look dead. */
const MAX_DEBOUNCE_MS = 10_000;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads one layer of raw settings over a base, keeping the base for every value that is missing or
 * invalid. Accepts both the nested form VS Code sends (`inlayHints: {enabled}`) and flat dotted keys.
 */
export function mergeSettings(base: Settings, raw: unknown): Settings {
  if (!isObject(raw)) return base;
  const out: Settings = { ...base, inlayHints: { ...base.inlayHints }, policyFiles: [...base.policyFiles], sandboxFolders: { ...base.sandboxFolders } };
  if (typeof raw.workdir === 'string' && raw.workdir.startsWith('/')) out.workdir = raw.workdir;
  if (typeof raw.gpu === 'boolean') out.gpu = raw.gpu;
  if (typeof raw.abi === 'number' && Number.isInteger(raw.abi) && raw.abi >= 1 && raw.abi <= 7) out.abi = raw.abi;
  if (Array.isArray(raw.policyFiles)) out.policyFiles = raw.policyFiles.filter((g): g is string => typeof g === 'string' && g.trim() !== '');
  const hints = isObject(raw.inlayHints) ? raw.inlayHints.enabled : raw['inlayHints.enabled'];
  if (typeof hints === 'boolean') out.inlayHints = { enabled: hints };
  if (typeof raw.treeListing === 'string') out.treeListing = raw.treeListing.trim();
  if (isObject(raw.sandboxFolders)) {
    out.sandboxFolders = {};
    for (const [k, v] of Object.entries(raw.sandboxFolders)) if (typeof v === 'string' && k.startsWith('/')) out.sandboxFolders[k] = v;
  }
  if (typeof raw.debounceMs === 'number' && Number.isFinite(raw.debounceMs) && raw.debounceMs >= 0) out.debounceMs = Math.min(raw.debounceMs, MAX_DEBOUNCE_MS);
  if (typeof raw.maxDiagnostics === 'number' && Number.isInteger(raw.maxDiagnostics) && raw.maxDiagnostics >= 0) out.maxDiagnostics = raw.maxDiagnostics;
  return out;
}

/** The debounce pinned by initializationOptions, if any. */
export function pinnedDebounce(initializationOptions: unknown): number | undefined {
  if (!isObject(initializationOptions)) return undefined;
  const d = initializationOptions.debounceMs;
  return typeof d === 'number' && Number.isFinite(d) && d >= 0 ? Math.min(d, MAX_DEBOUNCE_MS) : undefined;
}

/** A yes/no initializationOptions flag that is on unless the client sends `false` (`warmUp`, `workspaceTrusted`). */
export function initializationFlag(initializationOptions: unknown, name: 'warmUp' | 'workspaceTrusted'): boolean {
  return !isObject(initializationOptions) || initializationOptions[name] !== false;
}

/** initializationOptions may hold the settings directly or under `landlockLens` / `settings`. */
export function settingsFromInitializationOptions(initializationOptions: unknown): unknown {
  if (!isObject(initializationOptions)) return undefined;
  if (isObject(initializationOptions.landlockLens)) return { ...initializationOptions, ...initializationOptions.landlockLens };
  if (isObject(initializationOptions.settings) && isObject(initializationOptions.settings.landlockLens)) {
    return { ...initializationOptions, ...initializationOptions.settings.landlockLens };
  }
  return initializationOptions;
}

/** The settings pushed by workspace/didChangeConfiguration (`{settings: {landlockLens: {...}}}`). */
export function settingsFromDidChange(settings: unknown): unknown {
  if (!isObject(settings)) return undefined;
  if (isObject(settings.landlockLens)) return settings.landlockLens;
  // Some clients send flat `landlockLens.x` keys.
  const flat: Record<string, unknown> = {};
  let any = false;
  for (const [k, v] of Object.entries(settings)) {
    if (k.startsWith('landlockLens.')) {
      flat[k.slice('landlockLens.'.length)] = v;
      any = true;
    }
  }
  return any ? flat : undefined;
}
