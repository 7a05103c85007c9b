// Worker thread: reads, checks, parses and fingerprints files, so parsing uses every core and never blocks
// the caller's thread. Results travel back as transferable typed arrays.
import { parentPort } from 'node:worker_threads';
import { processFile, type FileJob, type FileResult } from './fileJob';

if (!parentPort) throw new Error('worker.ts must run in a worker thread');
const port = parentPort;
port.on('message', async (job: FileJob & { id: number }) => {
  const res: FileResult & { id: number } = { id: job.id, ...(await processFile(job, true)) };
  port.postMessage(res, transferables(res));
});

/** The result's own arrays; a token blob's code table stays (the tokenizer keeps it) and is copied. */
function transferables(res: FileResult): ArrayBuffer[] {
  if (!res.ok) return [];
  const out: ArrayBuffer[] = [];
  for (const v of Object.values(res.data)) if (ArrayBuffer.isView(v)) out.push(v.buffer as ArrayBuffer);
  if (res.mode === 'index' && res.data.tokenBlob) out.push(res.data.tokenBlob.stored.buffer as ArrayBuffer, res.data.tokenBlob.used.buffer as ArrayBuffer);
  return [...new Set(out)];
}
