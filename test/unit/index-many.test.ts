// Several repositories indexed as one job (indexRepositories, what `memocheck index a b c` runs): the next
// repository is fingerprinted while the previous one is written, yet every segment must be exactly what
// one-at-a-time indexing writes, committed in list order. Bad lists fail before anything is indexed; a
// stopped job keeps the repositories committed before it. Real code: packages of the Python standard library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openFileStore } from '../../src/index/file';
import { SEGMENT_RE } from '../../src/index/file/format';
import { UserError, type IndexStore } from '../../src/index/store';
import { indexRepositories, indexRepository, Scanner } from '../../src/node/engine';
import { pythonStdlib, tmpDir } from '../helpers/cli';
import { segmentContent } from '../helpers/segments';

const py = pythonStdlib();
const work = tmpDir();
// four real repositories of different sizes (the small ones finish while the larger ones are written)
const REPOS = ['json', 'email', 'http', 'urllib'].map((pkg) => {
  const dir = path.join(work, 'repos', pkg);
  cpSync(path.join(py, pkg), dir, { recursive: true });
  return dir;
});

async function repoInfo(store: IndexStore): Promise<unknown[]> {
  return (await store.info()).repos.map(({ indexedAt: _, ...r }) => r);
}

function segments(dir: string): string[] {
  return readdirSync(dir).filter((n) => SEGMENT_RE.test(n)).sort();
}

test('one job writes the same segments as one repository at a time, in list order', async () => {
  const one = path.join(work, 'one'), many = path.join(work, 'many');
  const a = await openFileStore(one);
  for (const dir of REPOS) await indexRepository(a, dir, { workers: 2, license: 'PSF-2.0' });
  const b = await openFileStore(many);
  const order: number[] = [];
  const results = await indexRepositories(b, REPOS.map((dir) => ({ dir })), {
    workers: 2, license: 'PSF-2.0', onIndexed: (i) => order.push(i),
  });
  assert.deepEqual(order, [0, 1, 2, 3]);
  assert.deepEqual(results.map((r) => r.repo.name), ['json', 'email', 'http', 'urllib']);
  assert.deepEqual(await repoInfo(b), await repoInfo(a));
  assert.deepEqual(segments(many), segments(one));
  for (const seg of segments(one)) {
    assert.deepEqual(await segmentContent(path.join(many, seg)), await segmentContent(path.join(one, seg)), seg);
  }
  // and the copies in it are found: a function of the last repository, pasted into other code
  const src = (await import('node:fs')).readFileSync(path.join(REPOS[3]!, 'parse.py'), 'utf8');
  const start = src.indexOf('def urlsplit(');
  const fn = src.slice(start, src.indexOf('\ndef ', start + 1));
  const scanner = await Scanner.open(b);
  try {
    const found = await scanner.scanText('import os\n\n' + fn + '\n\nprint(os.name)\n', 'python', 'paste.py');
    assert.ok(found.some((m) => m.source.repo === 'urllib' && m.source.path === 'parse.py'), JSON.stringify(found));
  } finally {
    await scanner.close();
  }
});

test('a missing folder or a name given twice fails before anything is indexed', async () => {
  const dir = path.join(work, 'bad');
  const store = await openFileStore(dir);
  const missing = path.join(work, 'no-such-repo');
  await assert.rejects(indexRepositories(store, [{ dir: REPOS[0]! }, { dir: missing }]),
    (e: Error) => e instanceof UserError && e.message === `${missing}: no such directory`);
  const file = path.join(work, 'a-file.py');
  writeFileSync(file, 'x = 1\n');
  await assert.rejects(indexRepositories(store, [{ dir: REPOS[0]! }, { dir: file }]), /a-file\.py: not a directory/);
  await assert.rejects(indexRepositories(store, [{ dir: REPOS[0]! }, { dir: REPOS[1]!, name: 'json' }]),
    /^UserError: repository json is given twice; index it once$/m);
  // not even an empty index was created
  await assert.rejects(store.info(), /no MemoCheck index at/);
});

test('a job stopped after its first repository keeps that one and commits none after it', async () => {
  const dir = path.join(work, 'stopped');
  const store = await openFileStore(dir);
  const stop = new AbortController();
  await assert.rejects(indexRepositories(store, REPOS.map((d) => ({ dir: d })), {
    workers: 2, license: 'PSF-2.0', signal: stop.signal, onIndexed: () => stop.abort(),
  }), (e: Error) => e.name === 'AbortError');
  assert.deepEqual((await store.info()).repos.map((r) => r.name), ['json']);
  assert.equal(segments(dir).length, 1);
  // nothing of the stopped repositories is left behind (temporary segment files)
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.') || n.includes('tmp')), []);
});
