// The extension host's side of the engine worker: typed requests with cancellation and progress. The
// worker starts on first use (activation stays cheap) and is restarted after a crash.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromWorker, Progress, Request, Results, ToWorker } from './protocol';

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export class EngineError extends Error {
  constructor(message: string, readonly user: boolean) {
    super(message);
    this.name = 'EngineError';
  }
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  onProgress?: (p: Progress) => void;
}

export class EngineClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private configure: Extract<Request, { op: 'configure' }> | undefined;

  constructor(private readonly distDir: string, private readonly log: (line: string) => void) {}

  /** Sets the index location and scan options; sent again to a restarted worker. */
  async setConfig(location: string, options: Extract<Request, { op: 'configure' }>['options'], projectRoot?: string): Promise<void> {
    this.configure = { op: 'configure', location, options, ...(projectRoot ? { projectRoot } : {}) };
    if (this.worker) await this.request(this.configure);
  }

  request<K extends Request['op']>(req: Extract<Request, { op: K }>, opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void } = {}): Promise<Results[K]> {
    if (opts.signal?.aborted) return Promise.reject(new CancelledError());
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<Results[K]>((resolve, reject) => {
      const onAbort = () => worker.postMessage({ cancel: id } satisfies ToWorker);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => opts.signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: v => { done(); resolve(v as Results[K]); },
        reject: e => { done(); reject(e); },
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      });
      worker.postMessage({ id, req } satisfies ToWorker);
    });
  }

  get running(): boolean {
    return this.worker !== undefined;
  }

  dispose(): void {
    const w = this.worker;
    this.worker = undefined;
    this.failAll(new CancelledError());
    void w?.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(path.join(this.distDir, 'extension-worker.js'));
    this.worker = w;
    w.on('message', (m: FromWorker) => this.onMessage(m));
    w.on('error', e => this.log(`engine worker failed: ${e.stack ?? e.message}`));
    w.on('exit', code => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.failAll(new EngineError(`the MemoCheck engine worker stopped (exit code ${code}); it restarts on the next request`, false));
    });
    // unref: a pending check must not keep the extension host alive on shutdown
    w.unref();
    if (this.configure) w.postMessage({ id: this.nextId++, req: this.configure } satisfies ToWorker);
    return w;
  }

  private onMessage(m: FromWorker): void {
    if ('log' in m) {
      this.log(m.log);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    if ('progress' in m) {
      p.onProgress?.(m.progress);
      return;
    }
    this.pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(m.cancelled ? new CancelledError() : new EngineError(m.error, m.user));
  }

  private failAll(e: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(e);
  }
}
