// The findings tree: licence -> file -> finding; clicking a finding opens its lines.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Finding } from '../core/types';
import { findingRange } from './diagnostics';
import { sourceLabel } from './format';
import type { Results } from './results';

type Node =
  | { kind: 'license'; license: string; items: { uri: vscode.Uri; finding: Finding }[] }
  | { kind: 'file'; license: string; uri: vscode.Uri; findings: Finding[] }
  | { kind: 'finding'; uri: vscode.Uri; finding: Finding };

const VERDICT_ICON: Record<string, string> = { block: 'error', attribution: 'warning', unknown: 'question', ok: 'pass' };

export class FindingsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly results: Results) {
    this.sub = results.onDidChange(() => this.emitter.fire(undefined));
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const by = new Map<string, { uri: vscode.Uri; finding: Finding }[]>();
      for (const item of this.results.allVisible()) {
        const l = item.finding.source.license;
        by.set(l, [...(by.get(l) ?? []), item]);
      }
      return [...by].sort(([a], [b]) => a.localeCompare(b)).map(([license, items]) => ({ kind: 'license', license, items }));
    }
    if (node.kind === 'license') {
      const by = new Map<string, { uri: vscode.Uri; findings: Finding[] }>();
      for (const { uri, finding } of node.items) {
        const e = by.get(uri.toString()) ?? { uri, findings: [] };
        e.findings.push(finding);
        by.set(uri.toString(), e);
      }
      return [...by.values()].sort((a, b) => a.uri.fsPath.localeCompare(b.uri.fsPath))
        .map(e => ({ kind: 'file', license: node.license, uri: e.uri, findings: e.findings.sort((a, b) => a.startLine - b.startLine) }));
    }
    if (node.kind === 'file') return node.findings.map(finding => ({ kind: 'finding', uri: node.uri, finding }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'license': {
        const item = new vscode.TreeItem(node.license, vscode.TreeItemCollapsibleState.Expanded);
        item.description = `${node.items.length} finding${node.items.length === 1 ? '' : 's'}`;
        item.iconPath = new vscode.ThemeIcon('law');
        item.contextValue = 'license';
        return item;
      }
      case 'file': {
        const item = new vscode.TreeItem(node.uri, vscode.TreeItemCollapsibleState.Expanded);
        item.description = vscode.workspace.asRelativePath(path.dirname(node.uri.fsPath));
        item.contextValue = 'file';
        return item;
      }
      case 'finding': {
        const f = node.finding;
        const item = new vscode.TreeItem(`lines ${f.startLine}-${f.endLine}: ${Math.round(f.similarity * 100)}% ${f.kind}`, vscode.TreeItemCollapsibleState.None);
        item.description = sourceLabel(f.source);
        item.tooltip = `${sourceLabel(f.source)} (${f.source.license}), verdict: ${f.verdict}${f.insertion ? ', from one insertion' : ''}`;
        item.iconPath = new vscode.ThemeIcon(VERDICT_ICON[f.verdict] ?? 'circle-outline');
        item.contextValue = 'finding';
        item.command = { title: 'Open', command: 'vscode.open', arguments: [node.uri, { selection: findingRange(f) }] };
        return item;
      }
    }
  }

  dispose(): void {
    this.sub.dispose();
    this.emitter.dispose();
  }
}
