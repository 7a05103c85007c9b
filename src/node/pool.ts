// A small worker-thread pool with in-order, bounded-concurrency mapping. With size 0 the jobs run in the
// calling thread (useful inside hosts that must not start workers).
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { processFile, type FileJob, type FileResult } from './fileJob';

interface Pending { resolve(r: FileResult): void; reject(e: Error): void }

function startWorker(): Worker {
  // bundled: dist/worker.js beside this bundle; from sources (tests and benchmarks under tsx): the
  // TypeScript entry, through tsx's CommonJS hook (loader flags are not inherited by workers)
  if (__filename.endsWith('.ts')) {
    const entry = JSON.stringify(path.join(__dirname, 'worker.ts'));
    return new Worker(`require('tsx/cjs/api').register(); require(${entry});`, { eval: true });
  }
  return new Worker(path.join(__dirname, 'worker.js'));
}

export function defaultWorkers(): number {
  return Math.max(1, (os.availableParallelism?.() ?? os.cpus().length));
}

export class FilePool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { job: FileJob; p: Pending }[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private nextId = 0;
  private closed = false;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const w = startWorker();
      w.on('message', (res: FileResult & { id: number }) => {
        const p = this.busy.get(w);
        this.busy.delete(w);
        this.idle.push(w);
        p?.resolve(res);
        this.pump();
      });
      w.on('error', (e) => {
        const p = this.busy.get(w);
        this.busy.delete(w);
        p?.reject(e);
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  run(job: FileJob): Promise<FileResult> {
    if (this.size === 0) return processFile(job);
    if (this.closed) return Promise.reject(new Error('pool closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, p: { resolve, reject } });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const { job, p } = this.queue.shift()!;
      this.busy.set(w, p);
      w.postMessage({ ...job, id: this.nextId++ });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { p } of this.queue.splice(0)) p.reject(new Error('pool closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Maps items through fn with at most `limit` in flight, yielding results in input order. */
export async function* mapOrdered<T, R>(items: Iterable<T>, limit: number, fn: (t: T) => Promise<R>, signal?: AbortSignal): AsyncGenerator<R> {
  const inflight: Promise<R>[] = [];
  const it = items[Symbol.iterator]();
  let done = false;
  const fill = () => {
    while (!done && inflight.length < limit) {
      const n = it.next();
      if (n.done) { done = true; break; }
      const p = fn(n.value);
      p.catch(() => undefined); // handled when awaited in order
      inflight.push(p);
    }
  };
  fill();
  while (inflight.length) {
    signal?.throwIfAborted();
    const r = await inflight.shift()!;
    fill();
    yield r;
  }
}
