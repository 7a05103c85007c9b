// The writer lock: a LOCK file created atomically (hard link of a complete temp file, else O_EXCL) holding
// {pid, hostname, token}. A live holder is waited for with backoff; a holder on this host whose pid is gone
// (process.kill(pid, 0) -> ESRCH) left a stale lock, which is taken over.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError } from '../store';
import { LOCK_NAME } from './format';
import { pidAlive, sleep, tmpPath } from './io';

export interface LockOptions {
  /** how long to wait for a live holder (default 60 s) */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

interface LockInfo { pid: number; hostname: string; token: string }

/** A lock file without content that is older than this was left by a writer killed between create and write. */
const EMPTY_LOCK_GRACE_MS = 10_000;

function tryCreate(lockPath: string, info: LockInfo): boolean {
  const dir = path.dirname(lockPath);
  const body = JSON.stringify(info);
  const tmp = tmpPath(dir);
  fs.writeFileSync(tmp, body, { flag: 'wx' });
  try {
    fs.linkSync(tmp, lockPath);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // file systems without hard links: O_EXCL create, then write (a crash in between leaves an empty lock)
    try {
      const fd = fs.openSync(lockPath, 'wx');
      fs.writeSync(fd, body);
      fs.closeSync(fd);
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e2;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function readLock(lockPath: string): { info?: LockInfo; body: string; mtimeMs: number } | undefined {
  try {
    const body = fs.readFileSync(lockPath, 'utf8');
    const mtimeMs = fs.statSync(lockPath).mtimeMs;
    try {
      const info = JSON.parse(body) as LockInfo;
      if (typeof info.pid === 'number' && typeof info.hostname === 'string') return { info, body, mtimeMs };
    } catch { /* fall through: unreadable */ }
    return { body, mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function isStale(l: { info?: LockInfo; mtimeMs: number }): boolean {
  if (!l.info) return Date.now() - l.mtimeMs > EMPTY_LOCK_GRACE_MS;
  return l.info.hostname === os.hostname() && !pidAlive(l.info.pid);
}

/**
 * Removes a stale lock. It is first renamed away (only one of several racing writers can rename the same
 * file); if what was renamed is not the stale lock that was judged, it is put back.
 */
function takeOver(lockPath: string, staleBody: string): void {
  const aside = tmpPath(path.dirname(lockPath));
  try {
    fs.renameSync(lockPath, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  let body = '';
  try { body = fs.readFileSync(aside, 'utf8'); } catch { /* vanished: nothing to restore */ }
  if (body !== staleBody) {
    try { fs.linkSync(aside, lockPath); } catch { /* another writer holds a new lock now */ }
  }
  fs.rmSync(aside, { force: true });
}

/** Acquires the writer lock of index directory `dir`; resolves to the release function. */
export async function acquireLock(dir: string, display: string, opts: LockOptions = {}): Promise<() => void> {
  const lockPath = path.join(dir, LOCK_NAME);
  const info: LockInfo = { pid: process.pid, hostname: os.hostname(), token: randomBytes(8).toString('hex') };
  const timeout = opts.timeoutMs ?? 60_000;
  const started = Date.now();
  let delay = 5;
  for (;;) {
    opts.signal?.throwIfAborted();
    if (tryCreate(lockPath, info)) return () => release(lockPath, info.token);
    const held = readLock(lockPath);
    if (!held) continue;
    if (isStale(held)) {
      takeOver(lockPath, held.body);
      continue;
    }
    if (Date.now() - started >= timeout) {
      const who = held.info ? `pid ${held.info.pid} on ${held.info.hostname}` : 'another process';
      throw new UserError(`index ${display} is locked by ${who}; wait for it to finish, or delete ${lockPath} if no MemoCheck runs`);
    }
    await sleep(Math.min(delay, Math.max(1, timeout - (Date.now() - started))), opts.signal);
    delay = Math.min(delay * 2, 250);
  }
}

function release(lockPath: string, token: string): void {
  const held = readLock(lockPath);
  if (held?.info?.token === token) fs.rmSync(lockPath, { force: true });
}
