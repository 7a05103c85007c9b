// A small worker-thread pool with in-order, bounded-concurrency mapping. With size 0 the jobs run in the
// calling thread (useful inside hosts that must not start workers). Starting a worker costs a module load
// plus compiling web-tree-sitter and each grammar's wasm (0.1-0.5 s), so a closed pool hands its idle
// workers to the next pool (indexing many repositories in one run) and they end after IDLE_MS unused.
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

/** Idle workers of closed pools, unreferenced (they do not keep the process alive), newest last. */
const spare: Worker[] = [];
let spareTimer: NodeJS.Timeout | undefined;
const IDLE_MS = 5_000;

function takeSpare(): Worker | undefined {
  const w = spare.pop();
  if (!spare.length && spareTimer) { clearTimeout(spareTimer); spareTimer = undefined; }
  w?.ref();
  return w;
}

function putSpare(w: Worker): void {
  w.unref();
  spare.push(w);
  if (spareTimer) clearTimeout(spareTimer);
  spareTimer = setTimeout(() => {
    spareTimer = undefined;
    for (const x of spare.splice(0)) void x.terminate();
  }, IDLE_MS);
  spareTimer.unref();
}

/** How many idle workers of closed pools wait for the next pool. */
export function spareWorkerCount(): number {
  return spare.length;
}

/** Ends the idle workers of closed pools now (the next pool starts fresh ones). */
export async function endSpareWorkers(): Promise<void> {
  if (spareTimer) { clearTimeout(spareTimer); spareTimer = undefined; }
  await Promise.all(spare.splice(0).map((w) => w.terminate()));
}

/** Workers that ended (crashed or terminated): never handed on. */
const ended = new WeakSet<Worker>();

function onExit(this: Worker): void {
  ended.add(this);
  const i = spare.indexOf(this);
  if (i >= 0) spare.splice(i, 1);
}

export function defaultWorkers(): number {
  return Math.max(1, (os.availableParallelism?.() ?? os.cpus().length));
}

/**
 * Jobs posted to one worker before it reports back. A worker that finds its next job already waiting does
 * not sit idle while the main thread is busy elsewhere or while its result and the next job cross between
 * the threads. The main thread stops answering for 8-35 ms some twenty times per indexing of the 23
 * benchmark repositories (writing a repository's segment, walking the next one); 16 jobs of ~1.7 ms each
 * cover that, where 6 left the CPU idle twice as long (2-worker runs: 10-19 against 19-28 idle jiffies).
 * A posted job cannot move to another worker, so the depth shrinks to MIN_DEPTH as the queue runs dry:
 * otherwise one worker was left with up to DEPTH files at the end of a repository while the others idled
 * (measured: ~0.5 s of idle worker per indexing of the 23 benchmark repositories). With the last few
 * jobs, a worker gets one only when it is free, so none of them waits behind a long file while another
 * worker idles.
 */
export const DEPTH = 16;
const MIN_DEPTH = 1;
/** queued jobs per worker that allow one more job beyond MIN_DEPTH in each worker */
const QUEUE_PER_DEPTH = 2;

/** How many jobs each worker may hold while `queued` jobs wait in the pool. */
export function depthFor(queued: number, workers: number): number {
  return Math.min(DEPTH, MIN_DEPTH + Math.floor(queued / (QUEUE_PER_DEPTH * workers)));
}

interface Slot { readonly jobs: Set<number>; broken: boolean; readonly message: (res: FileResult & { id: number }) => void; readonly error: (e: Error) => void }

export class FilePool {
  private readonly slots = new Map<Worker, Slot>();
  private readonly queue: { job: FileJob; p: Pending }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      let w = takeSpare();
      if (!w) {
        w = startWorker();
        w.on('exit', onExit);
        // while a pool holds the worker its own listener reports errors; a spare one just ends (onExit)
        w.on('error', () => undefined);
      }
      const slot: Slot = {
        jobs: new Set(),
        broken: false,
        message: (res) => {
          slot.jobs.delete(res.id);
          const p = this.pending.get(res.id);
          this.pending.delete(res.id);
          p?.resolve(res);
          this.pump();
        },
        error: (e) => {
          slot.broken = true;
          for (const id of slot.jobs) { this.pending.get(id)?.reject(e); this.pending.delete(id); }
          slot.jobs.clear();
          this.pump();
        },
      };
      w.on('message', slot.message);
      w.on('error', slot.error);
      this.slots.set(w, slot);
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

  /** Posts queued jobs to the least loaded workers, up to depthFor(queue) each. */
  private pump(): void {
    while (this.queue.length) {
      const depth = depthFor(this.queue.length - 1, this.size);
      let best: [Worker, Slot] | undefined;
      for (const e of this.slots) if (!e[1].broken && e[1].jobs.size < depth && (!best || e[1].jobs.size < best[1].jobs.size)) best = e;
      if (!best) {
        if ([...this.slots.values()].every((s) => s.broken)) {
          for (const { p } of this.queue.splice(0)) p.reject(new Error('every worker of the pool failed'));
        }
        return;
      }
      const { job, p } = this.queue.shift()!;
      const id = this.nextId++;
      this.pending.set(id, p);
      best[1].jobs.add(id);
      best[0].postMessage({ ...job, id });
    }
  }

  /** Rejects unfinished jobs; idle workers go to the next pool, busy ones (after an abort) are terminated. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closed = new Error('pool closed');
    for (const { p } of this.queue.splice(0)) p.reject(closed);
    for (const p of this.pending.values()) p.reject(closed);
    this.pending.clear();
    const ending: Promise<number>[] = [];
    for (const [w, slot] of this.slots) {
      w.off('message', slot.message);
      w.off('error', slot.error);
      // still working after an abort, or broken by an error: its next message would go astray
      if (slot.jobs.size || slot.broken) ending.push(w.terminate());
      else if (!ended.has(w)) putSpare(w);
    }
    await Promise.all(ending);
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
