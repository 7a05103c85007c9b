// A lookup's candidate clusters, found on two threads. Finding them (the hit table of the query's postings,
// the candidate units' columns, their clustering: core/cluster.ts) is a third to a half of a large query's
// lookup against a large index, and all of it is per source file: the reader splits the unit ids into two
// ranges of whole files (global unit ids ascend with file ids), gives the upper one to the decode helper
// (decode-helper.ts, idle until the lookup's prefetch) and does the lower one itself. The parts' results
// are those of the whole restricted to their files, in the same order (hits in order of first hit, groups in
// order of file), so the merge is exact: records of the lower part then the upper, and the clusters merged by
// hit count, the lower part first on ties (clusterHits orders ties by file).
//
// This module is what both threads run: the computation of one part and the layout of the job's shared
// memory. The helper reads the reader's unit tables (and the postings' unit ids) in shared memory, sent once
// per reader.
import { candidateHits, clusterHits, type Cluster } from '../../core/cluster';
import type { unitColumns } from '../../core/fingerprint';
import type { UnitColumns } from '../store';

/** The reader's tables a part needs, in shared memory (FileIndexReader; the helper keeps them per reader). */
export interface UnitTables {
  /** the merged postings' unit ids (postings.ts), which the job's lists are ranges of */
  readonly postingsUnits: Uint32Array;
  /** per global unit: its global file id, kind code, start token and end token */
  readonly unitFile: Uint32Array;
  readonly unitKind: Uint8Array;
  readonly unitStart: Uint32Array;
  readonly unitEnd: Uint32Array;
  /** per global file: its language's number (see verdicts) */
  readonly fileLanguage: Uint8Array;
}

/** One part's result. */
export interface Part {
  /** candidate units (before the language test) */
  readonly candidateUnits: number;
  /** candidate units of other languages, dropped */
  readonly dropped: number;
  readonly groups: number;
  readonly records: UnitColumns;
  /** its most-hit clusters, most-hit first (clusterHits) */
  readonly top: Cluster[];
}

/** What a part needs besides its postings. */
export interface PartQuery {
  readonly keys: Uint32Array;
  readonly bands: number;
  readonly perUnit: number;
  readonly minBandHits: number;
  readonly limit: number;
  readonly units: readonly { start: number; end: number }[];
  /** per language number of the reader: 1 to keep its units */
  readonly verdicts: Uint8Array;
}

/** The units of `ids` as columns, from the tables: those whose file's language has verdict 1, and how many were not. */
export function columnsOf(t: UnitTables, ids: ArrayLike<number>, verdicts: Uint8Array): { columns: UnitColumns; dropped: number } {
  const n = ids.length, count = t.unitFile.length;
  const columns = { ids: new Uint32Array(n), fileId: new Uint32Array(n), start: new Uint32Array(n), end: new Uint32Array(n), kind: new Uint8Array(n) };
  const { unitFile, unitStart, unitEnd, unitKind, fileLanguage } = t;
  let w = 0;
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id < count && Number.isInteger(id))) throw new RangeError(`unit id ${id} is not in this index snapshot`);
    const f = unitFile[id]!;
    if (!verdicts[fileLanguage[f]!]) continue;
    columns.ids[w] = id; columns.fileId[w] = f; columns.start[w] = unitStart[id]!; columns.end[w] = unitEnd[id]!; columns.kind[w] = unitKind[id]!;
    w++;
  }
  return {
    columns: { ids: columns.ids.subarray(0, w), fileId: columns.fileId.subarray(0, w), start: columns.start.subarray(0, w), end: columns.end.subarray(0, w), kind: columns.kind.subarray(0, w) },
    dropped: n - w,
  };
}

/** The candidate clusters of the postings given (all of a query's, or their units in a range of whole files). */
export function partOf(t: UnitTables, postings: readonly Uint32Array[], q: PartQuery): Part {
  const { hits, candidates } = candidateHits(postings, q.keys, q.bands, q.perUnit, q.minBandHits);
  const { columns: records, dropped } = columnsOf(t, candidates, q.verdicts);
  const { groups, top } = candidates.length ? clusterHits(records, hits, q.units, q.limit) : { groups: 0, top: [] };
  return { candidateUnits: candidates.length, dropped, groups, records, top };
}

/** Two parts as one: `low` holds the lower unit ids (and so the lower file ids). */
export function mergeParts(low: Part, high: Part, limit: number): Part {
  const cat = <T extends Uint32Array | Uint8Array>(a: T, b: T, make: (n: number) => T): T => {
    const out = make(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  };
  const u32 = (n: number) => new Uint32Array(n);
  const records: UnitColumns = {
    ids: cat(low.records.ids, high.records.ids, u32), fileId: cat(low.records.fileId, high.records.fileId, u32),
    start: cat(low.records.start, high.records.start, u32), end: cat(low.records.end, high.records.end, u32),
    kind: cat(low.records.kind, high.records.kind, (n) => new Uint8Array(n)),
  };
  const top: Cluster[] = [];
  for (let i = 0, j = 0; top.length < limit && (i < low.top.length || j < high.top.length);) {
    if (j === high.top.length || (i < low.top.length && low.top[i]!.n >= high.top[j]!.n)) top.push(low.top[i++]!);
    else top.push(high.top[j++]!);
  }
  return { candidateUnits: low.candidateUnits + high.candidateUnits, dropped: low.dropped + high.dropped, groups: low.groups + high.groups, records, top };
}

/** The job's state (control[STATE]): posted, taken by the helper, done by it, failed in it, taken back by the reader. */
export const POSTED = 0, TAKEN = 1, DONE = 2, FAILED = 3, OWN = 4;
/** control: the state, then the helper's part's counts */
export const STATE = 0, CANDIDATES = 1, DROPPED = 2, GROUPS = 3, RECORDS = 4, CLUSTERS = 5, CONTROL_FIELDS = 6;
/** fields per cluster in the job's cluster output (Cluster's, in order) */
export const CLUSTER_FIELDS = 7;

/** What the helper receives per job: the upper part. */
export interface PartMessage {
  readonly type: 'candidates';
  /** the reader whose tables to use (sent before with a 'tables' message) */
  readonly reader: number;
  /** (the query units as core/fingerprint.ts unitColumns sends them: columns are cheaper to send than objects) */
  readonly query: Omit<PartQuery, 'units'> & { readonly units: ReturnType<typeof unitColumns> };
  /** per band key: its first occurrence among the keys; at a first occurrence, its part's units are postingsUnits[lo, lo + len) */
  readonly first: Int32Array;
  readonly lo: Uint32Array;
  readonly len: Uint32Array;
  readonly control: SharedArrayBuffer;
  /** the part's records (ids, file ids, starts, ends: capacity u32 each; kinds: capacity bytes) and clusters (limit * CLUSTER_FIELDS f64) */
  readonly records: SharedArrayBuffer;
  readonly clusters: SharedArrayBuffer;
}

/** The helper's side of a job: its part, found. */
export function partOfMessage(t: UnitTables, m: PartMessage): Part {
  const { unitStarts, unitEnds } = m.query.units;
  const units = Array.from(unitStarts, (start, i) => ({ start, end: unitEnds[i]! }));
  return partOf(t, partPostings(t, m), { ...m.query, units });
}

/** The part's postings, as views on the reader's postings (repetitions of a key share its first occurrence's). */
export function partPostings(t: UnitTables, m: Pick<PartMessage, 'first' | 'lo' | 'len'>): Uint32Array[] {
  const out: Uint32Array[] = new Array(m.first.length);
  const empty = new Uint32Array(0);
  for (let q = 0; q < out.length; q++) {
    const f = m.first[q]!;
    if (f !== q) { out[q] = out[f]!; continue; }
    const len = m.len[q]!;
    out[q] = len ? t.postingsUnits.subarray(m.lo[q]!, m.lo[q]! + len) : empty;
  }
  return out;
}

/** Bytes per record in a job's records buffer: id, file id, start, end (u32 columns), kind (a byte column). */
export const RECORD_BYTES = 17;

/** Writes a part into the job's shared memory (the helper's side). */
export function writePart(part: Part, control: Int32Array, records: SharedArrayBuffer, clusters: SharedArrayBuffer): void {
  const capacity = records.byteLength / RECORD_BYTES;
  const n = part.records.ids.length;
  if (n > capacity || part.top.length * CLUSTER_FIELDS * 8 > clusters.byteLength) throw new RangeError('candidate job output overflows its buffers');
  new Uint32Array(records, 0, n).set(part.records.ids);
  new Uint32Array(records, 4 * capacity, n).set(part.records.fileId);
  new Uint32Array(records, 8 * capacity, n).set(part.records.start);
  new Uint32Array(records, 12 * capacity, n).set(part.records.end);
  new Uint8Array(records, 16 * capacity, n).set(part.records.kind);
  const c = new Float64Array(clusters);
  part.top.forEach((t, i) => {
    const at = i * CLUSTER_FIELDS;
    c[at] = t.fileId; c[at + 1] = t.ss; c[at + 2] = t.se; c[at + 3] = t.qs; c[at + 4] = t.qe; c[at + 5] = t.n; c[at + 6] = t.off;
  });
  control[CANDIDATES] = part.candidateUnits; control[DROPPED] = part.dropped; control[GROUPS] = part.groups;
  control[RECORDS] = n; control[CLUSTERS] = part.top.length;
}

/** The part the helper wrote (the reader's side): its records are views on the job's buffers, valid until the next job (mergeParts copies them). */
export function readPart(control: Int32Array, records: SharedArrayBuffer, clusters: SharedArrayBuffer): Part {
  const capacity = records.byteLength / RECORD_BYTES;
  const n = control[RECORDS]!;
  const c = new Float64Array(clusters);
  const top: Cluster[] = [];
  for (let i = 0; i < control[CLUSTERS]!; i++) {
    const at = i * CLUSTER_FIELDS;
    top.push({ fileId: c[at]!, ss: c[at + 1]!, se: c[at + 2]!, qs: c[at + 3]!, qe: c[at + 4]!, n: c[at + 5]!, off: c[at + 6]! });
  }
  return {
    candidateUnits: control[CANDIDATES]!, dropped: control[DROPPED]!, groups: control[GROUPS]!, top,
    records: {
      ids: new Uint32Array(records, 0, n), fileId: new Uint32Array(records, 4 * capacity, n),
      start: new Uint32Array(records, 8 * capacity, n), end: new Uint32Array(records, 12 * capacity, n),
      kind: new Uint8Array(records, 16 * capacity, n),
    },
  };
}
