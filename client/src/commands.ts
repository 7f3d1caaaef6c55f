// The extension's commands. Results (Markdown from the server) open as read-only virtual documents
// beside the policy: no webview, so they are plain text that can be copied, searched and tested.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { notPolicyMessage, pathAtCursor, resultTitle, validatePathInput } from './logic';
import {
  effectiveAccessMethod, explainMethod,
  type EffectiveAccessParams, type EffectiveAccessResult, type ExplainParams, type ExplainResult,
} from './protocol';
import type { PolicyStatusView } from './status';

export const resultScheme = 'landlock-lens';

export interface CommandDeps {
  /** The running client, or undefined (after telling the user) when the server could not start. */
  readyClient(): Promise<LanguageClient | undefined>;
  restart(): Promise<void>;
  status: PolicyStatusView;
  output: vscode.OutputChannel;
}

/** Keeps the Markdown of each result document; the documents are read-only because a provider serves them. */
class ResultDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  async show(title: string, key: string, markdown: string): Promise<void> {
    // The title is the tab label; the query keeps one document per (policy, question).
    const uri = vscode.Uri.from({ scheme: resultScheme, path: '/' + title.replace(/\//g, '∕'), query: key });
    const known = this.contents.has(uri.toString());
    this.contents.set(uri.toString(), markdown);
    if (known) this.changed.fire(uri);
    let doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== 'markdown') doc = await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
    // Reuse the column of a result already on screen, so repeated questions do not keep splitting the
    // editor, unless that is where the policy is being edited.
    const active = vscode.window.activeTextEditor?.viewColumn;
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === resultScheme && e.viewColumn !== active);
    await vscode.window.showTextDocument(doc, { viewColumn: shown?.viewColumn ?? vscode.ViewColumn.Beside, preview: true });
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const results = new ResultDocuments();

  /** The YAML document a command works on: the `uri` argument (from a hover link) or the active editor. */
  function targetDocument(uriArg: unknown): vscode.TextDocument | undefined {
    if (uriArg !== undefined) {
      const uri = uriArg instanceof vscode.Uri ? uriArg : vscode.Uri.parse(String(uriArg));
      return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    }
    const doc = vscode.window.activeTextEditor?.document;
    return doc?.languageId === 'yaml' ? doc : undefined;
  }

  /** Returns false, after telling the user why, when the document is known not to be a policy. */
  function checkPolicy(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
    if (!doc) {
      void vscode.window.showInformationMessage('Landlock Lens: open an OpenShell sandbox policy (a YAML file) first.');
      return false;
    }
    const status = deps.status.get(doc.uri);
    if (status && !status.isPolicy) {
      void vscode.window.showInformationMessage(notPolicyMessage(baseName(doc.uri), status));
      return false;
    }
    return true;
  }

  async function explainPath(uriArg?: unknown, pathArg?: unknown): Promise<void> {
    const doc = targetDocument(uriArg);
    if (!checkPolicy(doc)) return;
    let path = typeof pathArg === 'string' ? pathArg : undefined;
    if (path === undefined) {
      const editor = vscode.window.activeTextEditor;
      const cursor = editor?.document === doc ? editor.selection.active : undefined;
      const guess = cursor ? pathAtCursor(doc.lineAt(cursor.line).text, cursor.character) : undefined;
      path = await vscode.window.showInputBox({
        title: 'Landlock Lens: Explain Access for Path',
        prompt: 'Absolute path inside the sandbox',
        placeHolder: '/sandbox/.config/app/settings.json',
        value: guess ?? '',
        ignoreFocusOut: true,
        validateInput: validatePathInput,
      });
      if (path === undefined) return;
    }
    path = path.trim();
    const client = await deps.readyClient();
    if (!client) return;
    const params: ExplainParams = { uri: client.code2ProtocolConverter.asUri(doc.uri), path };
    const result = await client.sendRequest<ExplainResult>(explainMethod, params);
    if (!result) {
      void vscode.window.showInformationMessage(notPolicyMessage(baseName(doc.uri), deps.status.get(doc.uri)));
      return;
    }
    await results.show(resultTitle('explain', path), `explain=${doc.uri.toString()}#${path}`, result.markdown);
  }

  async function showEffectiveAccess(uriArg?: unknown): Promise<void> {
    const doc = targetDocument(uriArg);
    if (!checkPolicy(doc)) return;
    const client = await deps.readyClient();
    if (!client) return;
    const params: EffectiveAccessParams = { uri: client.code2ProtocolConverter.asUri(doc.uri) };
    const result = await client.sendRequest<EffectiveAccessResult>(effectiveAccessMethod, params);
    if (!result) {
      void vscode.window.showInformationMessage(notPolicyMessage(baseName(doc.uri), deps.status.get(doc.uri)));
      return;
    }
    await results.show(resultTitle('effectiveAccess', baseName(doc.uri)), `tree=${doc.uri.toString()}`, result.markdown);
  }

  /** A failed request becomes one readable error message (and a log line), not a generic command failure. */
  function guarded<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
    return async (...args: A) => {
      try {
        await run(...args);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        deps.output.appendLine(`Command failed: ${message}`);
        void vscode.window.showErrorMessage(`Landlock Lens: ${message}`);
      }
    };
  }

  return [
    results,
    vscode.workspace.registerTextDocumentContentProvider(resultScheme, results),
    vscode.commands.registerCommand('landlockLens.explainPath', guarded(explainPath)),
    vscode.commands.registerCommand('landlockLens.showEffectiveAccess', guarded(showEffectiveAccess)),
    vscode.commands.registerCommand('landlockLens.restartServer', guarded(() => deps.restart())),
    vscode.commands.registerCommand('landlockLens.showOutput', () => deps.output.show()),
  ];
}

function baseName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.toString();
}
