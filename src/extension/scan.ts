// Workspace, folder and file scans: collect files, scan them in the worker with progress and cancellation,
// publish the findings.
import * as vscode from 'vscode';
import type { Finding } from '../core/types';
import { CancelledError } from './client';
import { collectFiles } from './collect';
import type { Ctx } from './ctx';
import type { SkippedFile } from './protocol';

export interface ScanOutcome {
  files: number;
  total: number;
  findings: Finding[];
  skipped: SkippedFile[];
  cancelled: boolean;
}

export interface ScanOptions {
  scope?: vscode.Uri;
  signal?: AbortSignal;
  onProgress?(done: number, total: number, file?: string): void;
}

export async function scanWorkspace(ctx: Ctx, opts: ScanOptions = {}): Promise<ScanOutcome> {
  const cts = new vscode.CancellationTokenSource();
  opts.signal?.addEventListener('abort', () => cts.cancel(), { once: true });
  try {
    const paths = await collectFiles(ctx.config.exclude, opts.scope, cts.token);
    if (opts.signal?.aborted) return { files: 0, total: paths.length, findings: [], skipped: [], cancelled: true };
    opts.onProgress?.(0, paths.length);
    if (paths.length === 0) return { files: 0, total: 0, findings: [], skipped: [], cancelled: false };
    let r;
    try {
      r = await ctx.engine.request({ op: 'scanPaths', paths }, {
        ...(opts.signal ? { signal: opts.signal } : {}),
        onProgress: p => opts.onProgress?.(p.done, p.total, p.file),
      });
    } catch (e) {
      if (e instanceof CancelledError) return { files: 0, total: paths.length, findings: [], skipped: [], cancelled: true };
      throw e;
    }
    const byFile = new Map<string, { uri: vscode.Uri; findings: Finding[] }>();
    for (const f of r.findings) {
      const uri = vscode.Uri.file(f.file);
      const e = byFile.get(uri.toString()) ?? { uri, findings: [] };
      e.findings.push(f);
      byFile.set(uri.toString(), e);
    }
    if (!r.cancelled) {
      const scope = opts.scope?.fsPath;
      ctx.results.replaceScan(byFile, scope ? uri => uri.fsPath === scope || uri.fsPath.startsWith(scope.endsWith('/') ? scope : scope + '/') : undefined);
    }
    for (const s of r.skipped) ctx.output.info(`skipped ${s.path}: ${s.reason}`);
    return { files: r.files, total: paths.length, findings: r.findings, skipped: r.skipped, cancelled: r.cancelled };
  } finally {
    cts.dispose();
  }
}

/** The palette flavour: a cancellable notification with counts. */
export function scanWithProgress(ctx: Ctx, scope?: vscode.Uri): Thenable<ScanOutcome> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'MemoCheck: scanning', cancellable: true }, async (progress, token) => {
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    let last = 0;
    try {
      const r = await scanWorkspace(ctx, {
        ...(scope ? { scope } : {}),
        signal: ac.signal,
        onProgress: (done, total) => {
          if (!total) return;
          const pct = (done / total) * 100;
          progress.report({ increment: pct - last, message: `${done}/${total} files` });
          last = pct;
        },
      });
      const n = r.findings.length;
      const msg = r.cancelled ? `MemoCheck: scan cancelled after ${r.files} of ${r.total} files.` : `MemoCheck: ${n} finding${n === 1 ? '' : 's'} in ${r.files} files${r.skipped.length ? ` (${r.skipped.length} skipped, see the log)` : ''}.`;
      void vscode.window.showInformationMessage(msg, ...(n ? ['Show Report'] : [])).then(c => c && vscode.commands.executeCommand('memocheck.showReport'));
      return r;
    } finally {
      sub.dispose();
    }
  });
}
