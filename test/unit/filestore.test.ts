import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openFileStore, type FileIndexStore } from '../../src/index/file';
import { fileShingles } from '../../src/core/fingerprint';
import { decodeStored } from '../../src/index/file/blob';
import { unitColumnsOf } from '../../src/core/match';
import type { CarriedFile, IndexedFile, IndexReader } from '../../src/index/store';
import { MergedPostings } from '../../src/index/file/postings';
import { Segment } from '../../src/index/file/segment-reader';
import type { FileIndexReader } from '../../src/index/file/reader';
import { Kind } from '../../src/index/file/format';
import { windows } from '../../src/core/minhash';
import { PARAMS, fingerprinted, meta, rng, synthRepo, sharedKey } from '../integration/filestore/synthetic';

const tmpdirs: string[] = [];
function tmpIndex(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-filestore-'));
  tmpdirs.push(d);
  return path.join(d, 'memocheck.idx');
}
after(() => { for (const d of tmpdirs) fs.rmSync(d, { recursive: true, force: true }); });

async function newStore(): Promise<FileIndexStore> {
  const s = await openFileStore(tmpIndex());
  await s.init(PARAMS);
  return s;
}

/** Each unit's distinct band keys, ascending (what a segment keeps: which units have which key). */
function unitKeySets(keys: Uint32Array, bands: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < keys.length; i += bands) out.push([...new Set(keys.subarray(i, i + bands))].sort((x, y) => x - y));
  return out;
}

/** A carried-over record is the stored file: its stored stream decodes to its tokens, whose shingles it had. */
function assertCarries(a: CarriedFile, b: IndexedFile): void {
  assert.equal(a.path, b.path);
  assert.equal(a.language, b.language);
  assert.equal(a.license, b.license);
  assert.equal(a.contentHash, b.contentHash);
  assert.equal(a.sourceBytes, b.sourceBytes);
  const s = a.stored;
  const tokens = decodeStored(s.stored, s.crc, s.table, s.tokens, s.source, a.path);
  for (const k of ['codes', 'raw', 'lines'] as const) assert.deepEqual(Array.from(tokens[k]), Array.from(b[k]), `${a.path}: ${k}`);
  for (const k of ['unitKinds', 'unitStarts', 'unitEnds'] as const) assert.deepEqual(Array.from(a[k]), Array.from(b[k]), `${a.path}: ${k}`);
  assert.deepEqual(Array.from(fileShingles(tokens.codes, PARAMS.k)), Array.from(b.shingles), `${a.path}: shingles`);
  assert.equal(a.bandKeys.length, b.bandKeys.length);
  assert.deepEqual(unitKeySets(a.bandKeys, PARAMS.bands), unitKeySets(b.bandKeys, PARAMS.bands), `${a.path}: band keys`);
}

describe('file store round trip', () => {
  let store: FileIndexStore;
  let files: IndexedFile[];
  let reader: IndexReader;
  before(async () => {
    store = await newStore();
    files = [...synthRepo(1, { files: 300, fileLicense: 'GPL-2.0-only' })].map((f) => fingerprinted(f));
    // files whose units end with their index windows (which a segment does not store), and three that only look so
    const withUnits = (f: IndexedFile, path: string, units: [kind: number, start: number, end: number][]): IndexedFile => fingerprinted({
      ...f, path, unitKinds: Uint8Array.from(units, (u) => u[0]), unitStarts: Uint32Array.from(units, (u) => u[1]), unitEnds: Uint32Array.from(units, (u) => u[2]),
    });
    const indexWindows = (t: number): [number, number, number][] => {
      const out: [number, number, number][] = [];
      windows(t, PARAMS, PARAMS.indexStride, (start, end) => out.push([2, start, end]));
      return out;
    };
    const big = files.find((f) => f.codes.length > 300)!;
    const small = { ...big, codes: big.codes.slice(0, 35), raw: big.raw.slice(0, 35), lines: big.lines.slice(0, 35) };
    const fn: [number, number, number] = [0, 5, 200];
    files.push(
      withUnits(big, 'windows/after-a-function.c', [fn, ...indexWindows(big.codes.length)]),
      withUnits(big, 'windows/only.c', indexWindows(big.codes.length)),
      withUnits(small, 'windows/whole-file.c', indexWindows(small.codes.length)),
      withUnits(big, 'windows/one-missing.c', indexWindows(big.codes.length).slice(1)),
      withUnits(big, 'windows/then-a-function.c', [...indexWindows(big.codes.length), fn]),
      withUnits(big, 'windows/a-class.c', indexWindows(big.codes.length).map(([, s, e], i) => [i === 2 ? 1 : 2, s, e])),
    );
    assert.equal(indexWindows(small.codes.length).length, 1);
    // an empty file and a file without units are legal
    files.push({ ...files[0]!, path: 'empty.c', codes: new Uint32Array(0), raw: new Uint16Array(0), lines: new Uint32Array(0),
      unitKinds: new Uint8Array(0), unitStarts: new Uint32Array(0), unitEnds: new Uint32Array(0), bandKeys: new Uint32Array(0), shingles: new Uint32Array(0) });
    const summary = await store.putRepo(meta('alpha', 'MIT'), (async function* () { yield* files; })());
    assert.equal(summary.files, files.length);
    assert.equal(summary.units, files.reduce((a, f) => a + f.unitKinds.length, 0));
    assert.equal(summary.tokens, files.reduce((a, f) => a + f.codes.length, 0));
    assert.equal(summary.sourceBytes, files.reduce((a, f) => a + f.sourceBytes, 0));
    reader = await store.openReader();
    // the segment leaves out a file's index windows when its units end with exactly those
    const seg = await Segment.open(store.dir, 'seg-1.mcs', false);
    try {
      const implied = (f: IndexedFile): number => {
        const w = indexWindows(f.codes.length), u = f.unitKinds.length;
        const same = w.length > 0 && w.length <= u && w.every(([k, s, e], j) => f.unitKinds[u - w.length + j] === k && f.unitStarts[u - w.length + j] === s && f.unitEnds[u - w.length + j] === e);
        return same ? w.length : 0;
      };
      assert.deepEqual(files.filter((f) => f.path.startsWith('windows/') && implied(f) > 0).map((f) => f.path),
        ['windows/after-a-function.c', 'windows/only.c', 'windows/whole-file.c']);
      const stored = files.reduce((a, f) => a + f.unitKinds.length - implied(f), 0);
      assert.ok(stored < summary.units, `${stored} of ${summary.units} units stored`);
      assert.equal((await (seg as unknown as { c: { section(k: number): Promise<Buffer> } }).c.section(Kind.UNIT_KINDS)).length, stored);
    } finally {
      await seg.close();
    }
  });
  after(async () => { await reader.close(); await store.close(); });

  test('previousFiles hands back what was stored, the token streams as stored', async () => {
    const prev = await store.previousFiles('alpha');
    try {
      assert.equal(prev.size, files.length);
      for (const f of files) {
        const p = prev.get(f.path)!;
        assert.equal(p.contentHash, f.contentHash);
        const rec = await p.record();
        assert.ok('stored' in rec, 'carried over with its stored token stream');
        assertCarries(rec, f);
      }
      assert.equal(prev.get('nope.c'), undefined);
    } finally {
      await prev.close();
    }
    assert.equal((await store.previousFiles('nope')).size, 0);
  });

  test('units and files resolve to the stored token ranges and effective licences', async () => {
    assert.equal(reader.repoCount, 1);
    const ids = Array.from({ length: reader.unitCount }, (_, i) => i);
    const units = await reader.units(ids);
    let i = 0;
    for (const [fi, f] of files.entries()) {
      for (let u = 0; u < f.unitKinds.length; u++, i++) {
        const rec = units[i]!;
        assert.equal(rec.id, i);
        assert.equal(rec.startToken, f.unitStarts[u]);
        assert.equal(rec.endToken, f.unitEnds[u]);
        assert.equal(rec.kind, ['function', 'class', 'window'][f.unitKinds[u]!]);
        const file = await reader.file(rec.fileId);
        assert.equal(file.path, f.path, `unit ${i} of file ${fi}`);
      }
    }
    for (let id = 0; id < files.length; id++) {
      const file = await reader.file(id);
      const f = files.find((x) => x.path === file.path)!;
      assert.equal(file.repo, 'alpha');
      assert.equal(file.license, f.license ?? 'MIT');
      assert.deepEqual(Array.from(file.codes), Array.from(f.codes));
      assert.deepEqual(Array.from(file.raw), Array.from(f.raw));
      assert.deepEqual(Array.from(file.lines), Array.from(f.lines));
    }
    assert.ok(files.some((f) => f.license === 'GPL-2.0-only'));
    await assert.rejects(reader.file(files.length), RangeError);
    await assert.rejects(reader.units([reader.unitCount]), RangeError);
  });

  test('unit columns are the unit records, in the order asked, less the languages left out', async () => {
    // every third unit, backwards, and a language left out
    const ids = Array.from({ length: reader.unitCount }, (_, i) => i).filter((i) => i % 3 === 0).reverse();
    const records = await reader.units(ids);
    const leaveOut = records.find((r) => r.language !== records[0]!.language)!.language;
    const keep = (language: string) => language !== leaveOut;
    // (the file store's own: the columns its candidates() works on)
    const columnsOf = (ids: ArrayLike<number>) => (reader as FileIndexReader).unitColumns(ids, keep);
    const { columns, dropped } = await columnsOf(Uint32Array.from(ids));
    const want = unitColumnsOf(records, keep);
    assert.ok(dropped > 0 && columns.ids.length > 0);
    assert.equal(dropped, want.dropped);
    for (const k of ['ids', 'fileId', 'start', 'end', 'kind'] as const) assert.deepEqual(Array.from(columns[k]), Array.from(want.columns[k]), k);
    await assert.rejects(columnsOf([reader.unitCount]), RangeError);
  });

  test('info reports repos, counts, version and bytes', async () => {
    const info = await store.info();
    assert.equal(info.formatVersion, '6.0');
    assert.deepEqual(info.params, PARAMS);
    assert.equal(info.repos.length, 1);
    assert.equal(info.repos[0]!.name, 'alpha');
    assert.equal(info.repos[0]!.commit, 'a'.repeat(40));
    assert.equal(info.files, files.length);
    assert.equal(info.units, reader.unitCount);
    const onDisk = fs.readdirSync(store.dir).reduce((a, n) => a + fs.statSync(path.join(store.dir, n)).size, 0);
    assert.equal(info.bytes, onDisk);
    assert.deepEqual(await reader.repo('alpha'), info.repos[0]);
  });

  test('init on an existing index keeps it (params ignored)', async () => {
    await store.init({ ...PARAMS, bands: 99 });
    assert.equal((await store.info()).params.bands, PARAMS.bands);
  });
});

describe('file store lookups', () => {
  let store: FileIndexStore;
  let reader: IndexReader;
  const repos: IndexedFile[][] = [];
  before(async () => {
    store = await newStore();
    for (const [i, name] of ['a', 'b', 'c'].entries()) {
      const files = [...synthRepo(10 + i, { files: 60, shared: 0.1 })];
      // shingles held by exactly two repositories (a and b)
      if (i < 2) files.push({ ...files[0]!, path: 'two.c', shingles: Uint32Array.of(7, 0xdead0001, 0xdead0002) });
      repos.push(files);
      await store.putRepo(meta(name), files);
    }
    reader = await store.openReader();
  });
  after(async () => { await reader.close(); await store.close(); });

  /** brute force: global unit id = units of earlier repos + index within repo */
  function bruteForce(key: number): number[] {
    const out: number[] = [];
    let base = 0;
    for (const files of repos) {
      for (const f of files) {
        for (let u = 0; u < f.unitKinds.length; u++) {
          for (let b = 0; b < PARAMS.bands; b++) if (f.bandKeys[u * PARAMS.bands + b] === key) { out.push(base + u); break; }
        }
        base += f.unitKinds.length;
      }
    }
    return out;
  }

  test('lookup equals a brute-force scan (present, shared and absent keys)', async () => {
    const keys: number[] = [];
    for (let i = 0; i < 200; i++) keys.push(sharedKey(i));
    for (const files of repos) for (const f of files.slice(0, 5)) keys.push(...Array.from(f.bandKeys.subarray(0, 20)));
    keys.push(0, 0xffffffff, 12345);
    const { postings, skipped } = await reader.lookup(Uint32Array.from(keys), Infinity);
    assert.equal(skipped, 0);
    assert.equal(postings.length, keys.length);
    let nonEmpty = 0;
    for (const [i, k] of keys.entries()) {
      assert.deepEqual(Array.from(postings[i]!), bruteForce(k), `key ${k}`);
      if (postings[i]!.length > 1) nonEmpty++;
    }
    assert.ok(nonEmpty > 100, 'shared keys have postings in several repos');
    const units = await reader.units(Array.from(postings[0]!));
    for (const u of units) {
      const file = await reader.file(u.fileId);
      assert.ok(['a', 'b', 'c'].includes(file.repo));
    }
  });

  test('keys with more postings than maxPostings are skipped', async () => {
    const keys = Uint32Array.from({ length: 200 }, (_, i) => sharedKey(i));
    const all = (await reader.lookup(keys, Infinity)).postings;
    const limit = 10;
    const expectSkipped = all.filter((p) => p.length > limit).length;
    assert.ok(expectSkipped > 0 && expectSkipped < keys.length);
    const { postings, skipped } = await reader.lookup(keys, limit);
    assert.equal(skipped, expectSkipped);
    for (const [i, p] of postings.entries()) assert.deepEqual(Array.from(p), all[i]!.length > limit ? [] : Array.from(all[i]!));
  });

  test('repeated keys (a query\'s overlapping windows) get the same answer each time, skips counted each time', async () => {
    const distinct = Uint32Array.from({ length: 120 }, (_, i) => (i % 3 ? sharedKey(i) : 0xdead0000 + i)); // some absent
    const once = await reader.lookup(distinct, 10);
    assert.ok(once.skipped > 0);
    const skips: number[] = [];
    for (const k of distinct) skips.push((await reader.lookup(Uint32Array.of(k), 10)).skipped);
    const order = Array.from({ length: 600 }, (_, i) => (i * 37) % 120);
    const { postings, skipped } = await reader.lookup(Uint32Array.from(order, (i) => distinct[i]!), 10);
    assert.equal(skipped, order.reduce((n, i) => n + skips[i]!, 0));
    order.forEach((i, x) => assert.deepEqual(Array.from(postings[x]!), Array.from(once.postings[i]!)));
  });

  test('documentFrequency counts repositories containing each shingle', async () => {
    const sets = repos.map((files) => new Set(files.flatMap((f) => Array.from(f.shingles))));
    const query: number[] = [];
    for (let i = 1000; i < 1500; i++) query.push(sharedKey(i));
    for (const f of repos[1]!.slice(0, 3)) query.push(...Array.from(f.shingles.subarray(0, 30)));
    query.push(1, 2, 3, 7, 0xdead0001, 0xdead0002);
    const df = await reader.documentFrequency(Uint32Array.from(query));
    const seen = new Set<number>();
    for (const [i, s] of query.entries()) {
      const expected = sets.filter((set) => set.has(s)).length;
      assert.equal(df[i], expected, `shingle ${s}`);
      seen.add(expected);
    }
    assert.deepEqual([...seen].sort(), [0, 1, 2, 3]);
  });
});

describe('file store add, replace, remove', () => {
  const segs = (dir: string): Map<string, fs.Stats> =>
    new Map(fs.readdirSync(dir).filter((n) => n.endsWith('.mcs')).map((n) => [n, fs.statSync(path.join(dir, n))]));

  test('other repositories\' segments are never rewritten', async () => {
    const store = await newStore();
    await store.putRepo(meta('one'), synthRepo(1, { files: 20 }));
    await store.putRepo(meta('two'), synthRepo(2, { files: 20 }));
    const before = segs(store.dir);
    assert.equal(before.size, 2);
    const segOne = [...before.keys()].sort()[0]!;

    const readerBefore = await store.openReader();
    const replaced = await store.putRepo(meta('two', 'Apache-2.0'), synthRepo(3, { files: 7 }));
    assert.equal(replaced.files, 7);
    await store.putRepo(meta('three'), synthRepo(4, { files: 5 }));
    const mid = segs(store.dir);
    assert.equal(mid.size, 3, 'the replaced segment is deleted');
    assert.equal(mid.get(segOne)!.ino, before.get(segOne)!.ino);
    assert.equal(mid.get(segOne)!.mtimeMs, before.get(segOne)!.mtimeMs);

    const info = await store.info();
    assert.deepEqual(info.repos.map((r) => [r.name, r.files, r.license]), [['one', 20, 'MIT'], ['two', 7, 'Apache-2.0'], ['three', 5, 'MIT']]);

    // the reader opened before keeps its snapshot, even though 'two's old segment is gone
    assert.equal(readerBefore.repoCount, 2);
    const f = await readerBefore.file(25);
    assert.equal(f.repo, 'two');
    assert.equal((await readerBefore.repo('two'))!.files, 20);
    await readerBefore.close();

    assert.equal(await store.removeRepo('two'), true);
    assert.equal(await store.removeRepo('two'), false);
    const after = segs(store.dir);
    assert.equal(after.size, 2);
    assert.equal(after.get(segOne)!.ino, before.get(segOne)!.ino);
    assert.equal(after.get(segOne)!.mtimeMs, before.get(segOne)!.mtimeMs);
    const r = await store.openReader();
    assert.equal(r.repoCount, 2);
    assert.equal(r.unitCount, (await store.info()).units);
    assert.equal(await r.repo('two'), undefined);
    await r.close();
  });

  test('garbage from a crashed writer is collected on the next write', async () => {
    const store = await newStore();
    await store.putRepo(meta('one'), synthRepo(1, { files: 3 }));
    fs.writeFileSync(path.join(store.dir, 'seg-77.mcs'), 'orphan');
    fs.writeFileSync(path.join(store.dir, '.tmp-999999999-abcdef'), 'dead writer');
    await store.putRepo(meta('two'), synthRepo(2, { files: 3 }));
    const names = fs.readdirSync(store.dir).sort();
    assert.deepEqual(names, ['MANIFEST', 'seg-1.mcs', 'seg-2.mcs']);
  });

  test('an aborted putRepo leaves the index unchanged and no temp files', async () => {
    const store = await newStore();
    await store.putRepo(meta('one'), synthRepo(1, { files: 3 }));
    const ac = new AbortController();
    let n = 0;
    async function* files(): AsyncGenerator<IndexedFile> {
      for (const f of synthRepo(2, { files: 50 })) {
        if (++n === 10) ac.abort();
        yield f;
      }
    }
    await assert.rejects(store.putRepo(meta('two'), files(), ac.signal), { name: 'AbortError' });
    assert.deepEqual(fs.readdirSync(store.dir).sort(), ['MANIFEST', 'seg-1.mcs']);
    assert.deepEqual((await store.info()).repos.map((r) => r.name), ['one']);
  });

  test('malformed records are rejected with the file path', async () => {
    const store = await newStore();
    const [f] = [...synthRepo(1, { files: 1 })];
    await assert.rejects(store.putRepo(meta('x'), [{ ...f!, bandKeys: new Uint32Array(3) }]), /src\/dir0\/file0\.c: IndexedFile has 3 band keys/);
    await assert.rejects(store.putRepo(meta('x'), [f!, f!]), /same path was given twice/);
    assert.deepEqual(fs.readdirSync(store.dir), ['MANIFEST']);
  });
});

describe('merged postings', () => {
  test('equal a brute-force index over segments with hot keys, whatever the bucket sizes', () => {
    const r = rng(5);
    const segments: { keys: Uint32Array; units: Uint32Array }[] = [];
    const base = [0];
    const entries: [number, number][] = []; // [key, global unit]
    const hot = [7, 8, 0x8000_0001, 0xffff_ffff]; // neighbours share a bucket: their runs interleave across segments
    for (let s = 0; s < 6; s++) {
      const unitCount = 50 + Math.floor(r() * 300);
      const pairs: [number, number][] = [];
      for (let u = 0; u < unitCount; u++) {
        for (let b = 0; b < 4; b++) pairs.push([r() < 0.3 ? hot[Math.floor(r() * hot.length)]! : (r() * 4294967296) >>> 0, u]);
      }
      pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      segments.push({ keys: Uint32Array.from(pairs, (p) => p[0]), units: Uint32Array.from(pairs, (p) => p[1]) });
      for (const [k, u] of pairs) entries.push([k, base[s]! + u]);
      base.push(base[s]! + unitCount);
    }
    const released: number[] = [];
    const merged = MergedPostings.build(segments, base, (i) => released.push(i));
    assert.deepEqual(released, [0, 1, 2, 3, 4, 5]);
    const query = Uint32Array.from([...hot, ...entries.filter((_, i) => i % 7 === 0).map((e) => e[0]), 1, 2, 3]);
    const { postings, skipped } = merged.lookup(query, Infinity);
    assert.equal(skipped, 0);
    query.forEach((k, i) => {
      const want = [...new Set(entries.filter((e) => e[0] === k).map((e) => e[1]))].sort((a, b) => a - b);
      assert.deepEqual(Array.from(postings[i]!), want, `key ${k}`);
    });
    const capped = merged.lookup(Uint32Array.from(hot), 10);
    assert.equal(capped.skipped, hot.length);
    assert.ok(capped.postings.every((p) => p.length === 0));
  });

  test('equal a brute-force index when the key space is merged chunk by chunk (many entries)', () => {
    const r = rng(11);
    const segments: { keys: Uint32Array; units: Uint32Array }[] = [];
    const base = [0];
    const want = new Map<number, Set<number>>();
    for (let s = 0; s < 4; s++) {
      const unitCount = 30_000;
      const pairs: [number, number][] = [];
      for (let u = 0; u < unitCount; u++) {
        // a few keys shared across segments (band keys of copied code), the rest random
        for (let b = 0; b < 6; b++) pairs.push([r() < 0.05 ? Math.floor(r() * 1000) * 4_000_037 >>> 0 : (r() * 4294967296) >>> 0, u]);
      }
      pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      segments.push({ keys: Uint32Array.from(pairs, (p) => p[0]), units: Uint32Array.from(pairs, (p) => p[1]) });
      for (const [k, u] of pairs) { let set = want.get(k); if (!set) want.set(k, (set = new Set())); set.add(base[s]! + u); }
      base.push(base[s]! + unitCount);
    }
    const merged = MergedPostings.build(segments, base);
    assert.ok(merged.entries > 1 << 16, 'enough entries for several chunks');
    const keys = Uint32Array.from(want.keys());
    const { postings } = merged.lookup(keys, Infinity);
    keys.forEach((k, i) => assert.deepEqual(Array.from(postings[i]!), [...want.get(k)!].sort((a, b) => a - b), `key ${k}`));
    assert.equal(merged.distinctKeys, want.size);
  });

  test('refuse segment postings that are not in key order', () => {
    const seg = { keys: Uint32Array.from([5, 0x9000_0000, 7]), units: Uint32Array.from([0, 1, 2]) };
    const many = { keys: new Uint32Array(1 << 17).map((_, i) => i * 32768), units: new Uint32Array(1 << 17) };
    assert.throws(() => MergedPostings.build([many, seg], [0, 1, 4]), /not in key order/);
  });
});
