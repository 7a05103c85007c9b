// One open segment: the lookup structures in memory, token streams read from disk per file on demand.
import * as path from 'node:path';
import { keysAndShingles } from '../../core/fingerprint';
import type { FingerprintParams, LanguageId, Unit } from '../../core/types';
import { type IndexedFile, type RepoSummary, UNIT_KINDS } from '../store';
import { decodeStored } from './blob';
import { Malformed, decodeCodeTables, decodePostings, decodeSet, type StoredTable } from './codec';
import { ContainerReader } from './container';
import { Kind, SEGMENT_MAGIC, errors, u32From } from './format';
import { checkParams } from './manifest';
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

  private constructor(readonly file: string, private readonly c: ContainerReader) {}

  get fileCount(): number { return this.strings.paths.length; }
  get unitCount(): number { return this.unitKinds.length; }

  /**
   * Opens and loads a segment; `withPostings` decodes the band keys (readers need them, re-indexing does not).
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
    const nums = u32From(await c.section(Kind.FILE_NUMS), file, 'FILE_NUMS');
    if (nums.length !== 6 * f + 1) bad('file table has the wrong size');
    this.fileUnitStart = nums.subarray(0, f + 1);
    this.tokenCount = nums.subarray(f + 1, 2 * f + 1);
    this.sourceBytes = nums.subarray(2 * f + 1, 3 * f + 1);
    this.blobLength = nums.subarray(3 * f + 1, 4 * f + 1);
    this.blobCrc = nums.subarray(4 * f + 1, 5 * f + 1);
    this.fileTable = nums.subarray(5 * f + 1, 6 * f + 1);
    this.blobOffset = new Float64Array(f + 1);
    for (let i = 0; i < f; i++) this.blobOffset[i + 1] = this.blobOffset[i]! + this.blobLength[i]!;
    const blobs = c.entry(Kind.BLOBS);
    if (!blobs || blobs.length !== this.blobOffset[f]) bad('section BLOBS has the wrong size');

    this.unitKinds = await c.section(Kind.UNIT_KINDS);
    const u = this.unitKinds.length;
    this.unitStarts = u32From(await c.section(Kind.UNIT_STARTS), file, 'UNIT_STARTS');
    this.unitLengths = u32From(await c.section(Kind.UNIT_LENGTHS), file, 'UNIT_LENGTHS');
    if (this.unitStarts.length !== u || this.unitLengths.length !== u || this.fileUnitStart[f] !== u) bad('unit tables differ in size');
    const tables = await c.section(Kind.CODE_TABLES);
    this.tables = this.decoded('code tables', () => decodeCodeTables(tables));
    for (let i = 0; i < f; i++) if (this.fileTable[i]! >= this.tables.length) bad(`file ${i} names a code table that does not exist`);
    if (!withPostings) return;
    const [counts, low, lists, first] = [
      await c.section(Kind.POST_KEY_COUNTS), await c.section(Kind.POST_KEY_LOW), await c.section(Kind.POST_LISTS), await c.section(Kind.POST_FIRST),
    ];
    this.packedPostings = this.decoded('band keys', () => decodePostings({ keys: { counts, low }, lists, first }, u, u * this.params.bands));
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

  /** One file's token stream (a synchronous read: small, and usually in the page cache). */
  tokens(local: number): FileTokens {
    const blobs = this.c.entry(Kind.BLOBS)!;
    const stored = this.c.readSync(blobs.offset + this.blobOffset[local]!, this.blobLength[local]!);
    return decodeStored(stored, this.blobCrc[local]!, this.tables[this.fileTable[local]!]!, this.tokenCount[local]!,
      this.file, `token stream of ${this.strings.paths[local]}`);
  }

  /** Rebuilds the IndexedFile records (for incremental re-indexing); shingles and band keys are recomputed. */
  async indexedFiles(): Promise<Map<string, IndexedFile>> {
    const out = new Map<string, IndexedFile>();
    for (let i = 0; i < this.fileCount; i++) {
      const t = this.tokens(i);
      const u0 = this.fileUnitStart[i]!;
      const u1 = this.fileUnitStart[i + 1]!;
      const starts = this.unitStarts.slice(u0, u1);
      const ends = new Uint32Array(u1 - u0);
      const units: Unit[] = [];
      for (let j = 0; j < ends.length; j++) {
        ends[j] = starts[j]! + this.unitLengths[u0 + j]!;
        if (ends[j]! > t.codes.length) throw errors.corrupted(this.file, `unit ${u0 + j} lies outside its file`);
        units.push({ kind: UNIT_KINDS[this.unitKinds[u0 + j]!] ?? 'window', start: starts[j]!, end: ends[j]! });
      }
      const license = this.strings.licenses[i];
      const rec: IndexedFile = {
        path: this.strings.paths[i]!,
        language: this.strings.languages[i]!,
        ...(license != null ? { license } : {}),
        contentHash: this.strings.hashes[i]!,
        sourceBytes: this.sourceBytes[i]!,
        codes: t.codes, raw: t.raw, lines: t.lines,
        unitKinds: this.unitKinds.slice(u0, u1),
        unitStarts: starts,
        unitEnds: ends,
        ...keysAndShingles(t.codes, units, this.params),
      };
      out.set(rec.path, rec);
    }
    return out;
  }

  close(): Promise<void> {
    return this.c.close();
  }
}
