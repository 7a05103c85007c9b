// The command table: each command is a factory over the extension's services; `unavailable` says why a
// command cannot run here (untrusted or virtual workspace) instead of failing obscurely.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Finding } from '../core/types';
import type { DocumentChecker } from './checker';
import { CancelledError } from './client';
import { RegionContentProvider } from './codeActions';
import type { Ctx } from './ctx';
import { attributionNotice, originalWebUrl, sourceLabel } from './format';
import { exportReport, ReportPanel } from './panel';
import { scanWithProgress } from './scan';
import { formatCount } from './status';

export interface Services {
  ctx: Ctx;
  checker: DocumentChecker;
}

type Cmd = (...args: any[]) => unknown;
interface CommandFactory {
  run: (s: Services) => Cmd;
  unavailable?: (s: Services) => string | undefined;
}

const needsTrust = (what: string) => () =>
  vscode.workspace.isTrusted ? undefined : `${what} is disabled in untrusted workspaces: it runs git and writes .git/hooks. Trust the workspace first.`;
const needsDisk = (what: string) => () =>
  (vscode.workspace.workspaceFolders ?? []).some(f => f.uri.scheme === 'file') ? undefined : `${what} needs a workspace folder on disk; in virtual workspaces MemoCheck checks open documents only.`;

function findingArg(s: Services, uri: vscode.Uri | string | undefined, fingerprint: string | undefined, line?: number): { uri: vscode.Uri; finding: Finding } {
  const u = typeof uri === 'string' ? vscode.Uri.parse(uri) : uri;
  const f = u && fingerprint ? s.ctx.results.find(u, fingerprint, line) : undefined;
  if (!u || !f) throw new Error('that finding is gone (the file changed since); run the check again');
  return { uri: u, finding: f };
}

/** Runs the bundled CLI (dist/cli.js) with the extension host's runtime. */
function runCli(s: Services, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = vscode.Uri.joinPath(s.ctx.ext.extensionUri, 'dist', 'cli.js').fsPath;
  if (!fs.existsSync(cli)) return Promise.reject(new Error(`the MemoCheck CLI is missing (${cli})`));
  return new Promise(resolve => {
    execFile(process.execPath, [cli, ...args], { cwd, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 2) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const shellQuote = (x: string) => `'${x.replace(/'/g, `'\\''`)}'`;

/** How the git hook runs the CLI bundled in this extension (Electron's binary needs ELECTRON_RUN_AS_NODE). */
function hookCommand(s: Services): string {
  const cli = shellQuote(vscode.Uri.joinPath(s.ctx.ext.extensionUri, 'dist', 'cli.js').fsPath);
  return process.versions.electron ? `env ELECTRON_RUN_AS_NODE=1 ${shellQuote(process.execPath)} ${cli}` : `${shellQuote(process.execPath)} ${cli}`;
}

function diskFolder(): vscode.WorkspaceFolder | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  return (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.find(f => f.uri.scheme === 'file');
}

export const COMMANDS: Record<string, CommandFactory> = {
  scanWorkspace: {
    run: s => (scope?: vscode.Uri) => scanWithProgress(s.ctx, scope instanceof vscode.Uri ? scope : undefined),
    unavailable: needsDisk('Scanning the workspace'),
  },
  scanFile: {
    run: s => async (uri?: vscode.Uri) => {
      const doc = uri instanceof vscode.Uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      if (!doc) throw new Error('open a file first');
      const findings = await s.checker.checkNow(doc);
      const visible = s.ctx.results.visible(doc.uri).length;
      void vscode.window.showInformationMessage(`MemoCheck: ${visible} finding${visible === 1 ? '' : 's'} in ${vscode.workspace.asRelativePath(doc.uri)}.`);
      return findings;
    },
  },
  indexRepository: {
    run: s => async (folder?: vscode.Uri, opts: { name?: string; license?: string } = {}) => {
      if (!(folder instanceof vscode.Uri)) {
        const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Index this repository' });
        if (!picked?.[0]) return undefined;
        folder = picked[0];
        const name = await vscode.window.showInputBox({ prompt: 'Repository name in the index', value: path.basename(folder.fsPath) });
        if (name === undefined) return undefined;
        opts = { name };
      }
      const dir = folder.fsPath;
      const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `MemoCheck: indexing ${path.basename(dir)}`, cancellable: true }, (progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        let last = 0;
        return s.ctx.engine.request({ op: 'index', dir, ...(opts.name ? { name: opts.name } : {}), ...(opts.license ? { license: opts.license } : {}) }, {
          signal: ac.signal,
          onProgress: p => {
            const pct = p.total ? (p.done / p.total) * 100 : 0;
            progress.report({ message: `${p.phase ?? ''} ${p.done}/${p.total}`, increment: Math.max(0, pct - last) });
            last = pct;
          },
        });
      });
      for (const k of r.skipped) s.ctx.output.info(`indexing ${dir}: skipped ${k.path}: ${k.reason}`);
      await s.ctx.refreshInfo();
      s.checker.checkAllOpen();
      void vscode.window.showInformationMessage(`MemoCheck: indexed ${r.repo.name} (${r.repo.license}): ${r.repo.files} files, ${formatCount(r.repo.units)} units${r.skipped.length ? `, ${r.skipped.length} files skipped` : ''}.`);
      return r;
    },
  },
  removeRepository: {
    run: s => async (name?: string) => {
      if (typeof name !== 'string') {
        const info = await s.ctx.refreshInfo();
        const picked = await vscode.window.showQuickPick((info?.repos ?? []).map(r => ({ label: r.name, description: `${r.license} · ${r.files} files`, detail: r.root ?? r.url })), { placeHolder: 'Repository to remove from the index' });
        if (!picked) return false;
        name = picked.label;
      }
      const removed = await s.ctx.engine.request({ op: 'removeRepo', name });
      await s.ctx.refreshInfo();
      s.checker.checkAllOpen();
      void vscode.window.showInformationMessage(removed ? `MemoCheck: removed ${name} from the index.` : `MemoCheck: ${name} is not in the index.`);
      return removed;
    },
  },
  showIndexInfo: {
    run: s => async () => {
      const info = await s.ctx.refreshInfo();
      const out = s.ctx.output;
      if (!info) {
        out.info(`no index at ${s.ctx.config.indexLocation}${s.ctx.indexError ? `: ${s.ctx.indexError}` : ''}`);
      } else {
        out.info(`index ${info.location} (format ${info.formatVersion}): ${info.repos.length} repositories, ${info.files} files, ${info.units} units, ${info.bytes} bytes`);
        for (const r of info.repos) out.info(`  ${r.name}  ${r.license}${r.licenseSource ? ` (from ${r.licenseSource})` : ''}  ${r.files} files  ${r.units} units  ${r.root ?? r.url ?? ''}`);
      }
      out.show(true);
      return info;
    },
  },
  showReport: { run: s => () => ReportPanel.createOrShow(s.ctx) },
  exportReport: {
    run: s => async (format?: 'html' | 'json' | 'sarif', target?: vscode.Uri) => {
      format ??= (await vscode.window.showQuickPick(['html', 'json', 'sarif'], { placeHolder: 'Export format' })) as 'html' | 'json' | 'sarif' | undefined;
      if (!format) return undefined;
      const written = await exportReport(s.ctx, format, target);
      if (written && !target) void vscode.window.showInformationMessage(`MemoCheck: report written to ${vscode.workspace.asRelativePath(written)}.`);
      return written;
    },
  },
  compareWithOriginal: {
    run: s => async (uri: vscode.Uri, fingerprint: string, line?: number) => {
      const { uri: u, finding: f } = findingArg(s, uri, fingerprint, line);
      const original = f.source.localPath;
      if (!original || !fs.existsSync(original)) {
        const url = originalWebUrl(f.source);
        if (url) return vscode.env.openExternal(vscode.Uri.parse(url));
        throw new Error(`the original ${sourceLabel(f.source)} is not on disk and has no known URL`);
      }
      const left = RegionContentProvider.uri(`${f.source.repo}/${f.source.path}`, vscode.Uri.file(original), f.source.startLine, f.source.endLine);
      const right = RegionContentProvider.uri(vscode.workspace.asRelativePath(u), u, f.startLine, f.endLine);
      const title = `${sourceLabel(f.source)} ↔ ${path.basename(u.fsPath)}:${f.startLine}-${f.endLine}`;
      await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
      return { left, right };
    },
  },
  openOriginal: {
    run: s => async (uri: vscode.Uri, fingerprint: string, line?: number) => {
      const { finding: f } = findingArg(s, uri, fingerprint, line);
      if (f.source.localPath && fs.existsSync(f.source.localPath)) {
        const range = new vscode.Range(f.source.startLine - 1, 0, f.source.endLine - 1, 0);
        const editor = await vscode.window.showTextDocument(vscode.Uri.file(f.source.localPath), { selection: range, preview: true });
        editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        return editor.document.uri;
      }
      const url = originalWebUrl(f.source);
      if (!url) throw new Error(`the original ${sourceLabel(f.source)} is not on disk and has no known URL`);
      await vscode.env.openExternal(vscode.Uri.parse(url));
      return vscode.Uri.parse(url);
    },
  },
  copyAttribution: {
    run: s => async (uri: vscode.Uri, fingerprint: string, line?: number) => {
      const { finding } = findingArg(s, uri, fingerprint, line);
      const text = attributionNotice(finding);
      await vscode.env.clipboard.writeText(text);
      void vscode.window.showInformationMessage('MemoCheck: attribution notice copied to the clipboard.');
      return text;
    },
  },
  acceptFinding: {
    run: s => async (uri: vscode.Uri, fingerprint: string, line?: number, justification?: string) => {
      const { uri: u, finding } = findingArg(s, uri, fingerprint, line);
      if (typeof justification !== 'string') {
        justification = await vscode.window.showInputBox({
          title: `Accept the match with ${sourceLabel(finding.source)} (${finding.source.license})`,
          prompt: 'Why is this acceptable? (recorded in the committed .memocheck-accepted.json, as `memocheck accept` does)',
          validateInput: v => (v.trim().length < 5 ? 'Write a justification (at least 5 characters)' : undefined),
        });
        if (justification === undefined) return undefined;
      }
      if (!justification.trim()) throw new Error('a justification is required');
      const file = await s.ctx.accepted.accept(u, finding, justification.trim());
      s.ctx.results.refilter();
      return file;
    },
  },
  ignoreRepository: {
    run: s => async (name: string) => {
      await s.ctx.config.ignoreRepository(name);
      s.ctx.results.refilter();
      return s.ctx.config.ignoredRepositories;
    },
  },
  reviewStaged: {
    run: s => async () => {
      const folder = diskFolder();
      if (!folder) throw new Error('open a folder in a git repository first');
      const r = await runCli(s, ['review', '--staged', '--index', s.ctx.config.indexLocation, '--format', 'text'], folder.uri.fsPath);
      s.ctx.output.info(`memocheck review --staged (exit ${r.code})\n${r.stdout}${r.stderr}`);
      s.ctx.output.show(true);
      if (/unknown command/i.test(r.stderr)) throw new Error('this build of the MemoCheck CLI has no "review" command yet');
      const verdict = r.code === 0 ? 'no blocking findings in the staged changes' : r.code === 1 ? 'the staged changes contain code the licence policy blocks' : `review failed: ${(r.stderr || r.stdout).trim().split('\n')[0]}`;
      void (r.code === 0 ? vscode.window.showInformationMessage(`MemoCheck: ${verdict}.`) : vscode.window.showWarningMessage(`MemoCheck: ${verdict}.`, 'Show Log').then(c => c && s.ctx.output.show()));
      return r;
    },
    unavailable: needsTrust('Reviewing staged changes'),
  },
  installHook: {
    run: s => async () => {
      const folder = diskFolder();
      if (!folder) throw new Error('open a folder in a git repository first');
      const r = await runCli(s, ['hook', 'install', '--index', s.ctx.config.indexLocation, '--command', hookCommand(s)], folder.uri.fsPath);
      s.ctx.output.info(`memocheck hook install (exit ${r.code})\n${r.stdout}${r.stderr}`);
      if (/unknown command/i.test(r.stderr)) throw new Error('this build of the MemoCheck CLI has no "hook" command yet');
      if (r.code !== 0) throw new Error((r.stderr || r.stdout).trim().split('\n')[0] || `exit code ${r.code}`);
      void vscode.window.showInformationMessage('MemoCheck: pre-commit hook installed.');
      return r;
    },
    unavailable: needsTrust('Installing the pre-commit hook'),
  },
  showLog: { run: s => () => s.ctx.output.show() },
};

export function registerCommands(s: Services): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([name, factory]) => {
    const cmd = factory.run(s);
    return vscode.commands.registerCommand(`memocheck.${name}`, async (...args: unknown[]) => {
      const why = factory.unavailable?.(s);
      if (why) {
        void vscode.window.showWarningMessage(`MemoCheck: ${why}`);
        return undefined;
      }
      try {
        return await cmd(...args);
      } catch (e) {
        if (e instanceof CancelledError) return undefined;
        s.ctx.reportError(name, e);
        throw e;
      }
    });
  });
}
