// Reads and writes `.memocheck/accepted.json` in each workspace folder and hides accepted findings.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Finding } from '../core/types';
import { ACCEPTED_FILE, emptyAccepted, parseAccepted, serializeAccepted, withAccepted, type AcceptedFile } from './accepted';
import type { Filter } from './results';

export class AcceptedStore implements Filter, vscode.Disposable {
  private readonly byFolder = new Map<string, AcceptedFile>();
  private fingerprints = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly log: (line: string) => void) {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${ACCEPTED_FILE}`);
    const reload = () => void this.load();
    this.disposables.push(watcher, watcher.onDidChange(reload), watcher.onDidCreate(reload), watcher.onDidDelete(reload),
      vscode.workspace.onDidChangeWorkspaceFolders(reload), this.emitter);
  }

  hides(f: Finding): boolean {
    return this.fingerprints.has(f.fingerprint);
  }

  async load(): Promise<void> {
    this.byFolder.clear();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const file = path.join(folder.uri.fsPath, ACCEPTED_FILE);
      try {
        this.byFolder.set(folder.uri.fsPath, parseAccepted(await fs.readFile(file, 'utf8'), file));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
          this.log((e as Error).message);
          void vscode.window.showWarningMessage(`MemoCheck: ${(e as Error).message}`);
        }
      }
    }
    this.fingerprints = new Set([...this.byFolder.values()].flatMap(a => Object.keys(a.accepted)));
    this.emitter.fire();
  }

  /** Records the acceptance in the workspace folder holding `uri`; returns the file written. */
  async accept(uri: vscode.Uri, finding: Finding, justification: string): Promise<string> {
    const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') throw new Error('accepting a finding needs a workspace folder on disk (the decision is recorded in .memocheck/accepted.json)');
    const file = path.join(folder.uri.fsPath, ACCEPTED_FILE);
    let current = emptyAccepted();
    try {
      current = parseAccepted(await fs.readFile(file, 'utf8'), file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const rel = path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/');
    const by = process.env.GIT_AUTHOR_NAME ?? process.env.USER;
    const next = withAccepted(current, finding, rel, justification, new Date(), by);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, serializeAccepted(next));
    await fs.rename(tmp, file);
    this.byFolder.set(folder.uri.fsPath, next);
    this.fingerprints.add(finding.fingerprint);
    this.emitter.fire();
    return file;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
