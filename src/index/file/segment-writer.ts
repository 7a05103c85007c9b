// Builds one repository's segment from a stream of IndexedFile records. Token streams are written to disk
// per file as they arrive, as token blobs (IndexedFile.tokenBlob: encoded and deflated by the indexer's
// workers, or carried over as stored by a re-index); records given as codes (store tests, benchmarks) are
// encoded here. What stays in memory is numbers in typed arrays (units, band keys, shingles) plus one
// path/hash string per file.
import type { CodeTable } from '../../core/tokenize';
import { UNIT_KINDS } from '../../core/fingerprint';
import { windowCount, windows } from '../../core/minhash';
import type { FingerprintParams } from '../../core/types';
import type { IndexedFile, RepoMeta, RepoSummary } from '../store';
import { GrowU32, sortPostings, sortUnique } from './arrays';
import { UnitWriter, encodeCodeTables, encodeFileNums, encodePostings, encodeSet } from './codec';
import { encodeStream } from './blob';
import { ContainerWriter } from './container';
import { Kind, SEGMENT_MAGIC } from './format';
import { crc32 } from './crc32';

const SECTION_COUNT = 15;

export class SegmentBuilder {
  private readonly w: ContainerWriter;
  private readonly paths: string[] = [];
  private readonly languages: string[] = [];
  private readonly licenses: (string | null)[] = [];
  private readonly hashes: string[] = [];
  private readonly seen = new Set<string>();
  /** per file FileNums.units: its stored units * 2 + 1 when its index windows follow them, not stored */
  private readonly fileUnits = new GrowU32();
  private readonly tokenCount = new GrowU32();
  /** each file's code table: 0 (`vocab`) or 1 + an index into `blobTables` */
  private readonly fileTable = new GrowU32();
  /**
   * The code tables of CODE_TABLES after table 0 (`vocab`): per language, the codes the token blobs use, of
   * the workers' frozen tables or of the stored tables of a previous segment that carried-over blobs index.
   */
  private readonly blobTables: { language: string; codes: Uint32Array; raws: Int32Array; used: Uint8Array }[] = [];
  /** table 0, grown in order of first use for files that come without a token blob (encoded by this thread): code -> index */
  private readonly vocab = new Map<number, number>();
  private readonly sourceBytes = new GrowU32();
  private readonly blobLength = new GrowU32();
  private readonly blobCrc = new GrowU32();
  private readonly units = new UnitWriter();
  /** all units, stored or not */
  private unitCount = 0;
  private readonly bandKeys = new GrowU32();
  private shingles = new GrowU32();
  /** size of the shingle buffer after its last sort + dedupe; compact again when it doubles */
  private shinglesCompacted = 0;
  private tokens = 0;
  private bytes = 0;

  constructor(readonly tmp: string, private readonly params: FingerprintParams) {
    this.w = new ContainerWriter(tmp, SEGMENT_MAGIC, SECTION_COUNT);
    this.w.beginStream(Kind.BLOBS);
  }

  add(f: IndexedFile): void {
    check(f, this.params.bands);
    if (this.seen.has(f.path)) throw new Error(`${f.path}: the same path was given twice to putRepo`);
    this.seen.add(f.path);
    const t = tokenCount(f);
    let stored: Uint8Array, crc: number;
    if (f.tokenBlob) {
      ({ stored, crc } = f.tokenBlob);
      this.fileTable.push(this.useTable(f.language, f.tokenBlob.table, f.tokenBlob.used));
    } else {
      stored = encodeStream(f.codes, f.raw, f.lines, this.vocab);
      crc = crc32(stored);
      this.fileTable.push(0);
    }
    this.w.append(stored);
    this.paths.push(f.path);
    this.languages.push(f.language);
    this.licenses.push(f.license ?? null);
    this.hashes.push(f.contentHash);
    this.tokenCount.push(t);
    this.sourceBytes.push(Math.min(f.sourceBytes, 0xffff_ffff));
    this.blobLength.push(stored.length);
    this.blobCrc.push(crc);
    const u = f.unitKinds.length;
    const kept = u - this.implied(f, t);
    this.units.file();
    for (let i = 0; i < kept; i++) this.units.add(f.unitKinds[i]!, f.unitStarts[i]!, f.unitEnds[i]!);
    this.fileUnits.push(2 * kept + (kept < u ? 1 : 0));
    this.unitCount += u;
    this.bandKeys.pushAll(f.bandKeys);
    this.shingles.pushAll(f.shingles);
    if (this.shingles.n > 2 * this.shinglesCompacted + (1 << 20)) this.compactShingles();
    this.tokens += t;
    this.bytes += f.sourceBytes;
    if (this.bandKeys.n >= 0xffff_ffff) throw new Error('repository too large for one segment (2^32 band entries)');
  }

  /**
   * How many of the file's last units are its index windows (core/minhash.ts windows), which a reader can
   * recompute from its token count: all of its windows, or 0 when its units do not end with exactly those.
   */
  private implied(f: IndexedFile, tokens: number): number {
    const stride = this.params.indexStride;
    const u = f.unitKinds.length, n = windowCount(tokens, this.params, stride);
    if (n === 0 || n > u) return 0;
    let i = u - n, same = true;
    windows(tokens, this.params, stride, (s, e) => {
      same &&= f.unitKinds[i] === WINDOW && f.unitStarts[i] === s && f.unitEnds[i] === e;
      i++;
    });
    return same ? n : 0;
  }

  /**
   * The segment's table for a blob of `language` indexing `table` at the `used` indexes: the first of that
   * language and length that has the same code and constant raw at every index both use (added when none
   * has), with the blob's codes merged in. A grammar's frozen table and the stored tables made from it agree
   * wherever both are used, so fresh and carried-over blobs share one table, as in a fresh index.
   */
  private useTable(language: string, table: CodeTable, used: Uint8Array): number {
    const n = table.codes.length;
    if (used.length !== n || table.raws.length !== n) throw new Error('a token blob\'s code table and used marks differ in length');
    let i = this.blobTables.findIndex((x) => x.language === language && x.codes.length === n && agrees(x, table, used));
    if (i < 0) {
      i = this.blobTables.length;
      this.blobTables.push({ language, codes: new Uint32Array(n), raws: new Int32Array(n).fill(-1), used: new Uint8Array(n) });
    }
    const t = this.blobTables[i]!;
    for (let j = 0; j < n; j++) {
      if (!used[j] || t.used[j]) continue;
      t.used[j] = 1;
      t.codes[j] = table.codes[j]!;
      t.raws[j] = table.raws[j]!;
    }
    return 1 + i;
  }

  private compactShingles(): void {
    const distinct = sortUnique(this.shingles.view());
    this.shingles.n = distinct.length;
    this.shinglesCompacted = distinct.length;
  }

  /** Writes all remaining sections and the header, fsyncs and closes the temp file. */
  async finish(meta: RepoMeta): Promise<RepoSummary> {
    const w = this.w;
    w.endStream();
    const summary: RepoSummary = {
      ...meta, files: this.paths.length, units: this.unitCount, tokens: this.tokens, sourceBytes: this.bytes,
    };
    w.add(Kind.META, Buffer.from(JSON.stringify({ repo: summary, params: this.params })), false);
    const strings = { paths: this.paths, languages: this.languages, licenses: this.licenses, hashes: this.hashes };
    w.add(Kind.FILE_STRINGS, Buffer.from(JSON.stringify(strings)), true);
    w.add(Kind.FILE_NUMS, encodeFileNums({
      units: this.fileUnits.view(), tokenCount: this.tokenCount.view(), sourceBytes: this.sourceBytes.view(),
      blobLength: this.blobLength.view(), codeTable: this.fileTable.view(), blobCrc: this.blobCrc.view(),
    }), true);
    const units = this.units.columns();
    w.add(Kind.UNIT_KINDS, units.kinds, true);
    w.add(Kind.UNIT_STARTS, units.starts, true);
    w.add(Kind.UNIT_LENGTHS, units.lengths, true);
    const vocab = { codes: Uint32Array.from(this.vocab.keys()), used: new Uint8Array(this.vocab.size).fill(1) };
    w.add(Kind.CODE_TABLES, encodeCodeTables([vocab, ...this.blobTables]), true);
    this.compactShingles();
    const shingles = encodeSet(this.shingles.view());
    this.shingles = new GrowU32(1);
    w.add(Kind.SHINGLE_COUNTS, shingles.counts, true);
    w.add(Kind.SHINGLE_LOW, shingles.low, false);
    const { keys, slots } = sortPostings(this.bandKeys.view());
    const bands = this.params.bands;
    for (let i = 0; i < slots.length; i++) slots[i] = Math.floor(slots[i]! / bands); // slot -> unit
    const postings = encodePostings(keys, slots, this.unitCount);
    w.add(Kind.POST_KEY_COUNTS, postings.keys.counts, true);
    w.add(Kind.POST_KEY_LOW, postings.keys.low, false);
    w.add(Kind.POST_LENGTHS, postings.lengths, true);
    w.add(Kind.POST_LISTS, postings.gaps, true);
    w.add(Kind.POST_FIRST, postings.first, false);
    await w.finish();
    return summary;
  }

  abort(): void {
    this.w.abort();
  }
}

/** true when `t` and `table` have the same code and raw at every index both use */
function agrees(t: CodeTable & { used: Uint8Array }, table: CodeTable, used: Uint8Array): boolean {
  for (let j = 0; j < used.length; j++) {
    if (used[j] && t.used[j] && (t.codes[j] !== table.codes[j] || t.raws[j] !== table.raws[j])) return false;
  }
  return true;
}

const WINDOW = UNIT_KINDS.indexOf('window');

const tokenCount = (f: IndexedFile): number => f.tokenBlob?.tokens ?? f.codes.length;

function check(f: IndexedFile, bands: number): void {
  const t = tokenCount(f);
  const u = f.unitKinds.length;
  const bad = (what: string): never => { throw new Error(`${f.path}: IndexedFile ${what}`); };
  if (f.tokenBlob ? f.codes.length || f.raw.length || f.lines.length : f.raw.length !== t || f.lines.length !== t) {
    bad(f.tokenBlob ? 'has both a token blob and a token stream' : 'codes, raw and lines differ in length');
  }
  if (f.unitStarts.length !== u || f.unitEnds.length !== u) bad('unit arrays differ in length');
  if (f.bandKeys.length !== u * bands) bad(`has ${f.bandKeys.length} band keys for ${u} units of ${bands} bands`);
  for (let i = 0; i < u; i++) {
    if (f.unitEnds[i]! < f.unitStarts[i]! || f.unitEnds[i]! > t) bad(`unit ${i} has token range outside the file`);
  }
}
