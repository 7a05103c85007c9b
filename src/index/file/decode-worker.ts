// The decode helper's thread (decode-helper.ts; bundled as dist/decode-worker.js): per decode job, claims
// items from the back and decodes their codes into the job's shared output; per candidates job, finds the
// upper part of a lookup's candidate clusters (candidates.ts).
import { parentPort } from 'node:worker_threads';
import { decodeStoredCodes } from './blob';
import * as part from './candidates';
import type { StoredTable } from './codec';
import { BY_HELPER, DECODED, ENTER, FAILED, FREE, ITEM_FIELDS, STOP, type HelperMessage, type JobMessage } from './decode-helper';
import { readAtSync, scratchBytes } from './io';

if (!parentPort) throw new Error('decode-worker.ts must run in a worker thread');
const tables: StoredTable[] = [];
/** the unit tables of the readers that sent theirs, by reader number */
const readers = new Map<number, part.UnitTables>();

parentPort.on('message', (m: HelperMessage) => {
  if (m.type === 'decode') decode(m);
  else if (m.type === 'tables') readers.set(m.reader, m.tables);
  else if (m.type === 'forget') readers.delete(m.reader);
  else candidates(m);
});

function candidates(job: part.PartMessage): void {
  const control = new Int32Array(job.control);
  // (a job its reader took back, or one of a reader that closed, is left alone)
  if (Atomics.compareExchange(control, part.STATE, part.POSTED, part.TAKEN) !== part.POSTED) return;
  let state = part.FAILED;
  try {
    const t = readers.get(job.reader);
    if (t) {
      part.writePart(part.partOfMessage(t, job), control, job.records, job.clusters);
      state = part.DONE;
    }
  } catch {
    // (the reader does the part itself, and reports what goes wrong there)
  }
  Atomics.store(control, part.STATE, state);
  Atomics.notify(control, part.STATE);
}

function decode(job: JobMessage): void {
  if (job.reset) tables.length = 0;
  for (const { n, table } of job.tables) tables[n] = table;
  const control = new Int32Array(job.control);
  // (a job its reader ended before it was taken up is left alone: the reader may have closed its files)
  if (Atomics.compareExchange(control, ENTER, 0, 1) !== 0) return;
  try {
    work(job, control);
  } finally {
    Atomics.store(control, ENTER, 2);
    Atomics.notify(control, ENTER);
  }
}

function work(job: JobMessage, control: Int32Array): void {
  const claims = new Int32Array(job.claims), states = new Int32Array(job.states);
  const f = job.items;
  for (let i = claims.length - 1; i >= 0; i--) {
    if (Atomics.load(control, STOP)) return;
    // the reader takes items from the front: once it has one, it has (or will want before this one is
    // done) every item before it
    if (Atomics.compareExchange(claims, i, FREE, BY_HELPER) !== FREE) return;
    const at = ITEM_FIELDS * i;
    let state = FAILED;
    try {
      const length = f[at + 2]!, tokens = f[at + 4]!;
      const bytes = readAtSync(f[at]!, f[at + 1]!, length, scratchBytes(length));
      if (bytes.length === length) {
        // (checked against its CRC, as the reader does: damage throws, and the reader decodes and reports it)
        const codes = decodeStoredCodes(bytes, f[at + 3]!, tables[f[at + 5]!]!, tokens, 'segment', 'token stream');
        new Uint32Array(job.out, 4 * f[at + 6]!, tokens).set(codes);
        state = DECODED;
      }
    } catch {
      // (damage or a read error: the reader decodes the item, and reports it)
    }
    Atomics.store(states, i, state);
    Atomics.notify(states, i);
  }
}
