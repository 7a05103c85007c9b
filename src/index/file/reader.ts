// A reader over one snapshot of the index: the segments the MANIFEST listed when it was opened.
import type { FingerprintParams } from '../../core/types';
import { type FileRecord, type IndexReader, type RepoSummary, type UnitRecord, UNIT_KINDS } from '../store';
import { lowerBound, owner } from './arrays';
import { MergedPostings } from './postings';
import { ByteLru } from './lru';
import type { Manifest } from './manifest';
import type { Segment } from './segment-reader';

export class FileIndexReader implements IndexReader {
  readonly params: FingerprintParams;
  readonly repoCount: number;
  readonly unitCount: number;
  /** global id = base[segment] + local id (segments in manifest order) */
  private readonly unitBase: Float64Array;
  private readonly fileBase: Float64Array;
  private readonly fileCount: number;
  private readonly cache: ByteLru<number, FileRecord>;
  private readonly postings: MergedPostings;
  private closed = false;

  constructor(private readonly manifest: Manifest, private readonly segments: readonly Segment[], cacheBytes: number) {
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
  }

  async lookup(keys: Uint32Array, maxPostings: number): Promise<{ postings: Uint32Array[]; skipped: number }> {
    this.open();
    return this.postings.lookup(keys, maxPostings);
  }

  async units(ids: readonly number[]): Promise<UnitRecord[]> {
    this.open();
    return ids.map((id) => {
      if (!Number.isInteger(id) || id < 0 || id >= this.unitCount) throw new RangeError(`unit id ${id} is not in this index snapshot`);
      const s = owner(this.unitBase, id);
      const seg = this.segments[s]!;
      const local = id - this.unitBase[s]!;
      const start = seg.unitStarts[local]!;
      return {
        id,
        fileId: this.fileBase[s]! + owner(seg.fileUnitStart, local),
        kind: UNIT_KINDS[seg.unitKinds[local]!] ?? 'window',
        startToken: start,
        endToken: start + seg.unitLengths[local]!,
      };
    });
  }

  async file(fileId: number): Promise<FileRecord> {
    this.open();
    const hit = this.cache.get(fileId);
    if (hit) return hit;
    if (!Number.isInteger(fileId) || fileId < 0 || fileId >= this.fileCount) throw new RangeError(`file id ${fileId} is not in this index snapshot`);
    const s = owner(this.fileBase, fileId);
    const seg = this.segments[s]!;
    const local = fileId - this.fileBase[s]!;
    const t = seg.tokens(local);
    const rec: FileRecord = {
      id: fileId,
      repo: seg.repo.name,
      path: seg.strings.paths[local]!,
      language: seg.strings.languages[local]!,
      license: seg.strings.licenses[local] ?? seg.repo.license,
      codes: t.codes,
      raw: t.raw,
      lines: t.lines,
    };
    this.cache.set(fileId, rec, t.codes.buffer.byteLength + (t.raw.buffer === t.codes.buffer ? 0 : t.raw.buffer.byteLength));
    return rec;
  }

  async repo(name: string): Promise<RepoSummary | undefined> {
    return this.manifest.repos.find((r) => r.name === name)?.summary;
  }

  async documentFrequency(shingles: Uint32Array): Promise<Uint16Array> {
    this.open();
    const df = new Uint16Array(shingles.length);
    for (const seg of this.segments) {
      const set = await seg.shingles();
      for (let i = 0; i < shingles.length; i++) {
        const v = shingles[i]!;
        const j = lowerBound(set, v, 0, set.length);
        if (j < set.length && set[j] === v && df[i]! < 0xffff) df[i]!++;
      }
    }
    return df;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cache.clear();
    await Promise.all(this.segments.map((s) => s.close()));
  }

  private open(): void {
    if (this.closed) throw new Error('index reader is closed');
  }
}
