// One open segment: the lookup structures in memory, token streams read from disk per file on demand.
import * as path from 'node:path';
import type { FingerprintParams, LanguageId } from '../../core/types';
import type { IndexedFile, RepoSummary } from '../store';
import { ContainerReader, inflate } from './container';
import { crc32 } from './crc32';
import { Kind, SEGMENT_MAGIC, deltaDecode, errors, u16From, u32From } from './format';
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
  shingles: Uint32Array;
}

export class Segment {
  /** band keys ascending and their slots (localUnit * bands + band); a reader moves them into its merged index */
  keys!: Uint32Array;
  slots!: Uint32Array;
  unitKinds!: Uint8Array;
  unitStarts!: Uint32Array;
  unitLengths!: Uint32Array;
  /** first unit of each file, fileCount + 1 entries */
  fileUnitStart!: Uint32Array;
  tokenCount!: Uint32Array;
  shingleCount!: Uint32Array;
  sourceBytes!: Uint32Array;
  blobLength!: Uint32Array;
  blobCrc!: Uint32Array;
  blobOffset!: Float64Array;
  strings!: FileStrings;
  repo!: RepoSummary;
  params!: FingerprintParams;
  private distinctShingles: Uint32Array | undefined;

  private constructor(readonly file: string, private readonly c: ContainerReader) {}

  get fileCount(): number { return this.strings.paths.length; }
  get unitCount(): number { return this.unitKinds.length; }

  /** Opens and loads a segment. ENOENT propagates (the caller re-reads the manifest). */
  static async open(dir: string, name: string): Promise<Segment> {
    const file = path.join(dir, name);
    const c = await ContainerReader.open(file, SEGMENT_MAGIC);
    const s = new Segment(file, c);
    try {
      await s.load();
    } catch (e) {
      await c.close();
      throw e;
    }
    return s;
  }

  private async load(): Promise<void> {
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
    this.shingleCount = nums.subarray(2 * f + 1, 3 * f + 1);
    this.sourceBytes = nums.subarray(3 * f + 1, 4 * f + 1);
    this.blobLength = nums.subarray(4 * f + 1, 5 * f + 1);
    this.blobCrc = nums.subarray(5 * f + 1, 6 * f + 1);
    this.blobOffset = new Float64Array(f + 1);
    for (let i = 0; i < f; i++) this.blobOffset[i + 1] = this.blobOffset[i]! + this.blobLength[i]!;
    const blobs = c.entry(Kind.BLOBS);
    if (!blobs || blobs.length !== this.blobOffset[f]) bad('section BLOBS has the wrong size');

    this.unitKinds = await c.section(Kind.UNIT_KINDS);
    const u = this.unitKinds.length;
    this.unitStarts = u32From(await c.section(Kind.UNIT_STARTS), file, 'UNIT_STARTS');
    this.unitLengths = u32From(await c.section(Kind.UNIT_LENGTHS), file, 'UNIT_LENGTHS');
    if (this.unitStarts.length !== u || this.unitLengths.length !== u || this.fileUnitStart[f] !== u) bad('unit tables differ in size');

    const e = u * this.params.bands;
    this.keys = deltaDecode(u32From(await c.section(Kind.POST_KEYS), file, 'POST_KEYS'));
    this.slots = u32From(await c.section(Kind.POST_SLOTS), file, 'POST_SLOTS');
    if (this.keys.length !== e || this.slots.length !== e) bad('posting tables have the wrong size');
    const keys = this.keys;
    const slots = this.slots;
    for (let i = 1; i < e; i++) if (keys[i]! < keys[i - 1]!) bad('band keys are not sorted');
    for (let i = 0; i < e; i++) if (slots[i]! >= e) bad('a posting names a unit that does not exist');
  }

  /** The postings with local unit ids (slot / bands). */
  postings(): SegmentPostings {
    const b = this.params.bands;
    return { keys: this.keys, units: Uint32Array.from(this.slots, (s) => Math.floor(s / b)) };
  }

  releasePostings(): void {
    this.keys = new Uint32Array(0);
    this.slots = new Uint32Array(0);
  }

  /** The repository's distinct shingles, loaded on first use. */
  async shingles(): Promise<Uint32Array> {
    this.distinctShingles ??= deltaDecode(u32From(await this.c.section(Kind.SHINGLES), this.file, 'SHINGLES'));
    return this.distinctShingles;
  }

  async tokens(local: number): Promise<FileTokens> {
    const blobs = this.c.entry(Kind.BLOBS)!;
    const stored = await this.c.read(blobs.offset + this.blobOffset[local]!, this.blobLength[local]!);
    const what = `token stream of ${this.strings.paths[local]}`;
    if (crc32(stored) !== this.blobCrc[local]) throw errors.corrupted(this.file, `${what}: checksum mismatch`);
    const blob = inflate(stored, this.file, what);
    const t = this.tokenCount[local]!;
    const s = this.shingleCount[local]!;
    if (blob.length !== 10 * t + 4 * s) throw errors.corrupted(this.file, `${what} has the wrong size`);
    const u32 = u32From(blob.subarray(0, 4 * (2 * t + s)), this.file, what);
    const lines = deltaDecode(u32.subarray(t, 2 * t));
    return { codes: u32.subarray(0, t), lines, shingles: u32.subarray(2 * t), raw: u16From(blob.subarray(4 * (2 * t + s)), this.file, what) };
  }

  /** Rebuilds the IndexedFile records (for incremental re-indexing). */
  async indexedFiles(): Promise<Map<string, IndexedFile>> {
    const b = this.params.bands;
    const bandKeys = new Uint32Array(this.keys.length);
    for (let i = 0; i < this.keys.length; i++) bandKeys[this.slots[i]!] = this.keys[i]!;
    const out = new Map<string, IndexedFile>();
    for (let i = 0; i < this.fileCount; i++) {
      const t = await this.tokens(i);
      const u0 = this.fileUnitStart[i]!;
      const u1 = this.fileUnitStart[i + 1]!;
      const starts = this.unitStarts.slice(u0, u1);
      const ends = new Uint32Array(u1 - u0);
      for (let j = 0; j < ends.length; j++) ends[j] = starts[j]! + this.unitLengths[u0 + j]!;
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
        bandKeys: bandKeys.slice(u0 * b, u1 * b),
        shingles: t.shingles,
      };
      out.set(rec.path, rec);
    }
    return out;
  }

  close(): Promise<void> {
    return this.c.close();
  }
}
