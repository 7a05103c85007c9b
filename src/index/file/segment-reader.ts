// One open segment: the lookup structures in memory, token streams read from disk per file on demand.
import * as path from 'node:path';
import type { FingerprintParams, LanguageId } from '../../core/types';
import type { CarriedFile, PreviousFile, PreviousFiles, RepoSummary, StoredTokens } from '../store';
import { chunkDirectory, chunkTokens, decodeChunk, decodeStored, decodeStoredCodes, directoryBound, isChunked, type Chunks } from './blob';
import { UNIT_KINDS } from '../../core/fingerprint';
import { windowCount, windows } from '../../core/minhash';
import { Malformed, UnitReader, decodeCodeTables, decodeFileNums, decodePostings, decodeSet, type StoredTable } from './codec';
import { ContainerReader } from './container';
import { Kind, SEGMENT_MAGIC, errors } from './format';
import { checkParams } from './manifest';
import { scratchBytes } from './io';
import type { SegmentPostings } from './postings';

export interface FileStrings {
  paths: string[];
  languages: LanguageId[];
  licenses: (string | null)[];
  hashes: string[];
}

export interface FileTokens {
  codes: Uint32Array;
  raw: Uint16Array;
  lines: Uint32Array;
}

/** Each unit's band keys (Segment.unitKeys). */
interface UnitKeys {
  readonly first: Uint32Array;
  readonly keys: Uint32Array;
}

let nextSerial = 0;

export class Segment {
  /** band keys ascending with local units; decoded on open for readers, which move them into their merged index */
  private packedPostings: SegmentPostings | undefined;
  unitKinds!: Uint8Array;
  unitStarts!: Uint32Array;
  unitLengths!: Uint32Array;
  /** first unit of each file, fileCount + 1 entries */
  fileUnitStart!: Uint32Array;
  tokenCount!: Uint32Array;
  sourceBytes!: Uint32Array;
  blobLength!: Uint32Array;
  blobCrc!: Uint32Array;
  blobOffset!: Float64Array;
  /** each file's code table, an index into `tables` */
  fileTable!: Uint32Array;
  /** the code tables the token streams index */
  tables!: StoredTable[];
  strings!: FileStrings;
  repo!: RepoSummary;
  params!: FingerprintParams;
  private distinctShingles: Uint32Array | undefined;
  private readonly carriedTables = new Map<number, StoredTokens['table']>();

  /** where the BLOBS section starts in the file (blobsOffset) */
  private blobsAt: number | undefined;
  /** a number unique among the segments this process opened (decode helper table keys) */
  readonly serial = nextSerial++;

  private constructor(readonly file: string, private readonly c: ContainerReader) {}

  get fileCount(): number { return this.strings.paths.length; }
  get unitCount(): number { return this.unitKinds.length; }

  /**
   * Opens and loads a segment; `withPostings` decodes the band keys (readers and re-indexing need them).
   * ENOENT propagates (the caller re-reads the manifest).
   */
  static async open(dir: string, name: string, withPostings = true): Promise<Segment> {
    const file = path.join(dir, name);
    const c = await ContainerReader.open(file, SEGMENT_MAGIC);
    const s = new Segment(file, c);
    try {
      await s.load(withPostings);
    } catch (e) {
      await c.close();
      throw e;
    }
    return s;
  }

  private async load(withPostings: boolean): Promise<void> {
    const { c, file } = this;
    const bad = (what: string): never => { throw errors.corrupted(file, what); };
    let meta: { repo: RepoSummary; params: unknown };
    try {
      meta = JSON.parse((await c.section(Kind.META)).toString('utf8'));
      this.strings = JSON.parse((await c.section(Kind.FILE_STRINGS)).toString('utf8'));
    } catch (e) {
      if (e instanceof SyntaxError) bad('metadata is not valid JSON');
      throw e;
    }
    this.repo = meta!.repo;
    this.params = checkParams(meta!.params, file);
    const f = this.strings?.paths?.length;
    if (typeof f !== 'number') bad('file table is malformed');
    const numBytes = await c.section(Kind.FILE_NUMS);
    const nums = this.decoded('file table', () => decodeFileNums(numBytes, f));
    ({ tokenCount: this.tokenCount, sourceBytes: this.sourceBytes, blobLength: this.blobLength, blobCrc: this.blobCrc } = nums);
    this.fileTable = nums.codeTable;
    this.blobOffset = new Float64Array(f + 1);
    for (let i = 0; i < f; i++) this.blobOffset[i + 1] = this.blobOffset[i]! + this.blobLength[i]!;
    const blobs = c.entry(Kind.BLOBS);
    if (!blobs || blobs.length !== this.blobOffset[f]) bad('section BLOBS has the wrong size');

    const columns = { kinds: await c.section(Kind.UNIT_KINDS), starts: await c.section(Kind.UNIT_STARTS), lengths: await c.section(Kind.UNIT_LENGTHS) };
    this.decoded('unit table', () => this.units(nums.units, new UnitReader(columns)));
    const u = this.unitCount;
    const tables = await c.section(Kind.CODE_TABLES);
    this.tables = this.decoded('code tables', () => decodeCodeTables(tables));
    for (let i = 0; i < f; i++) if (this.fileTable[i]! >= this.tables.length) bad(`file ${i} names a code table that does not exist`);
    if (!withPostings) return;
    const [counts, low, lengths, gaps, first] = [
      await c.section(Kind.POST_KEY_COUNTS), await c.section(Kind.POST_KEY_LOW), await c.section(Kind.POST_LENGTHS), await c.section(Kind.POST_LISTS),
      await c.section(Kind.POST_FIRST),
    ];
    this.packedPostings = this.decoded('band keys', () => decodePostings({ keys: { counts, low }, lengths, gaps, first }, u, u * this.params.bands));
  }

  /** Each file's stored units, then its index windows when they were left out (FileNums.units). */
  private units(fileUnits: Uint32Array, r: UnitReader): void {
    const f = fileUnits.length, stride = this.params.indexStride;
    this.fileUnitStart = new Uint32Array(f + 1);
    let total = 0;
    for (let i = 0; i < f; i++) {
      total += fileUnits[i]! >>> 1;
      if (fileUnits[i]! & 1) total += windowCount(this.tokenCount[i]!, this.params, stride);
      if (total > 0xffff_ffff) throw new Malformed('more units than a segment can have');
    }
    this.unitKinds = new Uint8Array(total);
    this.unitStarts = new Uint32Array(total);
    this.unitLengths = new Uint32Array(total);
    let at = 0;
    for (let i = 0; i < f; i++) {
      r.file();
      for (let j = fileUnits[i]! >>> 1; j > 0; j--) r.next(this.unitKinds, this.unitStarts, this.unitLengths, at++);
      if (fileUnits[i]! & 1) {
        windows(this.tokenCount[i]!, this.params, stride, (start, end) => {
          this.unitKinds[at] = WINDOW;
          this.unitStarts[at] = start;
          this.unitLengths[at++] = end - start;
        });
      }
      this.fileUnitStart[i + 1] = at;
    }
    r.end();
  }

  /** Runs a decoder; malformed input becomes a "corrupted" error naming what was read. */
  private decoded<T>(what: string, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof Malformed) throw errors.corrupted(this.file, `${what}: ${e.message}`);
      throw e;
    }
  }

  /** The band keys (ascending) with their local units; readers take them over and release them. */
  postings(): SegmentPostings {
    if (!this.packedPostings) throw new Error('segment was opened without postings');
    return this.packedPostings;
  }

  releasePostings(): void {
    this.packedPostings = undefined;
  }

  /** The repository's distinct shingles, loaded on first use. */
  async shingles(): Promise<Uint32Array> {
    if (!this.distinctShingles) {
      const counts = await this.c.section(Kind.SHINGLE_COUNTS);
      const low = await this.c.section(Kind.SHINGLE_LOW);
      this.distinctShingles = this.decoded('shingle set', () => decodeSet(counts, low));
    }
    return this.distinctShingles;
  }

  releaseShingles(): void {
    this.distinctShingles = undefined;
  }

  /** One file's stored token stream, unchecked (a synchronous read: small, and usually in the page cache), as readBlob gives it. */
  private stored(local: number): Uint8Array {
    return this.readBlob(local, 0, this.blobLength[local]!);
  }

  /** Bytes of a file's stored token stream, in a buffer reused by the next read (io.ts scratchBytes: every caller decodes or copies them at once). */
  private readBlob(local: number, offset: number, length: number): Uint8Array {
    return this.c.readSync(this.blobsOffset() + this.blobOffset[local]! + offset, length, scratchBytes(length));
  }

  /** where the BLOBS section starts in the file */
  private blobsOffset(): number {
    return (this.blobsAt ??= this.c.entry(Kind.BLOBS)!.offset);
  }

  /**
   * Where a file's stored stream is, or chunk i of it (`chunks` its directory): the segment's file
   * descriptor, position and length, its CRC and token count (a decode helper reads it, decode-helper.ts).
   */
  blobPlace(local: number, chunk?: { chunks: Chunks; i: number }): { fd: number; position: number; length: number; crc: number; tokens: number } {
    const base = this.blobsOffset() + this.blobOffset[local]!;
    if (!chunk) return { fd: this.c.fd, position: base, length: this.blobLength[local]!, crc: this.blobCrc[local]!, tokens: this.tokenCount[local]! };
    const { chunks, i } = chunk;
    const [a, b] = chunkTokens(i, this.tokenCount[local]!);
    return { fd: this.c.fd, position: base + chunks.offsets[i]!, length: chunks.offsets[i + 1]! - chunks.offsets[i]!, crc: chunks.crcs[i]!, tokens: b - a };
  }

  /** A file's code table (the one its stream decodes with). */
  tableOf(local: number): { n: number; table: StoredTable } {
    const n = this.fileTable[local]!;
    return { n, table: this.tables[n]! };
  }

  /** Whether a file's stream is stored in chunks (format 6 on, long streams: blob.ts encodeStream). */
  chunked(local: number): boolean {
    return this.c.header.major >= 6 && isChunked(this.tokenCount[local]!);
  }

  /** One file's token stream. */
  tokens(local: number): FileTokens {
    return decodeStored(this.stored(local), this.blobCrc[local]!, this.tables[this.fileTable[local]!]!, this.tokenCount[local]!,
      this.file, this.streamName(local), undefined, this.chunked(local));
  }

  /** Where a chunked file's chunks are (read from the start of its stream). */
  chunks(local: number): Chunks {
    const length = this.blobLength[local]!;
    const head = this.readBlob(local, 0, Math.min(length, directoryBound(this.tokenCount[local]!)));
    return this.decoded(this.streamName(local), () => chunkDirectory(head, this.tokenCount[local]!, length));
  }

  /** Chunk i of a chunked file (chunks: its directory), checked and decoded: codes alone, or everything when `all`. */
  chunk(local: number, chunks: Chunks, i: number, all: boolean): { codes: Uint32Array; raw?: Uint16Array; lines?: Uint32Array } {
    const bytes = this.readBlob(local, chunks.offsets[i]!, chunks.offsets[i + 1]! - chunks.offsets[i]!);
    return decodeChunk(bytes, chunks.crcs[i]!, this.tables[this.fileTable[local]!]!, this.tokenCount[local]!, i, all, this.file, this.streamName(local));
  }

  /** One file's token codes alone (what tokens() gives as `codes`; several times faster for a stream not chunked). */
  codes(local: number): Uint32Array {
    if (this.chunked(local)) return this.tokens(local).codes;
    return decodeStoredCodes(this.stored(local), this.blobCrc[local]!, this.tables[this.fileTable[local]!]!, this.tokenCount[local]!,
      this.file, this.streamName(local));
  }

  private streamName(local: number): string {
    return `token stream of ${this.strings.paths[local]}`;
  }

  /**
   * One file as re-indexing carries it over: its stored token stream with the stored CRC (checked where it is
   * decoded, blob.ts decodeStored) and table, its units and their band keys as stored (`keys`: unitKeys).
   */
  private carried(local: number, keys: UnitKeys): CarriedFile {
    const u0 = this.fileUnitStart[local]!;
    const u1 = this.fileUnitStart[local + 1]!;
    const tokens = this.tokenCount[local]!;
    const bands = this.params.bands;
    const unitStarts = this.unitStarts.slice(u0, u1);
    const unitEnds = new Uint32Array(u1 - u0);
    const bandKeys = new Uint32Array((u1 - u0) * bands);
    for (let j = 0; j < unitEnds.length; j++) {
      const u = u0 + j;
      unitEnds[j] = unitStarts[j]! + this.unitLengths[u]!;
      if (unitEnds[j]! > tokens) throw errors.corrupted(this.file, `unit ${u} lies outside its file`);
      const k0 = keys.first[u]!, k1 = keys.first[u + 1]!;
      if (k1 === k0 || k1 - k0 > bands) throw errors.corrupted(this.file, `unit ${u} has ${k1 - k0} band keys for ${bands} bands`);
      // its distinct keys, the last repeated for bands that had a key twice (IndexedFile.bandKeys)
      bandKeys.set(keys.keys.subarray(k0, k1), j * bands);
      bandKeys.fill(keys.keys[k1 - 1]!, j * bands + k1 - k0, (j + 1) * bands);
    }
    const license = this.strings.licenses[local];
    const stored: StoredTokens = {
      // a buffer of its own: it is posted to a worker, and a view on Node's buffer pool would post the whole pool
      tokens, stored: new Uint8Array(this.stored(local)), crc: this.blobCrc[local]!, table: this.codeTable(this.fileTable[local]!), source: this.file,
    };
    return {
      path: this.strings.paths[local]!,
      language: this.strings.languages[local]!,
      ...(license != null ? { license } : {}),
      contentHash: this.strings.hashes[local]!,
      sourceBytes: this.sourceBytes[local]!,
      unitKinds: this.unitKinds.slice(u0, u1),
      unitStarts,
      unitEnds,
      bandKeys,
      stored,
    };
  }

  /**
   * The postings turned around: each unit's distinct band keys, ascending, at keys[first[u] .. first[u + 1]).
   * The postings are released (the segment needs them for nothing else).
   */
  private unitKeys(): UnitKeys {
    const { keys, units } = this.postings();
    this.releasePostings();
    const n = this.unitCount;
    const first = new Uint32Array(n + 1);
    for (let i = 0; i < units.length; i++) first[units[i]! + 1]++;
    for (let u = 0; u < n; u++) first[u + 1] += first[u]!;
    const at = first.slice(0, n);
    const out = new Uint32Array(keys.length);
    for (let i = 0; i < keys.length; i++) out[at[units[i]!]!++] = keys[i]!;
    return { first, keys: out };
  }

  /** a stored table as a token blob's table (core/tokenize.ts CodeTable), made once per table */
  private codeTable(i: number): StoredTokens['table'] {
    let t = this.carriedTables.get(i);
    if (!t) {
      const { codes, valid, raws } = this.tables[i]!;
      t = { codes, valid, raws: raws ?? new Int32Array(codes.length).fill(-1) };
      this.carriedTables.set(i, t);
    }
    return t;
  }

  /** The segment's files for re-indexing (open it with postings); it stays open until the result is closed. */
  previousFiles(): PreviousFiles {
    const local = new Map<string, number>();
    this.strings.paths.forEach((p, i) => local.set(p, i));
    const keys = this.unitKeys();
    let closed: Promise<void> | undefined;
    return {
      size: local.size,
      get: (p: string): PreviousFile | undefined => {
        const i = local.get(p);
        // a stream this format chunks but an older one stored whole is not carried over: the file is read again
        if (i === undefined || (isChunked(this.tokenCount[i]!) && !this.chunked(i))) return undefined;
        return { contentHash: this.strings.hashes[i]!, record: async () => this.carried(i, keys) };
      },
      close: () => (closed ??= this.close()),
    };
  }

  close(): Promise<void> {
    return this.c.close();
  }
}

const WINDOW = UNIT_KINDS.indexOf('window');
