import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { PgStore } from '../../../src/index/postgres';
import type { IndexedFile, RepoMeta } from '../../../src/index/store';
import { PARAMS, bandKey, freshDatabase, makeFile, makeRepo } from './helpers';

const meta = (name: string, extra: Partial<RepoMeta> = {}): RepoMeta => ({
  name, license: 'MIT', indexedAt: '2026-01-01T00:00:00.000Z', ...extra,
});

async function freshStore(): Promise<PgStore> {
  const store = await PgStore.open(await freshDatabase());
  await store.init(PARAMS);
  return store;
}

describe('PgStore: bulk load and read back', () => {
  it('stores files, units, band keys and shingles and reads them back', async () => {
    const store = await freshStore();
    try {
      const files = [...makeRepo('src', 30, 12, 1)];
      // a path COPY must escape, a per-file licence, a file without units
      files.push(makeFile('odd/tab\there\\back\nline ü.py', { units: 3, salt: 777, language: 'python', license: 'GPL-2.0-only' }));
      files.push(makeFile('empty.js', { units: 0, salt: 778 }));
      const s = await store.putRepo(meta('alpha', { url: 'https://example.invalid/alpha.git', commit: 'abc123', licenseSource: 'LICENSE' }), files);
      assert.equal(s.files, 32);
      assert.equal(s.units, 30 * 12 + 3);
      assert.equal(s.tokens, files.reduce((a, f) => a + f.codes.length, 0));
      assert.equal(s.commit, 'abc123');

      const info = await store.info();
      assert.equal(info.repos.length, 1);
      assert.equal(info.units, 363);
      assert.deepEqual(info.params, PARAMS);
      assert.match(info.formatVersion, /postgres schema v2/);
      assert.ok(info.bytes > 0);

      const reader = await store.openReader();
      try {
        assert.equal((reader as unknown as { routed: boolean }).routed, true, 'lookups are routed to partitions');
        assert.equal(reader.repoCount, 1);
        assert.equal(reader.unitCount, 363);
        const odd = files[30]!;
        // keys of unit 2 of the odd file, one unknown key
        const keys = Uint32Array.from([...odd.bandKeys.subarray(2 * PARAMS.bands, 3 * PARAMS.bands), 12345]);
        const { postings, skipped } = await reader.lookup(keys, 100);
        assert.equal(skipped, 0);
        assert.equal(postings.length, keys.length);
        assert.equal(postings[keys.length - 1]!.length, 0);
        const unitId = postings[0]![0]!;
        for (let b = 0; b < PARAMS.bands; b++) assert.deepEqual([...postings[b]!], [unitId]);
        const [unit] = await reader.units([unitId]);
        assert.equal(unit!.kind, 'window');
        assert.equal(unit!.startToken, odd.unitStarts[2]);
        assert.equal(unit!.endToken, odd.unitEnds[2]);
        const file = await reader.file(unit!.fileId);
        assert.equal(file.path, odd.path);
        assert.equal(file.repo, 'alpha');
        assert.equal(file.license, 'GPL-2.0-only');
        assert.equal(file.language, 'python');
        assert.deepEqual(file.codes, odd.codes);
        assert.deepEqual(file.raw, odd.raw);
        assert.deepEqual(file.lines, odd.lines);
        const other = await reader.file((await reader.units([(await reader.lookup(files[0]!.bandKeys.subarray(0, 1), 100)).postings[0]![0]!]))[0]!.fileId);
        assert.equal(other.license, 'MIT', 'the repository licence applies when a file has none');

        const df = await reader.documentFrequency(Uint32Array.from([odd.shingles[0]!, files[0]!.shingles[0]!, 5]));
        assert.deepEqual([...df], [1, 1, 0]);
        const repo = await reader.repo('alpha');
        assert.equal(repo?.url, 'https://example.invalid/alpha.git');
        assert.equal(await reader.repo('nope'), undefined);
      } finally {
        await reader.close();
      }

      // the client-side routing (partitionOfKey) agrees with where PostgreSQL put every row
      const { partitionOfKey } = await import('../../../src/index/postgres/partition');
      const c = new pg.Client({ connectionString: (store as unknown as { target: { connectionString: string } }).target.connectionString });
      await c.connect();
      const rows = (await c.query<{ key: number; part: string }>(`SELECT b.key, c.relname AS part FROM memocheck.bands b JOIN pg_class c ON c.oid = b.tableoid`)).rows;
      await c.end();
      assert.equal(new Set(rows.map((r) => r.part)).size, 16, 'the keys span all partitions');
      const wrong = rows.filter((r) => r.part !== `bands_p${String(partitionOfKey(r.key)).padStart(2, '0')}`);
      assert.deepEqual(wrong, []);

      const prev = await store.previousFiles('alpha');
      assert.equal(prev.size, 32);
      for (const f of files) {
        assert.equal(prev.get(f.path)!.contentHash, f.contentHash, f.path);
        assert.deepEqual(await prev.get(f.path)!.record(), f, f.path);
      }
      await prev.close();
    } finally {
      await store.close();
    }
  });

  it('keeps whole-uint32 band keys apart and skips ubiquitous keys', async () => {
    const store = await freshStore();
    try {
      const hot = 0xfffffff0; // negative as int4
      const files: IndexedFile[] = [];
      for (let i = 0; i < 6; i++) {
        const f = makeFile(`f${i}.js`, { units: 2, salt: 50 + i });
        f.bandKeys[0] = hot;
        files.push(f);
      }
      await store.putRepo(meta('hot'), files);
      const reader = await store.openReader();
      try {
        const cold = files[3]!.bandKeys[1]!;
        let r = await reader.lookup(Uint32Array.from([hot, cold, hot]), 5);
        assert.equal(r.skipped, 2, 'each occurrence of a skipped key counts');
        assert.equal(r.postings[0]!.length, 0);
        assert.equal(r.postings[1]!.length, 1);
        r = await reader.lookup(Uint32Array.from([hot]), 6);
        assert.equal(r.skipped, 0);
        assert.equal(r.postings[0]!.length, 6);
        assert.equal(new Set(r.postings[0]).size, 6);
      } finally {
        await reader.close();
      }
    } finally {
      await store.close();
    }
  });

  it('re-indexing replaces a repository atomically and leaves others alone; removeRepo deletes it', async () => {
    const store = await freshStore();
    try {
      await store.putRepo(meta('a'), makeRepo('a', 10, 5, 1));
      await store.putRepo(meta('b'), makeRepo('b', 10, 5, 2));
      const oldKey = bandKey(1 * 100_000 + 3, 0, 0);
      const bKey = bandKey(2 * 100_000 + 3, 0, 0);
      const s = await store.putRepo(meta('a', { commit: 'v2' }), makeRepo('a2', 4, 5, 3));
      assert.equal(s.files, 4);
      const newKey = bandKey(3 * 100_000 + 1, 0, 0);
      let reader = await store.openReader();
      try {
        const { postings } = await reader.lookup(Uint32Array.from([oldKey, bKey, newKey]), 100);
        assert.deepEqual(postings.map((p) => p.length), [0, 1, 1]);
        assert.equal(reader.unitCount, 4 * 5 + 10 * 5);
        assert.equal((await reader.repo('a'))?.commit, 'v2');
      } finally {
        await reader.close();
      }
      assert.equal((await store.previousFiles('a')).size, 4);
      assert.equal(await store.removeRepo('a'), true);
      assert.equal(await store.removeRepo('a'), false);
      reader = await store.openReader();
      try {
        const { postings } = await reader.lookup(Uint32Array.from([newKey, bKey]), 100);
        assert.deepEqual(postings.map((p) => p.length), [0, 1]);
        assert.equal(reader.repoCount, 1);
      } finally {
        await reader.close();
      }
      // nothing of repo a is left behind in any table
      const c = new pg.Client({ connectionString: (store as unknown as { target: { connectionString: string } }).target.connectionString });
      await c.connect();
      const left = await c.query(`SELECT (SELECT count(*) FROM memocheck.units)::int AS units, (SELECT count(*) FROM memocheck.bands)::int AS bands,
        (SELECT count(*) FROM memocheck.files)::int AS files`);
      await c.end();
      assert.deepEqual(left.rows[0], { units: 50, bands: 50 * PARAMS.bands, files: 10 });
    } finally {
      await store.close();
    }
  });

  it('an aborted or failing putRepo leaves the previous state of the repository', async () => {
    const store = await freshStore();
    try {
      await store.putRepo(meta('a', { commit: 'one' }), makeRepo('a', 5, 4, 1));
      const ac = new AbortController();
      function* abortingAfterTwoBatches(): Generator<IndexedFile> {
        let i = 0;
        for (const f of makeRepo('x', 6000, 1, 9)) {
          if (++i === 5000) ac.abort();
          yield f;
        }
      }
      await assert.rejects(store.putRepo(meta('a', { commit: 'two' }), abortingAfterTwoBatches(), ac.signal), { name: 'AbortError' });
      const bad = makeFile('bad.js', { units: 2, salt: 1 });
      await assert.rejects(store.putRepo(meta('a', { commit: 'three' }), [...makeRepo('y', 3, 2, 4), { ...bad, bandKeys: bad.bandKeys.subarray(1) }]),
        /a\/bad\.js: 15 band keys for 2 units x 8 bands/);
      const info = await store.info();
      assert.equal(info.repos[0]!.commit, 'one');
      assert.equal(info.units, 20);
      const prev = await store.previousFiles('a');
      assert.equal(prev.size, 5);
      for (const p of ['a/f0.js', 'a/f1.js', 'a/f2.js', 'a/f3.js', 'a/f4.js']) assert.ok(prev.get(p), p);
    } finally {
      await store.close();
    }
  });

  it('asks for init before use and for a migration when the schema is old', async () => {
    const url = await freshDatabase();
    const store = await PgStore.open(url);
    try {
      await assert.rejects(store.openReader(), /has no MemoCheck index yet \(run memocheck index or memocheck db migrate\)/);
      await store.migrate(1);
      await assert.rejects(store.info(), /schema v1, this MemoCheck needs v2: run memocheck db migrate/);
      await store.migrate();
      await assert.rejects(store.putRepo(meta('a'), []), /no index parameters/);
    } finally {
      await store.close();
    }
  });

  it('refuses an index whose parameters this version does not know (made by a newer MemoCheck)', async () => {
    const url = await freshDatabase();
    const store = await PgStore.open(url);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await store.init(PARAMS);
      await c.query(`UPDATE memocheck.meta SET value = $1 WHERE key = 'params'`, [JSON.stringify({ ...PARAMS, futureKeys: 1 })]);
      // (each call made only when awaited: a rejection nobody awaits yet fails the test run)
      for (const call of [() => store.openReader(), () => store.info(), () => store.putRepo(meta('a'), [])]) {
        await assert.rejects(call(), (e: Error) => /was written by a newer MemoCheck \(index parameter futureKeys\); upgrade MemoCheck$/.test(e.message) && !e.message.includes('\n'));
      }
    } finally {
      await c.end();
      await store.close();
    }
  });
});
