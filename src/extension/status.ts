// Status bar item: the index state (repositories, units) and the number of findings.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`;
  return String(n);
}

export class StatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('memocheck.status', vscode.StatusBarAlignment.Right, 100);
  private readonly subs: vscode.Disposable[];

  constructor(private readonly ctx: Ctx) {
    this.item.name = 'MemoCheck';
    this.subs = [ctx.onDidChangeIndex(() => this.update()), ctx.results.onDidChange(() => this.update())];
    this.update();
    this.item.show();
  }

  update(): void {
    const info = this.ctx.indexInfo;
    const findings = this.ctx.results.allVisible().length;
    if (this.ctx.indexError) {
      this.item.text = '$(law) MemoCheck: index error';
      this.item.tooltip = `${this.ctx.config.indexLocation}: ${this.ctx.indexError}`;
      this.item.command = 'memocheck.showIndexInfo';
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
      return;
    }
    this.item.backgroundColor = findings ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    if (!info || info.repos.length === 0) {
      this.item.text = '$(law) MemoCheck: no index';
      this.item.tooltip = 'No repository indexed yet: click to index one';
      this.item.command = 'memocheck.indexRepository';
      return;
    }
    const repos = info.repos.length;
    this.item.text = `$(law) ${formatCount(repos)} repo${repos === 1 ? '' : 's'} · ${formatCount(info.units)} units · ${findings} finding${findings === 1 ? '' : 's'}`;
    this.item.tooltip = `MemoCheck index ${info.location}\n${info.repos.map(r => `${r.name} (${r.license})`).join('\n')}\nClick for the report`;
    this.item.command = 'memocheck.showReport';
  }

  get text(): string {
    return this.item.text;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.item.dispose();
  }
}
