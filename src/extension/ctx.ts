// The extension's context: configuration, log, engine worker, results, and the two disposal lifetimes
// (extension lifetime; "index session" = everything tied to one configured index, reset on reconfigure).
import * as vscode from 'vscode';
import type { IndexInfo } from '../index/store';
import { AcceptedStore } from './acceptedStore';
import { CancelledError, EngineClient } from './client';
import { Config } from './config';
import { Results } from './results';

export class Ctx implements vscode.Disposable {
  readonly config: Config;
  readonly output: vscode.LogOutputChannel;
  readonly engine: EngineClient;
  readonly results = new Results();
  readonly accepted: AcceptedStore;
  private readonly extCleanup: vscode.Disposable[] = [];
  private readonly infoEmitter = new vscode.EventEmitter<IndexInfo | undefined>();
  /** fires when the index changed (indexed, removed, reconfigured) with its new info */
  readonly onDidChangeIndex = this.infoEmitter.event;
  private _info: IndexInfo | undefined;
  private _infoError: string | undefined;

  constructor(readonly ext: vscode.ExtensionContext) {
    this.config = new Config(ext.globalStorageUri);
    this.output = vscode.window.createOutputChannel('MemoCheck', { log: true });
    this.engine = new EngineClient(vscode.Uri.joinPath(ext.extensionUri, 'dist').fsPath, l => this.output.error(l));
    this.accepted = new AcceptedStore(l => this.output.warn(l));
    this.results.addFilter(this.accepted);
    this.results.addFilter({ hides: f => this.config.ignoredRepositories.includes(f.source.repo) });
    this.pushExtCleanup(this.output, this.results, this.accepted, this.infoEmitter, { dispose: () => this.engine.dispose() },
      this.accepted.onDidChange(() => this.results.refilter()));
  }

  pushExtCleanup(...d: vscode.Disposable[]): void {
    this.extCleanup.push(...d);
  }

  get indexInfo(): IndexInfo | undefined {
    return this._info;
  }

  get indexError(): string | undefined {
    return this._infoError;
  }

  /** (Re)configures the worker for the current settings and reloads the index info. */
  async configureEngine(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.find(f => f.uri.scheme === 'file');
    await this.engine.setConfig(this.config.indexLocation, this.config.matchOptions, folder?.uri.fsPath);
    await this.refreshInfo();
  }

  async refreshInfo(): Promise<IndexInfo | undefined> {
    try {
      this._info = await this.engine.request({ op: 'info' });
      this._infoError = undefined;
    } catch (e) {
      this._info = undefined;
      this._infoError = (e as Error).message;
      this.output.error(`index ${this.config.indexLocation}: ${this._infoError}`);
    }
    this.infoEmitter.fire(this._info);
    return this._info;
  }

  /** Shows an error for a failed command (VS Code does not) unless the user cancelled it. */
  reportError(what: string, e: unknown): void {
    if (e instanceof CancelledError) return;
    const msg = e instanceof Error ? e.message : String(e);
    this.output.error(`${what}: ${e instanceof Error && e.stack ? e.stack : msg}`);
    void vscode.window.showErrorMessage(`MemoCheck: ${what}: ${msg}`, 'Show Log').then(c => c && this.output.show());
  }

  dispose(): void {
    for (const d of this.extCleanup.reverse()) d.dispose();
    this.extCleanup.length = 0;
  }
}
