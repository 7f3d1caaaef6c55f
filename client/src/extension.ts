// Activation: starts the bundled Landlock Lens language server (server/out/server.js) over Node IPC
// for every YAML document, and wires the commands and the language status item to it.
import * as vscode from 'vscode';
import {
  LanguageClient, State, TransportKind,
  type LanguageClientOptions, type ServerOptions,
} from 'vscode-languageclient/node';
import { registerCommands } from './commands';
import { serverV8Flags } from './server-flags';
import { statusMethod, type PolicyStatus } from './protocol';
import { PolicyStatusView } from './status';

let client: LanguageClient | undefined;

/**
 * The server's environment: the extension host's, plus where the server keeps its V8 code cache (the
 * extension's global storage, removed with the extension) unless LANDLOCK_LENS_CODE_CACHE is set already.
 */
function serverEnvironment(context: vscode.ExtensionContext): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (!env.LANDLOCK_LENS_CODE_CACHE && context.globalStorageUri.scheme === 'file') {
    env.LANDLOCK_LENS_CODE_CACHE = vscode.Uri.joinPath(context.globalStorageUri, 'code-cache').fsPath;
  }
  return env;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Landlock Lens', { log: true });
  const serverModule = context.asAbsolutePath('server/out/server.js');
  const serverOptions: ServerOptions = {
    // Small young-generation semi-spaces and no more V8 background threads than spare cores (server-flags.ts).
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: serverV8Flags(), env: serverEnvironment(context) } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Every scheme (file, untitled, virtual file systems): the server analyses the text it is sent
    // and reads nothing of the workspace for content.
    documentSelector: [{ language: 'yaml' }],
    synchronize: { configurationSection: 'landlockLens' },
    // Evaluated at every (re)start. In Restricted Mode the server does not read files that the
    // workspace's .landlock-lens.yaml names (VS Code itself withholds the workspace's values of the
    // settings that name files: package.json, restrictedConfigurations).
    initializationOptions: () => ({ workspaceTrusted: vscode.workspace.isTrusted }),
    outputChannel: output,
    traceOutputChannel: output,
  };
  // The id 'landlockLens' makes the client honour the landlockLens.trace.server setting.
  const languageClient = new LanguageClient('landlockLens', 'Landlock Lens', serverOptions, clientOptions);
  client = languageClient;

  const status = new PolicyStatusView((uri) => languageClient.code2ProtocolConverter.asUri(uri));
  context.subscriptions.push(
    output,
    status,
    languageClient.onNotification(statusMethod, (params: PolicyStatus) => status.update(params)),
    languageClient.onDidChangeState((e) => {
      status.setServerState(e.newState === State.Running ? 'running' : e.newState === State.Starting ? 'starting' : 'stopped');
    }),
  );

  let starting: Promise<boolean> = start();
  async function start(): Promise<boolean> {
    try {
      await languageClient.start();
      return true;
    } catch (e) {
      output.error(`The Landlock Lens language server did not start: ${e instanceof Error ? e.message : String(e)}`);
      status.setServerState('stopped');
      return false;
    }
  }

  async function restart(): Promise<void> {
    output.info('Restarting the language server.');
    if (languageClient.isRunning()) {
      starting = languageClient.restart().then(() => true, (e) => {
        output.error(`Restart failed: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      });
    } else {
      starting = start();
    }
    await starting;
  }
  // Trust granted: start again with the workspace's configuration read in full.
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void restart()));

  context.subscriptions.push(...registerCommands({
    output,
    status,
    async readyClient() {
      if (await starting && languageClient.isRunning()) return languageClient;
      const choice = await vscode.window.showErrorMessage(
        'The Landlock Lens language server is not running.', 'Restart Server', 'Show Output');
      if (choice === 'Restart Server') await vscode.commands.executeCommand('landlockLens.restartServer');
      if (choice === 'Show Output') output.show();
      return undefined;
    },
    restart,
  }));
  await starting;
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
