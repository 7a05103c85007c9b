// Builds one repository's segment from a stream of IndexedFile records. Token streams are deflated and
// written to disk per file as they arrive; what stays in memory is numbers in typed arrays (units, band
// keys, shingles) plus one path/hash string per file.
import { deflateRawSync } from 'node:zlib';
import type { FingerprintParams } from '../../core/types';
import type { IndexedFile, RepoMeta, RepoSummary } from '../store';
import { GrowU32, GrowU8, sortPostings, sortUnique } from './arrays';
import { ContainerWriter, DEFLATE_LEVEL } from './container';
import { Kind, SEGMENT_MAGIC, deltaEncode, leBytes } from './format';
import { crc32 } from './crc32';

const SECTION_COUNT = 10;

export class SegmentBuilder {
  private readonly w: ContainerWriter;
  private readonly paths: string[] = [];
  private readonly languages: string[] = [];
  private readonly licenses: (string | null)[] = [];
  private readonly hashes: string[] = [];
  private readonly seen = new Set<string>();
  private readonly unitStart = new GrowU32();
  private readonly tokenCount = new GrowU32();
  private readonly shingleCount = new GrowU32();
  private readonly sourceBytes = new GrowU32();
  private readonly blobLength = new GrowU32();
  private readonly blobCrc = new GrowU32();
  private readonly unitKinds = new GrowU8();
  private readonly unitStarts = new GrowU32();
  private readonly unitLengths = new GrowU32();
  private readonly bandKeys = new GrowU32();
  private shingles = new GrowU32();
  /** size of the shingle buffer after its last sort + dedupe; compact again when it doubles */
  private shinglesCompacted = 0;
  private tokens = 0;
  private bytes = 0;

  constructor(readonly tmp: string, private readonly params: FingerprintParams) {
    this.w = new ContainerWriter(tmp, SEGMENT_MAGIC, SECTION_COUNT);
    this.w.beginStream(Kind.BLOBS);
    this.unitStart.push(0);
  }

  add(f: IndexedFile): void {
    check(f, this.params.bands);
    if (this.seen.has(f.path)) throw new Error(`${f.path}: the same path was given twice to putRepo`);
    this.seen.add(f.path);
    const t = f.codes.length;
    const s = f.shingles.length;
    const blob = Buffer.allocUnsafe(10 * t + 4 * s);
    const u32 = new Uint32Array(2 * t + s);
    u32.set(f.codes, 0);
    for (let i = 0; i < t; i++) u32[t + i] = (f.lines[i]! - (i ? f.lines[i - 1]! : 0)) >>> 0;
    u32.set(f.shingles, 2 * t);
    blob.set(leBytes(u32), 0);
    blob.set(leBytes(f.raw), 4 * u32.length);
    const stored = deflateRawSync(blob, { level: DEFLATE_LEVEL });
    this.w.append(stored);
    this.paths.push(f.path);
    this.languages.push(f.language);
    this.licenses.push(f.license ?? null);
    this.hashes.push(f.contentHash);
    this.tokenCount.push(t);
    this.shingleCount.push(s);
    this.sourceBytes.push(Math.min(f.sourceBytes, 0xffff_ffff));
    this.blobLength.push(stored.length);
    this.blobCrc.push(crc32(stored));
    this.unitKinds.pushAll(f.unitKinds);
    this.unitStarts.pushAll(f.unitStarts);
    const lengths = new Uint32Array(f.unitStarts.length);
    for (let i = 0; i < lengths.length; i++) lengths[i] = f.unitEnds[i]! - f.unitStarts[i]!;
    this.unitLengths.pushAll(lengths);
    this.unitStart.push(this.unitStarts.n);
    this.bandKeys.pushAll(f.bandKeys);
    this.shingles.pushAll(f.shingles);
    if (this.shingles.n > 2 * this.shinglesCompacted + (1 << 20)) this.compactShingles();
    this.tokens += t;
    this.bytes += f.sourceBytes;
    if (this.bandKeys.n >= 0xffff_ffff) throw new Error('repository too large for one segment (2^32 band entries)');
  }

  private compactShingles(): void {
    const distinct = sortUnique(this.shingles.view());
    this.shingles.n = distinct.length;
    this.shinglesCompacted = distinct.length;
  }

  /** Writes all remaining sections and the header, fsyncs and closes the temp file. */
  finish(meta: RepoMeta): RepoSummary {
    const w = this.w;
    w.endStream();
    const summary: RepoSummary = {
      ...meta, files: this.paths.length, units: this.unitStarts.n, tokens: this.tokens, sourceBytes: this.bytes,
    };
    w.add(Kind.META, Buffer.from(JSON.stringify({ repo: summary, params: this.params })), false);
    const strings = { paths: this.paths, languages: this.languages, licenses: this.licenses, hashes: this.hashes };
    w.add(Kind.FILE_STRINGS, Buffer.from(JSON.stringify(strings)), true);
    const f = this.paths.length;
    const nums = new Uint32Array(6 * f + 1);
    nums.set(this.unitStart.view(), 0);
    nums.set(this.tokenCount.view(), f + 1);
    nums.set(this.shingleCount.view(), 2 * f + 1);
    nums.set(this.sourceBytes.view(), 3 * f + 1);
    nums.set(this.blobLength.view(), 4 * f + 1);
    nums.set(this.blobCrc.view(), 5 * f + 1);
    w.add(Kind.FILE_NUMS, leBytes(nums), true);
    w.add(Kind.UNIT_KINDS, this.unitKinds.view(), true);
    w.add(Kind.UNIT_STARTS, leBytes(this.unitStarts.view()), true);
    w.add(Kind.UNIT_LENGTHS, leBytes(this.unitLengths.view()), true);
    this.compactShingles();
    w.add(Kind.SHINGLES, leBytes(deltaEncode(this.shingles.view())), true);
    this.shingles = new GrowU32(1);
    const { keys, slots } = sortPostings(this.bandKeys.view());
    w.add(Kind.POST_SLOTS, leBytes(slots), true);
    w.add(Kind.POST_KEYS, leBytes(deltaEncode(keys)), true);
    w.finish();
    return summary;
  }

  abort(): void {
    this.w.abort();
  }
}

function check(f: IndexedFile, bands: number): void {
  const t = f.codes.length;
  const u = f.unitKinds.length;
  const bad = (what: string): never => { throw new Error(`${f.path}: IndexedFile ${what}`); };
  if (f.raw.length !== t || f.lines.length !== t) bad('codes, raw and lines differ in length');
  if (f.unitStarts.length !== u || f.unitEnds.length !== u) bad('unit arrays differ in length');
  if (f.bandKeys.length !== u * bands) bad(`has ${f.bandKeys.length} band keys for ${u} units of ${bands} bands`);
  for (let i = 0; i < u; i++) {
    if (f.unitEnds[i]! < f.unitStarts[i]! || f.unitEnds[i]! > t) bad(`unit ${i} has token range outside the file`);
  }
}
