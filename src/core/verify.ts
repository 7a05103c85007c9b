// The alignment of one cluster of candidate hits (match.ts), as a pure function of the query's tokens and the
// source region's codes (no reader, no matcher state), so that whatever runs it gets the matcher's chains.
import { chainRuns, findRuns, type AlignLimits, type Chain, type Run } from './align';
import { shingleHashes } from './minhash';
import { plainCode } from './vocabulary';

/** The query side of a lookup's alignments. */
export interface AlignQuery {
  readonly codes: Uint32Array;
  /** k-token shingle hashes of codes (minhash.ts shingleHashes) */
  readonly shingles: Uint32Array;
  /** where a shingle occurs more than limits.maxSeedOccurrences times in the query (align.ts frequentShingles) */
  readonly frequent?: Uint8Array | null;
  readonly limits: AlignLimits;
  /** the shortest run a chain the matcher can accept must contain */
  readonly minUsefulRun: number;
}

/** A cluster's alignment window: query [qs, qe), source [ss, se), and the diagonals (query - source index) seeded. */
export interface AlignWindow {
  readonly qs: number;
  readonly qe: number;
  readonly ss: number;
  readonly se: number;
  readonly dLo: number;
  readonly dHi: number;
}

/** A cluster's chains of normalized runs, and what is known of a realignment on raw tokens. */
export interface Aligned {
  readonly chains: Chain[];
  /** a realignment on raw tokens would find nothing of use */
  readonly noExactRun: boolean;
  /**
   * when every run of useful length a realignment on raw tokens could find lies within one of these (the
   * normalized runs of useful length, no streak of skipped seeds being that long): those runs
   */
  readonly longRuns?: Run[];
}

/**
 * The chains of a cluster: runs of equal normalized tokens between the query window and `region` (the source's
 * codes [ss, se)), chained and trimmed. `into`: a buffer for the region's shingles (at least its length).
 */
export function alignWindow(q: AlignQuery, region: Uint32Array, w: AlignWindow, into?: Uint32Array): Aligned {
  const found = { skipped: Infinity };
  const runs = findRuns(q.codes, q.shingles, w.qs, w.qe, region, shingleHashes(region, q.limits.k, into), w.ss, q.limits, w.dLo, w.dHi, found, q.frequent);
  // Tokens equal in raw form are equal in normalized form, so a stretch of equal raw tokens lies within a
  // normalized run found unless all its seeds were skipped: when no run is long enough to be of use and no
  // streak of skipped seeds is that long either, no run of raw tokens is of use (most clusters of a query).
  const useful = hasUsefulRun(runs, q.minUsefulRun);
  // (seen: every stretch of equal tokens of useful length lies within a run found)
  const seen = found.skipped <= q.minUsefulRun - q.limits.k;
  if (!useful) return { chains: [], noExactRun: seen };
  return { chains: chainsOf(runs, q), noExactRun: false, longRuns: seen ? runs.filter((r) => r.len >= q.minUsefulRun) : undefined };
}

/**
 * Whether one of the runs holds `min` consecutive tokens equal in raw form (qRaw, sRaw: the raw hashes of
 * the query and of the source, by token index). Where alignWindow gave longRuns and none does, no run of
 * raw tokens is of use: the realignment on raw tokens can be skipped.
 */
export function hasRawStretch(runs: readonly Run[], qRaw: Uint16Array, sRaw: Uint16Array, min: number): boolean {
  for (const r of runs) {
    let streak = 0;
    for (let t = 0; t < r.len; t++) {
      if (qRaw[r.q + t] !== sRaw[r.s + t]) streak = 0;
      else if (++streak >= min) return true;
    }
  }
  return false;
}

/**
 * The chains of a cluster's runs, trimmed. Every chain judge() can accept has a run of minLongestRun
 * tokens (a modified chain) or of minMatched (a single run), and chaining cuts runs but never lengthens
 * them: without such a run there is nothing to chain. That is most clusters of a query (96% of the
 * chainings of the lookup benchmark's queries against 1.18M units of distinct code, two thirds of their
 * time), as chance resemblance is short runs.
 */
export function chainsOf(runs: Run[], q: Pick<AlignQuery, 'codes' | 'limits' | 'minUsefulRun'>): Chain[] {
  if (!hasUsefulRun(runs, q.minUsefulRun)) return [];
  return chainRuns(runs, q.limits).map((raw) => trimPunctuation(raw, q.codes));
}

function hasUsefulRun(runs: Run[], minUsefulRun: number): boolean {
  return runs.some((r) => r.len >= minUsefulRun);
}

const LEADING_NOISE = new Set([';', '}', ')', ']', ','].map(plainCode));
const TRAILING_NOISE = new Set(['{', '(', '[', ','].map(plainCode));

/**
 * Runs extended over the edges of a copy often pick up a lone `;` or `}` of the surrounding code;
 * trimming them keeps reported ranges on the copied lines.
 */
export function trimPunctuation(chain: Chain, q: Uint32Array): Chain {
  const runs = chain.runs.slice();
  let cut = 0;
  const first = runs[0]!;
  while (cut < first.len - 1 && LEADING_NOISE.has(q[first.q + cut]!)) cut++;
  if (cut) runs[0] = { q: first.q + cut, s: first.s + cut, len: first.len - cut };
  const li = runs.length - 1;
  const last = runs[li]!;
  let cutEnd = 0;
  while (cutEnd < last.len - 1 && TRAILING_NOISE.has(q[last.q + last.len - 1 - cutEnd]!)) cutEnd++;
  if (cutEnd) runs[li] = { ...runs[li]!, len: runs[li]!.len - cutEnd };
  if (!cut && !cutEnd) return chain;
  const a = runs[0]!, b = runs[li]!;
  return { runs, qStart: a.q, sStart: a.s, qEnd: b.q + b.len, sEnd: b.s + b.len, matched: chain.matched - cut - cutEnd };
}
