// Long token streams are stored in chunks (format 6, index/file/blob.ts encodeStream) so that a reader decodes
// the region of a large file the matcher aligns, not the whole file. These tests check the chunked layout
// round-trips, that damage names the chunk, that a reader decodes a region alone and whole files whole, and
// that segments of format 5 (long streams stored whole) are still read and not carried over.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHUNK_TOKENS, CHUNKED_ABOVE, chunkDirectory, decodeChunk, decodeStored, encodeStream } from '../../src/index/file/blob';
import { encodeTokens, type StoredTable } from '../../src/index/file/codec';
import { crc32 } from '../../src/index/file/crc32';
import { decodeHeader, encodeHeader } from '../../src/index/file/format';
import { openFileStore } from '../../src/index/file';
import { UserError, type IndexedFile } from '../../src/index/store';
import { PARAMS, meta, synthRepo } from '../integration/filestore/synthetic';
import { tmpDir } from '../helpers/cli';

const dirs: string[] = [];
const indexDir = (): string => { const d = tmpDir('mc-chunked-'); dirs.push(d); return path.join(d, 'idx'); };
after(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

/** a synthetic file of `tokens` tokens, with its units and keys (synthetic.ts) */
function longFile(seed: number, tokens: number): IndexedFile {
  return synthRepo(seed, { files: 1, minTokens: tokens, maxTokens: tokens }).next().value as IndexedFile;
}

const storedTable = (vocab: Map<number, number>): StoredTable => ({ codes: Uint32Array.from(vocab.keys()), valid: undefined, raws: undefined });

describe('chunked token streams', () => {
  test('a long stream is stored in chunks that decode alone and together; a stream of 4 chunks or less is not', () => {
    const f = longFile(3, 4 * CHUNK_TOKENS + 1234);
    const vocab = new Map<number, number>();
    const stored = encodeStream(f.codes, f.raw, f.lines, vocab);
    const table = storedTable(vocab);
    const t = f.codes.length;
    const whole = decodeStored(stored, crc32(stored), table, t, 'seg', 'stream', undefined, true);
    assert.deepEqual(Array.from(whole.codes), Array.from(f.codes));
    assert.deepEqual(Array.from(whole.raw), Array.from(f.raw));
    assert.deepEqual(Array.from(whole.lines), Array.from(f.lines));
    const chunks = chunkDirectory(stored, t, stored.length);
    assert.equal(chunks.crcs.length, 5);
    for (let i = 0; i < 5; i++) {
      const bytes = stored.subarray(chunks.offsets[i]!, chunks.offsets[i + 1]!);
      const a = i * CHUNK_TOKENS, b = Math.min(t, a + CHUNK_TOKENS);
      const codesOnly = decodeChunk(bytes, chunks.crcs[i]!, table, t, i, false, 'seg', 'stream');
      assert.deepEqual(Array.from(codesOnly.codes), Array.from(f.codes.subarray(a, b)), `chunk ${i}`);
      const all = decodeChunk(bytes, chunks.crcs[i]!, table, t, i, true, 'seg', 'stream');
      assert.deepEqual(Array.from(all.raw!), Array.from(f.raw.subarray(a, b)), `chunk ${i} raw`);
      assert.deepEqual(Array.from(all.lines!), Array.from(f.lines.subarray(a, b)), `chunk ${i} lines`);
    }
    // damage inside chunk 2 is found by its own checksum, and named
    const damaged = stored.slice();
    damaged[chunks.offsets[2]! + 3]! ^= 0x40;
    assert.throws(() => decodeChunk(damaged.subarray(chunks.offsets[2]!, chunks.offsets[3]!), chunks.crcs[2]!, table, t, 2, false, 'seg-9.mcs', 'token stream of a.js'),
      (e: unknown) => e instanceof UserError && /seg-9\.mcs is corrupted \(token stream of a\.js, chunk 2: checksum mismatch\)/.test(e.message));
    // a directory whose chunk sizes do not add up to the stream is malformed
    assert.throws(() => chunkDirectory(stored, t, stored.length + 1), /chunks of the wrong sizes/);
    // at the bound, one stream as before
    const short = longFile(4, CHUNKED_ABOVE);
    assert.deepEqual(encodeStream(short.codes, short.raw, short.lines, new Map()), encodeTokens(short.codes, short.raw, short.lines, new Map()));
  });

  test('a reader decodes the chunks of a region alone, and a whole file when its arrays are read', async () => {
    const store = await openFileStore(indexDir());
    await store.init(PARAMS);
    const f = longFile(5, 9 * CHUNK_TOKENS + 77);
    await store.putRepo(meta('big'), [f]);
    const reader = await store.openReader();
    try {
      const rec = await reader.file(0);
      assert.equal(rec.tokens, f.codes.length);
      // a region inside chunk 4
      const a = 4 * CHUNK_TOKENS + 100, b = a + 300;
      const view = rec.region!(a, b, false);
      assert.deepEqual(Array.from(view.codes.subarray(a, b)), Array.from(f.codes.subarray(a, b)));
      // chunk 0 was not decoded (its codes are not all zero in the file)
      assert.ok(f.codes.subarray(0, CHUNK_TOKENS).some((c) => c !== 0));
      assert.ok(view.codes.subarray(0, CHUNK_TOKENS).every((c) => c === 0), 'chunk 0 is left alone');
      const full = rec.region!(a, b, true);
      assert.deepEqual(Array.from(full.raw.subarray(a, b)), Array.from(f.raw.subarray(a, b)));
      assert.deepEqual(Array.from(full.lines.subarray(a, b)), Array.from(f.lines.subarray(a, b)));
      // reading the record's arrays decodes it all
      assert.deepEqual(Array.from(rec.codes), Array.from(f.codes));
      assert.deepEqual(Array.from(rec.raw), Array.from(f.raw));
      assert.deepEqual(Array.from(rec.lines), Array.from(f.lines));
    } finally {
      await reader.close();
      await store.close();
    }
  });

  test('a segment of format 5 with a long stream stored whole is read, and the file is not carried over', async () => {
    const store = await openFileStore(indexDir());
    await store.init(PARAMS);
    const long = longFile(6, 5 * CHUNK_TOKENS);
    const small = longFile(7, 500);
    // what a format 5 writer stored: the long stream whole (a token blob is appended as it is)
    const asBlob = (f: IndexedFile): IndexedFile => {
      const vocab = new Map<number, number>();
      const stored = encodeTokens(f.codes, f.raw, f.lines, vocab);
      const codes = Uint32Array.from(vocab.keys());
      return { ...f, path: `${f.path}.${f.codes.length}`, codes: new Uint32Array(0), raw: new Uint16Array(0), lines: new Uint32Array(0), tokenBlob: { tokens: f.codes.length, stored, crc: crc32(stored), table: { codes, raws: new Int32Array(codes.length).fill(-1) }, used: new Uint8Array(codes.length).fill(1) } };
    };
    await store.putRepo(meta('old'), [asBlob(long), asBlob(small)]);
    const seg = path.join(store.dir, 'seg-1.mcs');
    const b = fs.readFileSync(seg);
    const h = decodeHeader(b, seg, 'MCSG', b.length);
    assert.ok(!('need' in h));
    fs.writeFileSync(seg, Buffer.concat([encodeHeader('MCSG', h.sections, 5, 0), b.subarray(h.bytes)]));
    const reader = await store.openReader();
    try {
      for (const [id, f] of [long, small].entries()) {
        const rec = await reader.file(id);
        const view = rec.region!(100, 400, true);
        assert.deepEqual(Array.from(view.codes.subarray(100, 400)), Array.from(f.codes.subarray(100, 400)));
        assert.deepEqual(Array.from(rec.raw), Array.from(f.raw));
      }
    } finally {
      await reader.close();
    }
    const previous = await store.previousFiles('old');
    try {
      assert.equal(previous.get(`${long.path}.${long.codes.length}`), undefined, 'the long file is read again');
      assert.ok(previous.get(`${small.path}.${small.codes.length}`), 'the short one is carried over');
    } finally {
      await previous.close();
      await store.close();
    }
  });
});
