// Typed view of the `memocheck.*` settings. Getters read the live configuration; nothing is cached.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MatchOptions, Verdict } from '../core/types';

export type SeverityName = 'error' | 'warning' | 'information' | 'hint' | 'off';

export class Config {
  static readonly section = 'memocheck';
  /** settings the engine worker must be reconfigured for (index location, scan options) */
  static readonly engineKeys = ['index.location', 'minTokens', 'minSimilarity'].map(k => `${Config.section}.${k}`);

  constructor(private readonly globalStorage: vscode.Uri) {}

  private get<T>(key: string): T | undefined {
    return vscode.workspace.getConfiguration(Config.section).get<T>(key);
  }

  /** Absolute path or postgres:// URL. Empty setting: `index` in the extension's global storage. */
  get indexLocation(): string {
    const raw = (this.get<string>('index.location') ?? '').trim();
    if (!raw) return path.join(this.globalStorage.fsPath, 'index');
    if (/^postgres(ql)?:\/\//.test(raw)) return raw;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const expanded = raw.replace(/\$\{workspaceFolder\}/g, folder ?? '').replace(/^~(?=\/|$)/, process.env.HOME ?? '~');
    return path.isAbsolute(expanded) || !folder ? expanded : path.join(folder, expanded);
  }

  get matchOptions(): Partial<MatchOptions> {
    const o: { minTokens?: number; minSimilarity?: number } = {};
    const t = this.get<number | null>('minTokens');
    const s = this.get<number | null>('minSimilarity');
    if (typeof t === 'number') o.minTokens = t;
    if (typeof s === 'number') o.minSimilarity = s;
    return o;
  }

  get checkWhileTyping(): boolean {
    return this.get<boolean>('checkWhileTyping') ?? true;
  }

  get debounceMs(): number {
    return Math.max(0, this.get<number>('debounceMs') ?? 500);
  }

  /** non-blank characters in one multi-line change that count as one large insertion (completion, paste) */
  get largeInsertionChars(): number {
    return this.get<number>('largeInsertionChars') ?? 80;
  }

  get exclude(): string[] {
    return this.get<string[]>('exclude') ?? [];
  }

  get ignoredRepositories(): string[] {
    return this.get<string[]>('ignoredRepositories') ?? [];
  }

  severity(verdict: Verdict): SeverityName {
    return this.get<SeverityName>(`severity.${verdict}`) ?? (verdict === 'block' ? 'error' : verdict === 'ok' ? 'off' : 'warning');
  }

  async ignoreRepository(name: string): Promise<void> {
    const list = this.ignoredRepositories;
    if (list.includes(name)) return;
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration(Config.section).update('ignoredRepositories', [...list, name], target);
  }
}
