// Quick fixes on each MemoCheck diagnostic: compare with the original, open it, copy an attribution notice,
// accept with a justification, ignore the source repository.
import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { sourceLabel } from './format';
import type { Results } from './results';

export class FindingActions implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly results: Results) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    const findings = this.results.visible(doc.uri);
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      const f = findings.find(x => x.startLine - 1 === d.range.start.line && x.endLine - 1 === d.range.end.line && d.code === x.verdict);
      if (!f) continue;
      const args = [doc.uri, f.fingerprint, f.startLine];
      const action = (title: string, command: string, extra: unknown[] = args) => {
        const a = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.command = { title, command, arguments: extra };
        out.push(a);
        return a;
      };
      action(`MemoCheck: Compare with the original (${sourceLabel(f.source)})`, 'memocheck.compareWithOriginal');
      action('MemoCheck: Open the original', 'memocheck.openOriginal');
      action(`MemoCheck: Copy attribution notice (${f.source.license})`, 'memocheck.copyAttribution');
      action('MemoCheck: Accept with justification…', 'memocheck.acceptFinding');
      action(`MemoCheck: Ignore repository "${f.source.repo}"`, 'memocheck.ignoreRepository', [f.source.repo]);
    }
    return out;
  }
}

/**
 * Read-only documents for the diff editor: `memocheck-original:/<label>?<json>` shows lines of a file on
 * disk (the indexed original, or a snapshot of the copy) so the diff compares just the matched regions.
 */
export class RegionContentProvider implements vscode.TextDocumentContentProvider {
  static readonly scheme = 'memocheck-original';

  static uri(label: string, file: vscode.Uri, startLine: number, endLine: number): vscode.Uri {
    const query = JSON.stringify({ file: file.toString(), startLine, endLine });
    return vscode.Uri.from({ scheme: RegionContentProvider.scheme, path: `/${label}`, query });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = JSON.parse(uri.query) as { file: string; startLine: number; endLine: number };
    const file = vscode.Uri.parse(q.file);
    const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === file.toString());
    const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    return text.split(/\r?\n/).slice(q.startLine - 1, q.endLine).join('\n') + '\n';
  }
}
