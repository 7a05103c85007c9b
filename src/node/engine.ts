// The Node-level facade over the core, the stores and the worker pool: what the CLI and the extension call.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Matcher } from '../core/match';
import type { Tokenized } from '../core/tokenize';
import { DEFAULT_PARAMS, matchOptions, type MatchTuning } from '../core/options';
import type { Finding, FingerprintParams, LanguageId, Match, MatchOptions, SourceRef, Verdict } from '../core/types';
import { UserError, type CarriedFile, type IndexedFile, type IndexReader, type IndexStore, type RepoSummary } from '../index/store';
import { errorsFromColumns, unitsFromColumns, type IndexData } from './fileJob';
import { languageForPath, tokenizeText, ParseFailure } from './grammars';
import { detectLicense, verdictFor } from './licensing';
import { defaultWorkers, DEPTH, FilePool, mapOrdered } from './pool';
import { DEFAULT_MAX_FILE_BYTES, type SkippedFile } from './source';
import { gitProvenance, listFiles } from './walk';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export { languageForPath };
export type { SkippedFile };

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/** Opens the index at a path (embedded file store) or a postgres:// URL (shared PostgreSQL store). */
export async function openStore(location: string): Promise<IndexStore> {
  if (POSTGRES_URL.test(location)) {
    const { PgStore } = await import('../index/postgres');
    return PgStore.open(location);
  }
  const { FileStore } = await import('../index/file');
  return FileStore.open(path.resolve(location));
}

export interface IndexProgress { phase: 'walk' | 'fingerprint' | 'write'; done: number; total: number; file?: string }

export interface IndexOptions {
  name?: string;
  /** SPDX expression given by the user; otherwise detected from the repository */
  license?: string;
  /** worker threads (default: one per core; 0 = in this thread) */
  workers?: number;
  exclude?: readonly string[];
  maxFileBytes?: number;
  signal?: AbortSignal;
  onProgress?(p: IndexProgress): void;
}

export interface IndexResult {
  repo: RepoSummary;
  skipped: SkippedFile[];
  /** files whose extension is not one of the 12 languages (not errors) */
  unknownLanguage: number;
  /** unchanged files reused from the previous index of this repository */
  reused: number;
}

/**
 * The tokenizer's vocabulary version is folded into the MinHash seed: an index built by a MemoCheck with
 * another vocabulary would silently match worse, so it is refused with the fix.
 */
function requireCompatible(params: FingerprintParams, location: string): void {
  if (params.seed !== DEFAULT_PARAMS.seed || params.k !== DEFAULT_PARAMS.k) {
    throw new UserError(`${location}: this index was built by an incompatible MemoCheck version (fingerprint seed ${params.seed}, expected ${DEFAULT_PARAMS.seed}); re-create it with memocheck index`);
  }
}

function requireDirectory(dir: string): string {
  const abs = path.resolve(dir);
  if (!existsSync(abs)) throw new UserError(`${dir}: no such directory`);
  if (!statSync(abs).isDirectory()) throw new UserError(`${dir}: not a directory (index takes repository folders)`);
  return abs;
}

/** Fingerprints one repository folder and adds it to the store (replacing an earlier version atomically). */
export function indexRepository(store: IndexStore, dir: string, opts: IndexOptions = {}): Promise<IndexResult> {
  return indexOne(store, dir, opts);
}

/** One repository of several, and how indexRepositories links it to the one before. */
interface Chained {
  /** the pool all of them share (closed by indexRepositories) */
  readonly pool: FilePool;
  /** called once every file of this repository has been handed to the pool */
  readonly handedOut: () => void;
  /** the previous repository's indexing: this one commits after it, and not at all when it failed */
  readonly after: Promise<unknown>;
  /** the index's params, read once for the job (indexParams) */
  readonly params: FingerprintParams;
}

/**
 * The index's fingerprint params, creating the index first when there is none. Once per job, not per
 * repository: the file store's info() reads the manifest and stats every segment.
 */
async function indexParams(store: IndexStore): Promise<FingerprintParams> {
  await store.init(DEFAULT_PARAMS);
  const { params } = await store.info();
  requireCompatible(params, store.location);
  return params;
}

export interface IndexTarget {
  dir: string;
  /** default: the folder name */
  name?: string;
}

export interface IndexManyOptions extends Omit<IndexOptions, 'name' | 'onProgress'> {
  /** progress of the repository at index `repo` of the list */
  onProgress?(repo: number, p: IndexProgress): void;
  /** a repository is in the index (called in list order, as each one commits) */
  onIndexed?(repo: number, r: IndexResult): void;
}

/**
 * Indexes several repositories, in list order, as one job: when the last files of one are handed to the
 * workers, the next one is walked and its files queued behind them, so the workers stay busy while this
 * thread writes the previous repository's segment (a store whose putRepo calls may overlap; others get
 * them one after the other). Every folder is checked before any is indexed. A failure stops the
 * repositories after it; those before it stay indexed. The results are in list order.
 */
export async function indexRepositories(store: IndexStore, targets: readonly IndexTarget[], opts: IndexManyOptions = {}): Promise<IndexResult[]> {
  const names = targets.map((t) => {
    const abs = requireDirectory(t.dir);
    return t.name ?? path.basename(abs);
  });
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UserError(`repository ${twice} is given twice; index it once`);
  const { onProgress, onIndexed, ...rest } = opts;
  const each = (i: number): IndexOptions => ({ ...rest, name: names[i]!, onProgress: onProgress && ((p) => onProgress(i, p)) });
  if (!store.overlappingPuts || targets.length < 2) {
    const results: IndexResult[] = [];
    for (let i = 0; i < targets.length; i++) {
      results.push(await indexOne(store, targets[i]!.dir, each(i)));
      onIndexed?.(i, results[i]!);
    }
    return results;
  }
  const params = await indexParams(store);
  const pool = new FilePool(opts.workers ?? defaultWorkers());
  // a failed repository stops the ones after it at once (their streams would also fail at their end)
  const stops = targets.map(() => new AbortController());
  const onAbort = () => { for (const c of stops) c.abort(opts.signal!.reason); };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const runs: Promise<IndexResult>[] = [];
  try {
    let after: Promise<unknown> = Promise.resolve();
    for (let i = 0; i < targets.length; i++) {
      if (opts.signal?.aborted || stops[i]!.signal.aborted) break;
      let handedOut!: () => void;
      const handed = new Promise<void>((resolve) => { handedOut = resolve; });
      const run = indexOne(store, targets[i]!.dir, { ...each(i), signal: stops[i]!.signal }, { pool, handedOut, after, params });
      runs.push(run);
      run.then((r) => onIndexed?.(i, r), () => { for (const c of stops.slice(i + 1)) c.abort(); });
      after = run;
      await Promise.race([handed, run.catch(() => undefined)]);
    }
    const settled = await Promise.allSettled(runs);
    // the first failure in list order is the cause; the ones after it were stopped because of it
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    opts.signal?.throwIfAborted();
    return settled.map((r) => (r as PromiseFulfilledResult<IndexResult>).value);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await Promise.allSettled(runs);
    await pool.close();
  }
}

async function indexOne(store: IndexStore, dir: string, opts: IndexOptions, chained?: Chained): Promise<IndexResult> {
  const abs = requireDirectory(dir);
  const params = chained?.params ?? await indexParams(store);
  const name = opts.name ?? path.basename(abs);
  opts.onProgress?.({ phase: 'walk', done: 0, total: 0 });
  const all = await listFiles(abs, { exclude: opts.exclude ?? [] });
  const files: { rel: string; language: LanguageId }[] = [];
  let unknownLanguage = 0;
  for (const rel of all) {
    const language = languageForPath(rel);
    if (language) files.push({ rel, language });
    else unknownLanguage++;
  }
  const previous = await store.previousFiles(name);
  const skipped: SkippedFile[] = [];
  const workers = opts.workers ?? defaultWorkers();
  const pool = chained?.pool ?? new FilePool(Math.min(workers, files.length));
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  // the workers encode the token streams when the store can take them so (less work in this thread)
  const tokenBlobs = store.acceptsTokenBlobs === true;
  let done = 0, reused = 0;

  /** An unchanged file's stored record; a carried one gets its shingles from a worker. */
  const reuse = async (rec: IndexedFile | CarriedFile): Promise<IndexedFile> => {
    if (!('stored' in rec)) return rec;
    const { stored, ...file } = rec;
    const res = await pool.run({ mode: 'carry', path: rec.path, params, stored });
    if (!res.ok) throw new UserError(res.reason);
    if (res.mode !== 'carry') throw new Error('a carry job answered with another mode');
    const { shingles, used } = res.data;
    const none = new Uint32Array(0);
    // the stream is appended as stored (IndexedFile.tokenBlob)
    const tokenBlob = { tokens: stored.tokens, stored: stored.stored, crc: stored.crc, table: stored.table, used };
    return { ...file, shingles, codes: none, raw: new Uint16Array(0), lines: none, tokenBlob };
  };

  /** a file's record from the previous index (unchanged), or what a worker made of it (nothing: skipped) */
  const work = async (f: { rel: string; language: LanguageId }): Promise<{ rel: string; language: LanguageId; prev?: IndexedFile; data?: IndexData }> => {
    const absFile = path.join(abs, f.rel);
    const prev = previous.get(f.rel);
    if (prev) {
      let hash: string | undefined;
      try {
        hash = createHash('sha1').update(await readFile(absFile)).digest('hex');
      } catch { /* unreadable now: the worker reports why */ }
      if (hash === prev.contentHash) { reused++; return { ...f, prev: await reuse(await prev.record()) }; }
    }
    const res = await pool.run({ mode: 'index', abs: absFile, language: f.language, params, maxBytes, tokenBlobs });
    if (!res.ok) skipped.push({ path: f.rel, reason: res.reason });
    return { ...f, ...(res.ok && res.mode === 'index' ? { data: res.data } : {}) };
  };

  try {
    // the workers start on the files while this thread detects the licence and asks git; in flight: the
    // jobs the workers hold plus a queue long enough for them to hold their full depth (pool.ts depthFor)
    const jobs = mapOrdered(handingOut(files, chained?.handedOut), Math.max(2, workers * 3 * DEPTH), work, opts.signal);
    const first = jobs.next();
    first.catch(() => undefined); // awaited by stream()
    const [licence, prov] = await Promise.all([
      opts.license ? { license: opts.license, source: '--license' } : detectLicense(abs),
      gitProvenance(abs),
    ]);
    const fileLicense = 'fileLicense' in licence ? licence.fileLicense : undefined;
    const stream = async function* (): AsyncGenerator<IndexedFile> {
      for (let r = await first; !r.done; r = await jobs.next()) {
        const { rel, language, prev, data } = r.value;
        done++;
        opts.onProgress?.({ phase: 'fingerprint', done, total: files.length, file: rel });
        if (prev) yield prev;
        else if (data) {
          const license = data.license ?? fileLicense?.(rel);
          yield { path: rel, language, ...data, ...(license ? { license } : {}) };
        }
      }
      // every record is read: let go of the previous index before the store commits (and may delete it)
      await previous.close();
      // the repositories of one job commit in their order, and not after a failed one
      if (chained) {
        try {
          await chained.after;
        } catch {
          throw new UserError(`${dir}: not indexed, an earlier repository failed`);
        }
      }
      opts.onProgress?.({ phase: 'write', done: files.length, total: files.length });
    };
    const repo = await store.putRepo({
      name, root: abs, license: licence.license, licenseSource: licence.source, indexedAt: new Date().toISOString(),
      ...(prov.url ? { url: prov.url } : {}), ...(prov.commit ? { commit: prov.commit } : {}),
    }, stream(), opts.signal);
    return { repo, skipped, unknownLanguage, reused };
  } finally {
    if (!chained) await pool.close();
    await previous.close();
  }
}

/** The items, then a call to onEnd when the last one has been taken (the next call finds none). */
function* handingOut<T>(items: readonly T[], onEnd?: () => void): Generator<T> {
  yield* items;
  onEnd?.();
}

export interface ScanOptions {
  signal?: AbortSignal;
  exclude?: readonly string[];
  workers?: number;
  maxFileBytes?: number;
  /** the scanned project's own licence (SPDX), for verdicts; detected from the scanned folder when absent */
  projectLicense?: string;
  onProgress?(done: number, total: number, file: string): void;
}

export interface ScanResult { findings: Finding[]; files: number; skipped: SkippedFile[]; unknownLanguage: number; projectLicense: string }

type SourceExtra = Omit<SourceRef, 'path' | 'startLine' | 'endLine' | 'license'>;

/** Scans code against one index snapshot. Reuse one Scanner for many files; close it when done. */
export class Scanner {
  private readonly matcher: Matcher;

  private constructor(readonly store: IndexStore, readonly reader: IndexReader, readonly options: MatchOptions, tuning?: MatchTuning) {
    this.matcher = new Matcher(reader, options, repoSourceInfo(reader), tuning);
  }

  /** `tuning`: verification's internal thresholds (benchmarks compare them; DEFAULT_TUNING otherwise) */
  static async open(store: IndexStore, opts: Partial<MatchOptions> = {}, tuning?: MatchTuning): Promise<Scanner> {
    let options: MatchOptions;
    try {
      options = matchOptions(opts);
    } catch (e) {
      throw new UserError((e as Error).message);
    }
    const reader = await store.openReader();
    try {
      requireCompatible(reader.params, store.location);
    } catch (e) {
      await reader.close();
      throw e;
    }
    return new Scanner(store, reader, options, tuning);
  }

  get diagnostics() { return this.matcher.lastDiagnostics; }

  /** Matches of one text (e.g. an editor buffer or standard input). */
  async scanText(text: string, language: LanguageId, _file: string, signal?: AbortSignal): Promise<Match[]> {
    return this.scanTokens(await tokenizeForScan(text, language), signal);
  }

  /** Matches of an already tokenized text (tokenizeForScan): the lookup and verification alone. */
  async scanTokens(doc: Tokenized, signal?: AbortSignal): Promise<Match[]> {
    return withLocalPaths(await this.matcher.match(doc, signal));
  }

  /** Scans files and folders; folders are walked like repositories (.gitignore, default excludes). */
  async scanPaths(paths: readonly string[], opts: ScanOptions = {}): Promise<ScanResult> {
    const targets: { abs: string; display: string; language: LanguageId }[] = [];
    const skipped: SkippedFile[] = [];
    let unknownLanguage = 0;
    for (const p of paths) {
      const abs = path.resolve(p);
      if (!existsSync(abs)) throw new UserError(`${p}: no such file or directory`);
      if (statSync(abs).isDirectory()) {
        for (const rel of await listFiles(abs, { exclude: opts.exclude ?? [] })) {
          const language = languageForPath(rel);
          if (language) targets.push({ abs: path.join(abs, rel), display: path.join(p, rel), language });
          else unknownLanguage++;
        }
      } else {
        const language = languageForPath(abs);
        if (language) targets.push({ abs, display: p, language });
        else { unknownLanguage++; skipped.push({ path: p, reason: 'unknown language (file extension)' }); }
      }
    }
    const project = opts.projectLicense ?? (paths.length ? (await detectLicense(projectRoot(paths[0]!))).license : undefined);
    const workers = opts.workers ?? defaultWorkers();
    const pool = new FilePool(Math.min(workers, Math.max(0, targets.length - 1)));
    const findings: Finding[] = [];
    const params = this.reader.params;
    let done = 0;
    try {
      const jobs = mapOrdered(targets, Math.max(2, workers * 2), async (t) => ({
        t, res: await pool.run({ mode: 'tokenize', abs: t.abs, language: t.language, params, maxBytes: opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES }),
      }), opts.signal);
      for await (const { t, res } of jobs) {
        opts.signal?.throwIfAborted();
        done++;
        opts.onProgress?.(done, targets.length, t.display);
        if (!res.ok) { skipped.push({ path: t.display, reason: res.reason }); continue; }
        if (res.mode !== 'tokenize') continue;
        const doc = { tokens: res.data.tokens, units: unitsFromColumns(res.data), errors: errorsFromColumns(res.data.errors) };
        // (no decoding ahead on another thread: the other cores parse the next files)
        for (const m of withLocalPaths(await this.matcher.match(doc, opts.signal, { prefetch: false }))) {
          findings.push({ ...m, file: t.display, verdict: verdictFor(project, m.source.license) });
        }
      }
    } finally {
      await pool.close();
    }
    return { findings, files: targets.length, skipped, unknownLanguage, projectLicense: project ?? 'unknown' };
  }

  async close(): Promise<void> {
    await this.reader.close();
  }
}

/** Provenance of each repository's matches (commit, URL, folder on disk), read once per repository. */
export function repoSourceInfo(reader: IndexReader): (repo: string) => Promise<SourceExtra | undefined> {
  const cache = new Map<string, Promise<SourceExtra | undefined>>();
  return (repo) => {
    let p = cache.get(repo);
    if (!p) {
      p = reader.repo(repo).then((r) => r && {
        repo,
        ...(r.commit ? { commit: r.commit } : {}),
        ...(r.url ? { url: r.url } : {}),
        ...(r.root ? { localPath: r.root } : {}),
      });
      cache.set(repo, p);
    }
    return p;
  };
}

/** Tokenizes a buffer for scanning: like file scans, text full of syntax errors still yields its tokens. */
export function tokenizeForScan(text: string, language: LanguageId) {
  return tokenizeText(text, language, undefined, false);
}

/** Turns the repository folder of each match's source into the original file's absolute path. */
export function withLocalPaths(ms: Match[]): Match[] {
  return ms.map((m) => m.source.localPath
    ? { ...m, source: { ...m.source, localPath: path.join(m.source.localPath, m.source.path) } }
    : m);
}

function projectRoot(p: string): string {
  const abs = path.resolve(p);
  return existsSync(abs) && statSync(abs).isDirectory() ? abs : path.dirname(abs);
}

export { ParseFailure };
export type { Verdict };
