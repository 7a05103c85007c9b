import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { PgStore } from '../../../src/index/postgres';
import type { IndexReader, IndexedFile, RepoMeta } from '../../../src/index/store';
import { PARAMS, bandKey, freshDatabase, makeRepo } from './helpers';

const meta = (name: string, commit: string): RepoMeta => ({ name, license: 'MIT', indexedAt: '2026-01-01', commit });
const firstKey = (salt: number, file = 0): number => bandKey(salt * 100_000 + file, 0, 0);

/** Units visible to `reader` for the first unit of files 0..n-1 of a makeRepo(…, salt) repository. */
async function visible(reader: IndexReader, salt: number, n: number): Promise<number> {
  const keys = Uint32Array.from({ length: n }, (_, i) => firstKey(salt, i));
  const { postings } = await reader.lookup(keys, 1000);
  return postings.filter((p) => p.length > 0).length;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('PostgreSQL store: concurrent writers and readers', () => {
  it('two indexers on different repositories run at the same time; a scan meanwhile sees a consistent snapshot', async () => {
    const url = await freshDatabase();
    const [s1, s2, s3] = await Promise.all([PgStore.open(url), PgStore.open(url), PgStore.open(url)]);
    try {
      await s1.init(PARAMS);
      await s1.putRepo(meta('b', 'old'), makeRepo('b', 50, 3, 1));
      const before = await s3.openReader();

      // Each indexer flushes at least one COPY batch inside its open transaction, then waits until the
      // other has done the same: if either blocked the other this would never finish.
      const aMid = deferred(), bMid = deferred(), scanned = deferred();
      let during: { a: number; bOld: number; bNew: number } | undefined;
      async function* gen(prefix: string, salt: number, mine: () => void, other: Promise<void>): AsyncGenerator<IndexedFile> {
        let i = 0;
        for (const f of makeRepo(prefix, 4500, 2, salt)) {
          if (i++ === 2100) { mine(); await other; await scanned.promise; }
          yield f;
        }
      }
      const both = Promise.all([
        s1.putRepo(meta('a', 'new'), gen('a', 2, aMid.resolve, bMid.promise)),
        s2.putRepo(meta('b', 'new'), gen('b', 3, bMid.resolve, aMid.promise)),
      ]);
      await Promise.all([aMid.promise, bMid.promise]);
      // both transactions are open with rows written: a scan sees neither
      const mid = await s3.openReader();
      during = { a: await visible(mid, 2, 100), bOld: await visible(mid, 1, 50), bNew: await visible(mid, 3, 100) };
      assert.equal(mid.repoCount, 1);
      assert.equal(mid.unitCount, 150);
      scanned.resolve();
      const [a, b] = await both;
      assert.deepEqual(during, { a: 0, bOld: 50, bNew: 0 });
      assert.equal(a.units, 9000);
      assert.equal(b.units, 9000);

      // readers opened before the commits keep their snapshot; a new reader sees both new repositories
      assert.deepEqual([await visible(before, 1, 50), await visible(before, 3, 100)], [50, 0]);
      assert.deepEqual([await visible(mid, 1, 50), await visible(mid, 2, 100)], [50, 0]);
      await before.close();
      await mid.close();
      const after = await s3.openReader();
      try {
        assert.deepEqual([await visible(after, 1, 50), await visible(after, 2, 100), await visible(after, 3, 100)], [0, 100, 100]);
        assert.equal(after.unitCount, 18000);
      } finally {
        await after.close();
      }
    } finally {
      await Promise.all([s1.close(), s2.close(), s3.close()]);
    }
  });

  it('a killed indexer (SIGKILL mid-COPY) leaves the previous state of its repository', async () => {
    const url = await freshDatabase();
    const store = await PgStore.open(url);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    let child: ReturnType<typeof spawn> | undefined;
    try {
      await store.init(PARAMS);
      await store.putRepo(meta('r', 'before'), makeRepo('r', 40, 5, 7));
      child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'indexer.ts'), url, 'r', '200000', '2', '8'],
        { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
      child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
      const proc = child;
      const exited = new Promise<NodeJS.Signals | number | null>((r) => proc.on('exit', (code, sig) => r(sig ?? code)));
      // wait until the child's COPY into the band table is under way
      let copying = false;
      for (let i = 0; i < 3000 && !copying; i++) {
        const r = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_progress_copy p JOIN pg_class c ON c.oid = p.relid
          WHERE c.relname LIKE 'bands%' AND p.tuples_processed > 0 AND p.datname = current_database()`);
        const units = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'memocheck' AND state = 'active' AND query LIKE 'COPY memocheck.bands%'`);
        copying = r.rows[0].n > 0 && units.rows[0].n > 0 && out.includes('started');
        if (!copying) await new Promise((res) => setTimeout(res, 20));
      }
      assert.ok(copying, `the child never reached COPY: ${out}`);
      child.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL');
      assert.ok(!out.includes('done'), out);

      // the server notices the dead client and rolls back; wait for its backend to go away
      for (let i = 0; i < 500; i++) {
        const r = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'memocheck' AND pid <> pg_backend_pid() AND datname = current_database() AND state <> 'idle'`);
        if (r.rows[0].n === 0) break;
        await new Promise((res) => setTimeout(res, 20));
      }
      const info = await store.info();
      assert.equal(info.repos.length, 1);
      assert.equal(info.repos[0]!.commit, 'before');
      assert.equal(info.units, 200);
      const counts = await admin.query(`SELECT (SELECT count(*) FROM memocheck.bands)::int AS bands, (SELECT count(*) FROM memocheck.units)::int AS units,
        (SELECT count(*) FROM memocheck.files)::int AS files`);
      assert.deepEqual(counts.rows[0], { bands: 200 * PARAMS.bands, units: 200, files: 40 });
      const reader = await store.openReader();
      try {
        assert.equal(await visible(reader, 7, 40), 40);
        assert.equal(await visible(reader, 8, 40), 0);
      } finally {
        await reader.close();
      }
      // and the repository can be indexed again
      const s = await store.putRepo(meta('r', 'after'), makeRepo('r', 3, 1, 9));
      assert.equal(s.units, 3);
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await admin.end();
      await store.close();
    }
  });
});
