// Composition root. Activation only wires listeners and views; the engine worker starts on first use.
import * as vscode from 'vscode';
import { CONFIG_FILE } from '../core/policy';
import { DocumentChecker } from './checker';
import { FindingActions, RegionContentProvider } from './codeActions';
import { registerCommands } from './commands';
import { Config } from './config';
import { Ctx } from './ctx';
import { DiagnosticsView } from './diagnostics';
import { EDITOR_LANGUAGE_IDS } from './languages';
import { ReportPanel } from './panel';
import { scanWorkspace, type ScanOptions } from './scan';
import { StatusItem } from './status';
import { FindingsTree } from './tree';

/** What activate() returns: for other extensions and the integration tests. */
export interface MemoCheckApi {
  readonly ctx: Ctx;
  readonly tree: FindingsTree;
  scanWorkspace(opts?: ScanOptions): ReturnType<typeof scanWorkspace>;
  whenIdle(): Promise<void>;
  statusText(): string;
  report(): Promise<ReportPanel>;
}

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<MemoCheckApi> {
  try {
    return await doActivate(context);
  } catch (e) {
    void vscode.window.showErrorMessage(`MemoCheck failed to start: ${(e as Error).message}`);
    throw e;
  }
}

async function doActivate(context: vscode.ExtensionContext): Promise<MemoCheckApi> {
  const c = (ctx = new Ctx(context));
  const checker = new DocumentChecker(c);
  const diagnostics = new DiagnosticsView(c.results, c.config);
  const tree = new FindingsTree(c.results);
  const status = new StatusItem(c);
  const selector = EDITOR_LANGUAGE_IDS.map(language => ({ language }));
  c.pushExtCleanup(
    checker, diagnostics, tree, status,
    ...registerCommands({ ctx: c, checker }),
    vscode.languages.registerCodeActionsProvider(selector, new FindingActions(c.results), { providedCodeActionKinds: FindingActions.providedCodeActionKinds }),
    vscode.workspace.registerTextDocumentContentProvider(RegionContentProvider.scheme, new RegionContentProvider()),
    vscode.window.registerTreeDataProvider('memocheck.findings', tree),
    vscode.window.registerWebviewPanelSerializer(ReportPanel.viewType, { deserializeWebviewPanel: async panel => void (await ReportPanel.revive(panel, c)) }),
    // the project's policy (.memocheck.json) decides verdicts in the worker: reconfigure when it changes
    ...(() => {
      const w = vscode.workspace.createFileSystemWatcher(`**/${CONFIG_FILE}`);
      const again = () => void c.configureEngine().then(() => checker.checkAllOpen(), e => c.reportError(CONFIG_FILE, e));
      return [w, w.onDidChange(again), w.onDidCreate(again), w.onDidDelete(again)];
    })(),
    vscode.workspace.onDidChangeConfiguration(async e => {
      if (!e.affectsConfiguration(Config.section)) return;
      if (Config.engineKeys.some(k => e.affectsConfiguration(k))) {
        await c.configureEngine();
        checker.checkAllOpen();
      } else {
        c.results.refilter();
      }
    }),
  );
  void vscode.commands.executeCommand('setContext', 'memocheck.active', true);
  await c.accepted.load();
  // configure in the background: the worker loads the index off this thread, then open documents are checked
  const ready = c.configureEngine().then(() => checker.checkAllOpen(), e => c.reportError('opening the index', e));
  return {
    ctx: c,
    tree,
    scanWorkspace: opts => scanWorkspace(c, opts),
    whenIdle: async () => {
      await ready;
      await checker.whenIdle();
    },
    statusText: () => status.text,
    report: () => ReportPanel.createOrShow(c),
  };
}

export function deactivate(): void {
  ctx?.dispose();
  ctx = undefined;
}
