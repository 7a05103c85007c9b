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
  /** a k-gram occurring more often than this in the source region is not used as a seed (repetitive code) */
  maxSeedOccurrences: number;
  maxRuns: number;
  maxChains: number;
  /** chains covering fewer tokens than this are of no use: stop when the remaining runs cannot reach it */
  minMatched: number;
}

/**
 * Finds maximal equal runs between q[qs,qe) and s[ss,se), using k-gram hashes qh (query) and sh (source),
 * where qh[i] covers q[i, i+k) and sh[j] covers s[j, j+k).
 */
export function findRuns(
  q: Uint32Array, qh: Uint32Array, qs: number, qe: number,
  s: Uint32Array, sh: Uint32Array, ss: number, se: number, lim: AlignLimits,
  /** only seeds on diagonals dLo <= (query index - source index) <= dHi */
  dLo = -Infinity, dHi = Infinity,
): Run[] {
  const k = lim.k;
  const positions = new Map<number, number[]>();
  for (let j = ss; j + k <= se; j++) {
    const h = sh[j]!;
    const list = positions.get(h);
    if (list) list.push(j);
    else positions.set(h, [j]);
  }
  const runs: Run[] = [];
  // per diagonal (q - s), the query index up to which it is already covered by a run
  const covered = new Map<number, number>();
  for (let i = qs; i + k <= qe; i++) {
    const list = positions.get(qh[i]!);
    if (!list || list.length > lim.maxSeedOccurrences) continue;
    for (const j of list) {
      const d = i - j;
      if (d < dLo || d > dHi) continue;
      if ((covered.get(d) ?? -1) > i) continue;
      // extend backwards and forwards on the diagonal
      let a = i, b = j;
      while (a > qs && b > ss && q[a - 1] === s[b - 1]) { a--; b--; }
      let len = i - a;
      while (a + len < qe && b + len < se && q[a + len] === s[b + len]) len++;
      covered.set(d, a + len);
      if (len >= k) runs.push({ q: a, s: b, len });
      if (runs.length >= lim.maxRuns) return runs;
    }
  }
  return runs;
}

/** Chains runs (increasing on both sides, gaps <= maxGap) and returns the best disjoint chains. */
export function chainRuns(input: Run[], lim: AlignLimits): Chain[] {
  let runs = input.slice().sort((x, y) => x.q - y.q || x.s - y.s);
  const chains: Chain[] = [];
  while (runs.length && chains.length < lim.maxChains) {
    let total = 0;
    for (const r of runs) total += r.len;
    if (total < lim.minMatched) break;
    const n = runs.length;
    const score = new Float64Array(n);
    const prev = new Int32Array(n).fill(-1);
    // tokens cut from the start of a run where it overlaps its predecessor (runs extended backwards overlap)
    const shift = new Int32Array(n);
    let best = -1;
    for (let r = 0; r < n; r++) {
      const R = runs[r]!;
      score[r] = R.len;
      // look back over a bounded number of runs
      for (let p = r - 1, seen = 0; p >= 0 && seen < 256; p--, seen++) {
        const P = runs[p]!;
        const pqEnd = P.q + P.len, psEnd = P.s + P.len;
        if (R.q - pqEnd > lim.maxGap + 512) break;
        const cut = Math.max(0, pqEnd - R.q, psEnd - R.s);
        if (cut > R.len - lim.k) continue;
        if (R.q + cut - pqEnd > lim.maxGap || R.s + cut - psEnd > lim.maxGap) continue;
        const sc = score[p]! + R.len - cut;
        if (sc > score[r]!) { score[r] = sc; prev[r] = p; shift[r] = cut; }
      }
      if (best < 0 || score[r]! > score[best]!) best = r;
    }
    const chainRunsList: Run[] = [];
    for (let r = best; r >= 0; r = prev[r]!) {
      const R = runs[r]!, c = shift[r]!;
      chainRunsList.push(c ? { q: R.q + c, s: R.s + c, len: R.len - c } : R);
    }
    chainRunsList.reverse();
    const trimmed = trimEnds(chainRunsList, lim.k);
    const first = trimmed[0]!, last = trimmed[trimmed.length - 1]!;
    let matched = 0;
    for (const r of trimmed) matched += r.len;
    const chain: Chain = {
      runs: trimmed, qStart: first.q, qEnd: last.q + last.len, sStart: first.s, sEnd: last.s + last.len, matched,
    };
    if (matched < lim.minMatched) break; // the best chain is too small: so are all others
    chains.push(chain);
    // the rest may not reuse this chain's query span
    runs = runs.filter((r) => r.q + r.len <= chain.qStart || r.q >= chain.qEnd);
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
