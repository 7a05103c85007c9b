// Small file-system helpers: temp names, durable renames, positional reads.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { TMP_PREFIX } from './format';

/** A temp file name in `dir` that carries the writer's pid, so garbage collection can tell dead writers' files. */
export const tmpPath = (dir: string): string =>
  path.join(dir, `${TMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);

/** The pid a temp file name was made by, or undefined for names not made by tmpPath. */
export function tmpOwner(name: string): number | undefined {
  const m = /^\.tmp-(\d+)-/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * fsync a directory so a rename inside it is durable. Not possible on Windows; there rename is enough.
 * (Asynchronous, like every fsync of a writer: a disk flush takes milliseconds to tens of them, and the
 * thread that waits for it is the one that feeds the indexing workers.)
 */
export async function fsyncDir(dir: string): Promise<void> {
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(dir, 'r');
    await fh.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw e;
  } finally {
    await fh?.close();
  }
}

/** fsync of an open file descriptor, off this thread. */
export const fsyncFd = (fd: number): Promise<void> =>
  new Promise((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve())));

export function writeAll(fd: number, data: Uint8Array, position?: number): void {
  let done = 0;
  while (done < data.length) {
    const n = fs.writeSync(fd, data, done, data.length - done, position === undefined ? null : position + done);
    done += n;
  }
}

/** Reads exactly `length` bytes at `position` (fewer only at end of file). */
export async function readAt(fh: fs.promises.FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const chunk = Math.min(length - done, 1 << 30);
    const { bytesRead } = await fh.read(buf, done, chunk, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/** readAt without a round trip through the thread pool: small reads of a file in the page cache take microseconds. */
export function readAtSync(fd: number, position: number, length: number, into?: Uint8Array): Uint8Array {
  const buf = into ? into.subarray(0, length) : Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, Math.min(length - done, 1 << 30), position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

let scratch = new Uint8Array(1 << 16);
/**
 * A buffer of at least n bytes for a read that is decoded or copied at once, reused by the next call (in this
 * thread): a lookup reads ~100 token streams, and a new buffer for each made the garbage collector run for
 * external memory. One of more than 4 MB is not kept.
 */
export function scratchBytes(n: number): Uint8Array {
  if (n <= scratch.length) return scratch;
  const b = new Uint8Array(Math.max(n, 2 * scratch.length));
  if (b.length <= 1 << 22) scratch = b;
  return b;
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = (): void => { clearTimeout(t); reject(signal!.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
