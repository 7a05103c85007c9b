// The embedded index store: a directory of immutable per-repository segments and a MANIFEST naming the
// live ones (format in format.ts). Writers build a segment in a temp file without holding the lock, then
// under the lock rename it into place and switch the manifest; readers load one manifest's segments.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FingerprintParams } from '../../core/types';
import {
  type IndexInfo, type IndexReader, type IndexStore, type IndexedFile, type PreviousFiles, type RepoMeta, type RepoSummary,
  NO_PREVIOUS_FILES, UserError,
} from '../store';
import { publish } from './container';
import { FORMAT_MAJOR, FORMAT_MINOR, LOCK_NAME, MANIFEST_NAME, SEGMENT_RE, TMP_PREFIX, segmentName } from './format';
import { pidAlive, tmpOwner, tmpPath } from './io';
import { acquireLock } from './lock';
import { type Manifest, type ManifestRepo, prepareManifest, publishManifest, readManifest } from './manifest';
import { FileIndexReader, MIN_SPLIT_ENTRIES } from './reader';
import { SegmentBuilder } from './segment-writer';
import { Segment } from './segment-reader';

/** Points of a commit, in order; a hook may observe (or, in crash tests, pause) each of them. */
export type CommitStep = 'segment-written' | 'locked' | 'segment-renamed' | 'manifest-written' | 'manifest-renamed' | 'done';

export interface FileStoreOptions {
  /** how long a writer waits for another writer's lock (default 60 s) */
  readonly lockTimeoutMs?: number;
  /** per reader, bytes of inflated token streams kept in memory (default 64 MB) */
  readonly cacheBytes?: number;
  /**
   * whether a reader uses a second thread (decode-helper.ts; default true): to decode token streams ahead of
   * lookups, and to find part of a large query's candidates (candidates.ts)
   */
  readonly decodeHelper?: boolean;
  /** queries of at least this many (key, unit) entries find their candidates on two threads (default 16384; tests set 1) */
  readonly splitEntries?: number;
  readonly onCommitStep?: (step: CommitStep) => void | Promise<void>;
}

/** Opens (does not create) the index directory at `location`; `init` creates it. */
export async function openFileStore(location: string, opts: FileStoreOptions = {}): Promise<FileIndexStore> {
  const dir = path.resolve(location);
  const st = statOrUndefined(dir);
  if (st && !st.isDirectory()) throw notADirectory(location);
  return new FileIndexStore(location, dir, opts);
}

const notADirectory = (location: string): UserError =>
  new UserError(`${location} is a file, not a MemoCheck index directory; choose another --index path`);
const notAnIndex = (location: string): UserError =>
  new UserError(`${location} is not a MemoCheck index (no MANIFEST); choose another --index path`);
const noIndex = (location: string): UserError =>
  new UserError(`no MemoCheck index at ${location}; create one with memocheck index <dir> --index ${location}`);

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw new UserError(`${p}: a parent of this path is a file; choose another --index path`);
    throw e;
  }
}

const MAX_SNAPSHOT_RETRIES = 20;

/**
 * Deletes a file no manifest references any more. Failure (e.g. Windows refusing while a reader has it open)
 * must not fail a write that has already committed: the next writer's garbage collection retries.
 */
function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch { /* collected later */ }
}

export class FileIndexStore implements IndexStore {
  /** token streams encoded by the indexer's workers are appended as they are (segment-writer.ts) */
  readonly acceptsTokenBlobs = true;
  /** segments are built in private temporary files and published one at a time under the writer lock */
  readonly overlappingPuts = true;
  private closed = false;

  constructor(readonly location: string, readonly dir: string, private readonly opts: FileStoreOptions) {}

  async init(params: FingerprintParams): Promise<void> {
    this.open();
    const st = statOrUndefined(this.dir);
    if (st && !st.isDirectory()) throw notADirectory(this.location);
    if (await this.manifestOrCheck()) return;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
    } catch (e) {
      throw new UserError(`cannot create index directory ${this.location}: ${(e as Error).message}`);
    }
    const release = await acquireLock(this.dir, this.location, { timeoutMs: this.opts.lockTimeoutMs });
    try {
      if (await this.manifestOrCheck()) return;
      await publishManifest(this.dir, await prepareManifest(this.dir, { params: { ...params }, nextSegment: 1, repos: [] }));
    } finally {
      release();
    }
  }

  async info(): Promise<IndexInfo> {
    this.open();
    const m = await this.requireManifest();
    let bytes = 0;
    for (const name of [MANIFEST_NAME, ...m.repos.map((r) => r.segment)]) bytes += statOrUndefined(path.join(this.dir, name))?.size ?? 0;
    const repos = m.repos.map((r) => r.summary);
    return {
      location: this.location,
      formatVersion: `${FORMAT_MAJOR}.${FORMAT_MINOR}`,
      params: m.params,
      repos,
      files: repos.reduce((a, r) => a + r.files, 0),
      units: repos.reduce((a, r) => a + r.units, 0),
      bytes,
    };
  }

  async putRepo(meta: RepoMeta, files: AsyncIterable<IndexedFile> | Iterable<IndexedFile>, signal?: AbortSignal): Promise<RepoSummary> {
    this.open();
    if (typeof meta.name !== 'string' || meta.name === '') throw new UserError(`${this.location}: a repository needs a non-empty name`);
    const m0 = await this.requireManifest();
    const builder = new SegmentBuilder(tmpPath(this.dir), m0.params);
    let published = false;
    try {
      for await (const f of files) {
        signal?.throwIfAborted();
        builder.add(f);
      }
      signal?.throwIfAborted();
      const summary = await builder.finish(meta);
      await this.step('segment-written');
      const release = await acquireLock(this.dir, this.location, { timeoutMs: this.opts.lockTimeoutMs, signal });
      try {
        await this.step('locked');
        const m = await this.requireManifest();
        if (JSON.stringify(m.params) !== JSON.stringify(m0.params)) {
          throw new UserError(`${this.location} was re-created with other fingerprint params while indexing ${meta.name}; index it again`);
        }
        this.collectGarbage(m);
        const segment = segmentName(m.nextSegment);
        await publish(builder.tmp, this.dir, path.join(this.dir, segment));
        published = true;
        await this.step('segment-renamed');
        const entry: ManifestRepo = { name: meta.name, segment, summary };
        const old = m.repos.find((r) => r.name === meta.name);
        const repos = old ? m.repos.map((r) => (r === old ? entry : r)) : [...m.repos, entry];
        const tmp = await prepareManifest(this.dir, { params: m.params, nextSegment: m.nextSegment + 1, repos });
        await this.step('manifest-written');
        await publishManifest(this.dir, tmp);
        await this.step('manifest-renamed');
        if (old) removeQuietly(path.join(this.dir, old.segment));
      } finally {
        release();
      }
      await this.step('done');
      return summary;
    } catch (e) {
      if (!published) builder.abort();
      throw e;
    }
  }

  async removeRepo(name: string): Promise<boolean> {
    this.open();
    await this.requireManifest();
    const release = await acquireLock(this.dir, this.location, { timeoutMs: this.opts.lockTimeoutMs });
    try {
      const m = await this.requireManifest();
      this.collectGarbage(m);
      const old = m.repos.find((r) => r.name === name);
      if (!old) return false;
      await publishManifest(this.dir, await prepareManifest(this.dir, { ...m, repos: m.repos.filter((r) => r !== old) }));
      removeQuietly(path.join(this.dir, old.segment));
      return true;
    } finally {
      release();
    }
  }

  /** The previous segment's files; token streams are read from the open segment per unchanged file. */
  async previousFiles(repo: string): Promise<PreviousFiles> {
    this.open();
    if (!statOrUndefined(this.dir)) return NO_PREVIOUS_FILES;
    for (let attempt = 0; attempt < MAX_SNAPSHOT_RETRIES; attempt++) {
      const entry = (await this.requireManifest()).repos.find((r) => r.name === repo);
      if (!entry) return NO_PREVIOUS_FILES;
      try {
        const seg = await Segment.open(this.dir, entry.segment);
        try {
          return seg.previousFiles();
        } catch (e) {
          await seg.close();
          throw e;
        }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
    }
    throw this.tooBusy();
  }

  async openReader(): Promise<IndexReader> {
    this.open();
    for (let attempt = 0; attempt < MAX_SNAPSHOT_RETRIES; attempt++) {
      const m = await this.requireManifest();
      const segments: Segment[] = [];
      try {
        for (const r of m.repos) {
          const seg = await Segment.open(this.dir, r.segment);
          segments.push(seg);
          if (seg.repo.name !== r.name || JSON.stringify(seg.params) !== JSON.stringify(m.params)) {
            throw new UserError(`${seg.file} does not belong to this index (repository or params differ); re-create it with memocheck index`);
          }
        }
      } catch (e) {
        await Promise.all(segments.map((s) => s.close()));
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // a writer replaced it meanwhile
        throw e;
      }
      return new FileIndexReader(m, segments, this.opts.cacheBytes ?? 64 << 20, this.opts.decodeHelper ?? true, this.opts.splitEntries ?? MIN_SPLIT_ENTRIES);
    }
    throw this.tooBusy();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** The manifest, or undefined when the directory is missing or empty; throws for a directory of something else. */
  private async manifestOrCheck(): Promise<Manifest | undefined> {
    const m = await readManifest(this.dir);
    if (m) return m;
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    if (names.some((n) => n !== LOCK_NAME && !n.startsWith(TMP_PREFIX))) throw notAnIndex(this.location);
    return undefined;
  }

  private async requireManifest(): Promise<Manifest> {
    const m = await this.manifestOrCheck();
    if (!m) throw noIndex(this.location);
    return m;
  }

  /** Under the lock: deletes segments no manifest entry names and temp files of writers that died. */
  private collectGarbage(m: Manifest): void {
    const live = new Set(m.repos.map((r) => r.segment));
    for (const name of fs.readdirSync(this.dir)) {
      const owner = tmpOwner(name);
      const dead = (SEGMENT_RE.test(name) && !live.has(name)) || (owner !== undefined && !pidAlive(owner));
      if (dead) removeQuietly(path.join(this.dir, name));
    }
  }

  private async step(s: CommitStep): Promise<void> {
    await this.opts.onCommitStep?.(s);
  }

  private tooBusy(): UserError {
    return new UserError(`${this.location} changed too often while opening it; try again`);
  }

  private open(): void {
    if (this.closed) throw new Error('index store is closed');
  }
}
