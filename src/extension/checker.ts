// Checks open documents: on open, on save, while typing (debounced) and at once after one large insertion
// (an accepted completion, a chat edit, a paste). The newest check of a document cancels the one in flight;
// results for a version the document has moved past are dropped.
import * as vscode from 'vscode';
import type { Finding } from '../core/types';
import { CancelledError } from './client';
import type { Ctx } from './ctx';
import { insertedRange, isLargeInsertion, overlapsAny, shiftRanges, type LineChange, type LineRange } from './insertions';
import { languageForEditorId } from './languages';

const SCHEMES = new Set(['file', 'untitled', 'vscode-remote', 'vscode-vfs', 'vscode-userdata']);

export class DocumentChecker implements vscode.Disposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inflight = new Map<string, { ac: AbortController; done: Promise<void> }>();
  private readonly insertions = new Map<string, LineRange[]>();
  private readonly disposables: vscode.Disposable[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly ctx: Ctx) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument(d => this.schedule(d, 0)),
      vscode.workspace.onDidSaveTextDocument(d => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument(e => this.onChange(e)),
      vscode.workspace.onDidCloseTextDocument(d => this.onClose(d)),
    );
  }

  static applies(doc: vscode.TextDocument): boolean {
    return SCHEMES.has(doc.uri.scheme) && languageForEditorId(doc.languageId) !== undefined;
  }

  /** checks every open document (after the index or the options changed) */
  checkAllOpen(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** resolves when no check is scheduled or running */
  whenIdle(): Promise<void> {
    if (this.timers.size === 0 && this.inflight.size === 0) return Promise.resolve();
    return new Promise(r => this.idleWaiters.push(r));
  }

  /** checks a document now and waits for the result */
  async checkNow(doc: vscode.TextDocument): Promise<readonly Finding[]> {
    this.clearTimer(doc.uri.toString());
    await this.check(doc);
    return this.ctx.results.get(doc.uri)?.findings ?? [];
  }

  private onChange(e: vscode.TextDocumentChangeEvent): void {
    const doc = e.document;
    if (!DocumentChecker.applies(doc) || e.contentChanges.length === 0) return;
    const key = doc.uri.toString();
    let ranges = this.insertions.get(key) ?? [];
    let large = false;
    const min = this.ctx.config.largeInsertionChars;
    for (const c of e.contentChanges) {
      const change: LineChange = { startLine: c.range.start.line, endLine: c.range.end.line, text: c.text };
      ranges = shiftRanges(ranges, change);
      if (isLargeInsertion(change, min)) {
        large = true;
        ranges.push(insertedRange(change));
      }
    }
    if (ranges.length) this.insertions.set(key, ranges);
    else this.insertions.delete(key);
    if (large) this.schedule(doc, 0);
    else if (this.ctx.config.checkWhileTyping) this.schedule(doc, this.ctx.config.debounceMs);
  }

  private onClose(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    this.clearTimer(key);
    this.inflight.get(key)?.ac.abort();
    this.insertions.delete(key);
    this.ctx.results.delete(doc.uri, 'document');
    this.maybeIdle();
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!DocumentChecker.applies(doc)) return;
    const key = doc.uri.toString();
    this.clearTimer(key);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.check(doc);
    }, delay));
  }

  private clearTimer(key: string): void {
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  private async check(doc: vscode.TextDocument): Promise<void> {
    const language = languageForEditorId(doc.languageId);
    if (!language || doc.isClosed) return;
    const key = doc.uri.toString();
    this.inflight.get(key)?.ac.abort();
    const ac = new AbortController();
    const version = doc.version;
    const run = (async () => {
      try {
        const file = doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString();
        const findings = await this.ctx.engine.request({ op: 'scanText', text: doc.getText(), language, file }, { signal: ac.signal });
        if (ac.signal.aborted || doc.isClosed || doc.version !== version) return; // a newer check follows
        const ranges = this.insertions.get(key) ?? [];
        const marked = findings.map(f => (overlapsAny(ranges, f.startLine, f.endLine) ? { ...f, insertion: true } : f));
        this.ctx.results.set(doc.uri, marked, 'document', version);
      } catch (e) {
        if (!(e instanceof CancelledError)) this.ctx.output.error(`checking ${doc.uri.fsPath}: ${(e as Error).message}`);
      }
    })();
    const entry = { ac, done: run };
    this.inflight.set(key, entry);
    await run;
    if (this.inflight.get(key) === entry) this.inflight.delete(key);
    this.maybeIdle();
  }

  private maybeIdle(): void {
    if (this.timers.size || this.inflight.size) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of w) r();
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const f of this.inflight.values()) f.ac.abort();
    for (const d of this.disposables) d.dispose();
    this.maybeIdle();
  }
}
