import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { PgStore, LATEST_VERSION, MIGRATIONS, BAND_PARTITIONS } from '../../../src/index/postgres';
import { PARAMS, bandKey, freshDatabase, makeFile } from './helpers';

async function sql(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text, values);
  } finally {
    await c.end();
  }
}

describe('PostgreSQL schema migrations', () => {
  it('migrates an empty database to the latest version, once', async () => {
    const url = await freshDatabase();
    const store = await PgStore.open(url);
    try {
      assert.equal(await store.schemaVersion(), 0);
      const r = await store.migrate();
      assert.deepEqual(r, { from: 0, to: LATEST_VERSION, applied: MIGRATIONS.map((m) => m.version) });
      assert.deepEqual(await store.migrate(), { from: LATEST_VERSION, to: LATEST_VERSION, applied: [] });
      const rows = (await sql(url, 'SELECT version FROM memocheck.schema_migrations ORDER BY version')).rows;
      assert.deepEqual(rows.map((x) => x.version), MIGRATIONS.map((m) => m.version));
      const parts = await sql(url, `SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'memocheck.bands'::regclass`);
      assert.equal(parts.rows[0].n, BAND_PARTITIONS);
    } finally {
      await store.close();
    }
  });

  it('concurrent migrators apply each migration exactly once', async () => {
    const url = await freshDatabase();
    const stores = await Promise.all([1, 2, 3].map(() => PgStore.open(url)));
    try {
      const results = await Promise.all(stores.map((s) => s.migrate()));
      assert.equal(results.filter((r) => r.applied.length > 0).length, 1);
      assert.deepEqual(results.flatMap((r) => r.applied), MIGRATIONS.map((m) => m.version));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('migrates a v1 index with data to the latest version, keeping the data', async () => {
    const url = await freshDatabase();
    const store = await PgStore.open(url);
    try {
      assert.deepEqual((await store.migrate(1)).applied, [1]);
      // a v1 index as the v1 code wrote it: params, a repository, a file, two units and their band keys
      const f = makeFile('lib/a.c', { units: 2, salt: 5, language: 'c' });
      await sql(url, `INSERT INTO memocheck.meta VALUES ('params', $1)`, [JSON.stringify(PARAMS)]);
      await sql(url, `INSERT INTO memocheck.repos (name, license, indexed_at, files, units, tokens, source_bytes)
        VALUES ('old', 'Zlib', '2025-01-01', 1, 2, $1, $2)`, [f.codes.length, f.sourceBytes]);
      const { encodeTokens, encodeExtra } = await import('../../../src/index/postgres/codec');
      await sql(url, `INSERT INTO memocheck.files VALUES (7, (SELECT id FROM memocheck.repos), 'lib/a.c', 'c', NULL, 'h', $1, $2, 100, 2, $3, $4)`,
        [f.sourceBytes, f.codes.length, encodeTokens(f), encodeExtra(f)]);
      await sql(url, `INSERT INTO memocheck.units VALUES (100, 7, 2, 0, 40), (101, 7, 2, 10, 50)`);
      const keys = Array.from(f.bandKeys);
      await sql(url, `INSERT INTO memocheck.bands SELECT k, 100 + (i - 1) / ${PARAMS.bands} FROM unnest($1::int4[]) WITH ORDINALITY AS t(k, i)`,
        [keys.map((k) => k | 0)]);
      await assert.rejects(store.openReader(), /schema v1, this MemoCheck needs v2/);

      assert.deepEqual(await store.migrate(), { from: 1, to: LATEST_VERSION, applied: MIGRATIONS.slice(1).map((m) => m.version) });
      const reader = await store.openReader();
      try {
        assert.equal(reader.unitCount, 2);
        const { postings } = await reader.lookup(f.bandKeys, 10);
        assert.deepEqual(postings.map((p) => [...p]), keys.map((_, i) => [100 + Math.floor(i / PARAMS.bands)]));
        const [u] = await reader.units([101]);
        assert.deepEqual(u, { id: 101, fileId: 7, language: 'c', kind: 'window', startToken: 10, endToken: 50 });
        const file = await reader.file(7);
        assert.equal(file.license, 'Zlib');
        assert.deepEqual(file.codes, f.codes);
      } finally {
        await reader.close();
      }
      // and the migrated index keeps working for writes: re-indexing the old repository replaces it
      const next = makeFile('lib/b.c', { units: 1, salt: 6, language: 'c' });
      await store.putRepo({ name: 'old', license: 'Zlib', indexedAt: '2026-01-01' }, [next]);
      const r2 = await store.openReader();
      try {
        assert.deepEqual((await r2.lookup(f.bandKeys.subarray(0, 1), 10)).postings[0]!.length, 0);
        assert.equal((await r2.lookup(Uint32Array.of(bandKey(6, 0, 0)), 10)).postings[0]!.length, 1);
      } finally {
        await r2.close();
      }
    } finally {
      await store.close();
    }
  });

  it('refuses a database whose schema is newer than this MemoCheck', async () => {
    const url = await freshDatabase();
    const store = await PgStore.open(url);
    try {
      await store.init(PARAMS);
      await sql(url, `INSERT INTO memocheck.schema_migrations (version, name) VALUES (99, 'from the future')`);
      await assert.rejects(store.migrate(), /schema v99, newer than this MemoCheck supports \(v2\): upgrade MemoCheck/);
      await assert.rejects(store.openReader(), /schema v99, newer than this MemoCheck supports/);
    } finally {
      await store.close();
    }
  });
});
