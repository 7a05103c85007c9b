// IndexStore over PostgreSQL. One transaction per repository: readers (REPEATABLE READ snapshots) see a
// repository either before or after a putRepo, a killed writer leaves the previous state, and writers
// on different repositories do not block each other (they share no rows; ids come from sequences).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { FingerprintParams, LanguageId } from '../../core/types';
import {
  UNIT_KINDS, UserError, previousFilesOf, requireKnownParams, sharedStreamKey,
  type FileRecord, type IndexInfo, type IndexReader, type IndexStore, type IndexedFile, type PreviousFiles, type RepoMeta,
  type RepoSummary, type UnitRecord,
} from '../store';
import { copyBytea, copyText, decodeExtra, decodeTokens, encodeExtra, encodeTokens } from './codec';
import { BAND_PARTITIONS, LATEST_VERSION, SCHEMA, bandPartition, migrate, schemaVersion, type MigrateResult } from './migrations';
import { partitionOfKey, routeKeys } from './partition';
import { explain, parseTarget, type PgTarget } from './url';

const S = SCHEMA;
/** a COPY batch holds about this many units (bounded client memory, few id-range blocks per repo) */
const BATCH_UNITS = 50_000;
const BATCH_FILES = 2_000;
const CHUNK_CHARS = 1 << 20;

export interface PgStoreOptions {
  /** connections in the pool (default 4) */
  readonly poolSize?: number;
  readonly connectTimeoutMs?: number;
}

/** uint32 <-> int4 (two's complement), so keys use the whole int4 range */
const toInt4 = (u: number): number => u | 0;

function int4Array(a: ArrayLike<number>): number[] {
  const out = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = toInt4(a[i]!);
  return out;
}

interface RepoRow {
  name: string; root: string | null; url: string | null; commit: string | null; license: string;
  license_source: string | null; indexed_at: string; files: number; units: number; tokens: string; source_bytes: string;
}

function summary(r: RepoRow): RepoSummary {
  return {
    name: r.name,
    ...(r.root !== null ? { root: r.root } : {}),
    ...(r.url !== null ? { url: r.url } : {}),
    ...(r.commit !== null ? { commit: r.commit } : {}),
    license: r.license,
    ...(r.license_source !== null ? { licenseSource: r.license_source } : {}),
    indexedAt: r.indexed_at,
    files: r.files,
    units: r.units,
    tokens: Number(r.tokens),
    sourceBytes: Number(r.source_bytes),
  };
}

const REPO_COLUMNS = 'name, root, url, commit, license, license_source, indexed_at, files, units, tokens, source_bytes';

export class PgStore implements IndexStore {
  readonly location: string;

  private routed: Promise<boolean> | undefined;

  private constructor(private readonly pool: pg.Pool, private readonly target: PgTarget) {
    this.location = target.location;
  }

  /** Connects (and checks the connection) without changing the database. */
  static async open(url: string, opts: PgStoreOptions = {}): Promise<PgStore> {
    const target = parseTarget(url);
    const pool = new pg.Pool({
      connectionString: target.connectionString,
      max: opts.poolSize ?? 4,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 15_000,
      application_name: 'memocheck',
    });
    // an idle client losing its server must not crash the process; the next query reports it
    pool.on('error', () => undefined);
    const store = new PgStore(pool, target);
    try {
      const c = await pool.connect();
      c.release();
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw explain(e, target);
    }
    return store;
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (e) {
      throw explain(e, this.target);
    }
  }

  private async withClient<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.connect();
    let broken: Error | undefined;
    try {
      return await fn(c);
    } catch (e) {
      broken = e instanceof Error ? e : new Error(String(e));
      throw explain(e, this.target);
    } finally {
      c.release(broken !== undefined && !(broken instanceof UserError) ? broken : undefined);
    }
  }

  /** Applies pending schema migrations (`memocheck db migrate`). */
  migrate(target?: number): Promise<MigrateResult> {
    return this.withClient((c) => migrate(c, target));
  }

  schemaVersion(): Promise<number> {
    return this.withClient((c) => schemaVersion(c));
  }

  private async requireSchema(c: pg.ClientBase): Promise<FingerprintParams> {
    const v = await schemaVersion(c);
    if (v === 0) throw new UserError(`${this.location} has no MemoCheck index yet (run memocheck index or memocheck db migrate)`);
    if (v < LATEST_VERSION) throw new UserError(`${this.location} has MemoCheck schema v${v}, this MemoCheck needs v${LATEST_VERSION}: run memocheck db migrate --index <url>`);
    if (v > LATEST_VERSION) throw new UserError(`${this.location} has MemoCheck schema v${v}, newer than this MemoCheck supports (v${LATEST_VERSION}): upgrade MemoCheck`);
    const r = await c.query<{ value: string }>(`SELECT value FROM ${S}.meta WHERE key = 'params'`);
    if (!r.rows[0]) throw new UserError(`${this.location} has a MemoCheck schema but no index parameters (run memocheck index to initialize it)`);
    const params = JSON.parse(r.rows[0].value) as FingerprintParams;
    requireKnownParams(params, this.location);
    return params;
  }

  async init(params: FingerprintParams): Promise<void> {
    await this.withClient(async (c) => {
      await migrate(c);
      await c.query(`INSERT INTO ${S}.meta (key, value) VALUES ('params', $1), ('created_at', $2) ON CONFLICT (key) DO NOTHING`,
        [JSON.stringify(params), new Date().toISOString()]);
    });
  }

  async info(): Promise<IndexInfo> {
    return this.withClient(async (c) => {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        const params = await this.requireSchema(c);
        const repos = (await c.query<RepoRow>(`SELECT ${REPO_COLUMNS} FROM ${S}.repos ORDER BY name`)).rows.map(summary);
        const size = await c.query<{ bytes: string | null }>(
          `SELECT sum(pg_total_relation_size(c.oid)) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = $1 AND c.relkind IN ('r', 'S')`, [S]);
        return {
          location: this.location,
          formatVersion: `postgres schema v${LATEST_VERSION}`,
          params,
          repos,
          files: repos.reduce((a, r) => a + r.files, 0),
          units: repos.reduce((a, r) => a + r.units, 0),
          bytes: Number(size.rows[0]?.bytes ?? 0),
        };
      } finally {
        await c.query('COMMIT');
      }
    });
  }

  async putRepo(meta: RepoMeta, files: AsyncIterable<IndexedFile> | Iterable<IndexedFile>, signal?: AbortSignal): Promise<RepoSummary> {
    const c = await this.connect();
    let failed: unknown;
    let copying = false;
    try {
      signal?.throwIfAborted();
      await c.query('BEGIN');
      const params = await this.requireSchema(c);
      const repoId = (await c.query<{ id: number }>(
        `INSERT INTO ${S}.repos (name, root, url, commit, license, license_source, indexed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (name) DO UPDATE SET root = EXCLUDED.root, url = EXCLUDED.url, commit = EXCLUDED.commit,
           license = EXCLUDED.license, license_source = EXCLUDED.license_source, indexed_at = EXCLUDED.indexed_at
         RETURNING id`,
        [meta.name, meta.root ?? null, meta.url ?? null, meta.commit ?? null, meta.license, meta.licenseSource ?? null, meta.indexedAt],
      )).rows[0]!.id;
      await deleteRepoContent(c, repoId);

      const totals = { files: 0, units: 0, tokens: 0, sourceBytes: 0 };
      const shingleChunks: Uint32Array[] = [];
      let batch: IndexedFile[] = [];
      let batchUnits = 0;
      const flush = async (): Promise<void> => {
        if (batch.length === 0) return;
        signal?.throwIfAborted();
        copying = true;
        await writeBatch(c, repoId, batch, batchUnits);
        copying = false;
        batch = [];
        batchUnits = 0;
      };
      const seen = new Set<string>();
      for await (const f of files) {
        signal?.throwIfAborted();
        checkFile(f, params, meta.name, seen);
        batch.push(f);
        batchUnits += f.unitKinds.length;
        totals.files++;
        totals.units += f.unitKinds.length;
        totals.tokens += f.codes.length;
        totals.sourceBytes += f.sourceBytes;
        if (f.shingles.length) shingleChunks.push(f.shingles);
        if (batchUnits >= BATCH_UNITS || batch.length >= BATCH_FILES) await flush();
      }
      await flush();
      copying = true;
      await copyRows(c, `COPY ${S}.repo_shingles (shingle, repo_id) FROM STDIN`, uniqueSorted(shingleChunks), (s) => `${toInt4(s)}\t${repoId}\n`);
      copying = false;
      const row = (await c.query<RepoRow>(
        `UPDATE ${S}.repos SET files = $2, units = $3, tokens = $4, source_bytes = $5 WHERE id = $1 RETURNING ${REPO_COLUMNS}`,
        [repoId, totals.files, totals.units, totals.tokens, totals.sourceBytes],
      )).rows[0]!;
      signal?.throwIfAborted();
      await c.query('COMMIT');
      return summary(row);
    } catch (e) {
      failed = e;
      // mid-COPY the protocol state is unknown: drop the connection, the server rolls back
      if (!copying) await c.query('ROLLBACK').catch(() => { copying = true; });
      if (e instanceof Error && e.name === 'AbortError') throw e;
      throw explain(e, this.target);
    } finally {
      c.release(failed !== undefined && copying ? new Error('aborted during COPY') : undefined);
    }
  }

  async removeRepo(name: string): Promise<boolean> {
    return this.withClient(async (c) => {
      await c.query('BEGIN');
      try {
        await this.requireSchema(c);
        const r = await c.query<{ id: number }>(`SELECT id FROM ${S}.repos WHERE name = $1 FOR UPDATE`, [name]);
        if (!r.rows[0]) {
          await c.query('ROLLBACK');
          return false;
        }
        await deleteRepoContent(c, r.rows[0].id);
        await c.query(`DELETE FROM ${S}.repos WHERE id = $1`, [r.rows[0].id]);
        await c.query('COMMIT');
        return true;
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  /** All the repository's records, read at once (one query). */
  async previousFiles(repo: string): Promise<PreviousFiles> {
    return this.withClient(async (c) => {
      await this.requireSchema(c);
      const r = await c.query<{ path: string; language: LanguageId; license: string | null; content_hash: string; source_bytes: number; tokens: Buffer; extra: Buffer }>(
        `SELECT f.path, f.language, f.license, f.content_hash, f.source_bytes, f.tokens, f.extra
         FROM ${S}.files f JOIN ${S}.repos r ON r.id = f.repo_id WHERE r.name = $1`, [repo]);
      return previousFilesOf(r.rows.map((row): IndexedFile => ({
        path: row.path,
        language: row.language,
        ...(row.license !== null ? { license: row.license } : {}),
        contentHash: row.content_hash,
        sourceBytes: row.source_bytes,
        ...decodeTokens(row.tokens),
        ...decodeExtra(row.extra),
      })));
    });
  }

  async openReader(): Promise<IndexReader> {
    const c = await this.connect();
    try {
      // one snapshot for the reader's lifetime: concurrent putRepo commits stay invisible to it
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const params = await this.requireSchema(c);
      // checked in its own subtransaction: an error must not abort the reader's snapshot
      await c.query('SAVEPOINT routing');
      this.routed ??= routingWorks(c);
      const routed = await this.routed;
      await c.query('ROLLBACK TO SAVEPOINT routing');
      const counts = (await c.query<{ repos: number; units: string }>(
        `SELECT count(*)::int AS repos, coalesce(sum(units), 0)::bigint AS units FROM ${S}.repos`)).rows[0]!;
      return new PgReader(c, this.target, params, counts.repos, Number(counts.units), routed);
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      c.release();
      throw explain(e, this.target);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Does partitionOfKey() agree with the server's own hash partitioning of the band table? */
async function routingWorks(c: pg.ClientBase): Promise<boolean> {
  try {
    const keys: number[] = [];
    for (let i = 0; i < 512; i++) keys.push(Math.imul(i - 256, 0x9e3779b1) | 0);
    keys.push(0, 1, -1, 0x7fffffff, -0x80000000);
    const r = await c.query<{ ok: boolean; parts: number }>(
      `SELECT (SELECT bool_and(satisfies_hash_partition('${S}.bands'::regclass, ${BAND_PARTITIONS}, p, k))
                 FROM unnest($1::int4[], $2::int4[]) AS t(k, p)) AS ok,
              (SELECT count(*)::int FROM pg_inherits WHERE inhparent = '${S}.bands'::regclass) AS parts`,
      [keys, keys.map(partitionOfKey)]);
    return r.rows[0]?.ok === true && r.rows[0].parts === BAND_PARTITIONS;
  } catch {
    return false;
  }
}

/**
 * Band-key lookup SQL. Against the parent table every partition would probe every key (= ANY does not
 * split the array per partition), so the client routes: partition i gets only its own keys ($i+2).
 */
const LOOKUP_ROUTED = `SELECT key, count(*)::int AS n, CASE WHEN count(*) <= $1 THEN string_agg(int4send(unit_id), ''::bytea ORDER BY unit_id) END AS ids FROM (
${Array.from({ length: BAND_PARTITIONS }, (_, i) =>
  `  SELECT key, unit_id FROM ${bandPartition(i)} WHERE key = ANY($${i + 2}::int4[])`).join('\n  UNION ALL\n')}
) s GROUP BY key`;
const LOOKUP_PARENT = `SELECT key, count(*)::int AS n, CASE WHEN count(*) <= $1 THEN string_agg(int4send(unit_id), ''::bytea ORDER BY unit_id) END AS ids
FROM ${S}.bands WHERE key = ANY($2::int4[]) GROUP BY key`;

function checkFile(f: IndexedFile, params: FingerprintParams, repo: string, seen: Set<string>): void {
  const where = `${repo}/${f.path}`;
  const n = f.codes.length;
  if (f.raw.length !== n || f.lines.length !== n) throw new UserError(`${where}: token arrays differ in length`);
  const u = f.unitKinds.length;
  if (f.unitStarts.length !== u || f.unitEnds.length !== u) throw new UserError(`${where}: unit arrays differ in length`);
  if (f.bandKeys.length !== u * params.bands) throw new UserError(`${where}: ${f.bandKeys.length} band keys for ${u} units x ${params.bands} bands`);
  if (seen.has(f.path)) throw new UserError(`${where}: file given twice`);
  seen.add(f.path);
}

function uniqueSorted(chunks: Uint32Array[]): Uint32Array {
  const all = new Uint32Array(chunks.reduce((a, c) => a + c.length, 0));
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.length; }
  all.sort();
  let w = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[w++] = all[i]!;
  return all.subarray(0, w);
}

async function copyRows<T>(c: pg.ClientBase, sql: string, rows: Iterable<T> | ArrayLike<T>, line: (row: T, i: number) => string): Promise<void> {
  async function* chunks(): AsyncGenerator<string> {
    let buf = '';
    const it: Iterable<T> = Symbol.iterator in Object(rows) ? (rows as Iterable<T>) : Array.from(rows as ArrayLike<T>);
    let i = 0;
    for (const r of it) {
      buf += line(r, i++);
      if (buf.length >= CHUNK_CHARS) { yield buf; buf = ''; }
    }
    if (buf) yield buf;
  }
  await pipeline(Readable.from(chunks()), c.query(copyFrom(sql)));
}

async function allocIds(c: pg.ClientBase, seq: string, n: number): Promise<number> {
  const r = await c.query<{ first: string }>(`SELECT ${S}.alloc_ids($1::regclass, $2) AS first`, [`${S}.${seq}`, n]);
  const first = Number(r.rows[0]!.first);
  if (first + n - 1 > 0x7fffffff) throw new UserError(`the index has used up its ${seq} (int4); rebuild it into a fresh database`);
  return first;
}

async function writeBatch(c: pg.ClientBase, repoId: number, batch: IndexedFile[], units: number): Promise<void> {
  const firstFile = await allocIds(c, 'file_ids', batch.length);
  const firstUnit = units > 0 ? await allocIds(c, 'unit_ids', units) : 0;
  const bases: number[] = [];
  let next = firstUnit;
  for (const f of batch) { bases.push(next); next += f.unitKinds.length; }

  await copyRows(c, `COPY ${S}.files (id, repo_id, path, language, license, content_hash, source_bytes, token_count, unit_base, unit_count, tokens, extra) FROM STDIN`,
    batch, (f, i) => [firstFile + i, repoId, copyText(f.path), copyText(f.language), copyText(f.license), copyText(f.contentHash),
      f.sourceBytes, f.codes.length, bases[i], f.unitKinds.length, copyBytea(encodeTokens(f)), copyBytea(encodeExtra(f))].join('\t') + '\n');
  if (units === 0) return;
  await copyRows(c, `COPY ${S}.units (id, file_id, kind, start_token, end_token) FROM STDIN`, batch, (f, i) => {
    let s = '';
    for (let u = 0; u < f.unitKinds.length; u++) s += `${bases[i]! + u}\t${firstFile + i}\t${f.unitKinds[u]}\t${f.unitStarts[u]}\t${f.unitEnds[u]}\n`;
    return s;
  });
  await copyRows(c, `COPY ${S}.bands (key, unit_id) FROM STDIN`, batch, (f, i) => {
    const u = f.unitKinds.length;
    if (u === 0) return '';
    const perUnit = f.bandKeys.length / u;
    let s = '';
    for (let k = 0; k < f.bandKeys.length; k++) s += `${toInt4(f.bandKeys[k]!)}\t${bases[i]! + Math.floor(k / perUnit)}\n`;
    return s;
  });
}

/** Deletes a repository's files, units, band keys and shingles (inside the caller's transaction). */
async function deleteRepoContent(c: pg.ClientBase, repoId: number): Promise<void> {
  const r = await c.query<{ unit_base: number; unit_count: number }>(
    `SELECT unit_base, unit_count FROM ${S}.files WHERE repo_id = $1 AND unit_count > 0 ORDER BY unit_base`, [repoId]);
  const ranges: [number, number][] = [];
  for (const { unit_base: lo, unit_count: n } of r.rows) {
    const last = ranges[ranges.length - 1];
    if (last && last[1] + 1 === lo) last[1] = lo + n - 1;
    else ranges.push([lo, lo + n - 1]);
  }
  for (const [lo, hi] of ranges) {
    await c.query(`DELETE FROM ${S}.bands WHERE unit_id BETWEEN $1 AND $2`, [lo, hi]);
    await c.query(`DELETE FROM ${S}.units WHERE id BETWEEN $1 AND $2`, [lo, hi]);
  }
  await c.query(`DELETE FROM ${S}.repo_shingles WHERE repo_id = $1`, [repoId]);
  await c.query(`DELETE FROM ${S}.files WHERE repo_id = $1`, [repoId]);
}

function unpackIds(b: Buffer): Uint32Array {
  const out = new Uint32Array(b.length >> 2);
  for (let i = 0; i < out.length; i++) out[i] = b.readUInt32BE(i << 2);
  return out;
}

const FILE_CACHE = 256;

class PgReader implements IndexReader {
  private readonly files = new Map<number, FileRecord>();
  /** decoded token streams by sharedStreamKey: files of the same bytes share one */
  private readonly streams = new Map<string, ReturnType<typeof decodeTokens>>();
  private closed = false;

  constructor(
    private readonly c: pg.PoolClient,
    private readonly target: PgTarget,
    readonly params: FingerprintParams,
    readonly repoCount: number,
    readonly unitCount: number,
    private readonly routed: boolean,
  ) {}

  /** `name`: a prepared statement kept on this connection (parsed and planned once per reader) */
  private async q<R extends pg.QueryResultRow>(sql: string, values: unknown[], name?: string): Promise<pg.QueryResult<R>> {
    if (this.closed) throw new Error('index reader is closed');
    try {
      return await this.c.query<R>(name ? { name, text: sql, values } : { text: sql, values });
    } catch (e) {
      throw explain(e, this.target);
    }
  }

  async lookup(keys: Uint32Array, maxPostings: number): Promise<{ postings: Uint32Array[]; skipped: number }> {
    const postings = new Array<Uint32Array>(keys.length);
    const empty = new Uint32Array(0);
    if (keys.length === 0) return { postings, skipped: 0 };
    const unique = new Set(int4Array(keys));
    // int4[] literals built here: pg's generic array serializer is slower
    const params = this.routed ? [maxPostings, ...routeKeys(unique)] : [maxPostings, `{${Array.from(unique).join(',')}}`];
    // one round trip; ubiquitous keys come back as a count only
    // postings come back as packed big-endian int4 (bytea): much cheaper to decode than int4[] text
    const r = await this.q<{ key: number; n: number; ids: Buffer | null }>(this.routed ? LOOKUP_ROUTED : LOOKUP_PARENT, params,
      this.routed ? 'memocheck_lookup_routed' : 'memocheck_lookup_parent');
    const byKey = new Map<number, Uint32Array | null>();
    for (const row of r.rows) byKey.set(row.key, row.ids ? unpackIds(row.ids) : null);
    let skipped = 0;
    for (let i = 0; i < keys.length; i++) {
      const p = byKey.get(toInt4(keys[i]!));
      if (p === null) { skipped++; postings[i] = empty; } else postings[i] = p ?? empty;
    }
    return { postings, skipped };
  }

  async units(ids: readonly number[]): Promise<UnitRecord[]> {
    if (ids.length === 0) return [];
    const r = await this.q<{ id: number; file_id: number; language: LanguageId; kind: number; start_token: number; end_token: number }>(
      `SELECT u.id, u.file_id, f.language, u.kind, u.start_token, u.end_token
       FROM ${S}.units u JOIN ${S}.files f ON f.id = u.file_id WHERE u.id = ANY($1::int4[])`, [Array.from(ids)]);
    const byId = new Map(r.rows.map((u) => [u.id, u]));
    const out: UnitRecord[] = [];
    for (const id of ids) {
      const u = byId.get(id);
      if (u) out.push({ id, fileId: u.file_id, language: u.language, kind: UNIT_KINDS[u.kind]!, startToken: u.start_token, endToken: u.end_token });
    }
    return out;
  }

  async file(fileId: number): Promise<FileRecord> {
    const hit = this.files.get(fileId);
    if (hit) return hit;
    const r = await this.q<{ repo: string; path: string; language: LanguageId; license: string; content_hash: string; token_count: number; tokens: Buffer }>(
      `SELECT r.name AS repo, f.path, f.language, coalesce(f.license, r.license) AS license, f.content_hash, f.token_count, f.tokens
       FROM ${S}.files f JOIN ${S}.repos r ON r.id = f.repo_id WHERE f.id = $1`, [fileId]);
    const row = r.rows[0];
    if (!row) throw new Error(`file ${fileId} is not in the index at ${this.target.location}`);
    const key = sharedStreamKey(row.language, row.content_hash, row.token_count);
    let stream = this.streams.get(key);
    if (!stream) {
      stream = decodeTokens(row.tokens);
      if (this.streams.size >= FILE_CACHE) this.streams.delete(this.streams.keys().next().value!);
      this.streams.set(key, stream);
    }
    const rec: FileRecord = { id: fileId, repo: row.repo, path: row.path, language: row.language, license: row.license, ...stream };
    if (this.files.size >= FILE_CACHE) this.files.delete(this.files.keys().next().value!);
    this.files.set(fileId, rec);
    return rec;
  }

  async repo(name: string): Promise<RepoSummary | undefined> {
    const r = await this.q<RepoRow>(`SELECT ${REPO_COLUMNS} FROM ${S}.repos WHERE name = $1`, [name]);
    return r.rows[0] ? summary(r.rows[0]) : undefined;
  }

  async documentFrequency(shingles: Uint32Array): Promise<Uint16Array> {
    const out = new Uint16Array(shingles.length);
    if (shingles.length === 0) return out;
    const r = await this.q<{ shingle: number; n: number }>(
      `SELECT shingle, count(*)::int AS n FROM ${S}.repo_shingles WHERE shingle = ANY($1::int4[]) GROUP BY shingle`,
      [Array.from(new Set(int4Array(shingles)))]);
    const df = new Map(r.rows.map((x) => [x.shingle, x.n]));
    for (let i = 0; i < shingles.length; i++) out[i] = Math.min(0xffff, df.get(toInt4(shingles[i]!)) ?? 0);
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.c.query('COMMIT');
      this.c.release();
    } catch (e) {
      this.c.release(e instanceof Error ? e : new Error(String(e)));
    }
  }
}
