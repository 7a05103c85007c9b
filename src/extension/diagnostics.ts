// Renders the visible findings into the one DiagnosticCollection, on exactly the copied lines.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { Finding } from '../core/types';
import type { Config, SeverityName } from './config';
import { findingMessage, sourceLabel } from './format';
import type { Results } from './results';

export const DIAGNOSTIC_SOURCE = 'memocheck';

const SEVERITY: Record<Exclude<SeverityName, 'off'>, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

export function findingRange(f: Finding, doc?: vscode.TextDocument): vscode.Range {
  const start = f.startLine - 1;
  const end = f.endLine - 1;
  if (doc && end < doc.lineCount) {
    const first = doc.lineAt(start);
    return new vscode.Range(start, first.firstNonWhitespaceCharacterIndex, end, doc.lineAt(end).range.end.character);
  }
  return new vscode.Range(start, 0, end, Number.MAX_SAFE_INTEGER);
}

export function toDiagnostic(f: Finding, severity: vscode.DiagnosticSeverity, doc?: vscode.TextDocument): vscode.Diagnostic {
  const d = new vscode.Diagnostic(findingRange(f, doc), findingMessage(f), severity);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = f.verdict;
  if (f.source.localPath && fs.existsSync(f.source.localPath)) {
    const loc = new vscode.Location(vscode.Uri.file(f.source.localPath), new vscode.Range(f.source.startLine - 1, 0, f.source.endLine - 1, 0));
    d.relatedInformation = [new vscode.DiagnosticRelatedInformation(loc, `original: ${sourceLabel(f.source)} (${f.source.license})`)];
  }
  return d;
}

export class DiagnosticsView implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly results: Results, private readonly config: Config) {
    this.subscription = results.onDidChange(uris => this.render(uris));
  }

  render(uris?: vscode.Uri[]): void {
    if (!uris) {
      this.collection.clear();
      uris = this.results.all().map(r => r.uri);
    }
    for (const uri of uris) {
      const doc = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
      const diags: vscode.Diagnostic[] = [];
      for (const f of this.results.visible(uri)) {
        const sev = this.config.severity(f.verdict);
        if (sev !== 'off') diags.push(toDiagnostic(f, SEVERITY[sev], doc));
      }
      if (diags.length) this.collection.set(uri, diags);
      else this.collection.delete(uri);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.collection.dispose();
  }
}
