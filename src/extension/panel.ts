// The report webview: charts and findings, strict CSP with a per-render crypto nonce, assets only from
// media/, data sent by postMessage (never spliced into HTML), exports as HTML, JSON and SARIF.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { toHtml, toJson, toSarif, type ReportData, type ReportItem } from './report';

export interface RenderedReport {
  findings: number;
  /** src of every script element in the webview ('inline' for inline ones, e.g. VS Code's own API shim) */
  scripts: string[];
  /** set when a script from the code text ran */
  pwned: string | null;
  codeTexts: string[];
  injected: number;
}

type FromWebview =
  | { command: 'ready' }
  | { command: 'open'; index: number }
  | { command: 'export'; format: 'html' | 'json' | 'sarif' }
  | ({ command: 'rendered' } & RenderedReport);

export function nonce(): string {
  return randomBytes(16).toString('base64');
}

export async function buildReport(ctx: Ctx): Promise<ReportData> {
  const items: ReportItem[] = [];
  const cache = new Map<string, string[]>();
  for (const { uri, finding } of ctx.results.allVisible()) {
    let lines = cache.get(uri.toString());
    if (!lines) {
      const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
      const text = open ? open.getText() : await vscode.workspace.fs.readFile(uri).then(b => new TextDecoder().decode(b), () => '');
      lines = text.split(/\r?\n/);
      cache.set(uri.toString(), lines);
    }
    items.push({ file: vscode.workspace.asRelativePath(uri), path: uri.fsPath, finding, code: lines.slice(finding.startLine - 1, finding.endLine).join('\n') });
  }
  items.sort((a, b) => a.file.localeCompare(b.file) || a.finding.startLine - b.finding.startLine);
  const info = ctx.indexInfo;
  return { generatedAt: new Date().toISOString(), items, ...(info ? { index: { location: info.location, repos: info.repos.length, units: info.units } } : {}) };
}

export class ReportPanel {
  static readonly viewType = 'memocheck.report';
  static current: ReportPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private data: ReportData | undefined;
  private renderedWaiters: ((r: RenderedReport) => void)[] = [];

  static async createOrShow(ctx: Ctx): Promise<ReportPanel> {
    if (ReportPanel.current) {
      ReportPanel.current.panel.reveal(vscode.ViewColumn.Beside);
      await ReportPanel.current.refresh();
      return ReportPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(ReportPanel.viewType, 'MemoCheck Report', vscode.ViewColumn.Beside, ReportPanel.options(ctx));
    return ReportPanel.revive(panel, ctx);
  }

  static options(ctx: Ctx): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(ctx.ext.extensionUri, 'media')], retainContextWhenHidden: false };
  }

  static async revive(panel: vscode.WebviewPanel, ctx: Ctx): Promise<ReportPanel> {
    panel.webview.options = ReportPanel.options(ctx);
    const p = new ReportPanel(panel, ctx);
    ReportPanel.current = p;
    await p.refresh();
    return p;
  }

  private constructor(readonly panel: vscode.WebviewPanel, private readonly ctx: Ctx) {
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: FromWebview) => void this.onMessage(m)),
      ctx.results.onDidChange(() => void this.refresh()),
    );
  }

  /** resolves with what the webview reports after its next render */
  nextRender(): Promise<RenderedReport> {
    return new Promise(r => this.renderedWaiters.push(r));
  }

  async refresh(): Promise<void> {
    this.data = await buildReport(this.ctx);
    await this.panel.webview.postMessage({ command: 'data', data: this.data });
  }

  private html(): string {
    const w = this.panel.webview;
    const media = (f: string) => w.asWebviewUri(vscode.Uri.joinPath(this.ctx.ext.extensionUri, 'media', f));
    const n = nonce();
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${w.cspSource} data:; style-src ${w.cspSource}; script-src 'nonce-${n}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${media('report.css')}">
<title>MemoCheck Report</title>
</head><body><div id="app"></div>
<script nonce="${n}" src="${media('report.js')}"></script>
</body></html>`;
  }

  private async onMessage(m: FromWebview): Promise<void> {
    switch (m.command) {
      case 'ready':
        if (this.data) await this.panel.webview.postMessage({ command: 'data', data: this.data });
        else await this.refresh();
        break;
      case 'open': {
        const it = this.data?.items[m.index];
        if (!it) return;
        const f = it.finding;
        await vscode.window.showTextDocument(vscode.Uri.file(it.path), { selection: new vscode.Range(f.startLine - 1, 0, f.endLine - 1, 0), viewColumn: vscode.ViewColumn.One });
        break;
      }
      case 'export':
        await vscode.commands.executeCommand('memocheck.exportReport', m.format);
        break;
      case 'rendered': {
        const w = this.renderedWaiters;
        this.renderedWaiters = [];
        for (const r of w) r(m);
        break;
      }
    }
  }

  dispose(): void {
    if (ReportPanel.current === this) ReportPanel.current = undefined;
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

/** Writes the report in a format; returns the file written. */
export async function exportReport(ctx: Ctx, format: 'html' | 'json' | 'sarif', target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const data = await buildReport(ctx);
  const ext = format === 'sarif' ? 'sarif' : format;
  if (!target) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    target = await vscode.window.showSaveDialog({
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `memocheck-report.${ext}`) } : {}),
      filters: { [format.toUpperCase()]: [ext] },
    });
    if (!target) return undefined;
  }
  const version = String((ctx.ext.extension.packageJSON as { version?: string }).version ?? '0.0.0');
  let text: string;
  if (format === 'json') text = toJson(data);
  else if (format === 'sarif') text = toSarif(data, version);
  else {
    const read = async (f: string) => new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ctx.ext.extensionUri, 'media', f)));
    text = toHtml(data, await read('report.js'), await read('report.css'), nonce());
  }
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  ctx.output.info(`report written to ${target.fsPath}`);
  return target;
}
