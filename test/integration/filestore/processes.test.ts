// Real processes against one index: lock contention, concurrent writers, and writers killed with SIGKILL at
// random moments and at every commit step (including the rename window).
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openFileStore, type FileIndexStore } from '../../../src/index/file';
import { UserError } from '../../../src/index/store';
import { PARAMS, meta, rng, synthRepo, sharedKey } from './synthetic';

const CHILD = path.join(__dirname, 'writer-child.ts');
const tmpdirs: string[] = [];
const children = new Set<ChildProcess>();
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of tmpdirs) fs.rmSync(d, { recursive: true, force: true });
});

function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-fileproc-'));
  tmpdirs.push(d);
  return d;
}

interface Child {
  proc: ChildProcess;
  /** resolves when a stdout line matching `re` appears */
  waitFor(re: RegExp): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function startWriter(dir: string, name: string, seed: number, files: number, pauseAt?: string, repeat = 1): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, name, String(seed), String(files), pauseAt ?? '-', String(repeat)],
    { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(proc);
  let out = '';
  let stderr = '';
  const waiters: { re: RegExp; resolve(s: string): void }[] = [];
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    const lines = out.split('\n');
    out = lines.pop()!;
    for (const line of lines) {
      for (const w of [...waiters]) if (w.re.test(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line); }
    }
  });
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return {
    proc,
    exited,
    waitFor: (re) => new Promise((resolve, reject) => {
      waiters.push({ re, resolve });
      void exited.then((e) => reject(new Error(`writer exited (${e.code ?? e.signal}) before ${re}: ${e.stderr}`)));
    }),
  };
}

/** Everything a reader sees, as one digest: repos, counts, every unit, every file's tokens, some lookups. */
async function snapshot(store: FileIndexStore): Promise<string> {
  const h = createHash('sha256');
  const info = await store.info();
  h.update(JSON.stringify(info.repos.map((r) => [r.name, r.files, r.units, r.tokens, r.license])));
  const r = await store.openReader();
  try {
    h.update(JSON.stringify(await r.units(Array.from({ length: r.unitCount }, (_, i) => i))));
    for (let id = 0; id < info.files; id++) {
      const f = await r.file(id);
      h.update(f.repo + f.path + f.license);
      h.update(f.codes); h.update(f.raw); h.update(f.lines);
    }
    const { postings } = await r.lookup(Uint32Array.from({ length: 200 }, (_, i) => sharedKey(i)), Infinity);
    for (const p of postings) h.update(p);
    h.update(await r.documentFrequency(Uint32Array.from({ length: 500 }, (_, i) => sharedKey(1000 + i))));
  } finally {
    await r.close();
  }
  return h.digest('hex');
}

async function baseIndex(): Promise<string> {
  const dir = path.join(tmpDir(), 'idx');
  const store = await openFileStore(dir);
  await store.init(PARAMS);
  await store.putRepo(meta('base'), synthRepo(1, { files: 200 }));
  return dir;
}

describe('file store across processes', () => {
  test('a second writer waits for the lock, times out with the holder\'s pid, then succeeds', async () => {
    const dir = await baseIndex();
    const holder = startWriter(dir, 'held', 2, 100, 'locked');
    await holder.waitFor(/^PAUSED locked/);
    const lockInfo = JSON.parse(fs.readFileSync(path.join(dir, 'LOCK'), 'utf8')) as { pid: number };
    assert.equal(lockInfo.pid, holder.proc.pid);

    const impatient = await openFileStore(dir, { lockTimeoutMs: 300 });
    await assert.rejects(impatient.putRepo(meta('mine'), synthRepo(3, { files: 10 })), (e: unknown) =>
      e instanceof UserError && new RegExp(`index .* is locked by pid ${holder.proc.pid} on `).test(e.message) && !e.message.includes('\n'));
    await assert.rejects(impatient.removeRepo('base'), /is locked by pid/);

    const patient = await openFileStore(dir, { lockTimeoutMs: 30_000 });
    let finished = false;
    const pending = patient.putRepo(meta('mine'), synthRepo(3, { files: 10 })).then((s) => { finished = true; return s; });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(finished, false, 'waits while the lock is held');
    holder.proc.stdin!.write('go\n');
    assert.equal((await holder.exited).code, 0);
    await pending;
    assert.deepEqual((await patient.info()).repos.map((r) => r.name), ['base', 'held', 'mine']);
    assert.ok(!fs.existsSync(path.join(dir, 'LOCK')));
  });

  test('concurrent writers in separate processes are serialized without lost updates', async () => {
    const dir = await baseIndex();
    const writers = ['p', 'q', 'r'].map((name, i) => startWriter(dir, name, 20 + i, 300));
    for (const w of writers) {
      const e = await w.exited;
      assert.equal(e.code, 0, e.stderr);
    }
    const store = await openFileStore(dir);
    assert.deepEqual((await store.info()).repos.map((r) => r.name).sort(), ['base', 'p', 'q', 'r']);
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.mcs')).length, 4);
  });

  test('readers opened while another process keeps replacing a repository always see a complete snapshot', async () => {
    const dir = await baseIndex();
    const store = await openFileStore(dir);
    const expected = new Map<number, number>(); // units of 'hot' for each version (seed)
    for (let seed = 50; seed < 70; seed++) {
      expected.set([...synthRepo(seed, { files: 40 })].reduce((a, f) => a + f.unitKinds.length, 0), seed);
    }
    const baseUnits = (await store.info()).units;
    const w = startWriter(dir, 'hot', 50, 40, undefined, 20);
    let exited = false;
    void w.exited.then(() => { exited = true; });
    let readers = 0;
    const versions = new Set<number>();
    while (!exited || readers === 0) {
      const r = await store.openReader();
      try {
        readers++;
        const hot = await r.repo('hot');
        if (!hot) { assert.equal(r.unitCount, baseUnits); continue; }
        assert.equal(r.repoCount, 2);
        assert.equal(r.unitCount, baseUnits + hot.units);
        assert.ok(expected.has(hot.units), 'a version the writer wrote');
        versions.add(hot.units);
        // the last file of the snapshot is readable even if a writer has deleted its segment since
        const last = (await r.units([r.unitCount - 1]))[0]!;
        assert.equal((await r.file(last.fileId)).repo, 'hot');
      } finally {
        await r.close();
      }
    }
    assert.equal((await w.exited).code, 0);
    assert.ok(readers > 5);
    assert.equal(fs.readdirSync(dir).filter((n) => n.endsWith('.mcs')).length, 2);
  });

  test('a writer killed at any moment leaves the previous index intact; the next writer takes the stale lock over', async () => {
    const template = await baseIndex();
    const FILES = 1500;
    const copy = (): string => {
      const d = path.join(tmpDir(), 'idx');
      fs.cpSync(template, d, { recursive: true });
      return d;
    };
    const before = await snapshot(await openFileStore(template));

    // the complete outcomes: adding 'big', or replacing 'base' with new content
    const complete = new Map<string, string>();
    for (const name of ['big', 'base']) {
      const d = copy();
      const w = startWriter(d, name, 99, FILES);
      assert.equal((await w.exited).code, 0);
      complete.set(name, await snapshot(await openFileStore(d)));
    }

    const r = rng(Number(process.env.MEMOCHECK_KILL_SEED ?? Date.now() % 1e9));
    const scenarios: { name: string; pauseAt?: string; afterFiles?: number }[] = [];
    for (const name of ['big', 'base']) {
      for (const step of ['segment-written', 'locked', 'segment-renamed', 'manifest-written', 'manifest-renamed']) scenarios.push({ name, pauseAt: step });
      for (let i = 0; i < 3; i++) scenarios.push({ name, afterFiles: 50 * (1 + Math.floor(r() * (FILES / 50 - 1))) });
    }
    const outcomes = new Map<string, number>();
    for (const sc of scenarios) {
      const dir = copy();
      const w = startWriter(dir, sc.name, 99, FILES, sc.pauseAt);
      if (sc.pauseAt) {
        await w.waitFor(new RegExp(`^PAUSED ${sc.pauseAt}$`));
      } else {
        await w.waitFor(new RegExp(`^FILE ${sc.afterFiles}$`));
        await new Promise((res) => setTimeout(res, Math.floor(r() * 20)));
      }
      w.proc.kill('SIGKILL');
      const e = await w.exited;
      const label = `${sc.name} killed ${sc.pauseAt ? `at ${sc.pauseAt}` : `after ${sc.afterFiles} files`} (${e.signal ?? e.code})`;

      const store = await openFileStore(dir, { lockTimeoutMs: 10_000 });
      const got = await snapshot(store);
      const committed = sc.pauseAt === 'manifest-renamed' || (e.code === 0);
      assert.equal(got, committed ? complete.get(sc.name) : before, label);
      outcomes.set(committed ? 'new' : 'previous', (outcomes.get(committed ? 'new' : 'previous') ?? 0) + 1);
      const lockLeft = fs.existsSync(path.join(dir, 'LOCK'));
      if (sc.pauseAt && ['locked', 'segment-renamed', 'manifest-written', 'manifest-renamed'].includes(sc.pauseAt)) assert.ok(lockLeft, `${label}: lock left behind`);

      // the next writer succeeds: stale lock taken over, garbage collected, state extended
      await store.putRepo(meta('next'), synthRepo(5, { files: 5 }));
      const names = (await store.info()).repos.map((x) => x.name);
      assert.deepEqual(names, committed && sc.name === 'big' ? ['base', 'big', 'next'] : ['base', 'next'], label);
      const onDisk = fs.readdirSync(dir).sort();
      assert.deepEqual(onDisk.filter((n) => !n.endsWith('.mcs')), ['MANIFEST'], `${label}: no LOCK or temp files left`);
      assert.equal(onDisk.filter((n) => n.endsWith('.mcs')).length, names.length, `${label}: no orphan segments`);
    }
    assert.ok((outcomes.get('previous') ?? 0) >= 8);
  });
});
