// The decode helper (index/file/decode-helper.ts): a second thread decodes the token streams a lookup is about
// to align. What it decodes must be what the reader decodes itself, damage it meets must still be reported
// by the reader as always, and a reader closed in the middle of a job must close without hanging. Real code:
// the lodash package (MIT, a pinned devDependency): ~1,000 modules and lodash.js, whose stream is chunked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { nodeModule, tmpDir } from '../../helpers/cli';
import { indexRepository, openStore } from '../../../src/node/engine';
import { openFileStore, type FileIndexReader } from '../../../src/index/file';
import { CHUNK_TOKENS } from '../../../src/index/file/blob';
import { Segment } from '../../../src/index/file/segment-reader';
import { DecodeHelper } from '../../../src/index/file/decode-helper';
import type { IndexStore } from '../../../src/index/store';

const work = tmpDir();
const index = path.join(work, 'idx');
let store: IndexStore;

before(async () => {
  cpSync(nodeModule('lodash'), path.join(work, 'lodash'), { recursive: true });
  store = await openStore(index);
  await indexRepository(store, path.join(work, 'lodash'), { name: 'lodash', license: 'MIT' });
  await store.close();
});
after(() => rmSync(work, { recursive: true, force: true }));

const open = async (decodeHelper: boolean) => {
  const s = await openFileStore(index, { decodeHelper });
  return { store: s, reader: (await s.openReader()) as FileIndexReader };
};

/** every file's first 3,000 tokens, and three regions of the chunked lodash.js (ids of the index snapshot) */
async function regions(reader: FileIndexReader): Promise<{ fileId: number; start: number; end: number }[]> {
  const out: { fileId: number; start: number; end: number }[] = [];
  let chunked = -1;
  for (let id = 0; ; id++) {
    let rec;
    try { rec = await reader.file(id); } catch { break; }
    if (rec.path === 'lodash.js') chunked = id;
    else out.push({ fileId: id, start: 0, end: Math.min(rec.tokens!, 3000) });
  }
  assert.ok(chunked >= 0 && out.length > 500, 'lodash.js and the modules are indexed');
  for (const c of [1, 3, 4]) out.push({ fileId: chunked, start: c * CHUNK_TOKENS + 100, end: c * CHUNK_TOKENS + 700 });
  return out;
}

/**
 * Waits until the helper has decoded every item of the reader's prefetch but `failed` (it takes a job up when
 * its thread is free, and the reader claims nothing meanwhile); the items are the streams and chunks the
 * regions need (files of the same bytes share one stream).
 */
async function helped(reader: FileIndexReader, failed = 0): Promise<void> {
  const n = reader.prefetchItems - failed;
  assert.ok(n > 500, `${reader.prefetchItems} items`);
  for (let waited = 0; reader.helpedItems < n; waited += 10) {
    if (waited > 20_000) assert.fail(`the helper decoded ${reader.helpedItems} of ${n} items in 20 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('the helper decodes what the reader would, and the reader takes its codes', async () => {
  const plain = await open(false);
  const { store: s, reader } = await open(true);
  try {
    const want = await regions(plain.reader);
    // (a fresh reader of each: nothing decoded yet)
    const list = await regions(reader);
    assert.deepEqual(list, want);
    // the reader made records of every file above: a new reader, so that nothing is decoded
    await reader.close();
    const fresh = (await s.openReader()) as FileIndexReader;
    try {
      fresh.prefetch(list);
      await helped(fresh);
      for (const r of list) {
        const got = (await fresh.file(r.fileId)).region!(r.start, r.end, false).codes.subarray(r.start, r.end);
        const expected = (await plain.reader.file(r.fileId)).region!(r.start, r.end, false).codes.subarray(r.start, r.end);
        assert.deepEqual(Array.from(got), Array.from(expected), `file ${r.fileId} [${r.start}, ${r.end})`);
      }
      // raw hashes and lines are the reader's own work, after the helper's codes
      const last = list[list.length - 1]!;
      const all = (await fresh.file(last.fileId)).region!(last.start, last.end, true);
      const allPlain = (await plain.reader.file(last.fileId)).region!(last.start, last.end, true);
      assert.deepEqual(Array.from(all.raw.subarray(last.start, last.end)), Array.from(allPlain.raw.subarray(last.start, last.end)));
      assert.deepEqual(Array.from(all.lines.subarray(last.start, last.end)), Array.from(allPlain.lines.subarray(last.start, last.end)));
      fresh.prefetch([]);
    } finally {
      await fresh.close();
    }
  } finally {
    await s.close();
    await plain.reader.close();
    await plain.store.close();
  }
});

test('damage the helper finds is reported by the reader, naming the segment and the file', async () => {
  const damaged = path.join(work, 'damaged');
  cpSync(index, damaged, { recursive: true });
  // One of a stream's new raw hashes changed (the bytes before its deflated body): its codes still decode,
  // and only the CRC tells (a helper that skipped the check would hand them over).
  const seg = readdirSync(damaged).find((f) => f.endsWith('.mcs'))!;
  const segment = await Segment.open(damaged, seg);
  let local = 0;
  while (segment.chunked(local) || segment.tokenCount[local]! < 500) local++;
  const place = segment.blobPlace(local);
  await segment.close();
  const bytes = readFileSync(path.join(damaged, seg));
  // (a varint count of them first)
  let first = place.position;
  while (bytes[first]! & 0x80) first++;
  assert.ok(bytes[place.position]! > 0, 'the stream has new raw hashes');
  bytes[first + 1]! ^= 0x5a;
  writeFileSync(path.join(damaged, seg), bytes);
  const plainStore = await openFileStore(damaged, { decodeHelper: false });
  const helpedStore = await openFileStore(damaged, { decodeHelper: true });
  const plain = (await plainStore.openReader()) as FileIndexReader;
  const lister = (await helpedStore.openReader()) as FileIndexReader;
  const list = await regions(lister);
  await lister.close();
  const reader = (await helpedStore.openReader()) as FileIndexReader;
  try {
    // the reader's own error for each region, where there is one
    const errors = new Map<number, string>();
    for (const r of list) {
      try { (await plain.file(r.fileId)).region!(r.start, r.end, false).codes; } catch (e) { errors.set(r.fileId, (e as Error).message); }
    }
    assert.equal(errors.size, 1, 'one stream is damaged');
    const [[badId, message]] = [...errors];
    assert.match(message!, new RegExp(`${seg.replace('.', '\\.')} is corrupted \\(token stream of .*: checksum mismatch\\)`));
    reader.prefetch(list);
    // all items but the damaged one decoded by the helper
    await helped(reader, 1);
    for (const r of list) {
      const read = async () => (await reader.file(r.fileId)).region!(r.start, r.end, false).codes;
      if (r.fileId === badId) await assert.rejects(read, (e: Error) => e.message === message);
      else await read();
    }
  } finally {
    await reader.close();
    await plain.close();
    await plainStore.close();
    await helpedStore.close();
  }
});

test('a reader closed during a prefetch closes, and the next reader is helped', async () => {
  const { store: s, reader } = await open(true);
  const list = await regions(reader);
  await reader.close();
  try {
    for (let i = 0; i < 3; i++) {
      const r = (await s.openReader()) as FileIndexReader;
      r.prefetch(list);
      await new Promise((resolve) => setTimeout(resolve, i * 5));
      await r.close(); // (waits until the helper has left the job: it reads through this reader's descriptors)
    }
    const r = (await s.openReader()) as FileIndexReader;
    try {
      r.prefetch(list);
      await helped(r);
    } finally {
      await r.close();
    }
  } finally {
    await s.close();
  }
});

test('a helper that cannot start, or fails, says why and takes no jobs', async () => {
  const missing = new DecodeHelper(path.join(work, 'decode-worker.js'));
  assert.equal(missing.usable, false);
  assert.match(missing.problem!, /decode-worker\.js is missing/);
  // a real thread whose script throws as it starts
  const broken = path.join(work, 'broken-worker.js');
  writeFileSync(broken, "throw new Error('no wasm here');\n");
  const failing = new DecodeHelper(broken);
  for (let waited = 0; failing.usable; waited += 10) {
    if (waited > 10_000) assert.fail('the failed thread was not noticed in 10 s');
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.match(failing.problem!, /the decode helper thread failed: no wasm here/);
});
