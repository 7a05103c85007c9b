// Versioned schema. Each migration runs once, in order, inside one transaction that holds an advisory
// lock, so concurrent `memocheck index` / `db migrate` runs apply it exactly once and a failed migration
// leaves the previous version. Never edit a released migration: add a new one.
import type { ClientBase } from 'pg';
import { UserError } from '../store';

export const SCHEMA = 'memocheck';
/** number of hash partitions of the band-key table (see docs/postgres.md) */
export const BAND_PARTITIONS = 16;
const LOCK_KEY = 0x6d656d6f; // 'memo'

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'base schema: repositories, files with token blobs, units, band keys, document frequencies',
    sql: `
CREATE TABLE ${SCHEMA}.meta (key text PRIMARY KEY, value text NOT NULL);
CREATE SEQUENCE ${SCHEMA}.file_ids AS integer;
CREATE SEQUENCE ${SCHEMA}.unit_ids AS integer;
CREATE TABLE ${SCHEMA}.repos (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  root text, url text, commit text,
  license text NOT NULL,
  license_source text,
  indexed_at text NOT NULL,
  files integer NOT NULL DEFAULT 0,
  units integer NOT NULL DEFAULT 0,
  tokens bigint NOT NULL DEFAULT 0,
  source_bytes bigint NOT NULL DEFAULT 0
);
-- One row per file. Units of a file have the consecutive ids unit_base .. unit_base+unit_count-1.
-- tokens: deflated codes/raw/lines (what verification reads); extra: deflated units, band keys and
-- shingles (what re-indexing reuses for unchanged files). Compressed by the client, so no TOAST pglz.
CREATE TABLE ${SCHEMA}.files (
  id integer PRIMARY KEY,
  repo_id integer NOT NULL REFERENCES ${SCHEMA}.repos (id) ON DELETE CASCADE,
  path text NOT NULL,
  language text NOT NULL,
  license text,
  content_hash text NOT NULL,
  source_bytes integer NOT NULL,
  token_count integer NOT NULL,
  unit_base integer NOT NULL,
  unit_count integer NOT NULL,
  tokens bytea NOT NULL,
  extra bytea NOT NULL
);
ALTER TABLE ${SCHEMA}.files ALTER COLUMN tokens SET STORAGE EXTERNAL, ALTER COLUMN extra SET STORAGE EXTERNAL;
CREATE INDEX files_repo ON ${SCHEMA}.files (repo_id);
CREATE TABLE ${SCHEMA}.units (
  id integer PRIMARY KEY,
  file_id integer NOT NULL,
  kind smallint NOT NULL,
  start_token integer NOT NULL,
  end_token integer NOT NULL
);
-- LSH postings: one row per (band key, unit). Keys are uint32 stored as int4 (two's complement).
CREATE TABLE ${SCHEMA}.bands (key integer NOT NULL, unit_id integer NOT NULL);
CREATE INDEX bands_key ON ${SCHEMA}.bands (key, unit_id);
-- Document frequency: the distinct shingles of each repository; df(s) = number of rows with s.
CREATE TABLE ${SCHEMA}.repo_shingles (shingle integer NOT NULL, repo_id integer NOT NULL);
CREATE INDEX repo_shingles_shingle ON ${SCHEMA}.repo_shingles (shingle, repo_id);
-- Reserves n consecutive ids. Sequences are not transactional, so this never blocks another indexer
-- for longer than the two calls; the session lock only makes nextval+setval atomic.
CREATE FUNCTION ${SCHEMA}.alloc_ids(seq regclass, n integer) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE first bigint;
BEGIN
  PERFORM pg_advisory_lock(${LOCK_KEY}, 1);
  first := nextval(seq);
  IF n > 1 THEN PERFORM setval(seq, first + n - 1); END IF;
  PERFORM pg_advisory_unlock(${LOCK_KEY}, 1);
  RETURN first;
END $$;
`,
  },
  {
    version: 2,
    name: 'partition band keys by hash of key (hash index per partition); BRIN indexes for deleting a repository by unit-id range',
    sql: `
ALTER TABLE ${SCHEMA}.bands RENAME TO bands_v1;
ALTER INDEX ${SCHEMA}.bands_key RENAME TO bands_v1_key;
CREATE TABLE ${SCHEMA}.bands (key integer NOT NULL, unit_id integer NOT NULL) PARTITION BY HASH (key);
${Array.from({ length: BAND_PARTITIONS }, (_, i) =>
  `CREATE TABLE ${SCHEMA}.bands_p${String(i).padStart(2, '0')} PARTITION OF ${SCHEMA}.bands FOR VALUES WITH (MODULUS ${BAND_PARTITIONS}, REMAINDER ${i});`).join('\n')}
INSERT INTO ${SCHEMA}.bands SELECT key, unit_id FROM ${SCHEMA}.bands_v1 ORDER BY unit_id;
DROP TABLE ${SCHEMA}.bands_v1;
-- Equality probes only: a hash index reads one bucket page per key where a btree descends 3 levels.
CREATE INDEX bands_key ON ${SCHEMA}.bands USING hash (key);
-- Units are appended in id order, so a block range index finds a repository's rows cheaply.
CREATE INDEX bands_unit ON ${SCHEMA}.bands USING brin (unit_id) WITH (autosummarize = on);
CREATE INDEX repo_shingles_repo ON ${SCHEMA}.repo_shingles USING brin (repo_id) WITH (autosummarize = on);
`,
  },
];

/** partition table of band-key partition i */
export const bandPartition = (i: number): string => `${SCHEMA}.bands_p${String(i).padStart(2, '0')}`;

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Current schema version, 0 when the database has no MemoCheck schema. */
export async function schemaVersion(client: ClientBase): Promise<number> {
  const r = await client.query<{ v: number | null }>(
    `SELECT CASE WHEN to_regclass('${SCHEMA}.schema_migrations') IS NULL THEN NULL
       ELSE (SELECT coalesce(max(version), 0) FROM ${SCHEMA}.schema_migrations) END AS v`,
  ).catch(async (e: unknown) => {
    // the table may vanish between the check and the read (a concurrent drop); treat as empty
    if ((e as { code?: string }).code === '42P01') return { rows: [{ v: 0 }] };
    throw e;
  });
  return r.rows[0]?.v ?? 0;
}

export interface MigrateResult { readonly from: number; readonly to: number; readonly applied: number[] }

/** Applies pending migrations up to `target` (default: latest) in one transaction. */
export async function migrate(client: ClientBase, target = LATEST_VERSION): Promise<MigrateResult> {
  if (target > LATEST_VERSION) throw new UserError(`schema version ${target} is unknown to this MemoCheck (latest is ${LATEST_VERSION})`);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_KEY]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${SCHEMA}.schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const from = await schemaVersion(client);
    if (from > LATEST_VERSION) {
      throw new UserError(`the database has MemoCheck schema v${from}, newer than this MemoCheck supports (v${LATEST_VERSION}): upgrade MemoCheck`);
    }
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (m.version <= from || m.version > target) continue;
      await client.query(m.sql);
      await client.query(`INSERT INTO ${SCHEMA}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return { from, to: Math.max(from, applied[applied.length - 1] ?? from), applied };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
