// Verification by aligning normalized token sequences. Seeds are equal k-grams; each seed is extended into a
// maximal run of equal tokens on its diagonal; runs are chained in order on both sides with bounded gaps
// (inserted, deleted or edited statements); the best chains become matches with exact ranges on both sides.
//
//   query   ....[=====run1=====]..ins..[====run2====]......
//   source  ..[=====run1=====][====run2====]...  (a deletion on the other side is a gap in the source)

export interface Run {
  /** start in the query, start in the source, length in tokens */
  readonly q: number;
  readonly s: number;
  readonly len: number;
}

export interface Chain {
  readonly runs: Run[];
  readonly qStart: number;
  readonly qEnd: number;
  readonly sStart: number;
  readonly sEnd: number;
  /** tokens covered by runs */
  readonly matched: number;
}

export interface AlignLimits {
  k: number;
  /** largest gap between two chained runs, on each side */
  maxGap: number;
  /**
   * a k-gram occurring more often than this in the source region, or in the query window, is not used as a
   * seed (repetitive code: a list of 100 numbers in the query against a few short lists in the source gave
   * thousands of runs, one per pairing of the query's elements with each list's)
   */
  maxSeedOccurrences: number;
  maxRuns: number;
  maxChains: number;
  /** chains covering fewer tokens than this are of no use: stop when the remaining runs cannot reach it */
  minMatched: number;
}

/**
 * Finds maximal equal runs between q[qs,qe) and the source region s (source tokens sBase .. sBase + s.length),
 * using k-gram hashes qh (query) and sh (source region), where qh[i] covers q[i, i+k) and sh[j] covers
 * s[j, j+k). Runs are in source coordinates (s + sBase).
 * `found.skipped` is set to the longest streak of consecutive query positions whose seeds were skipped for
 * maxSeedOccurrences (Infinity after a stop at maxRuns). An equal stretch of k or more tokens in the diagonal
 * window lies within a run found unless each of its k-grams was skipped: so it does when the stretch is longer
 * than skipped + k - 1 tokens, and every one does when skipped is 0.
 */
export function findRuns(
  q: Uint32Array, qh: Uint32Array, qs: number, qe: number,
  s: Uint32Array, sh: Uint32Array, sBase: number, lim: AlignLimits,
  /** only seeds on diagonals dLo <= (query index - source index) <= dHi */
  dLo = -Infinity, dHi = Infinity,
  found?: { skipped: number },
  /**
   * per query position, nonzero where its k-gram occurs more than maxSeedOccurrences times in the whole query
   * (frequentShingles; null: at none): elsewhere it cannot in the window, which is then not counted (omitted:
   * every position is)
   */
  qFrequent?: Uint8Array | null,
): Run[] {
  const k = lim.k;
  const se = s.length;
  const seeds = seedTable(sh, Math.max(0, se - k + 1));
  const runs: Run[] = [];
  // per diagonal (q - s), the query index up to which it is already covered by a run: an array over the
  // window of diagonals when it is bounded
  // (diagonals d below are in region coordinates: query index - region index = source diagonal + sBase)
  const dMin = Math.ceil(dLo + sBase), dMax = Math.floor(dHi + sBase);
  const window = Number.isFinite(dMin) && Number.isFinite(dMax) && dMax - dMin < 1 << 20;
  const coveredArr = window ? coveredScratch(Math.max(0, dMax - dMin + 1)) : undefined;
  const coveredMap = window ? undefined : new Map<number, number>();
  const { head, next, count } = seeds;
  let streak = 0, longest = 0;
  // how often each entry's k-gram occurs in the query window, where one may occur more than the cap
  const inQuery = qFrequent === null ? undefined : seeds.countQuery(qh, qs, qe - k + 1, qFrequent);
  for (let i = qs; i + k <= qe; i++) {
    const slot = seeds.find(qh[i]!);
    if (slot < 0) { streak = 0; continue; }
    if (count[slot]! > lim.maxSeedOccurrences || (inQuery && inQuery[slot]! > lim.maxSeedOccurrences)) {
      if (++streak > longest) longest = streak;
      continue;
    }
    streak = 0;
    for (let j = head[slot]!; j >= 0; j = next[j]!) {
      const d = i - j;
      if (d - sBase < dLo || d - sBase > dHi) continue;
      const cov = coveredArr ? coveredArr[d - dMin]! : coveredMap!.get(d) ?? -1;
      if (cov > i) continue;
      // extend backwards and forwards on the diagonal
      let a = i, b = j;
      while (a > qs && b > 0 && q[a - 1] === s[b - 1]) { a--; b--; }
      let len = i - a;
      while (a + len < qe && b + len < se && q[a + len] === s[b + len]) len++;
      if (coveredArr) coveredArr[d - dMin] = a + len;
      else coveredMap!.set(d, a + len);
      if (len >= k) runs.push({ q: a, s: b + sBase, len });
      if (runs.length >= lim.maxRuns) {
        if (found) found.skipped = Infinity;
        return runs;
      }
    }
  }
  if (found) found.skipped = longest;
  return runs;
}

/**
 * Per position of sh, 1 where its hash occurs more than `max` times in all of sh, or null when none does
 * (findRuns' qFrequent: most queries have no such k-gram, and most windows of those that do have few).
 */
export function frequentShingles(sh: Uint32Array, max: number): Uint8Array | null {
  if (sh.length <= max) return null;
  const table = frequentScratch.build(sh, sh.length);
  let out: Uint8Array | null = null;
  for (let i = 0; i < sh.length; i++) {
    if (table.count[table.find(sh[i]!)]! > max) (out ??= new Uint8Array(sh.length))[i] = 1;
  }
  return out;
}

let coveredBuf = new Int32Array(1024);
/** -1 over [0, n) of a reused buffer (findRuns is synchronous) */
function coveredScratch(n: number): Int32Array {
  if (coveredBuf.length < n) coveredBuf = new Int32Array(2 * n);
  const v = coveredBuf.subarray(0, n);
  v.fill(-1);
  return v;
}

/**
 * The positions of each hash of sh[0, m): an open-addressing table of distinct hashes, each with its count
 * and its positions ascending as a linked list (head, next). Reused buffers: findRuns is synchronous.
 */
class SeedTable {
  keys = new Uint32Array(0);
  slotOf = new Int32Array(0);
  head = new Int32Array(0);
  tail = new Int32Array(0);
  count = new Uint32Array(0);
  next = new Int32Array(0);
  private inQuery = new Uint32Array(0);
  private distinct = 0;
  private shift = 0;
  private mask = 0;

  build(sh: Uint32Array, m: number): this {
    let bits = 4;
    while (1 << bits < 2 * m) bits++;
    const size = 1 << bits;
    if (this.slotOf.length < size) this.slotOf = new Int32Array(size);
    if (this.keys.length < m) {
      const cap = Math.max(m, 2 * this.keys.length);
      this.keys = new Uint32Array(cap); this.head = new Int32Array(cap); this.tail = new Int32Array(cap);
      this.count = new Uint32Array(cap); this.next = new Int32Array(cap); this.inQuery = new Uint32Array(cap);
    }
    this.shift = 32 - bits;
    this.mask = size - 1;
    const { slotOf, keys, head, tail, count, next } = this;
    slotOf.fill(-1, 0, size);
    let distinct = 0;
    for (let j = 0; j < m; j++) {
      const v = sh[j]!;
      next[j] = -1;
      let h = Math.imul(v, 0x9e3779b1) >>> this.shift;
      for (;;) {
        const e = slotOf[h]!;
        if (e < 0) {
          slotOf[h] = distinct;
          keys[distinct] = v; head[distinct] = j; tail[distinct] = j; count[distinct] = 1;
          distinct++;
          break;
        }
        if (keys[e] === v) {
          next[tail[e]!] = j; tail[e] = j; count[e]!++;
          break;
        }
        h = (h + 1) & this.mask;
      }
    }
    this.distinct = distinct;
    return this;
  }

  /**
   * How often each entry's hash occurs in qh[from, to), counting only positions marked in `only` when given;
   * undefined when none does (a reused buffer).
   */
  countQuery(qh: Uint32Array, from: number, to: number, only: Uint8Array | undefined): Uint32Array | undefined {
    let counts: Uint32Array | undefined;
    for (let i = from; i < to; i++) {
      if (only && !only[i]) continue;
      const e = this.find(qh[i]!);
      if (e < 0) continue;
      if (!counts) { counts = this.inQuery.subarray(0, this.distinct); counts.fill(0); }
      counts[e]!++;
    }
    return counts;
  }

  /** the entry of a hash, -1 when it does not occur */
  find(v: number): number {
    const { slotOf, keys } = this;
    let h = Math.imul(v, 0x9e3779b1) >>> this.shift;
    for (;;) {
      const e = slotOf[h]!;
      if (e < 0 || keys[e] === v) return e;
      h = (h + 1) & this.mask;
    }
  }
}

const seedScratch = new SeedTable();
/** frequentShingles' table (of its own: sized for whole queries, where findRuns' holds a region) */
const frequentScratch = new SeedTable();
function seedTable(sh: Uint32Array, m: number): SeedTable {
  return seedScratch.build(sh, m);
}

const COLUMNS = 10;
let chainCols: Int32Array[] = [];
/**
 * chainRuns' COLUMNS columns of at least n integers, views of one reused buffer (chainRuns is synchronous
 * and writes every element before reading it): allocating them per call, mostly a few dozen runs each, cost
 * more than the programme.
 */
function chainColumns(n: number): Int32Array[] {
  const cap = chainCols[0]?.length ?? 0;
  if (cap < n) {
    const size = Math.max(64, n, 2 * cap);
    const buf = new Int32Array(COLUMNS * size);
    chainCols = [];
    for (let c = 0; c < COLUMNS; c++) chainCols.push(buf.subarray(c * size, (c + 1) * size));
  }
  return chainCols;
}

/** Chains runs (increasing on both sides, gaps <= maxGap) and returns the best disjoint chains. */
export function chainRuns(input: Run[], lim: AlignLimits): Chain[] {
  const sorted = input.slice().sort((x, y) => x.q - y.q || x.s - y.s);
  // the runs as columns (the dynamic programme below reads them ~256 times each)
  let n = sorted.length;
  const [Q, S, L, QE, SE, score, prev, shift, reach, upTo] = chainColumns(n);
  // (shift: tokens cut from the start of a run where it overlaps its predecessor, as runs extended backwards
  // overlap; upTo: the best score of the runs since the last gap of more than maxGap in the query, which no
  // chain crosses)
  for (let r = 0; r < n; r++) { const R = sorted[r]!; Q[r] = R.q; S[r] = R.s; L[r] = R.len; }
  const chains: Chain[] = [];
  const { maxGap, k } = lim;
  while (n && chains.length < lim.maxChains) {
    let total = 0;
    for (let r = 0; r < n; r++) total += L[r]!;
    if (total < lim.minMatched) break;
    // the furthest query end of runs 0..r: once it is more than maxGap behind a run, no earlier run can precede
    // it (the scan below would skip them all); the runs' ends on both sides
    let far = -1;
    for (let r = 0; r < n; r++) {
      const e = Q[r]! + L[r]!;
      if (e > far) far = e;
      reach[r] = far; QE[r] = e; SE[r] = S[r]! + L[r]!;
    }
    let best = -1;
    for (let r = 0; r < n; r++) {
      const rq = Q[r]!, rs = S[r]!, rl = L[r]!;
      let sr = rl, pr = -1, cr = 0;
      // look back over at most 256 runs; a predecessor ends at most rl - k tokens into the run on both sides
      // (cut below) and at most maxGap before it
      const qMin = rq - maxGap, qMax = rq + rl - k, sMax = rs + rl - k, tooFar = qMin - 512;
      for (let p = r - 1, pMin = rl >= k ? Math.max(0, r - 256) : r; p >= pMin; p--) {
        if (reach[p]! < qMin) break;
        const pqEnd = QE[p]!, psEnd = SE[p]!;
        if (pqEnd < tooFar) break;
        if (pqEnd > qMax || psEnd > sMax) continue; // the most frequent case by far (overlapping runs)
        if (upTo[p]! + rl <= sr) break; // no earlier run can beat the best predecessor so far
        if (score[p]! + rl <= sr) continue; // cannot beat the best predecessor so far
        const cut = Math.max(0, pqEnd - rq, psEnd - rs);
        if (rq + cut - pqEnd > maxGap || rs + cut - psEnd > maxGap) continue;
        const sc = score[p]! + rl - cut;
        if (sc > sr) { sr = sc; pr = p; cr = cut; }
      }
      score[r] = sr; prev[r] = pr; shift[r] = cr;
      upTo[r] = r > 0 && rq - reach[r - 1]! <= maxGap && upTo[r - 1]! > sr ? upTo[r - 1]! : sr;
      if (best < 0 || sr > score[best]!) best = r;
    }
    const chainRunsList: Run[] = [];
    for (let r = best; r >= 0; r = prev[r]!) {
      const c = shift[r]!;
      chainRunsList.push({ q: Q[r]! + c, s: S[r]! + c, len: L[r]! - c });
    }
    chainRunsList.reverse();
    const trimmed = trimEnds(chainRunsList, k);
    const first = trimmed[0]!, last = trimmed[trimmed.length - 1]!;
    let matched = 0;
    for (const r of trimmed) matched += r.len;
    const chain: Chain = {
      runs: trimmed, qStart: first.q, qEnd: last.q + last.len, sStart: first.s, sEnd: last.s + last.len, matched,
    };
    if (matched < lim.minMatched) break; // the best chain is too small: so are all others
    chains.push(chain);
    // the rest may not reuse this chain's query span
    let w = 0;
    for (let r = 0; r < n; r++) {
      if (Q[r]! + L[r]! <= chain.qStart || Q[r]! >= chain.qEnd) { Q[w] = Q[r]!; S[w] = S[r]!; L[w] = L[r]!; w++; }
    }
    n = w;
  }
  return chains;
}

/** Drops short runs at either end that are separated from the rest by a gap longer than themselves. */
function trimEnds(runs: Run[], k: number): Run[] {
  let a = 0, b = runs.length - 1;
  while (b > a) {
    const r = runs[a]!, n = runs[a + 1]!;
    const gap = Math.max(n.q - (r.q + r.len), n.s - (r.s + r.len));
    if (r.len < 2 * k && gap >= r.len) a++;
    else break;
  }
  while (b > a) {
    const r = runs[b]!, p = runs[b - 1]!;
    const gap = Math.max(r.q - (p.q + p.len), r.s - (p.s + p.len));
    if (r.len < 2 * k && gap >= r.len) b--;
    else break;
  }
  return runs.slice(a, b + 1);
}
