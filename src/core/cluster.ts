// Candidate hits of one query: which source units its units hit in the band postings, and those hits grouped
// into clusters to verify. Typed arrays throughout: a 1,000-line query against a 1M-unit index hits 10^4..10^5
// source units with up to 6 query units each, and Map-of-arrays bookkeeping plus comparator sorts over those
// pairs cost more than the verification of the clusters they produce (41% of a lookup, profiled).
import type { UnitColumns } from '../index/store';
import { Scratch } from './scratch';
import { U32Table } from './table';
import type { Unit } from './types';

/** Hit units of one file closer than this (tokens) are verified together. */
const CLUSTER_GAP = 160;
/** hits whose diagonals differ by at most this many tokens are verified together */
const OFFSET_BUCKET = 48;

/**
 * Source unit -> the first `perUnit` distinct query units that hit it (in query order), for source units in
 * order of their first hit. An open-addressing table on the unit ids.
 */
export class HitTable {
  /** source unit ids in order of first hit */
  private idList: Uint32Array;
  size = 0;
  /** per slot (order of first hit): number of query units, then the query units at slot * perUnit */
  private counts: Uint8Array;
  private queryUnits: Uint32Array;
  private table: Int32Array;
  private shift: number;

  constructor(readonly perUnit: number, expected = 1024) {
    let bits = 4;
    while (1 << bits < 2 * expected) bits++;
    this.shift = 32 - bits;
    this.table = new Int32Array(1 << bits).fill(-1);
    this.idList = new Uint32Array(1 << (bits - 1));
    this.counts = new Uint8Array(1 << (bits - 1));
    this.queryUnits = new Uint32Array((1 << (bits - 1)) * perUnit);
  }

  /** source unit ids in order of first hit */
  get ids(): Uint32Array { return this.idList.subarray(0, this.size); }

  /** Records that query unit `ui` hit source unit `id`; query units must come in ascending order. */
  add(id: number, ui: number): void {
    this.addTo(this.slotOf(id, true), ui);
  }

  /** add() on the unit's slot; true when the slot then holds perUnit query units */
  private addTo(slot: number, ui: number): boolean {
    const c = this.counts[slot]!;
    const base = slot * this.perUnit;
    if (c === 0 || (c < this.perUnit && this.queryUnits[base + c - 1] !== ui)) {
      this.queryUnits[base + c] = ui;
      this.counts[slot] = c + 1;
      return c + 1 === this.perUnit;
    }
    return c === this.perUnit;
  }

  /**
   * add(id, ui) for every unit id of postings[ui * bands + b], ui ascending, then b, then the list's order.
   * keys[i] is the band key whose list postings[i] is: equal keys have equal lists, and a query's windows
   * (overlapping every few tokens) repeat a key ~5 times. Each distinct list looks its units up once; a
   * repetition adds to the slots it found, and none once every unit of the list has all its query units.
   */
  addPostings(postings: readonly Uint32Array[], keys: Uint32Array, bands: number): void {
    // the distinct lists (by key), each with the offset of its slots in one buffer
    const lists = new U32Table(postings.length);
    const offset = new Int32Array(postings.length), state = new Uint8Array(postings.length);
    let total = 0;
    for (let i = 0; i < postings.length; i++) {
      const n = postings[i]?.length;
      if (!n) continue;
      const known = lists.size;
      const e = lists.add(keys[i]!);
      if (e === known) { offset[e] = total; total += n; }
    }
    const slots = new Int32Array(total);
    for (let i = 0; i < postings.length; i++) {
      const list = postings[i];
      if (!list?.length) continue;
      const e = lists.indexOf(keys[i]!);
      if (state[e] === SATURATED) continue;
      const ui = Math.floor(i / bands), base = offset[e]!, fresh = state[e] === NEW;
      let full = true;
      for (let x = 0; x < list.length; x++) {
        // add(list[x], ui), on the slot found the first time
        let slot: number;
        if (fresh) slots[base + x] = slot = this.slotOf(list[x]!, true);
        else slot = slots[base + x]!;
        if (!this.addTo(slot, ui)) full = false;
      }
      state[e] = full ? SATURATED : SEEN;
    }
  }

  /** the slot of a source unit (-1: never hit) */
  slotOf(id: number, insert = false): number {
    const mask = this.table.length - 1;
    let h = Math.imul(id, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const s = this.table[h]!;
      if (s < 0) {
        if (!insert) return -1;
        if (this.size === this.idList.length) { this.grow(); return this.slotOf(id, true); }
        this.table[h] = this.size;
        this.idList[this.size] = id;
        return this.size++;
      }
      if (this.idList[s] === id) return s;
      h = (h + 1) & mask;
    }
  }

  count(slot: number): number { return this.counts[slot]!; }
  queryUnit(slot: number, j: number): number { return this.queryUnits[slot * this.perUnit + j]!; }

  /** twice the room; the table stays at most half full */
  private grow(): void {
    const cap = 2 * this.idList.length;
    const ids = new Uint32Array(cap); ids.set(this.idList); this.idList = ids;
    const counts = new Uint8Array(cap); counts.set(this.counts); this.counts = counts;
    const qu = new Uint32Array(cap * this.perUnit); qu.set(this.queryUnits); this.queryUnits = qu;
    this.shift--;
    this.table = new Int32Array(2 * cap).fill(-1);
    const mask = this.table.length - 1;
    for (let s = 0; s < this.size; s++) {
      let h = Math.imul(ids[s]!, 0x9e3779b1) >>> this.shift;
      while (this.table[h]! >= 0) h = (h + 1) & mask;
      this.table[h] = s;
    }
  }
}

/**
 * The hits of a query's postings (postings[ui * bands + b]: the units of its band key keys[ui * bands + b]):
 * each source unit with the first `perUnit` query units that hit it (HitTable.addPostings), and the candidate
 * units, those of at least `minBandHits` band hits, in order of first hit. Postings restricted to a range of
 * unit ids give the hits of that range alone, in the same order (IndexReader.candidates splits them so).
 */
export function candidateHits(postings: readonly Uint32Array[], keys: Uint32Array, bands: number, perUnit: number, minBandHits: number):
  { hits: HitTable; candidates: Uint32Array } {
  let entries = 0;
  for (const list of postings) entries += list.length;
  // (sized for a tenth of the entries and grown: a candidate gets 4-50 entries, measured on the perf queries,
  // and a table sized for all entries spread its probes over megabytes)
  const hits = new HitTable(perUnit, entries / 10);
  hits.addPostings(postings, keys, bands);
  let candidates: Uint32Array = hits.ids;
  if (minBandHits > 1) {
    const bandHits = new Map<number, number>();
    for (const list of postings) for (const id of list) bandHits.set(id, (bandHits.get(id) ?? 0) + 1);
    candidates = candidates.filter((id) => bandHits.get(id)! >= minBandHits);
  }
  return { hits, candidates };
}

/** states of a distinct list in addPostings */
const NEW = 0, SEEN = 1, SATURATED = 2;

export interface Cluster { fileId: number; ss: number; se: number; qs: number; qe: number; n: number; off: number }

/**
 * Groups (query unit, source unit) hits by file, by diagonal (source position minus query position) and by
 * proximity; returns how many groups of one file and nearby diagonals there are and the `limit` most-hit
 * clusters, most-hit first (ties in order of file, diagonal, then first hit). Keeping diagonals apart
 * matters for repetitive code, where the same query unit hits many places of one file.
 */
export function clusterHits(records: UnitColumns, hits: HitTable, units: readonly Pick<Unit, 'start' | 'end'>[], limit: number): { groups: number; top: Cluster[] } {
  const m = records.ids.length;
  const { ids: recId, fileId: recFile, start: recStart, end: recEnd } = records;
  // the hit slot of each record, and its file's local number (files in order of first appearance)
  const slots = columnI32(0, m);
  const fileOf = column(1, m);
  // (counting each file's entries)
  const files = new U32Table(m);
  const ids = hits.ids;
  for (let r = 0, next = 0; r < m; r++) {
    const id = recId[r]!;
    // records usually come in the order they were asked for, which is the order of the slots, less those
    // the matcher dropped (other languages): the slot after the last one is the first guess
    const s = ids[next] === id ? next : hits.slotOf(id);
    next = s + 1;
    slots[r] = s;
    if (s < 0) continue;
    fileOf[r] = files.add(recFile[r]!, hits.count(s));
  }
  // one entry per (source unit, query unit) pair, as columns, grouped by file (ascending ids) and in order of
  // the records within a file: a counting sort while writing them
  const d = files.size;
  const rank = ranks(files.values.subarray(0, d));
  const start = new Uint32Array(d + 1);
  for (let f = 0; f < d; f++) start[rank[f]! + 1] = files.counts[f]!;
  for (let x = 0; x < d; x++) start[x + 1]! += start[x]!;
  const n = start[d]!;
  const fill = start.slice(0, d);
  const file = column(2, n), off = columnI32(3, n), ss = column(4, n), se = column(5, n), qs = column(6, n), qe = column(7, n);
  for (let r = 0; r < m; r++) {
    const s = slots[r]!;
    if (s < 0) continue;
    const fileId = recFile[r]!, start = recStart[r]!, end = recEnd[r]!;
    let i = fill[rank[fileOf[r]!]!]!;
    for (let j = 0; j < hits.count(s); j++, i++) {
      const u = units[hits.queryUnit(s, j)]!;
      file[i] = fileId; off[i] = Math.round((start + end - u.start - u.end) / 2);
      ss[i] = start; se[i] = end; qs[i] = u.start; qe[i] = u.end;
    }
    fill[rank[fileOf[r]!]!] = i;
  }
  // then each file's entries by diagonal (stable: ties keep the order of the records)
  const order = column(8, n);
  for (let x = 0; x < n; x++) order[x] = x;
  for (let x = 0; x < d; x++) sortRange(order, start[x]!, start[x + 1]!, off);

  // groups: runs order[gFrom[g], gFrom[g + 1]) of one file and nearby diagonals, in order
  const gFrom = column(9, n + 1);
  let groups = 0;
  for (let x = 0, first = 0; x < n; x++) {
    const e = order[x]!;
    if (x === 0 || file[e] !== file[first] || off[e]! - off[first]! > OFFSET_BUCKET) { gFrom[groups++] = x; first = e; }
  }
  gFrom[groups] = n;
  // A cluster has at most as many hits as its group: groups are split into clusters largest first (ties in
  // order), and once `limit` clusters have more hits than the next group holds, no later group can place one
  // among them. Most groups are a few chance hits (2-3 on average in large indexes) and are never split.
  let maxSize = 0;
  for (let g = 0; g < groups; g++) maxSize = Math.max(maxSize, gFrom[g + 1]! - gFrom[g]!);
  const bySize = new Uint32Array(maxSize + 2); // then: where each size's groups start in gOrder, largest first
  for (let g = 0; g < groups; g++) bySize[gFrom[g + 1]! - gFrom[g]!]!++;
  for (let v = maxSize, at = 0; v >= 0; v--) { const c = bySize[v]!; bySize[v] = at; at += c; }
  const gOrder = column(10, groups);
  for (let g = 0; g < groups; g++) gOrder[bySize[gFrom[g + 1]! - gFrom[g]!]!++] = g;

  // clusters as columns, in order of forming, each with its group; hist[v]: clusters of v hits
  const cFile = column(11, n), cSs = column(12, n), cSe = column(13, n), cQs = column(14, n), cQe = column(15, n);
  const cN = column(16, n), cOff = columnI32(17, n), cGroup = column(18, n);
  const hist = new Uint32Array(maxSize + 2);
  let count = 0;
  // above: clusters of more than `level` hits (final once groups of `level` hits or fewer are split)
  let level = maxSize + 1, above = 0;
  for (let i = 0; i < groups; i++) {
    const g = gOrder[i]!, from = gFrom[g]!, to = gFrom[g + 1]!;
    for (; level > to - from; level--) above += hist[level]!;
    if (above >= limit) break;
    sortRange(order, from, to, ss);
    let cur = -1;
    for (let x = from; x < to; x++) {
      const e = order[x]!;
      if (cur >= 0 && ss[e]! <= cSe[cur]! + CLUSTER_GAP) {
        if (se[e]! > cSe[cur]!) cSe[cur] = se[e]!;
        if (qs[e]! < cQs[cur]!) cQs[cur] = qs[e]!;
        if (qe[e]! > cQe[cur]!) cQe[cur] = qe[e]!;
        cN[cur]!++;
      } else {
        if (cur >= 0) hist[cN[cur]!]!++;
        cur = count++;
        cFile[cur] = file[e]!; cSs[cur] = ss[e]!; cSe[cur] = se[e]!; cQs[cur] = qs[e]!; cQe[cur] = qe[e]!; cN[cur] = 1; cOff[cur] = off[e]!;
        cGroup[cur] = g;
      }
    }
    if (cur >= 0) hist[cN[cur]!]!++;
  }

  // the `limit` first of a stable sort by n descending, ties in order of group, then of forming: t is the
  // count of the limit-th (1 when there are fewer), and every cluster of t hits or more has been formed
  let t = maxSize + 1, atLeast = 0;
  while (t > 1 && atLeast < limit) atLeast += hist[--t]!;
  const picked: number[] = [];
  for (let c = 0; c < count; c++) if (cN[c]! >= t) picked.push(c);
  picked.sort((a, b) => cN[b]! - cN[a]! || cGroup[a]! - cGroup[b]! || a - b);
  picked.length = Math.min(picked.length, limit);
  const top = picked.map((c): Cluster => ({ fileId: cFile[c]!, ss: cSs[c]!, se: cSe[c]!, qs: cQs[c]!, qe: cQe[c]!, n: cN[c]!, off: cOff[c]! }));
  return { groups, top };
}

/**
 * Column buffers reused across calls (clusterHits is synchronous; every element is written before it is
 * read): zero-filled allocations of ~16 columns of 10^5 entries cost a tenth of the clustering.
 * (Scratch keeps buffers up to 2^20 entries.)
 */
const columns = new Scratch();
const column = (slot: number, n: number): Uint32Array => columns.get(slot, n);
const columnI32 = (slot: number, n: number): Int32Array => new Int32Array(column(slot, n).buffer, 0, n);

/** For each of distinct ids, its rank among them ascending. */
function ranks(ids: Uint32Array): Uint32Array {
  const d = ids.length;
  const sorted = ids.slice().sort();
  const rank = new Uint32Array(d);
  for (let t = 0; t < d; t++) {
    const f = ids[t]!;
    let lo = 0, hi = d;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid]! < f) lo = mid + 1; else hi = mid; }
    rank[t] = lo;
  }
  return rank;
}

const sortScratch = new Scratch();

/** Stable sort of order[lo, hi) by key[order[i]] (integers). */
function sortRange(order: Uint32Array, lo: number, hi: number, key: Int32Array | Uint32Array): void {
  const g = hi - lo;
  if (g <= 32) {
    for (let x = lo + 1; x < hi; x++) {
      const e = order[x]!, v = key[e]!;
      let y = x - 1;
      while (y >= lo && key[order[y]!]! > v) { order[y + 1] = order[y]!; y--; }
      order[y + 1] = e;
    }
    return;
  }
  let min = Infinity, max = -Infinity;
  for (let x = lo; x < hi; x++) {
    const v = key[order[x]!]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const p2 = 2 ** (32 - Math.clz32(g)); // > g
  if ((max - min + 1) * p2 <= 2 ** 32) {
    // (key - min, position) packed in 32 bits: a native integer sort
    // (both in reused buffers: sortRange is synchronous, and a lookup sorts a few hundred ranges this way)
    const packed = sortScratch.get(0, g), copy = sortScratch.get(1, g);
    for (let x = 0; x < g; x++) packed[x] = (key[order[lo + x]!]! - min) * p2 + x;
    packed.sort();
    copy.set(order.subarray(lo, hi));
    for (let x = 0; x < g; x++) order[lo + x] = copy[packed[x]! & (p2 - 1)]!;
    return;
  }
  // keys span less than 2^33 and g < 2^20 here: the packed value stays below 2^53
  if (g >= 2 ** 20) {
    const sorted = Array.from(order.subarray(lo, hi)).sort((a, b) => key[a]! - key[b]!);
    order.set(sorted, lo);
    return;
  }
  const packed = new Float64Array(g);
  for (let x = 0; x < g; x++) packed[x] = (key[order[lo + x]!]! - min) * g + x;
  packed.sort();
  const copy = order.slice(lo, hi);
  for (let x = 0; x < g; x++) order[lo + x] = copy[packed[x]! % g]!;
}
