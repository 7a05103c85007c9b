// All findings the extension knows, per document URI, and what hides some of them (accepted findings,
// ignored repositories). Diagnostics, the tree view, the status bar and the report render from here.
import * as vscode from 'vscode';
import type { Finding } from '../core/types';

export type Origin = 'document' | 'scan';

export interface FileResult {
  readonly uri: vscode.Uri;
  readonly findings: readonly Finding[];
  readonly origin: Origin;
  /** document version the findings were computed for (document checks only) */
  readonly version?: number;
}

export interface Filter {
  hides(f: Finding): boolean;
}

export class Results implements vscode.Disposable {
  private readonly map = new Map<string, FileResult>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri[] | undefined>();
  /** fires with the changed URIs, or undefined when everything may have changed (filter change) */
  readonly onDidChange = this.emitter.event;
  private filters: Filter[] = [];

  addFilter(f: Filter): void {
    this.filters.push(f);
  }

  /** call when a filter's answer may have changed */
  refilter(): void {
    this.emitter.fire(undefined);
  }

  set(uri: vscode.Uri, findings: readonly Finding[], origin: Origin, version?: number): void {
    const prev = this.map.get(uri.toString());
    if (!prev && findings.length === 0) return;
    if (findings.length === 0 && origin === 'document') this.map.delete(uri.toString());
    else this.map.set(uri.toString(), { uri, findings, origin, ...(version !== undefined ? { version } : {}) });
    this.emitter.fire([uri]);
  }

  delete(uri: vscode.Uri, onlyOrigin?: Origin): void {
    const prev = this.map.get(uri.toString());
    if (!prev || (onlyOrigin && prev.origin !== onlyOrigin)) return;
    this.map.delete(uri.toString());
    this.emitter.fire([uri]);
  }

  /** replaces all scan results (a new workspace scan) */
  replaceScan(byFile: Map<string, { uri: vscode.Uri; findings: Finding[] }>, scope?: (uri: vscode.Uri) => boolean): void {
    const changed: vscode.Uri[] = [];
    for (const [k, r] of [...this.map]) {
      if (r.origin === 'scan' && (!scope || scope(r.uri)) && !byFile.has(k)) {
        this.map.delete(k);
        changed.push(r.uri);
      }
    }
    for (const [k, r] of byFile) {
      const prev = this.map.get(k);
      if (prev?.origin === 'document') continue; // the live check of an open document wins
      this.map.set(k, { uri: r.uri, findings: r.findings, origin: 'scan' });
      changed.push(r.uri);
    }
    this.emitter.fire(changed);
  }

  get(uri: vscode.Uri): FileResult | undefined {
    return this.map.get(uri.toString());
  }

  visible(uri: vscode.Uri): Finding[] {
    return (this.map.get(uri.toString())?.findings ?? []).filter(f => !this.filters.some(x => x.hides(f)));
  }

  all(): FileResult[] {
    return [...this.map.values()];
  }

  allVisible(): { uri: vscode.Uri; finding: Finding }[] {
    const out: { uri: vscode.Uri; finding: Finding }[] = [];
    for (const r of this.map.values()) for (const f of this.visible(r.uri)) out.push({ uri: r.uri, finding: f });
    return out;
  }

  find(uri: vscode.Uri, fingerprint: string, startLine?: number): Finding | undefined {
    const list = this.map.get(uri.toString())?.findings ?? [];
    return list.find(f => f.fingerprint === fingerprint && (startLine === undefined || f.startLine === startLine))
      ?? list.find(f => f.fingerprint === fingerprint);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
