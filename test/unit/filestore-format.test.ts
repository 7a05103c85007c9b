import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { ByteReader, CodeIndex, Malformed, RECENT, UnitReader, UnitWriter, decodeCodeTables, decodeCodes, decodeFileNums, encodeFileNums, decodePostings, decodeSet, decodeTokens, encodeCodeTables, encodePostings, encodeSet, encodeTokens, packBits, unpackBits } from '../../src/index/file/codec';
import { crc32, crc32Portable } from '../../src/index/file/crc32';
import { encodeHeader, decodeHeader, DEFLATED, Kind } from '../../src/index/file/format';
import { openFileStore, type FileIndexStore } from '../../src/index/file';
import { UserError } from '../../src/index/store';
import { PARAMS, meta, rng, synthRepo } from '../integration/filestore/synthetic';
import { DEFAULT_PARAMS } from '../../src/core/options';
import type { FingerprintParams } from '../../src/core/types';
import { indexRepository, Scanner } from '../../src/node/engine';
import { pythonStdlib } from '../helpers/cli';

const tmpdirs: string[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-filefmt-'));
  tmpdirs.push(d);
  return d;
}
after(() => { for (const d of tmpdirs) fs.rmSync(d, { recursive: true, force: true }); });

/** Reads everything a reader can give; any damage must surface here as a UserError. */
async function readAll(store: FileIndexStore): Promise<void> {
  const r = await store.openReader();
  try {
    await r.units(Array.from({ length: r.unitCount }, (_, i) => i));
    for (let id = 0; ; id++) {
      let f;
      try { f = await r.file(id); } catch (e) { if (e instanceof RangeError) break; throw e; }
      assert.equal(f.raw.length + f.lines.length, 2 * f.codes.length); // (decoded when first read)
    }
    await r.documentFrequency(Uint32Array.of(1, 2, 3));
  } finally {
    await r.close();
  }
  for (const repo of (await store.info()).repos) await (await store.previousFiles(repo.name)).close();
}

async function expectUserError(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'), 'one line');
    assert.match(e.message, pattern);
    return true;
  });
}

async function smallIndex(): Promise<FileIndexStore> {
  const store = await openFileStore(path.join(tmpDir(), 'idx'));
  await store.init(PARAMS);
  await store.putRepo(meta('r'), synthRepo(5, { files: 4, maxTokens: 120 }));
  return store;
}

describe('crc32', () => {
  test('golden vector and incremental use', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(new Uint8Array(0)), 0);
    assert.equal(crc32(Buffer.from('The quick brown fox jumps over the lazy dog')), 0x414fa339);
    const b = Buffer.from('123456789');
    for (let cut = 0; cut <= b.length; cut++) assert.equal(crc32(b.subarray(cut), crc32(b.subarray(0, cut))), 0xcbf43926);
  });

  test('the portable one (runtimes without zlib.crc32) gives the same checksums', () => {
    assert.equal(crc32Portable(Buffer.from('123456789')), 0xcbf43926);
    let seed = 7;
    for (const n of [0, 1, 3, 4, 5, 63, 1000, 65537]) {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
      assert.equal(crc32Portable(b), crc32(b), `${n} bytes`);
      const cut = n >> 1;
      assert.equal(crc32Portable(b.subarray(cut), crc32Portable(b.subarray(0, cut))), crc32(b), `${n} bytes in two pieces`);
    }
  });
});

describe('container header', () => {
  test('golden bytes', () => {
    const h = encodeHeader('MCIX', [{ kind: 1, offset: 64, length: 10, crc: 0xdeadbeef }, { kind: 2 | DEFLATED, offset: 74, length: 0x1_0000_0002, crc: 7 }]);
    assert.equal(h.toString('hex'),
      '4d434958' + '0600' + '0000' + '02000000' +
      '01000000' + '4000000000000000' + '0a00000000000000' + 'efbeadde' +
      '02000080' + '4a00000000000000' + '0200000001000000' + '07000000' +
      crc32(h.subarray(0, 60)).toString(16).padStart(8, '0').match(/../g)!.reverse().join(''));
    const back = decodeHeader(h, 'x', 'MCIX', 0x2_0000_0000);
    assert.ok(!('need' in back));
    assert.deepEqual(back.sections[1], { kind: (2 | DEFLATED) >>> 0, offset: 74, length: 0x1_0000_0002, crc: 7 });
  });

  test('a new empty index has a pinned MANIFEST', async () => {
    const store = await openFileStore(path.join(tmpDir(), 'idx'));
    await store.init(PARAMS);
    const bytes = fs.readFileSync(path.join(store.dir, 'MANIFEST'));
    assert.equal(bytes.toString('base64'),
      'TUNJWAYAAAACAAAAAQAAAEAAAAAAAAAAaAAAAAAAAACHHU0cAgAAAKgAAAAAAAAAHAAAAAAAAACMU00oRga6+nsiayI6NSwiYmFuZHMiOjEyLCJyb3dzIjozLCJ3aW5kb3dTaXplIjo0MCwiaW5kZXhTdHJpZGUiOjIwLCJxdWVyeVN0cmlkZSI6NCwibWluVW5pdFRva2VucyI6MzAsInNlZWQiOjd9eyJuZXh0U2VnbWVudCI6MSwicmVwb3MiOltdfQ==');
    assert.deepEqual(fs.readdirSync(store.dir), ['MANIFEST']);
  });
});

describe('file store errors', () => {
  test('a path that is a regular file', async () => {
    const f = path.join(tmpDir(), 'notes.txt');
    fs.writeFileSync(f, 'hello');
    await expectUserError(openFileStore(f), /notes\.txt is a file, not a MemoCheck index directory; choose another --index path/);
    await expectUserError(openFileStore(path.join(f, 'idx')).then((s) => s.init(PARAMS)), /notes\.txt.*is a file|parent of this path is a file/);
  });

  test('a directory of something else', async () => {
    const d = tmpDir();
    fs.writeFileSync(path.join(d, 'README.md'), '# not an index');
    const store = await openFileStore(d);
    await expectUserError(store.init(PARAMS), /is not a MemoCheck index \(no MANIFEST\); choose another --index path/);
    await expectUserError(store.openReader(), /no MANIFEST/);
    await expectUserError(store.info(), /no MANIFEST/);
    assert.deepEqual(fs.readdirSync(d), ['README.md'], 'nothing written into a foreign directory');
  });

  test('no index yet', async () => {
    const store = await openFileStore(path.join(tmpDir(), 'missing'));
    await expectUserError(store.openReader(), /no MemoCheck index at .*missing; create one with memocheck index/);
    assert.equal((await store.previousFiles('x')).size, 0);
  });

  test('bad magic in MANIFEST and in a segment', async () => {
    const store = await smallIndex();
    const seg = path.join(store.dir, 'seg-1.mcs');
    const segBytes = fs.readFileSync(seg);
    fs.writeFileSync(seg, Buffer.concat([Buffer.from('PK\x03\x04'), segBytes.subarray(4)]));
    await expectUserError(readAll(store), /seg-1\.mcs is not a MemoCheck index file/);
    fs.writeFileSync(seg, segBytes);
    await readAll(store);
    fs.writeFileSync(path.join(store.dir, 'MANIFEST'), '{"some":"json"}');
    await expectUserError(store.openReader(), /MANIFEST is not a MemoCheck index file/);
    await expectUserError(store.putRepo(meta('x'), []), /MANIFEST is not a MemoCheck index file/);
  });

  test('a newer major version', async () => {
    const store = await smallIndex();
    for (const name of ['seg-1.mcs', 'MANIFEST']) {
      const p = path.join(store.dir, name);
      const b = fs.readFileSync(p);
      b.writeUInt16LE(7, 4);
      b.writeUInt16LE(1, 6);
      fs.writeFileSync(p, b);
      await expectUserError(readAll(store), new RegExp(`${name.replace('.', '\\.')} was written by a newer MemoCheck \\(format 7\\.1\\); upgrade MemoCheck`));
    }
  });

  test('params that this version does not know: written by a newer MemoCheck', async () => {
    const store = await openFileStore(path.join(tmpDir(), 'idx'));
    await store.init({ ...PARAMS, futureKeys: 1 } as FingerprintParams);
    const pattern = /MANIFEST was written by a newer MemoCheck \(index parameter futureKeys\); upgrade MemoCheck$/;
    await expectUserError(store.openReader(), pattern);
    await expectUserError(store.putRepo(meta('x'), []), pattern);
  });

  test('an index of format 4 (one key space for all languages) is still read and written, and finds copies', async () => {
    // format 4 indexes have params without familyKeys: their band keys, and so their queries', are unsalted
    const repo = path.join(tmpDir(), 'json');
    fs.cpSync(path.join(pythonStdlib(), 'json'), repo, { recursive: true });
    const store = await openFileStore(path.join(tmpDir(), 'idx4'));
    const { familyKeys: _, ...format4Params } = DEFAULT_PARAMS;
    await store.init(format4Params);
    await indexRepository(store, repo, { workers: 1, license: 'PSF-2.0' });
    for (const name of fs.readdirSync(store.dir).filter((n) => n === 'MANIFEST' || n.endsWith('.mcs'))) {
      const p = path.join(store.dir, name);
      const b = fs.readFileSync(p);
      const h = decodeHeader(b, p, name === 'MANIFEST' ? 'MCIX' : 'MCSG', b.length);
      assert.ok(!('need' in h));
      fs.writeFileSync(p, Buffer.concat([encodeHeader(name === 'MANIFEST' ? 'MCIX' : 'MCSG', h.sections, 4, 0), b.subarray(h.bytes)]));
    }
    // and written: a repository added now is fingerprinted with the index's own (unsalted) params
    const more = path.join(tmpDir(), 'html');
    fs.cpSync(path.join(pythonStdlib(), 'html'), more, { recursive: true });
    await indexRepository(store, more, { workers: 1, license: 'PSF-2.0' });
    const fnOf = (file: string, def: string) => {
      const src = fs.readFileSync(file, 'utf8');
      const start = src.indexOf(def);
      assert.ok(start >= 0, def);
      return src.slice(start, src.indexOf('\n\n\n', start));
    };
    const scanner = await Scanner.open(store);
    try {
      assert.equal(scanner.reader.params.familyKeys, undefined);
      for (const [dir, file, def] of [[repo, 'decoder.py', 'def py_scanstring('], [more, '__init__.py', 'def _replace_charref(']] as const) {
        const repoName = path.basename(dir);
        const fn = fnOf(path.join(dir, file), def);
        const found = await scanner.scanText(`import os\n\n${fn}\n\nprint(os.name)\n`, 'python', 'paste.py');
        assert.ok(found.some((m) => m.source.repo === repoName && m.source.path === file), `${repoName}: ${JSON.stringify(found)}`);
      }
    } finally {
      await scanner.close();
    }
  });

  for (const major of [1, 2, 3]) {
    test(`an index of format ${major} is refused with the way out, not misread`, async () => {
      const store = await smallIndex();
      for (const name of ['seg-1.mcs', 'MANIFEST']) {
        const p = path.join(store.dir, name);
        const b = fs.readFileSync(p);
        const h = decodeHeader(b, p, name === 'MANIFEST' ? 'MCIX' : 'MCSG', b.length);
        assert.ok(!('need' in h));
        // an older header over the same sections, checksums intact: only the version tells it apart
        fs.writeFileSync(p, Buffer.concat([encodeHeader(name === 'MANIFEST' ? 'MCIX' : 'MCSG', h.sections, major, 0), b.subarray(h.bytes)]));
        await expectUserError(readAll(store), new RegExp(`${name.replace('.', '\\.')} was written by an older MemoCheck \\(format ${major}\\.0, this one reads 4\\.x to 6\\.x\\); delete the index directory and re-create it with memocheck index`));
      }
      await expectUserError(store.putRepo(meta('x'), []), /MANIFEST was written by an older MemoCheck/);
    });
  }

  test('a newer minor version with an unknown extra section still reads', async () => {
    const store = await smallIndex();
    const p = path.join(store.dir, 'MANIFEST');
    const b = fs.readFileSync(p);
    const h = decodeHeader(b, p, 'MCIX', b.length);
    assert.ok(!('need' in h));
    const extra = Buffer.from('future');
    const shift = 24;
    const sections = [...h.sections.map((s) => ({ ...s, offset: s.offset + shift })),
      { kind: 99, offset: b.length + shift, length: extra.length, crc: crc32(extra) }];
    fs.writeFileSync(p, Buffer.concat([encodeHeader('MCIX', sections, 4, 4), b.subarray(h.bytes), extra]));
    await readAll(store);
  });

  test('every truncation is reported, never read as empty', async () => {
    const store = await smallIndex();
    for (const name of ['MANIFEST', 'seg-1.mcs']) {
      const p = path.join(store.dir, name);
      const orig = fs.readFileSync(p);
      const cuts = new Set([0, 3, 4, 11, 12, 40, orig.length - 1]);
      for (let i = 0; i < 25; i++) cuts.add(Math.floor((orig.length * i) / 25));
      for (const cut of cuts) {
        fs.writeFileSync(p, orig.subarray(0, cut));
        await expectUserError(readAll(store), new RegExp(`${name.replace('.', '\\.')} (is corrupted \\(.*\\); re-create it with memocheck index|is not a MemoCheck index file)`));
      }
      fs.writeFileSync(p, orig);
    }
    await readAll(store);
  });

  test('every flipped byte is detected (header, table or section checksum)', async () => {
    const store = await smallIndex();
    for (const name of ['MANIFEST', 'seg-1.mcs']) {
      const p = path.join(store.dir, name);
      const orig = fs.readFileSync(p);
      const step = Math.max(1, Math.floor(orig.length / 150));
      for (let at = 0; at < orig.length; at += at < 400 ? 1 : step) {
        const b = Buffer.from(orig);
        b[at] ^= 0x20;
        fs.writeFileSync(p, b);
        await expectUserError(readAll(store), new RegExp(`${name.replace('.', '\\.')} (is corrupted|is not a MemoCheck index file|was written by a newer)`));
      }
      fs.writeFileSync(p, orig);
    }
    await readAll(store);
  });

  test('checksum mismatch names the section', async () => {
    const store = await smallIndex();
    const p = path.join(store.dir, 'seg-1.mcs');
    const b = fs.readFileSync(p);
    const h = decodeHeader(b, p, 'MCSG', b.length);
    assert.ok(!('need' in h));
    const posting = h.sections.find((s) => s.kind === Kind.POST_KEY_LOW)!;
    b[posting.offset + 2] ^= 1;
    fs.writeFileSync(p, b);
    await expectUserError(store.openReader(), /seg-1\.mcs is corrupted \(section POST_KEY_LOW checksum mismatch\); re-create it with memocheck index/);
  });
});

describe('segment codecs', () => {
  const r = rng(99);
  const u32 = (): number => (r() * 4294967296) >>> 0;

  test('bit packing round-trips every width, and checks its length', () => {
    for (let w = 0; w <= 32; w++) {
      const vals = Uint32Array.from({ length: 37 }, () => (w === 0 ? 0 : u32() % 2 ** w));
      const packed = packBits(vals, w);
      assert.equal(packed.length, Math.ceil((37 * w) / 8));
      assert.deepEqual(Array.from(unpackBits(packed, 37, w)), Array.from(vals), `width ${w}`);
    }
    assert.throws(() => unpackBits(new Uint8Array(3), 37, 1), Malformed);
  });

  test('packed sets round-trip and store about log2(2^32 / n) + 2.5 bits per value', () => {
    for (const n of [0, 1, 2, 1000, 50_000]) {
      const set = Uint32Array.from(new Set(Array.from({ length: n }, u32))).sort();
      const p = encodeSet(set);
      assert.deepEqual(Array.from(decodeSet(p.counts, p.low)), Array.from(set));
      if (n >= 1000) assert.ok(((p.low.length + p.counts.length) * 8) / set.length <= 35 - Math.log2(set.length), `${n}: ${p.low.length} + ${p.counts.length} bytes`);
    }
    const edge = Uint32Array.of(0, 1, 0x7fff_ffff, 0xffff_fffe, 0xffff_ffff);
    const p = encodeSet(edge);
    assert.deepEqual(Array.from(decodeSet(p.counts, p.low)), Array.from(edge));
    // bucket sizes in unary: n = 3, bits = 2 (ceil(log2 3)), values in buckets 0, 2, 2: 1 0 0 1 1 0 0
    assert.deepEqual(Array.from(encodeSet(Uint32Array.of(7, 0x8000_0000, 0xbfff_ffff)).counts), [3, 2, 0b0011001]);
    // a width other than ceil(log2 n), sizes of the wrong length, overrunning the count or with bits past their
    // end, and values that are not ascending are malformed
    const one = packBits([5], 32);
    assert.deepEqual(Array.from(decodeSet(Uint8Array.of(1, 0, 0b01), one)), [5]);
    for (const counts of [[1, 1, 0b001], [1, 0], [1, 0, 0b11], [1, 0, 0b101], [1, 0, 0b10]]) {
      assert.throws(() => decodeSet(Uint8Array.from(counts), one), Malformed, String(counts));
    }
    assert.throws(() => decodeSet(Uint8Array.of(2, 1, 0b0011), packBits([5, 5], 31)), Malformed);
  });

  test('postings round-trip with repeated keys and units, and reject units out of range', () => {
    const keys = Uint32Array.of(3, 3, 3, 9, 0xffff_ffff, 0xffff_ffff);
    const units = Uint32Array.of(0, 0, 7, 2, 1, 6);
    const p = encodePostings(keys, units, 8);
    const back = decodePostings(p, 8, 100);
    assert.deepEqual(Array.from(back.keys), [3, 3, 9, 0xffff_ffff, 0xffff_ffff]);
    assert.deepEqual(Array.from(back.units), [0, 7, 2, 1, 6]);
    assert.throws(() => decodePostings(p, 7, 100), Malformed);
    assert.throws(() => decodePostings(p, 8, 4), Malformed);
    // 5 postings of 3 keys: lists end at the 2nd, 3rd and 5th
    assert.deepEqual(Array.from(p.lengths), [0b10110]);
    for (const lengths of [[0b10111], [0b10100], [0b10110, 0], [0b110110]]) {
      assert.throws(() => decodePostings({ ...p, lengths: Uint8Array.from(lengths) }, 8, 100), Malformed, String(lengths));
    }
    const empty = encodePostings(new Uint32Array(0), new Uint32Array(0), 0);
    assert.equal(decodePostings(empty, 0, 0).keys.length, 0);
  });

  test('token streams round-trip through the vocabulary, lines going back included', () => {
    const vocab = new Map<number, number>();
    const codes = Uint32Array.of(0xdead_beef, 7, 7, 0xdead_beef, 0, 0xffff_ffff);
    const raw = Uint16Array.of(1, 65535, 65535, 2, 0, 1);
    const lines = Uint32Array.of(0, 0, 5, 3, 0xffff_ffff, 0xffff_ffff);
    const bytes = encodeTokens(codes, raw, lines, vocab);
    const table = Uint32Array.from(vocab.keys());
    const back = decodeTokens(bytes, table, codes.length);
    assert.deepEqual(Array.from(back.codes), Array.from(codes));
    assert.deepEqual(Array.from(back.raw), Array.from(raw));
    assert.deepEqual(Array.from(back.lines), Array.from(lines));
    assert.deepEqual(Array.from(decodeCodes(bytes, table, codes.length)), Array.from(codes));
    assert.throws(() => decodeCodes(bytes, table, codes.length + 1), Malformed);
    assert.throws(() => decodeCodes(bytes, table.subarray(0, 1), codes.length), Malformed);
    assert.throws(() => decodeTokens(bytes, table, codes.length + 1), Malformed);
    assert.throws(() => decodeTokens(bytes, table.subarray(0, 1), codes.length), Malformed);
    assert.throws(() => decodeTokens(bytes.subarray(0, bytes.length - 1), table, codes.length), Malformed);
    assert.equal(decodeTokens(encodeTokens(new Uint32Array(0), new Uint16Array(0), new Uint32Array(0), vocab), table, 0).codes.length, 0);
  });

  test('token streams with many distinct pairs round-trip, through a CodeIndex as through a Map, file after file', () => {
    // ~20,000 distinct (code, raw) pairs: their number table grows several times; the next file starts empty
    const table = Uint32Array.from({ length: 300 }, (_, i) => (Math.imul(i + 1, 0x9e3779b1) >>> 0) | 1);
    const index = new CodeIndex(table);
    const map = new Map(Array.from(table, (c, i) => [c, i] as [number, number]));
    for (let f = 0; f < 3; f++) {
      const n = 30_000 >> f;
      const codes = Uint32Array.from({ length: n }, (_, i) => table[(i * 7 + f) % table.length]!);
      const raw = Uint16Array.from({ length: n }, (_, i) => (i * 2654435761) % 70);
      const lines = Uint32Array.from({ length: n }, (_, i) => i >> 3);
      const viaIndex = encodeTokens(codes, raw, lines, index);
      assert.deepEqual(viaIndex, encodeTokens(codes, raw, lines, map), 'the same bytes as with a Map');
      const back = decodeTokens(viaIndex, table, n);
      assert.deepEqual(Array.from(back.codes), Array.from(codes));
      // (table indexes over 252 are escaped in the code stream)
      assert.deepEqual(Array.from(decodeCodes(viaIndex, table, n)), Array.from(codes), 'the codes alone');
      assert.deepEqual(Array.from(back.raw), Array.from(raw));
      assert.deepEqual(Array.from(back.lines), Array.from(lines));
    }
    assert.equal(index.get(12345), undefined);
    assert.throws(() => encodeTokens(Uint32Array.of(12345), Uint16Array.of(0), Uint32Array.of(0), index), /not in the code table/);
  });

  test('token streams against a frozen table: foreign codes and raw hashes are refused, used indexes marked', () => {
    const table = Uint32Array.of(11, 22, 33, 44, 55, 66, 77, 88, 99);
    const raws = Int32Array.of(-1, -1, -1, -1, -1, -1, -1, -1, 0xbeef); // 99 is a keyword: always raw 0xbeef
    const vocab = new Map(Array.from(table, (c, i) => [c, i] as [number, number]));
    const used = new Uint8Array(table.length);
    const codes = Uint32Array.of(33, 99, 33, 11, 99);
    const raw = Uint16Array.of(1, 0xbeef, 1, 3, 0xbeef);
    const bytes = encodeTokens(codes, raw, Uint32Array.of(0, 0, 1, 2, 2), vocab, { raws, used });
    assert.deepEqual(Array.from(used), [1, 0, 1, 0, 0, 0, 0, 0, 1]);
    // two new raw hashes, then the deflated streams: 99's raw hash is its constant one
    assert.deepEqual(Array.from(bytes.subarray(0, 5)), [2, 1, 0, 3, 0]);
    assert.deepEqual(Array.from(inflateRawSync(bytes.subarray(5))), [
      5, 7, 0, // tokens, code stream bytes, line stream bytes
      4, 10, 0, 4, 0, 2, 10, // codes at table index + 2: 33, 99, (next line) 33, (next line) 11, 99
      0, 1, 0, // raw hashes of 33 (new), 33 (its latest) and 11 (new)
    ]);
    const frozen = { raws, used: new Uint8Array(table.length) };
    assert.throws(() => encodeTokens(Uint32Array.of(12), Uint16Array.of(0), Uint32Array.of(0), vocab, frozen), /not in the code table/);
    assert.throws(() => encodeTokens(Uint32Array.of(99), Uint16Array.of(1), Uint32Array.of(0), vocab, frozen), /constant/);
    assert.equal(vocab.size, table.length, 'a frozen table does not grow');
    // stored sparsely, the table decodes the stream; an index that is not stored is malformed
    const [stored] = decodeCodeTables(encodeCodeTables([{ codes: table, raws, used }]));
    const back = decodeTokens(bytes, stored!, codes.length);
    assert.deepEqual(Array.from(back.codes), Array.from(codes));
    assert.deepEqual(Array.from(back.raw), Array.from(raw));
    const other = encodeTokens(Uint32Array.of(22), Uint16Array.of(0), Uint32Array.of(0), vocab, frozen);
    assert.throws(() => decodeTokens(other, stored!, 1), Malformed);
  });

  test('file numbers and units round-trip; damage is malformed', () => {
    const nums = {
      units: Uint32Array.of(0, 7, 2 ** 32 - 1), tokenCount: Uint32Array.of(0, 300, 1), sourceBytes: Uint32Array.of(1, 2, 3),
      blobLength: Uint32Array.of(9, 8, 7), codeTable: Uint32Array.of(0, 1, 2), blobCrc: Uint32Array.of(0, 0xdead_beef, 0xffff_ffff),
    };
    const bytes = encodeFileNums(nums);
    assert.deepEqual(decodeFileNums(bytes, 3), nums);
    assert.throws(() => decodeFileNums(bytes, 2), Malformed);
    assert.throws(() => decodeFileNums(bytes.subarray(0, bytes.length - 1), 3), Malformed);

    // two files: a function with a class around it (start deltas go back too), and starts at the ends of the u32 range
    const w = new UnitWriter();
    const units: [number, number, number][][] = [[[0, 10, 90], [1, 5, 200], [0, 0, 0]], [[1, 2 ** 32 - 2, 2 ** 32 - 1], [0, 3, 4]]];
    for (const file of units) { w.file(); for (const [k, s, e] of file) w.add(k, s, e); }
    const kinds = new Uint8Array(5), starts = new Uint32Array(5), lengths = new Uint32Array(5);
    const read = (c: ReturnType<UnitWriter['columns']>, n: number[]) => {
      const r = new UnitReader(c);
      let at = 0;
      for (const count of n) { r.file(); for (let j = 0; j < count; j++) r.next(kinds, starts, lengths, at++); }
      r.end();
    };
    read(w.columns(), [3, 2]);
    assert.deepEqual(Array.from(kinds), units.flat().map((u) => u[0]));
    assert.deepEqual(Array.from(starts), units.flat().map((u) => u[1]));
    assert.deepEqual(Array.from(lengths), units.flat().map((u) => u[2] - u[1]));
    assert.throws(() => read(w.columns(), [3, 3]), Malformed, 'more units than stored');
    assert.throws(() => read(w.columns(), [3, 1]), Malformed, 'units left over');
    assert.throws(() => read({ ...w.columns(), lengths: w.columns().lengths.subarray(1) }, [3, 2]), Malformed, 'a length missing');
  });

  test('code tables round-trip sparse and full, with and without constant raw hashes; truncations are malformed', () => {
    const a = { codes: Uint32Array.from({ length: 300 }, (_, i) => (i * 2654435761) >>> 0), raws: new Int32Array(300).fill(-1), used: new Uint8Array(300) };
    for (const i of [0, 1, 2, 7, 8, 150, 299]) a.used[i] = 1;
    a.raws[7] = 0; a.raws[150] = 0xffff; a.raws[151] = 5; // 151 is unused: its raw hash is not stored
    const b = { codes: Uint32Array.of(0xffff_ffff, 0, 5), used: Uint8Array.of(1, 1, 1) };
    const empty = { codes: new Uint32Array(0), used: new Uint8Array(0) };
    const bytes = encodeCodeTables([empty, a, b]);
    const [e, x, y] = decodeCodeTables(bytes);
    assert.equal(e!.codes.length, 0);
    assert.deepEqual(Array.from(x!.valid!), Array.from(a.used));
    assert.deepEqual(Array.from(x!.codes), Array.from(a.codes, (c, i) => (a.used[i] ? c : 0)));
    assert.deepEqual(Array.from(x!.raws!), Array.from(a.raws, (r, i) => (a.used[i] ? r : -1)));
    assert.equal(y!.valid, undefined, 'a table with every index used needs no marks');
    assert.equal(y!.raws, undefined);
    assert.deepEqual(Array.from(y!.codes), Array.from(b.codes));
    // 4 bytes per stored code, 2 per constant raw hash, two bits per index
    assert.equal(bytes.length, 1 + 1 + (2 + 2 * 38 + 7 * 4 + 2 * 2) + (1 + 2 + 3 * 4));
    for (let cut = 0; cut < bytes.length; cut++) assert.throws(() => decodeCodeTables(bytes.subarray(0, cut)), Malformed, `cut at ${cut}`);
    assert.throws(() => decodeCodeTables(Uint8Array.of(1, 3, 0xff, 0, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4)), Malformed, 'mask bits past the end');
    assert.throws(() => decodeCodeTables(Uint8Array.of(1, 3, 0x01, 0x02, 1, 2, 3, 4)), Malformed, 'a raw hash for an unused index');
  });

  test('token streams with escaped codes, many raw hashes and 5-byte line deltas', () => {
    const vocab = new Map<number, number>();
    const t = 40_000;
    const codes = Uint32Array.from({ length: t }, (_, i) => (i % 3 === 0 ? 7 : (i * 2654435761) >>> 0));
    const raw = Uint16Array.from({ length: t }, (_, i) => i % 65536);
    const lines = Uint32Array.from({ length: t }, (_, i) => (i < t - 2 ? i >> 2 : 0x1_0000_0000 - t + i));
    const bytes = encodeTokens(codes, raw, lines, vocab);
    const back = decodeTokens(bytes, Uint32Array.from(vocab.keys()), t);
    assert.deepEqual(Array.from(back.codes), Array.from(codes));
    assert.deepEqual(Array.from(back.raw), Array.from(raw));
    assert.deepEqual(Array.from(back.lines), Array.from(lines));
    // a varint with a sixth byte, or a fifth byte above 0x0f, is malformed
    assert.throws(() => new ByteReader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x8f, 0x01)).varint(), Malformed);
    assert.throws(() => new ByteReader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x10)).varint(), Malformed);
  });

  test('raw hashes: the latest RECENT of a code by recency, older ones by their number, new ones in order', () => {
    const table = Uint32Array.of(5, 6);
    const vocab = new Map(Array.from(table, (c, i) => [c, i] as [number, number]));
    // code 5 uses raw hashes 100..109, then 100 (out of its ring of 8), 109 twice, 107; code 6 has a ring of its own
    const seq: [code: number, raw: number][] = [...Array.from({ length: 10 }, (_, i) => [5, 100 + i] as [number, number]),
      [5, 100], [5, 109], [5, 109], [5, 107], [6, 109], [6, 109]];
    const codes = Uint32Array.from(seq, ([c]) => c), raw = Uint16Array.from(seq, ([, r]) => r);
    const bytes = encodeTokens(codes, raw, new Uint32Array(seq.length), vocab);
    const freshCount = 11;
    assert.equal(bytes[0], freshCount);
    const body = inflateRawSync(bytes.subarray(1 + 2 * freshCount));
    assert.deepEqual(Array.from(body.subarray(3 + seq.length)), [
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // ten new
      1 + RECENT + 0, // 100: not among the latest 8 (102..109), the code's first distinct raw hash
      2, // 109: second latest (100 came after it)
      1, // 109 again: the latest (and not pushed again)
      5, // 107: fifth latest in the ring of uses (109, 100, 109, 108, 107)
      0, 1, // code 6: new, then its latest
    ]);
    const back = decodeTokens(bytes, table, seq.length);
    assert.deepEqual(Array.from(back.raw), Array.from(raw));
  });

  test('damaged token streams are malformed', () => {
    const table = Uint32Array.of(1);
    /** a stored stream: the new raw hashes, then the deflated body */
    const stream = (fresh: number[], body: number[]) => {
      const head = Uint8Array.from([fresh.length, ...fresh.flatMap((r) => [r & 0xff, r >> 8])]);
      return new Uint8Array([...head, ...deflateRawSync(Uint8Array.from(body))]);
    };
    assert.deepEqual(Array.from(decodeTokens(stream([9], [1, 1, 0, 2, 0]), table, 1).raw), [9], 'the well-formed one');
    const bad: [string, Uint8Array][] = [
      ['no body', Uint8Array.of(0)],
      ['not deflated', Uint8Array.of(0, 0xff, 0xff, 0xff)],
      ['new raw hashes past the end', Uint8Array.of(3, 1, 2)],
      ['wrong token count', stream([9], [2, 1, 0, 2, 0])],
      ['code stream past the end', stream([9], [1, 5, 0, 2, 0])],
      ['code stream ends early', stream([9, 9], [2, 1, 0, 2, 0, 0])],
      ['code outside the table', stream([9], [1, 1, 0, 3, 0])],
      ['code stream with trailing bytes', stream([9], [1, 2, 0, 2, 0, 0])],
      ['line stream ends early', stream([9], [1, 2, 0, 1, 2, 0])],
      ['line stream with trailing bytes', stream([9], [1, 1, 1, 2, 0, 0])],
      ['a recent raw hash not yet used', stream([9], [1, 1, 0, 2, 1])],
      ['a distinct raw hash not yet used', stream([9], [1, 1, 0, 2, 1 + RECENT])],
      ['more new raw hashes used than stored', stream([], [1, 1, 0, 2, 0])],
      ['a new raw hash left over', stream([9, 8], [1, 1, 0, 2, 0])],
      ['raw stream with trailing bytes', stream([9], [1, 1, 0, 2, 0, 0])],
    ];
    for (const [what, bytes] of bad) assert.throws(() => decodeTokens(bytes, table, 1), Malformed, what);
    // the codes alone: damage up to the code stream's end (the line and raw streams are not read)
    assert.deepEqual(Array.from(decodeCodes(stream([9], [1, 1, 0, 2, 0]), table, 1)), [1]);
    for (const [what, bytes] of bad.slice(0, 8)) assert.throws(() => decodeCodes(bytes, table, 1), Malformed, what);
  });
});
