// Per workspace folder: the project's `.memocheck.json` (ignored repositories, the accepted-findings file)
// and its accepted findings. Hides accepted findings and ignored repositories; records new acceptances.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ACCEPTED_FILE, CONFIG_FILE, acceptedFingerprints, parseAccepted, parseConfig, type MemocheckConfig } from '../core/policy';
import type { Finding } from '../core/types';
import { acceptanceFor, addAcceptance } from './accepted';
import type { Filter } from './results';

interface FolderState {
  config: MemocheckConfig;
  fingerprints: Set<string>;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function gitUserName(cwd: string): Promise<string> {
  return new Promise(resolve => {
    execFile('git', ['config', 'user.name'], { cwd }, (err, stdout) => {
      resolve((!err && stdout.trim()) || process.env.GIT_AUTHOR_NAME || process.env.USER || 'unknown');
    });
  });
}

export class AcceptedStore implements Filter, vscode.Disposable {
  private readonly byFolder = new Map<string, FolderState>();
  private fingerprints = new Set<string>();
  private ignoredRepos = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly log: (line: string) => void) {
    const reload = () => void this.load();
    for (const glob of [`**/${CONFIG_FILE}`, '**/*accepted*.json']) {
      const w = vscode.workspace.createFileSystemWatcher(glob);
      this.disposables.push(w, w.onDidChange(reload), w.onDidCreate(reload), w.onDidDelete(reload));
    }
    this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders(reload), this.emitter);
  }

  hides(f: Finding): boolean {
    return this.fingerprints.has(f.fingerprint) || this.ignoredRepos.has(f.source.repo);
  }

  /** the file acceptances of a folder go to */
  acceptedFile(folder: string): string {
    return path.join(folder, this.byFolder.get(folder)?.config.acceptedFile ?? ACCEPTED_FILE);
  }

  async load(): Promise<void> {
    this.byFolder.clear();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const root = folder.uri.fsPath;
      let config: MemocheckConfig = {};
      try {
        const text = await readOptional(path.join(root, CONFIG_FILE));
        if (text !== undefined) config = parseConfig(text, path.join(root, CONFIG_FILE));
      } catch (e) {
        this.warn((e as Error).message);
      }
      let fingerprints = new Set<string>();
      const file = path.join(root, config.acceptedFile ?? ACCEPTED_FILE);
      try {
        const text = await readOptional(file);
        if (text !== undefined) fingerprints = acceptedFingerprints(parseAccepted(text, file));
      } catch (e) {
        this.warn((e as Error).message);
      }
      this.byFolder.set(root, { config, fingerprints });
    }
    this.fingerprints = new Set([...this.byFolder.values()].flatMap(s => [...s.fingerprints]));
    this.ignoredRepos = new Set([...this.byFolder.values()].flatMap(s => s.config.ignoreRepos ?? []));
    this.emitter.fire();
  }

  /** Records the acceptance for the workspace folder holding `uri`; returns the file written. */
  async accept(uri: vscode.Uri, finding: Finding, justification: string): Promise<string> {
    const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') throw new Error(`accepting a finding needs a workspace folder on disk (the decision is recorded in ${ACCEPTED_FILE})`);
    const root = folder.uri.fsPath;
    const file = this.acceptedFile(root);
    const rel = path.relative(root, uri.fsPath).split(path.sep).join('/');
    const record = acceptanceFor(finding, rel, justification, await gitUserName(root), new Date());
    const next = addAcceptance(await readOptional(file), record, file);
    if (next.added) {
      const tmp = `${file}.${process.pid}.tmp`;
      await fs.writeFile(tmp, next.text);
      await fs.rename(tmp, file);
    }
    const state = this.byFolder.get(root) ?? { config: {}, fingerprints: new Set<string>() };
    state.fingerprints.add(finding.fingerprint);
    this.byFolder.set(root, state);
    this.fingerprints.add(finding.fingerprint);
    this.emitter.fire();
    return file;
  }

  private warn(message: string): void {
    this.log(message);
    void vscode.window.showWarningMessage(`MemoCheck: ${message}`);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
