// The language status item ("{} YAML" area of the status bar) that says whether the active YAML
// file is analysed as an OpenShell policy and why, fed by the server's landlockLens/status
// notifications. It also maintains the `landlockLens.activeEditorIsPolicy` context key for menus.
import * as vscode from 'vscode';
import { describeStatus } from './logic';
import type { PolicyStatus } from './protocol';

export type ServerState = 'starting' | 'running' | 'stopped';

export class PolicyStatusView implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem('landlockLens.status', { language: 'yaml' });
  private readonly statuses = new Map<string, PolicyStatus>();
  private readonly disposables: vscode.Disposable[] = [];
  private serverState: ServerState = 'starting';
  private lastContext: boolean | undefined;

  /** `toKey` turns a document URI into the string the client sends to the server. */
  constructor(private readonly toKey: (uri: vscode.Uri) => string) {
    this.item.name = 'Landlock Lens';
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      vscode.workspace.onDidCloseTextDocument((doc) => this.statuses.delete(this.toKey(doc.uri))),
    );
    this.refresh();
  }

  update(status: PolicyStatus): void {
    this.statuses.set(status.uri, status);
    const active = vscode.window.activeTextEditor?.document;
    if (active && this.toKey(active.uri) === status.uri) this.refresh();
  }

  get(uri: vscode.Uri): PolicyStatus | undefined {
    return this.statuses.get(this.toKey(uri));
  }

  setServerState(state: ServerState): void {
    this.serverState = state;
    this.refresh();
  }

  private refresh(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const status = doc ? this.get(doc.uri) : undefined;
    if (this.serverState === 'stopped') {
      this.item.text = 'Landlock Lens stopped';
      this.item.detail = 'The language server is not running; see the Landlock Lens output.';
      this.item.severity = vscode.LanguageStatusSeverity.Error;
      this.item.busy = false;
      this.item.command = { title: 'Restart', command: 'landlockLens.restartServer' };
      this.setPolicyContext(false);
      return;
    }
    const view = describeStatus(status);
    this.item.text = view.text;
    this.item.detail = view.detail;
    this.item.severity = vscode.LanguageStatusSeverity.Information;
    this.item.busy = view.busy;
    this.item.command = view.isPolicy
      ? { title: 'Show effective access', command: 'landlockLens.showEffectiveAccess' }
      : { title: 'Show output', command: 'landlockLens.showOutput' };
    this.setPolicyContext(view.isPolicy);
  }

  private setPolicyContext(isPolicy: boolean): void {
    if (this.lastContext === isPolicy) return;
    this.lastContext = isPolicy;
    void vscode.commands.executeCommand('setContext', 'landlockLens.activeEditorIsPolicy', isPolicy);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
