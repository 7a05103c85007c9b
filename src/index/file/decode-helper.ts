// A second thread that decodes the token streams a lookup is about to align. The matcher tells the reader
// which regions of which files it will align, in order (IndexReader.prefetch); the reader lists the streams
// and chunks among them that it has not decoded (items, in the order it will need them) and hands the list
// to this helper. The reader takes items from the front as it needs them, the helper from the back; each
// item is claimed in shared memory by whichever thread gets to it first, so nothing is decoded twice, and
// the reader waits only for an item the helper is decoding. A lookup against a large index decodes ~100
// streams (a third of its time, up to 15 ms for the largest queries), which the helper then mostly takes
// off the lookup's thread.
//
// One helper serves every reader of the process (starting a thread costs more than a lookup). It reads the
// segments through the reader's open file descriptors (threads share them), so it reads the same snapshot;
// a reader that closes first ends its job and waits until the helper has left it. Codes come back in a
// SharedArrayBuffer, copied out by the reader as it takes them. Damage the helper finds is not reported by
// it: the item is marked failed and the reader decodes it itself, which reports it as always.
// The same thread also finds part of a large query's candidates before the prefetch (candidates.ts).
// A helper that cannot start (its bundle missing from an installation) or stops leaves every item to the
// readers: checks stay right, only slower, and decodeHelperProblem() says why (the CLI and the extension
// tell the user).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PartMessage, UnitTables } from './candidates';
import type { StoredTable } from './codec';

/** An item's claim: nobody yet, the reader, the helper. */
export const FREE = 0, BY_READER = 1, BY_HELPER = 2;
/** An item's state once claimed by the helper: decoding, decoded, failed (the reader decodes it). */
export const PENDING = 0, DECODED = 1, FAILED = 2;
/** control[STOP]: 1 when the job is over (the helper claims no more); control[ENTER]: 0 before the helper
 * took the job up, 1 while it works on it, 2 once it left it (or, set by the reader, will never take it up) */
export const STOP = 0, ENTER = 1;

/** One stream or chunk to decode: where its bytes are and what they decode with. */
export interface Item {
  /** the reader's file descriptor of the segment, and the bytes' place in that file */
  readonly fd: number;
  readonly position: number;
  readonly length: number;
  readonly crc: number;
  readonly tokens: number;
  /** the code table, by a key unique in the process (segment serial and table number) */
  readonly tableKey: number;
  readonly table: StoredTable;
}

/** What the helper receives per decode job (see decode-worker.ts). */
export interface JobMessage {
  readonly type: 'decode';
  /** per item: fd, position, length, crc, tokens, table number (in `tables` order of first sending), output offset (u32 units) */
  readonly items: Float64Array;
  readonly claims: SharedArrayBuffer;
  readonly states: SharedArrayBuffer;
  readonly control: SharedArrayBuffer;
  readonly out: SharedArrayBuffer;
  /** tables the helper has not been sent before, with their numbers (after forgetting all others, with `reset`) */
  readonly tables: { n: number; table: StoredTable }[];
  readonly reset: boolean;
}
export const ITEM_FIELDS = 7;

/** Everything the helper receives: decode jobs, candidate jobs (candidates.ts), and the unit tables of a reader before its first candidate job, forgotten when it closes. */
export type HelperMessage = JobMessage | PartMessage
  | { readonly type: 'tables'; readonly reader: number; readonly tables: UnitTables }
  | { readonly type: 'forget'; readonly reader: number };
/** how long the reader waits for an item the helper claimed */
const WAIT_MS = 2000;

/** A prefetch's items, shared with the helper: claim one before decoding it, or wait for the helper's codes. */
export class DecodeJob {
  private readonly claims: Int32Array;
  private readonly states: Int32Array;
  private readonly control: Int32Array;
  private readonly out: SharedArrayBuffer;
  private readonly offsets: Float64Array;
  private readonly tokens: Uint32Array;

  constructor(items: readonly Item[], helper: DecodeHelper) {
    const n = items.length;
    this.claims = new Int32Array(new SharedArrayBuffer(4 * n));
    this.states = new Int32Array(new SharedArrayBuffer(4 * n));
    this.control = new Int32Array(new SharedArrayBuffer(8));
    this.offsets = new Float64Array(n);
    this.tokens = new Uint32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) { this.offsets[i] = total; this.tokens[i] = items[i]!.tokens; total += items[i]!.tokens; }
    this.out = new SharedArrayBuffer(4 * total);
    const fields = new Float64Array(ITEM_FIELDS * n);
    const tables: { n: number; table: StoredTable }[] = [];
    const reset = helper.startTables();
    items.forEach((it, i) => {
      const { number, fresh } = helper.tableNumber(it.tableKey);
      if (fresh) tables.push({ n: number, table: it.table });
      const at = ITEM_FIELDS * i;
      fields[at] = it.fd; fields[at + 1] = it.position; fields[at + 2] = it.length; fields[at + 3] = it.crc;
      fields[at + 4] = it.tokens; fields[at + 5] = number; fields[at + 6] = this.offsets[i]!;
    });
    helper.post({ type: 'decode', items: fields, claims: this.claims.buffer as SharedArrayBuffer, states: this.states.buffer as SharedArrayBuffer,
      control: this.control.buffer as SharedArrayBuffer, out: this.out, tables, reset });
  }

  /**
   * Item i for the reader: undefined when the reader got the claim (it decodes the item itself), else the
   * helper's codes, once it has them (waiting for them), or undefined again when it failed.
   */
  take(i: number): Uint32Array | undefined {
    if (Atomics.compareExchange(this.claims, i, FREE, BY_READER) !== BY_HELPER) return undefined;
    // (an item takes the helper well under a millisecond; one it has not finished after WAIT_MS, it never
    // will: a helper that died cannot say so while this thread waits, so the reader decodes the item)
    if (Atomics.wait(this.states, i, PENDING, WAIT_MS) === 'timed-out') return undefined;
    if (Atomics.load(this.states, i) !== DECODED) return undefined;
    // (a copy: a view would keep the whole job's output alive for as long as the reader caches this stream,
    // beyond the cache's byte budget)
    return new Uint32Array(this.out, 4 * this.offsets[i]!, this.tokens[i]!).slice();
  }

  /** The job is over: the helper claims no more of its items. */
  stop(): void {
    Atomics.store(this.control, STOP, 1);
  }

  /** stop(), and once this returns the helper reads nothing more for this job (its reader may close its files). */
  finish(): void {
    this.stop();
    if (Atomics.compareExchange(this.control, ENTER, 0, 2) === 0) return; // (never taken up: now it never will be)
    Atomics.wait(this.control, ENTER, 1, WAIT_MS);
  }

  /** How many items the helper decoded (for tests and benchmarks) */
  get helped(): number {
    let n = 0;
    for (let i = 0; i < this.states.length; i++) if (Atomics.load(this.states, i) === DECODED) n++;
    return n;
  }
}

/** The decode helper thread of this process, started on first use. */
export function decodeHelper(): DecodeHelper {
  return (shared ??= new DecodeHelper());
}
let shared: DecodeHelper | undefined;

/** Why this process's decode helper does not work (it could not start, or stopped), if it was started and does not. */
export function decodeHelperProblem(): string | undefined {
  return shared?.problem;
}

/** the most code tables the helper keeps (each reader's segments send theirs; a long-lived process opens many readers) */
const MAX_TABLES = 1 << 14;

export class DecodeHelper {
  private readonly worker: Worker | undefined;
  private readonly tables = new Map<number, number>();
  /** why it does not work, once it does not */
  problem: string | undefined;

  /** `entry`: the worker's script (default: decode-worker.js beside this bundle, or the TypeScript source under tsx) */
  constructor(entry?: string) {
    const started = startWorker(entry);
    if (typeof started === 'string') {
      this.problem = started;
      return;
    }
    this.worker = started;
    this.worker.unref(); // (it never keeps a process alive)
    // a helper that cannot start or dies leaves the items it did not claim to the readers
    this.worker.on('error', (e) => { this.problem ??= `the decode helper thread failed: ${e.message}`; });
    this.worker.on('exit', (code) => { this.problem ??= `the decode helper thread stopped (exit code ${code})`; });
  }

  /** Whether jobs can be handed to it. */
  get usable(): boolean { return this.problem === undefined; }

  /** Before a job's tables: whether the helper is to forget those it has (too many of them). */
  startTables(): boolean {
    if (this.tables.size < MAX_TABLES) return false;
    this.tables.clear();
    return true;
  }

  tableNumber(key: number): { number: number; fresh: boolean } {
    const known = this.tables.get(key);
    if (known !== undefined) return { number: known, fresh: false };
    const number = this.tables.size;
    this.tables.set(key, number);
    return { number, fresh: true };
  }

  post(message: HelperMessage): void {
    this.worker?.postMessage(message);
  }
}

/** The helper's worker, or why it cannot start. */
function startWorker(entry?: string): Worker | string {
  // bundled: dist/decode-worker.js beside this bundle; from sources (tests and benchmarks under tsx): the
  // TypeScript entry, through tsx's CommonJS hook (loader flags are not inherited by workers)
  const file = entry ?? path.join(__dirname, __filename.endsWith('.ts') ? 'decode-worker.ts' : 'decode-worker.js');
  if (!existsSync(file)) return `the decode helper thread cannot start: ${file} is missing (a damaged installation?)`;
  if (file.endsWith('.ts')) return new Worker(`require('tsx/cjs/api').register(); require(${JSON.stringify(file)});`, { eval: true });
  return new Worker(file);
}
