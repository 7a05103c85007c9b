// An IndexReader that remembers what it read. Between two checks of the same document most units are
// unchanged, so most band keys, candidate units and original files are the ones the previous check
// already fetched: a re-check after an edit then costs the changed units' lookups, not the whole file's.
// The reader is a snapshot, so cached answers stay valid for its lifetime. Bounded (oldest entries go).
import type { FileRecord, IndexReader, RepoSummary, UnitRecord } from '../index/store';

/** Map with insertion-order eviction once it holds `max` entries. */
class Bounded<K, V> {
  private readonly m = new Map<K, V>();
  constructor(private readonly max: number) {}
  get(k: K): V | undefined {
    return this.m.get(k);
  }
  set(k: K, v: V): void {
    if (this.m.size >= this.max) {
      // drop the oldest tenth at once, so eviction is amortized
      let n = Math.ceil(this.max / 10);
      for (const key of this.m.keys()) {
        this.m.delete(key);
        if (--n === 0) break;
      }
    }
    this.m.set(k, v);
  }
  get size(): number {
    return this.m.size;
  }
}

export class CachingReader implements IndexReader {
  private readonly postings = new Bounded<number, Uint32Array>(400_000);
  private readonly unitRecords = new Bounded<number, UnitRecord>(400_000);
  private readonly files = new Bounded<number, Promise<FileRecord>>(512);
  private readonly df = new Bounded<number, number>(400_000);
  private maxPostings: number | undefined;
  hits = 0;
  misses = 0;

  constructor(private readonly inner: IndexReader) {}

  get params() {
    return this.inner.params;
  }
  get repoCount() {
    return this.inner.repoCount;
  }
  get unitCount() {
    return this.inner.unitCount;
  }

  /** Cache hits are not counted in `skipped` (a diagnostic only). */
  async lookup(keys: Uint32Array, maxPostings: number): Promise<{ postings: Uint32Array[]; skipped: number }> {
    // answers depend on maxPostings; one scanner uses one value
    if (this.maxPostings !== undefined && this.maxPostings !== maxPostings) return this.inner.lookup(keys, maxPostings);
    this.maxPostings = maxPostings;
    const out: Uint32Array[] = new Array(keys.length);
    const missing: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const p = this.postings.get(keys[i]!);
      if (p) out[i] = p;
      else missing.push(i);
    }
    this.hits += keys.length - missing.length;
    if (!missing.length) return { postings: out, skipped: 0 };
    this.misses += missing.length;
    const ask = Uint32Array.from(missing, i => keys[i]!);
    const r = await this.inner.lookup(ask, maxPostings);
    for (let j = 0; j < missing.length; j++) {
      const list = r.postings[j] ?? new Uint32Array(0);
      out[missing[j]!] = list;
      this.postings.set(ask[j]!, list);
    }
    return { postings: out, skipped: r.skipped };
  }

  /**
   * In the order of `ids`, as the inner reader answers: the matcher forms clusters from the records in the
   * order they come, and ties among clusters are ranked by it, so a check in the editor must see them in the
   * order a scan does (answering cached records first could make a re-check rank tied clusters differently).
   */
  async units(ids: readonly number[]): Promise<UnitRecord[]> {
    // (read before fetching: caching the fetched ones may evict some of them)
    const cached = ids.map((id) => this.unitRecords.get(id));
    const missing = ids.filter((_, i) => !cached[i]);
    if (!missing.length) return cached as UnitRecord[];
    // (a store answers only the ids it has)
    const fetched = new Map<number, UnitRecord>();
    for (const u of await this.inner.units(missing)) {
      this.unitRecords.set(u.id, u);
      fetched.set(u.id, u);
    }
    const out: UnitRecord[] = [];
    ids.forEach((id, i) => {
      const u = cached[i] ?? fetched.get(id);
      if (u) out.push(u);
    });
    return out;
  }

  file(fileId: number): Promise<FileRecord> {
    let f = this.files.get(fileId);
    if (!f) {
      f = this.inner.file(fileId);
      f.catch(() => undefined);
      this.files.set(fileId, f);
    }
    return f;
  }

  prefetch(regions: readonly { fileId: number; start: number; end: number }[]): void {
    this.inner.prefetch?.(regions);
  }

  repo(name: string): Promise<RepoSummary | undefined> {
    return this.inner.repo(name);
  }

  async documentFrequency(shingles: Uint32Array): Promise<Uint16Array> {
    const out = new Uint16Array(shingles.length);
    const missing: number[] = [];
    for (let i = 0; i < shingles.length; i++) {
      const v = this.df.get(shingles[i]!);
      if (v === undefined) missing.push(i);
      else out[i] = v;
    }
    if (missing.length) {
      const ask = Uint32Array.from(missing, i => shingles[i]!);
      const r = await this.inner.documentFrequency(ask);
      for (let j = 0; j < missing.length; j++) {
        out[missing[j]!] = r[j]!;
        this.df.set(ask[j]!, r[j]!);
      }
    }
    return out;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
