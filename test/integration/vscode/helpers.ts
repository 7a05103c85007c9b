// Shared helpers of the integration suites: the fixture description, the extension's API, waiting.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MemoCheckApi } from '../../../src/extension/main';

export interface Fixture {
  work: string;
  ws: string;
  index: string;
  upstream: { lodash: string; pystd: string };
  planted: { file: string; startLine: number; endLine: number; source: string; sourceStartLine: number; sourceEndLine: number };
  chunk: { file: string; startLine: number; endLine: number };
  python: { file: string; startLine: number; endLine: number };
  hostile: { file: string };
  bulk: { folder: string; files: number };
}

export const EXTENSION_ID = 'memocheck.memocheck';

export function fixture(): Fixture {
  const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!ws) throw new Error('no workspace folder open');
  return JSON.parse(fs.readFileSync(path.join(ws, '..', 'fixture.json'), 'utf8')) as Fixture;
}

export function wsUri(rel: string): vscode.Uri {
  return vscode.Uri.file(path.join(fixture().ws, rel));
}

export async function api(): Promise<MemoCheckApi> {
  const ext = vscode.extensions.getExtension<MemoCheckApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
  const a = await ext.activate();
  await a.whenIdle();
  return a;
}

export function sleep(ms: number): Promise<void> {
  return new Promise(r => setTimeout(r, ms));
}

/** Polls until `probe` returns a truthy value (or throws with `what` after `ms`). */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 20000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(50);
  }
}

export function memoDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter(d => d.source === 'memocheck');
}

export async function open(rel: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(wsUri(rel));
  return vscode.window.showTextDocument(doc);
}

export async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Puts the workspace back: no accepted findings, no ignored repositories, no open editors. */
export async function resetWorkspace(a: MemoCheckApi): Promise<void> {
  await closeAll();
  fs.rmSync(path.join(fixture().ws, '.memocheck-accepted.json'), { force: true });
  await a.ctx.accepted.load();
  const cfg = vscode.workspace.getConfiguration('memocheck');
  if (cfg.inspect('ignoredRepositories')?.workspaceValue !== undefined) await cfg.update('ignoredRepositories', undefined, vscode.ConfigurationTarget.Workspace);
}
