// The decode helper's thread (decode-helper.ts; bundled as dist/decode-worker.js): per job, claims items
// from the back and decodes their codes into the job's shared output.
import { parentPort } from 'node:worker_threads';
import { decodeStoredCodes } from './blob';
import type { StoredTable } from './codec';
import { BY_HELPER, DECODED, ENTER, FAILED, FREE, ITEM_FIELDS, STOP, type JobMessage } from './decode-helper';
import { readAtSync, scratchBytes } from './io';

if (!parentPort) throw new Error('decode-worker.ts must run in a worker thread');
const tables: StoredTable[] = [];

parentPort.on('message', (job: JobMessage) => {
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
});

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
