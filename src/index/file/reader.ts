// A reader over one snapshot of the index: the segments the MANIFEST listed when it was opened.
import { unitColumns } from '../../core/fingerprint';
import type { FingerprintParams, LanguageId } from '../../core/types';
import { sharedStreamKey, type CandidateClusters, type CandidateRequest, type FileRecord, type IndexReader, type RepoSummary, type UnitColumns,
  type UnitRecord, UNIT_KINDS } from '../store';
import { lowerBound, owner } from './arrays';
import { MergedPostings } from './postings';
import { ByteLru } from './lru';
import type { Manifest } from './manifest';
import { CHUNK_TOKENS, type Chunks } from './blob';
import type { FileTokens, Segment } from './segment-reader';
import { decodeHelper, DecodeJob, type Item } from './decode-helper';
import * as part from './candidates';

/** readers' numbers in this process (the decode helper keeps their unit tables by it) */
let readers = 0;
/**
 * Queries with fewer (key, unit) entries find their candidates on one thread: splitting costs ~1.5 ms (the
 * split point, the parts' lists, the job's start and the merge), about what it saved at 10,000-25,000
 * entries against the distinct index, where a Java query of 43,000 took 21 instead of 27 ms.
 */
export const MIN_SPLIT_ENTRIES = 16384;
/** the lower part's share of the entries: the helper starts its part 0.3-0.6 ms later and took ~20% longer per entry (measured) */
const HELPER_SHARE_LOW = 0.58;
/** how long the reader waits for the helper's part of the candidates before doing it itself */
const PART_WAIT_MS = 2000;

export class FileIndexReader implements IndexReader {
  readonly params: FingerprintParams;
  readonly repoCount: number;
  readonly unitCount: number;
  /** global id = base[segment] + local id (segments in manifest order) */
  private readonly unitBase: Float64Array;
  private readonly fileBase: Float64Array;
  private readonly fileCount: number;
  /** decoded token streams by sharedStreamKey: a file present in many repositories is read and decoded once */
  private readonly cache: ByteLru<string, CachedStream>;
  private readonly postings: MergedPostings;
  /** per global unit: its global file id, kind code, start token and end token */
  private readonly unitFile: Uint32Array;
  private readonly unitKind: Uint8Array;
  private readonly unitStart: Uint32Array;
  private readonly unitEnd: Uint32Array;
  /** per global file: its language */
  private readonly fileLanguage: LanguageId[] = [];
  /** per global file: its language's place in `languages` (candidates() tests each language once per call) */
  private readonly fileLanguageIndex: Uint8Array;
  private readonly languages: LanguageId[] = [];
  /** the tables above that candidates.ts reads, on either thread */
  private readonly tables: part.UnitTables;
  /** every shingle of any repository with the number of repositories holding it; merged on first use */
  private df: Promise<{ shingles: Uint32Array; repos: Uint16Array }> | undefined;
  private closed = false;
  /** the current prefetch: its items, and each item's number by stream key and chunk (-1: a whole stream) */
  private job: DecodeJob | undefined;
  private readonly jobItems = new Map<string, number>();
  /** this reader's number, and whether the decode helper has its unit tables */
  private readonly number = ++readers;
  private tablesSent = false;
  /** a candidates job's shared memory, reused from lookup to lookup (see candidates()) */
  private partBuffers: { records: SharedArrayBuffer; clusters: SharedArrayBuffer } | undefined;

  constructor(private readonly manifest: Manifest, private readonly segments: readonly Segment[], cacheBytes: number,
    private readonly useHelper = true, private readonly splitEntries = MIN_SPLIT_ENTRIES) {
    this.params = manifest.params;
    this.repoCount = segments.length;
    this.unitBase = new Float64Array(segments.length + 1);
    this.fileBase = new Float64Array(segments.length + 1);
    segments.forEach((s, i) => {
      this.unitBase[i + 1] = this.unitBase[i]! + s.unitCount;
      this.fileBase[i + 1] = this.fileBase[i]! + s.fileCount;
    });
    this.unitCount = this.unitBase[segments.length]!;
    this.fileCount = this.fileBase[segments.length]!;
    if (this.unitCount > 0xffff_ffff) throw new RangeError('index holds more than 2^32 units; split it');
    this.cache = new ByteLru(cacheBytes);
    this.postings = MergedPostings.build(segments.map((s) => s.postings()), this.unitBase, (i) => segments[i]!.releasePostings());
    // (in shared memory, with the postings' units: the decode helper finds candidates in part of them, candidates.ts)
    this.unitFile = new Uint32Array(new SharedArrayBuffer(4 * this.unitCount));
    this.unitKind = new Uint8Array(new SharedArrayBuffer(this.unitCount));
    this.unitStart = new Uint32Array(new SharedArrayBuffer(4 * this.unitCount));
    this.unitEnd = new Uint32Array(new SharedArrayBuffer(4 * this.unitCount));
    segments.forEach((seg, si) => {
      const u0 = this.unitBase[si]!;
      const f0 = this.fileBase[si]!;
      this.unitStart.set(seg.unitStarts, u0);
      this.unitKind.set(seg.unitKinds, u0);
      for (let f = 0; f < seg.fileCount; f++) this.unitFile.fill(f0 + f, u0 + seg.fileUnitStart[f]!, u0 + seg.fileUnitStart[f + 1]!);
      for (let u = 0; u < seg.unitCount; u++) this.unitEnd[u0 + u] = seg.unitStarts[u]! + seg.unitLengths[u]!;
      for (const l of seg.strings.languages) this.fileLanguage.push(l);
    });
    this.fileLanguageIndex = new Uint8Array(new SharedArrayBuffer(this.fileCount));
    this.tables = { postingsUnits: this.postings.unitIds, unitFile: this.unitFile, unitKind: this.unitKind, unitStart: this.unitStart, unitEnd: this.unitEnd,
      fileLanguage: this.fileLanguageIndex };
    const place = new Map<LanguageId, number>();
    this.fileLanguage.forEach((l, f) => {
      let i = place.get(l);
      if (i === undefined) { place.set(l, i = this.languages.length); this.languages.push(l); }
      this.fileLanguageIndex[f] = i;
    });
  }

  async lookup(keys: Uint32Array, maxPostings: number): Promise<{ postings: Uint32Array[]; skipped: number }> {
    this.open();
    return this.postings.lookup(keys, maxPostings);
  }

  async units(ids: readonly number[]): Promise<UnitRecord[]> {
    this.open();
    const out: UnitRecord[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= this.unitCount) throw new RangeError(`unit id ${id} is not in this index snapshot`);
      out[i] = {
        id,
        fileId: this.unitFile[id]!,
        language: this.fileLanguage[this.unitFile[id]!]!,
        kind: UNIT_KINDS[this.unitKind[id]!] ?? 'window',
        startToken: this.unitStart[id]!,
        endToken: this.unitEnd[id]!,
      };
    }
    return out;
  }

  /**
   * The records of these units as columns (those whose file's language `keep` accepts, and how many it did
   * not), as candidates() makes them on either thread: tests compare them with units().
   */
  async unitColumns(ids: ArrayLike<number>, keep: (language: LanguageId) => boolean): Promise<{ columns: UnitColumns; dropped: number }> {
    this.open();
    return part.columnsOf(this.tables, ids, this.verdicts(keep));
  }

  /** per language of the index (fileLanguageIndex), 1 when `keep` accepts it (tested once per language) */
  private verdicts(keep: (language: LanguageId) => boolean): Uint8Array {
    return Uint8Array.from(this.languages, (l) => (keep(l) ? 1 : 0));
  }

  /**
   * IndexReader.candidates. A query of many (key, unit) entries, when the decode helper is usable, is split
   * into two parts of whole files (candidates.ts), the lower with HELPER_SHARE_LOW of the entries: the helper
   * finds the candidates of the upper part while this thread does the lower. A part the helper has not taken
   * up by then, this thread does itself; as it does when the helper fails or stops. The records come one
   * part after the other (each file's in order of first hit, which is all the matcher reads of their order).
   */
  async candidates(req: CandidateRequest): Promise<CandidateClusters> {
    this.open();
    const { postings, skipped, first } = this.postings.lookup(req.keys, req.maxPostings);
    const query: part.PartQuery = { keys: req.keys, bands: req.bands, perUnit: req.perUnit, minBandHits: req.minBandHits, limit: req.limit,
      units: req.units, verdicts: this.verdicts(req.keep) };
    // (split only when the helper can take a part: on one thread a split is ~1.5 ms of work for nothing)
    const split = req.helper && this.useHelper && decodeHelper().usable ? this.splitPoint(postings, first) : this.unitCount;
    let found: part.Part;
    if (split <= 0 || split >= this.unitCount) found = part.partOf(this.tables, postings, query);
    else {
      // each part's lists (repetitions of a key share its first occurrence's), and the upper part's as ranges
      // of the postings' units for the helper
      const n = postings.length;
      const low: Uint32Array[] = new Array(n), high: Uint32Array[] = new Array(n);
      const lo = new Uint32Array(n), len = new Uint32Array(n);
      let capacity = 0;
      for (let q = 0; q < n; q++) {
        const f = first[q]!;
        if (f !== q) { low[q] = low[f]!; high[q] = high[f]!; continue; }
        const list = postings[q]!;
        const at = list.length && lowerBound(list, split, 0, list.length);
        // (most keys have no units: their list serves both parts as it is)
        low[q] = at === list.length ? list : list.subarray(0, at);
        high[q] = at === 0 ? list : list.subarray(at);
        lo[q] = list.byteOffset / 4 + at;
        capacity += len[q] = list.length - at;
      }
      const job = this.postPart({ type: 'candidates', reader: this.number, query: { ...query, units: unitColumns(req.units) }, first, lo, len },
        capacity);
      const lower = part.partOf(this.tables, low, query);
      this.splitQueries++;
      let upper = this.helperPart(job);
      if (upper) this.helperParts++;
      else upper = part.partOf(this.tables, high, query);
      found = part.mergeParts(lower, upper, req.limit);
    }
    return { skipped, candidateUnits: found.candidateUnits, dropped: found.dropped, records: found.records, groups: found.groups, clusters: found.top };
  }

  /**
   * Where to split a query's candidates between the threads: the first unit of a file near the middle of
   * the postings' (distinct) entries by unit id, or unitCount (not at all) for a query of few entries.
   */
  private splitPoint(postings: readonly Uint32Array[], first: Int32Array): number {
    const buckets = 256, scale = buckets / this.unitCount;
    const counts = new Float64Array(buckets);
    let total = 0;
    for (let q = 0; q < postings.length; q++) {
      if (first[q] !== q) continue;
      const list = postings[q]!, n = list.length;
      // (long lists sampled: ~32 entries each)
      const step = Math.max(1, n >>> 5);
      for (let j = 0; j < n; j += step) counts[Math.floor(list[j]! * scale)]! += Math.min(step, n - j);
      total += n;
    }
    if (total < this.splitEntries) return this.unitCount;
    let b = 0, below = 0;
    while (b < buckets - 1 && below + counts[b]! < HELPER_SHARE_LOW * total) below += counts[b++]!;
    let split = Math.floor((b + (HELPER_SHARE_LOW * total - below) / Math.max(1, counts[b]!)) / scale);
    split = Math.min(this.unitCount - 1, Math.max(0, split));
    // (back to the first unit of its file: a file's clusters are formed in one part)
    const file = this.unitFile[split]!;
    while (split > 0 && this.unitFile[split - 1] === file) split--;
    return split;
  }

  /** Hands the upper part to the decode helper (usable: candidates() checked): the job's control words. */
  private postPart(m: Omit<part.PartMessage, 'control' | 'records' | 'clusters'>, capacity: number): Int32Array {
    const helper = decodeHelper();
    if (!this.tablesSent) {
      helper.post({ type: 'tables', reader: this.number, tables: this.tables });
      this.tablesSent = true;
    }
    // (the output buffers are reused; the control words are not: a job this thread took back may still be
    // in the helper's queue, and must find its own words taken)
    const clusterBytes = 8 * part.CLUSTER_FIELDS * m.query.limit;
    let b = this.partBuffers;
    if (!b || b.records.byteLength < part.RECORD_BYTES * capacity || b.clusters.byteLength < clusterBytes) {
      b = this.partBuffers = { records: new SharedArrayBuffer(part.RECORD_BYTES * Math.max(capacity, 1 << 16)), clusters: new SharedArrayBuffer(clusterBytes) };
    }
    const control = new SharedArrayBuffer(4 * part.CONTROL_FIELDS);
    helper.post({ ...m, control, records: b.records, clusters: b.clusters });
    return new Int32Array(control);
  }

  /** The helper's part once it is done, or undefined when this thread is to do it (the helper did not take it up, or failed). */
  private helperPart(control: Int32Array): part.Part | undefined {
    if (Atomics.compareExchange(control, part.STATE, part.POSTED, part.OWN) === part.POSTED) return undefined;
    // (taken up: it takes about as long as the lower part did; one not done after PART_WAIT_MS never will be,
    // and its buffers are not reused, as the helper may still write them)
    if (Atomics.wait(control, part.STATE, part.TAKEN, PART_WAIT_MS) === 'timed-out') { this.partBuffers = undefined; return undefined; }
    if (Atomics.load(control, part.STATE) !== part.DONE) return undefined;
    const b = this.partBuffers!;
    return part.readPart(control, b.records, b.clusters);
  }

  async file(fileId: number): Promise<FileRecord> {
    this.open();
    const { seg, local, stream } = this.stream(fileId);
    return new StoredFileRecord(fileId, seg.repo.name, seg.strings.paths[local]!, seg.strings.languages[local]!, seg.strings.licenses[local] ?? seg.repo.license, stream);
  }

  /** A file's stream as cached (made, not decoded, when it is not). */
  private stream(fileId: number): { seg: Segment; local: number; key: string; stream: CachedStream } {
    if (!Number.isInteger(fileId) || fileId < 0 || fileId >= this.fileCount) throw new RangeError(`file id ${fileId} is not in this index snapshot`);
    const s = owner(this.fileBase, fileId);
    const seg = this.segments[s]!;
    const local = fileId - this.fileBase[s]!;
    const key = sharedStreamKey(seg.strings.languages[local]!, seg.strings.hashes[local]!, seg.tokenCount[local]!);
    let stream = this.cache.get(key);
    if (!stream) {
      const grown = (bytes: number) => this.cache.set(key, stream!, bytes);
      const helped = (chunk: number) => this.helped(key, chunk);
      stream = seg.chunked(local) ? new ChunkedStream(seg, local, grown, helped) : new WholeStream(seg, local, grown, helped);
      this.cache.set(key, stream, stream.bytes);
    }
    return { seg, local, key, stream };
  }

  /**
   * The matcher will read the codes of these regions of these files, in this order: the streams and chunks
   * among them not decoded yet are handed to the decode helper (decode-helper.ts), which decodes them from
   * the last while the matcher works from the first. An empty list ends the previous prefetch.
   */
  prefetch(regions: readonly { fileId: number; start: number; end: number }[]): void {
    this.open();
    this.job?.stop();
    this.job = undefined;
    this.jobItems.clear();
    // (a few streams are not worth a job)
    if (regions.length < MIN_PREFETCH || !this.useHelper) return;
    const helper = decodeHelper();
    if (!helper.usable) return;
    const items: Item[] = [];
    for (const r of regions) {
      const { seg, local, key, stream } = this.stream(r.fileId);
      const { n, table } = seg.tableOf(local);
      const tableKey = seg.serial * 65536 + n;
      for (const part of stream.undecoded(r.start, r.end)) {
        const itemKey = `${key}/${part}`;
        if (this.jobItems.has(itemKey)) continue;
        this.jobItems.set(itemKey, items.length);
        items.push({ ...seg.blobPlace(local, part < 0 ? undefined : { chunks: (stream as ChunkedStream).directory, i: part }), tableKey, table });
      }
    }
    if (items.length >= MIN_PREFETCH) this.job = new DecodeJob(items, helper);
    else this.jobItems.clear();
  }

  /** The decode helper's codes of a stream (chunk -1) or of one of its chunks, when it decoded them for the current prefetch. */
  private helped(key: string, chunk: number): Uint32Array | undefined {
    const i = this.jobItems.get(`${key}/${chunk}`);
    return i === undefined ? undefined : this.job?.take(i);
  }

  /** How many streams and chunks the current prefetch handed to the decode helper, and how many it has decoded (tests, benchmarks). */
  get prefetchItems(): number { return this.job ? this.jobItems.size : 0; }
  get helpedItems(): number { return this.job?.helped ?? 0; }
  /** How many lookups' candidates were split between the threads, and how many upper parts the helper did (tests, benchmarks). */
  splitQueries = 0;
  helperParts = 0;

  async repo(name: string): Promise<RepoSummary | undefined> {
    return this.manifest.repos.find((r) => r.name === name)?.summary;
  }

  async documentFrequency(shingles: Uint32Array): Promise<Uint16Array> {
    this.open();
    this.df ??= this.mergeShingles();
    const merged = await this.df;
    const df = new Uint16Array(shingles.length);
    const set = merged.shingles;
    for (let i = 0; i < shingles.length; i++) {
      const v = shingles[i]!;
      const j = lowerBound(set, v, 0, set.length);
      if (j < set.length && set[j] === v) df[i] = merged.repos[j]!;
    }
    return df;
  }

  /** One sorted table of all repositories' shingles with their repository counts (one binary search per query shingle). */
  private async mergeShingles(): Promise<{ shingles: Uint32Array; repos: Uint16Array }> {
    let total = 0;
    const sets: Uint32Array[] = [];
    for (const seg of this.segments) {
      const set = await seg.shingles();
      sets.push(set);
      total += set.length;
    }
    const all = new Uint32Array(total);
    let p = 0;
    for (const set of sets) { all.set(set, p); p += set.length; }
    all.sort();
    const repos = new Uint16Array(total);
    let d = 0;
    for (let i = 0; i < total; i++) {
      if (d > 0 && all[d - 1] === all[i]) { if (repos[d - 1]! < 0xffff) repos[d - 1]!++; continue; }
      all[d] = all[i]!;
      repos[d++] = 1;
    }
    for (const seg of this.segments) seg.releaseShingles();
    return { shingles: all.slice(0, d), repos: repos.slice(0, d) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // (the helper reads through the segments' descriptors: it is done with them before they close)
    this.job?.finish();
    this.job = undefined;
    if (this.tablesSent) decodeHelper().post({ type: 'forget', reader: this.number });
    this.cache.clear();
    await Promise.all(this.segments.map((s) => s.close()));
  }

  private open(): void {
    if (this.closed) throw new Error('index reader is closed');
  }
}

/**
 * A file's token stream as the reader caches it (shared by the files of the same bytes): arrays of the whole
 * file, of which load(start, end, all) makes the codes valid in [start, end), and with `all` the raw hashes
 * and lines too. The matcher aligns the codes of a query's candidate files and reads the raw tokens and lines
 * of few of them (those with a run long enough to be of use), and only near the regions it aligns.
 */
interface CachedStream {
  readonly codes: Uint32Array;
  readonly raw: Uint16Array;
  readonly lines: Uint32Array;
  /** bytes held */
  readonly bytes: number;
  /** the token count (without decoding anything) */
  readonly tokens: number;
  load(start: number, end: number, all: boolean): void;
  /** the parts whose codes in [start, end) are not decoded: -1 for a whole stream, chunk numbers */
  undecoded(start: number, end: number): number[];
}

/** A stream's codes (chunk -1) or a chunk's, as the decode helper decoded them, or undefined (decode them) */
type Helped = (chunk: number) => Uint32Array | undefined;

/** prefetches of fewer streams and chunks are decoded by the matcher's thread alone */
const MIN_PREFETCH = 4;

/**
 * A stream stored whole: its codes decoded when first read (several times faster than all of it; by the
 * decode helper when it got to them first), the rest when first read.
 */
class WholeStream implements CachedStream {
  private decoded: Uint32Array | undefined;
  private rest: Omit<FileTokens, 'codes'> | undefined;

  constructor(private readonly seg: Segment, private readonly local: number, private readonly grown: (bytes: number) => void,
    private readonly helped: Helped) {}

  get codes(): Uint32Array { return (this.decoded ??= this.helped(-1) ?? this.seg.codes(this.local)); }
  get tokens(): number { return this.seg.tokenCount[this.local]!; }
  get raw(): Uint16Array { return this.all().raw; }
  get lines(): Uint32Array { return this.all().lines; }
  get bytes(): number { return 4 * this.seg.tokenCount[this.local]! + (this.rest ? this.rest.raw.buffer.byteLength : 0); }

  /** (the codes are decoded whole when first read; raw and lines are decoded when first read) */
  load(): void {}

  undecoded(): number[] { return this.decoded ? [] : [-1]; }

  private all(): Omit<FileTokens, 'codes'> {
    if (!this.rest) {
      const t = this.seg.tokens(this.local);
      this.decoded ??= t.codes;
      this.rest = { raw: t.raw, lines: t.lines }; // (one buffer, its codes a copy of ours)
      this.grown(this.bytes);
    }
    return this.rest;
  }
}

/** A stream stored in chunks (blob.ts encodeStream): decoded chunk by chunk where it is read. */
class ChunkedStream implements CachedStream {
  readonly codes: Uint32Array;
  /** the raw hashes and lines, in one buffer made when a region first needs them (most streams never do) */
  private rest: Omit<FileTokens, 'codes'> | undefined;
  /** per chunk: 0 not decoded, 1 its codes, 2 everything */
  private readonly state: Uint8Array;
  /** where its chunks are */
  readonly directory: Chunks;

  constructor(private readonly seg: Segment, private readonly local: number, private readonly grown: (bytes: number) => void,
    private readonly helped: Helped) {
    this.directory = seg.chunks(local);
    // zero pages until the chunks read are written into it (an npm bundle of 575,000 tokens, for a region of a
    // few hundred: allocating its raw hashes and lines too made the garbage collector run for external memory)
    this.codes = new Uint32Array(seg.tokenCount[local]!);
    this.state = new Uint8Array(this.directory.crcs.length);
  }

  get raw(): Uint16Array { return this.all().raw; }
  get lines(): Uint32Array { return this.all().lines; }
  get bytes(): number { return this.codes.byteLength + (this.rest ? this.rest.lines.buffer.byteLength : 0); }
  get tokens(): number { return this.codes.length; }

  private all(): Omit<FileTokens, 'codes'> {
    if (!this.rest) {
      const t = this.codes.length;
      const buf = new ArrayBuffer(6 * t);
      this.rest = { lines: new Uint32Array(buf, 0, t), raw: new Uint16Array(buf, 4 * t, t) };
      this.grown(this.bytes);
    }
    return this.rest;
  }

  undecoded(start: number, end: number): number[] {
    const out: number[] = [];
    for (let i = this.first(start), last = this.last(end); i < last; i++) if (!this.state[i]) out.push(i);
    return out;
  }

  private first(start: number): number { return Math.floor(Math.max(0, start) / CHUNK_TOKENS); }
  private last(end: number): number { return Math.min(this.state.length, Math.ceil(end / CHUNK_TOKENS)); }

  load(start: number, end: number, all: boolean): void {
    const want = all ? 2 : 1;
    for (let i = this.first(start), last = this.last(end); i < last; i++) {
      if (this.state[i]! >= want) continue;
      const helped = all ? undefined : this.helped(i);
      if (helped) {
        this.codes.set(helped, i * CHUNK_TOKENS);
        this.state[i] = 1;
        continue;
      }
      const part = this.seg.chunk(this.local, this.directory, i, all);
      const at = i * CHUNK_TOKENS;
      if (this.state[i] === 0) this.codes.set(part.codes, at);
      if (part.raw && part.lines) {
        const rest = this.all();
        rest.raw.set(part.raw, at);
        rest.lines.set(part.lines, at);
      }
      this.state[i] = want;
    }
  }
}

/**
 * A stored file (FileRecord): its arrays are whole once read; `region` decodes only what a region needs
 * (the matcher's way in, see match.ts).
 */
class StoredFileRecord implements FileRecord {
  constructor(readonly id: number, readonly repo: string, readonly path: string, readonly language: LanguageId, readonly license: string,
    private readonly stream: CachedStream) {}

  get tokens(): number { return this.stream.tokens; }
  get codes(): Uint32Array { return this.region(0, this.tokens, false).codes; }
  get raw(): Uint16Array { return this.region(0, this.tokens, true).raw; }
  get lines(): Uint32Array { return this.region(0, this.tokens, true).lines; }

  region(start: number, end: number, all: boolean): Pick<FileRecord, 'codes' | 'raw' | 'lines'> {
    this.stream.load(start, end, all);
    return this.stream;
  }
}
