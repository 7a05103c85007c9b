// The decode helper's thread (decode-helper.ts; bundled as dist/decode-worker.js): per job, claims items
// from the back and decodes their codes into the job's shared output.
import { readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { decodeCodes, type StoredTable } from './codec';
import { crc32 } from './crc32';
import { BY_HELPER, DECODED, ENTER, FAILED, FREE, ITEM_FIELDS, STOP, type JobMessage } from './decode-helper';

if (!parentPort) throw new Error('decode-worker.ts must run in a worker thread');
const tables: StoredTable[] = [];
let buffer = new Uint8Array(1 << 16);

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
      if (buffer.length < length) buffer = new Uint8Array(Math.max(length, 2 * buffer.length));
      const bytes = buffer.subarray(0, length);
      let done = 0;
      while (done < length) {
        const got = readSync(f[at]!, bytes, done, length - done, f[at + 1]! + done);
        if (got === 0) break;
        done += got;
      }
      if (done === length && crc32(bytes) === f[at + 3]) {
        const codes = decodeCodes(bytes, tables[f[at + 5]!]!, tokens);
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
