// The alignment and clustering of verification are written for speed (typed tables, counting sorts, pruned
// scans); findings must not depend on that. Each is checked here against a plain reference implementation
// (the straightforward code they replaced: Maps, comparator sorts, full scans) on seeded random inputs that
// are repetitive enough to exercise ties, seed caps and overlapping runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chainRuns, findRuns, frequentShingles, type AlignLimits, type Chain, type Run } from '../../src/core/align';
import { clusterHits, HitTable, type Cluster } from '../../src/core/cluster';
import { exactCodes, unitColumnsOf } from '../../src/core/match';
import { mix } from '../../src/core/hash';
import { alignWindow, hasRawStretch } from '../../src/core/verify';
import { shingleHashes } from '../../src/core/minhash';
import type { Unit } from '../../src/core/types';
import type { UnitRecord } from '../../src/index/store';
import { rng } from '../integration/filestore/synthetic';

const LIMITS: AlignLimits = { k: 5, maxGap: 48, maxSeedOccurrences: 48, maxRuns: 5000, maxChains: 8, minMatched: 43 };

/** reference: seeds from a Map of positions, diagonals covered in a Map (source arrays in file coordinates) */
function findRunsRef(q: Uint32Array, qh: Uint32Array, qs: number, qe: number, s: Uint32Array, sh: Uint32Array, ss: number, se: number,
  lim: AlignLimits, dLo = -Infinity, dHi = Infinity): Run[] {
  const k = lim.k;
  const positions = new Map<number, number[]>();
  for (let j = ss; j + k <= se; j++) {
    const list = positions.get(sh[j]!);
    if (list) list.push(j);
    else positions.set(sh[j]!, [j]);
  }
  const inQuery = new Map<number, number>();
  for (let i = qs; i + k <= qe; i++) inQuery.set(qh[i]!, (inQuery.get(qh[i]!) ?? 0) + 1);
  const runs: Run[] = [];
  const covered = new Map<number, number>();
  for (let i = qs; i + k <= qe; i++) {
    const list = positions.get(qh[i]!);
    if (!list || list.length > lim.maxSeedOccurrences || inQuery.get(qh[i]!)! > lim.maxSeedOccurrences) continue;
    for (const j of list) {
      const d = i - j;
      if (d < dLo || d > dHi) continue;
      if ((covered.get(d) ?? -1) > i) continue;
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

/** reference: the full look-back of 256 runs per run, over run objects */
function chainRunsRef(input: Run[], lim: AlignLimits): Chain[] {
  let runs = input.slice().sort((x, y) => x.q - y.q || x.s - y.s);
  const chains: Chain[] = [];
  while (runs.length && chains.length < lim.maxChains) {
    let total = 0;
    for (const r of runs) total += r.len;
    if (total < lim.minMatched) break;
    const n = runs.length;
    const score = new Float64Array(n);
    const prev = new Int32Array(n).fill(-1);
    const shift = new Int32Array(n);
    let best = -1;
    for (let r = 0; r < n; r++) {
      const R = runs[r]!;
      score[r] = R.len;
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
    const list: Run[] = [];
    for (let r = best; r >= 0; r = prev[r]!) {
      const R = runs[r]!, c = shift[r]!;
      list.push(c ? { q: R.q + c, s: R.s + c, len: R.len - c } : R);
    }
    list.reverse();
    const trimmed = trimEndsRef(list, lim.k);
    const first = trimmed[0]!, last = trimmed[trimmed.length - 1]!;
    let matched = 0;
    for (const r of trimmed) matched += r.len;
    const chain: Chain = { runs: trimmed, qStart: first.q, qEnd: last.q + last.len, sStart: first.s, sEnd: last.s + last.len, matched };
    if (matched < lim.minMatched) break;
    chains.push(chain);
    runs = runs.filter((r) => r.q + r.len <= chain.qStart || r.q >= chain.qEnd);
  }
  return chains;
}

function trimEndsRef(runs: Run[], k: number): Run[] {
  let a = 0, b = runs.length - 1;
  while (b > a) {
    const r = runs[a]!, n = runs[a + 1]!;
    if (r.len < 2 * k && Math.max(n.q - (r.q + r.len), n.s - (r.s + r.len)) >= r.len) a++;
    else break;
  }
  while (b > a) {
    const r = runs[b]!, p = runs[b - 1]!;
    if (r.len < 2 * k && Math.max(r.q - (p.q + p.len), r.s - (p.s + p.len)) >= r.len) b--;
    else break;
  }
  return runs.slice(a, b + 1);
}

/** a token stream of `n` codes from a small alphabet, with copied stretches of `from` (edited now and then) */
function stream(r: () => number, n: number, alphabet: number, from?: Uint32Array): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    if (from && r() < 0.7) {
      const start = Math.floor(r() * Math.max(1, from.length - 200));
      const len = Math.min(n - i, 20 + Math.floor(r() * 150));
      for (let t = 0; t < len; t++) out[i + t] = r() < 0.03 ? Math.floor(r() * alphabet) : from[start + t] ?? 0;
      i += len - 1;
    } else out[i] = Math.floor(r() * alphabet);
  }
  return out;
}

const plain = (runs: readonly Run[]) => runs.map((x) => [x.q, x.s, x.len]);
const plainChains = (cs: Chain[]) => cs.map((c) => ({ ...c, runs: plain(c.runs) }));

test('findRuns and chainRuns give what the plain reference implementations give', () => {
  for (let seed = 1; seed <= 60; seed++) {
    const r = rng(seed);
    const alphabet = seed % 3 === 0 ? 3 : seed % 3 === 1 ? 12 : 60; // 3: very repetitive, seeds over the cap
    const s = stream(r, 300 + Math.floor(r() * 1500), alphabet);
    const q = stream(r, 300 + Math.floor(r() * 1500), alphabet, s);
    const qh = shingleHashes(q, LIMITS.k), sh = shingleHashes(s, LIMITS.k);
    for (let trial = 0; trial < 5; trial++) {
      const qs = Math.floor(r() * q.length / 2), qe = Math.min(q.length, qs + 50 + Math.floor(r() * 800));
      const ss = Math.floor(r() * s.length / 2), se = Math.min(s.length, ss + 50 + Math.floor(r() * 800));
      const bounded = trial % 2 === 0;
      const off = Math.floor((r() - 0.5) * 600), drift = 64 + Math.floor(r() * 400) / 2;
      const dLo = bounded ? -off - drift : -Infinity, dHi = bounded ? -off + drift : Infinity;
      // (trial 3: a low seed cap, reached by k-grams frequent in the query window, in the source region or both)
      const lim = { ...LIMITS, maxRuns: trial === 4 ? 40 : LIMITS.maxRuns, maxSeedOccurrences: trial === 3 ? 4 : LIMITS.maxSeedOccurrences };
      const region = s.subarray(ss, se);
      // (the query's frequent k-grams given, or left to findRuns to count)
      const frequent = trial % 2 === 1 ? frequentShingles(qh, lim.maxSeedOccurrences) : undefined;
      const got = findRuns(q, qh, qs, qe, region, shingleHashes(region, lim.k), ss, lim, dLo, dHi, undefined, frequent);
      const want = findRunsRef(q, qh, qs, qe, s, sh, ss, se, lim, dLo, dHi);
      assert.deepEqual(plain(got), plain(want), `findRuns, seed ${seed} trial ${trial}`);
      assert.deepEqual(plainChains(chainRuns(got, lim)), plainChains(chainRunsRef(want, lim)), `chainRuns, seed ${seed} trial ${trial}`);
    }
  }
});

test('findRuns misses an equal stretch of k tokens in the window only where it says seeds were skipped', () => {
  let complete = 0, incomplete = 0, missing = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const r = rng(seed);
    const alphabet = seed % 3 === 0 ? 3 : seed % 3 === 1 ? 12 : 60;
    const s = stream(r, 300 + Math.floor(r() * 1500), alphabet);
    const q = stream(r, 300 + Math.floor(r() * 1500), alphabet, s);
    const qh = shingleHashes(q, LIMITS.k);
    const qs = Math.floor(r() * q.length / 2), qe = Math.min(q.length, qs + 50 + Math.floor(r() * 800));
    const ss = Math.floor(r() * s.length / 2), se = Math.min(s.length, ss + 50 + Math.floor(r() * 800));
    const off = Math.floor((r() - 0.5) * 600), drift = 64 + Math.floor(r() * 400) / 2;
    const dLo = -off - drift, dHi = -off + drift;
    // (a low seed cap and a low run limit, now and then, make it incomplete)
    const lim = { ...LIMITS, maxRuns: seed % 4 === 0 ? 40 : LIMITS.maxRuns, maxSeedOccurrences: seed % 2 === 0 ? 2 : LIMITS.maxSeedOccurrences };
    const region = s.subarray(ss, se);
    const found = { skipped: -1 };
    const runs = findRuns(q, qh, qs, qe, region, shingleHashes(region, lim.k), ss, lim, dLo, dHi, found);
    // every maximal equal stretch of >= k tokens on a diagonal of the window, by brute force
    const missed: string[] = [];
    let longestMissed = 0;
    for (let d = Math.ceil(dLo); d <= dHi; d++) {
      let len = 0;
      for (let i = qs; i <= qe; i++) {
        const j = i - d;
        if (i < qe && j >= ss && j < se && q[i] === s[j]) { len++; continue; }
        if (len >= lim.k && !runs.some((x) => x.q - x.s === d && x.q <= i - len && x.q + x.len >= i)) {
          missed.push(`${i - len}:${len}@${d}`);
          longestMissed = Math.max(longestMissed, len);
        }
        len = 0;
      }
    }
    assert.ok(found.skipped >= 0, `seed ${seed}: skipped is set`);
    // a stretch missed had each of its len - k + 1 seeds skipped: the streak said covers it
    assert.ok(longestMissed - lim.k + 1 <= found.skipped, `seed ${seed}: missed ${longestMissed} tokens, said ${found.skipped} seeds skipped in a row`);
    if (found.skipped === 0) {
      complete++;
      assert.deepEqual(missed, [], `seed ${seed}: said complete`);
    } else {
      incomplete++;
      if (missed.length) missing++;
    }
  }
  // both cases occur, and an incomplete search does miss stretches (the brute force sees them)
  assert.ok(complete >= 10 && incomplete >= 10 && missing >= 5, `${complete} complete, ${incomplete} incomplete, ${missing} missing some`);
});

test('a realignment on raw tokens finds a run of useful length only where alignWindow\'s long runs hold an equal raw stretch', () => {
  let proven = 0, found = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const r = rng(500 + seed);
    // token values: the raw form; normalized codes fold them into a few classes (repetitive, seeds over the
    // cap), 32-bit like the vocabulary's (the matcher's raw-token codes mix the two: small codes would collide)
    const classes = seed % 3 === 0 ? 3 : seed % 3 === 1 ? 6 : 20;
    const sv = stream(r, 300 + Math.floor(r() * 1500), 60);
    let qv = stream(r, 300 + Math.floor(r() * 1500), 60, sv);
    // (every other seed: most tokens renamed within their class, so normalized runs are long, raw ones short)
    if (seed % 4 < 2) qv = qv.map((x) => (r() < 0.85 ? (x + classes) % 60 : x));
    const codesOf = (v: Uint32Array) => v.map((x) => mix(0x811c9dc5, x % classes));
    const q = codesOf(qv), s = codesOf(sv), qRaw = Uint16Array.from(qv), sRaw = Uint16Array.from(sv);
    const qx = exactCodes(q, qRaw, LIMITS.k);
    const lim = { ...LIMITS, maxSeedOccurrences: seed % 2 ? 8 : LIMITS.maxSeedOccurrences };
    const qh = shingleHashes(q, lim.k);
    const query = { codes: q, shingles: qh, frequent: frequentShingles(qh, lim.maxSeedOccurrences), limits: lim, minUsefulRun: 20 };
    for (let trial = 0; trial < 5; trial++) {
      const qs = Math.floor(r() * q.length / 2), qe = Math.min(q.length, qs + 50 + Math.floor(r() * 800));
      const ss = Math.floor(r() * s.length / 2), se = Math.min(s.length, ss + 50 + Math.floor(r() * 800));
      const off = Math.floor((r() - 0.5) * 600), drift = 64 + Math.floor(r() * 400) / 2;
      const w = { qs, qe, ss, se, dLo: -off - drift, dHi: -off + drift };
      const a = alignWindow(query, s.subarray(ss, se), w);
      // (as the matcher realigns: the region's raw-token codes, hashed afresh)
      const region = exactCodes(s.subarray(ss, se), sRaw.subarray(ss, se), lim.k);
      const rawRuns = findRuns(qx.codes, qx.sh, qs, qe, region.codes, region.sh, ss, lim, w.dLo, w.dHi);
      const useful = rawRuns.filter((x) => x.len >= query.minUsefulRun);
      if (useful.length) found++;
      if (a.noExactRun) assert.deepEqual(useful, [], `seed ${seed} trial ${trial}: said no raw run is of use`);
      if (!a.longRuns) continue;
      const stretch = hasRawStretch(a.longRuns, qRaw, sRaw, query.minUsefulRun);
      if (!stretch) proven++;
      assert.ok(stretch || !useful.length, `seed ${seed} trial ${trial}: a raw run of ${useful[0]?.len} tokens outside the long runs`);
    }
  }
  // both outcomes occur: realignments proven useless, and raw runs of use found
  assert.ok(proven >= 10 && found >= 10, `${proven} proven useless, ${found} with a raw run of use`);
});

test('a table whose every normalized seed is over the cap: no long runs are claimed, and its raw run is found', () => {
  const r = rng(77);
  const k = LIMITS.k, lim = { ...LIMITS, maxSeedOccurrences: 8 };
  // tokens as [class, raw hash]
  type Tok = [number, number];
  // a table of 30 numbers (class 0) between commas (class 1), equal in raw form on both sides
  const table: Tok[] = [];
  for (let i = 0; i < 30; i++) table.push([0, 100 + Math.floor(r() * 1000)], [1, 7]);
  // a renamed stretch: equal classes, other raw hashes (a normalized run of use that holds no raw one)
  const shape = Array.from({ length: 50 }, () => 10 + Math.floor(r() * 20));
  const noise = (n: number): Tok[] => Array.from({ length: n }, () => [50 + Math.floor(r() * 50), 5000 + Math.floor(r() * 1000)]);
  const sv: Tok[] = [...noise(30), ...shape.map((c): Tok => [c, 2000 + c]), ...noise(20), ...table, ...noise(30)];
  // (the query's copy: other tokens right before and after the table, so no seed outside it reaches into it)
  const qv: Tok[] = [...noise(30), ...shape.map((c): Tok => [c, 3000 + c]), ...noise(19), [200, 1], ...table, [201, 2], ...noise(30)];
  const codes = (t: Tok[]) => Uint32Array.from(t, ([c]) => mix(0x811c9dc5, c));
  const raws = (t: Tok[]) => Uint16Array.from(t, ([, v]) => v);
  const q = codes(qv), s = codes(sv), qRaw = raws(qv), sRaw = raws(sv);
  const qh = shingleHashes(q, k);
  const query = { codes: q, shingles: qh, frequent: frequentShingles(qh, lim.maxSeedOccurrences), limits: lim, minUsefulRun: 20 };
  const w = { qs: 0, qe: q.length, ss: 0, se: s.length, dLo: -100, dHi: 100 };
  const a = alignWindow(query, s, w);
  assert.ok(a.chains.length > 0, 'the renamed stretch is a normalized run of use');
  const qx = exactCodes(q, qRaw, k), sx = exactCodes(s, sRaw, k);
  const rawRuns = findRuns(qx.codes, qx.sh, 0, q.length, sx.codes, sx.sh, 0, lim, w.dLo, w.dHi);
  assert.ok(rawRuns.some((x) => x.len >= table.length), 'the realignment finds the table');
  assert.equal(a.noExactRun, false);
  assert.ok(!a.longRuns || hasRawStretch(a.longRuns, qRaw, sRaw, query.minUsefulRun), 'long runs claimed without the table');
});

test('hasRawStretch: a stretch of exactly min equal raw tokens counts, one shorter does not', () => {
  const qRaw = Uint16Array.from({ length: 40 }, (_, i) => i);
  const sRaw = Uint16Array.from({ length: 40 }, (_, i) => (i === 5 || i === 26 ? 999 : i)); // equal at 6..25: 20 tokens
  const runs = [{ q: 0, s: 0, len: 40 }];
  assert.equal(hasRawStretch(runs, qRaw, sRaw, 20), true);
  assert.equal(hasRawStretch(runs, qRaw, sRaw, 21), false);
  assert.equal(hasRawStretch([{ q: 0, s: 0, len: 25 }], qRaw, sRaw, 20), false); // (the run ends before the stretch does)
});

test('chainRuns gives what the plain reference gives on arbitrary runs (short, far apart, crowded)', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const r = rng(seed);
    const n = Math.floor(r() * (seed % 4 === 0 ? 900 : 120));
    // spread: crowded runs (many overlapping in the query) or runs far apart (gaps beyond maxGap + 512)
    const spread = seed % 3 === 0 ? 4000 : 300;
    const runs: Run[] = [];
    for (let i = 0; i < n; i++) {
      const q = Math.floor(r() * spread), d = Math.floor(r() * 5) * 7;
      // (now and then a long run, which keeps the furthest query end ahead of short runs that start after it)
      const len = seed % 6 === 1 && r() < 0.1 ? 200 + Math.floor(r() * 900) : 1 + Math.floor(r() * (seed % 5 === 0 ? 8 : 60));
      runs.push({ q, s: q + d + Math.floor(r() * (seed % 2 ? 3 : 400)), len });
    }
    const lim = { ...LIMITS, k: 3 + (seed % 4), maxGap: seed % 7 === 0 ? 600 : LIMITS.maxGap, minMatched: 10 + (seed % 40) };
    assert.deepEqual(plainChains(chainRuns(runs, lim)), plainChains(chainRunsRef(runs, lim)), `seed ${seed}`);
  }
});

test('chainRuns looks back over 256 runs, not more', () => {
  // a predecessor 256 or 257 runs back, the runs between them placed elsewhere in the source
  for (const between of [255, 256]) {
    const runs: Run[] = [{ q: 940, s: 940, len: 20 }];
    for (let i = 0; i < between; i++) runs.push({ q: 941 + (i % 59), s: 5000 + 100 * i, len: 5 });
    runs.push({ q: 1000, s: 1000, len: 50 });
    const lim = { ...LIMITS, minMatched: 60 };
    const got = chainRuns(runs, lim);
    assert.deepEqual(plainChains(got), plainChains(chainRunsRef(runs, lim)));
    assert.deepEqual(got.map((c) => c.matched), between === 255 ? [70] : []);
  }
});

test('chainRuns stops looking back at a run that ends more than maxGap + 512 tokens before', () => {
  // A (long, elsewhere in the source) keeps the furthest query end close to R, so P, which ends long before
  // R, stops the look-back before it reaches B, which could precede R
  const runs: Run[] = [{ q: 0, s: 10000, len: 560 }, { q: 5, s: 5, len: 590 }, { q: 10, s: 3000, len: 5 }, { q: 600, s: 600, len: 50 }];
  const got = chainRuns(runs, LIMITS);
  assert.deepEqual(plainChains(got), plainChains(chainRunsRef(runs, LIMITS)));
  assert.deepEqual(got.map((c) => c.matched), [590, 50]);
});

test('findRuns: a source region shorter than k has no seeds', () => {
  const q = Uint32Array.from([1, 2, 3, 4, 5, 6]);
  assert.deepEqual(findRuns(q, shingleHashes(q, 5), 0, 6, q.subarray(0, 3), shingleHashes(q.subarray(0, 3), 5), 0, LIMITS), []);
});

/** reference: hits in a Map of arrays, pairs ordered by a comparator sort, every group split, all clusters sorted by count */
function clusterHitsRef(records: UnitRecord[], hits: Map<number, number[]>, units: readonly Unit[]): { groups: number; clusters: Cluster[] } {
  let n = 0;
  for (const rec of records) n += hits.get(rec.id)?.length ?? 0;
  const file = new Float64Array(n), off = new Float64Array(n), ss = new Float64Array(n), se = new Float64Array(n);
  const qs = new Float64Array(n), qe = new Float64Array(n);
  let i = 0;
  for (const rec of records) {
    for (const ui of hits.get(rec.id) ?? []) {
      const u = units[ui]!;
      file[i] = rec.fileId; off[i] = Math.round((rec.startToken + rec.endToken - u.start - u.end) / 2);
      ss[i] = rec.startToken; se[i] = rec.endToken; qs[i] = u.start; qe[i] = u.end;
      i++;
    }
  }
  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => file[a]! - file[b]! || off[a]! - off[b]! || a - b);
  const out: Cluster[] = [];
  let group: number[] = [], groups = 0;
  const flush = () => {
    if (group.length) groups++;
    group.sort((a, b) => ss[a]! - ss[b]!);
    let cur: Cluster | undefined;
    for (const e of group) {
      if (cur && ss[e]! <= cur.se + 160) {
        cur.se = Math.max(cur.se, se[e]!); cur.qs = Math.min(cur.qs, qs[e]!); cur.qe = Math.max(cur.qe, qe[e]!); cur.n++;
      } else {
        cur = { fileId: file[e]!, ss: ss[e]!, se: se[e]!, qs: qs[e]!, qe: qe[e]!, n: 1, off: off[e]! };
        out.push(cur);
      }
    }
    group = [];
  };
  for (const e of order) {
    const first = group[0];
    if (first !== undefined && (file[e] !== file[first] || off[e]! - off[first]! > 48)) flush();
    group.push(e);
  }
  flush();
  return { groups, clusters: out.sort((a, b) => b.n - a.n) };
}

test('clusterHits gives the most-hit clusters of the plain reference, in the same order', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const r = rng(1000 + seed);
    const units: Unit[] = [];
    for (let u = 0; u < 50 + Math.floor(r() * 300); u++) {
      const start = Math.floor(r() * 3000);
      units.push({ kind: 'window', start, end: start + 40 + Math.floor(r() * 3) });
    }
    // source units: few files (many hits per file and diagonal) or many; ids hit in a random order
    const files = seed % 2 ? 3 : 200;
    const records: UnitRecord[] = [];
    for (let id = 0; id < 2000; id++) {
      // (seeds 5, 10, ...: positions spread over 2^27 tokens, so diagonals do not pack into 32 bits)
      const start = Math.floor(r() * (seed % 5 ? 4000 : 2 ** 27));
      records.push({ id: id * 7 + 3, fileId: Math.floor(r() * files) * 13, language: 'c', kind: 'window', startToken: start, endToken: start + 40 + Math.floor(r() * 3) });
    }
    const posting: { id: number; ui: number }[] = [];
    for (let ui = 0; ui < units.length; ui++) {
      for (let b = 0; b < 12; b++) if (r() < 0.5) for (let x = 0; x < 1 + Math.floor(r() * 4); x++) posting.push({ id: records[Math.floor(r() * records.length)]!.id, ui });
    }
    const table = new HitTable(6, seed % 3 ? 16 : posting.length); // a small start: grows
    const map = new Map<number, number[]>();
    for (const { id, ui } of posting) {
      table.add(id, ui);
      const h = map.get(id);
      if (!h) map.set(id, [ui]);
      else if (h.length < 6 && h[h.length - 1] !== ui) h.push(ui);
    }
    assert.deepEqual([...table.ids], [...map.keys()], `first-hit order, seed ${seed}`);
    const byId = new Map(records.map((x) => [x.id, x]));
    // the store answers in the order asked, or (another store) in its own order
    const asked = [...map.keys()].map((id) => byId.get(id)!);
    const answered = seed % 4 === 0 ? asked.slice().reverse() : asked;
    for (const limit of [1, 7, 200, 100000]) {
      const got = clusterHits(unitColumnsOf(answered, () => true).columns, table, units, limit);
      const want = clusterHitsRef(answered, map, units);
      assert.equal(got.groups, want.groups, `groups, seed ${seed}`);
      // (an offset of -0 is 0 in the typed columns; the matcher only adds to it)
      assert.deepEqual(got.top, want.clusters.slice(0, limit).map((c) => ({ ...c, off: c.off + 0 })), `clusters, seed ${seed} limit ${limit}`);
    }
  }
});

test('HitTable.addPostings records what add() records entry by entry', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const r = rng(seed);
    const bands = 1 + (seed % 12);
    // a pool of band keys with their lists; each (query unit, band) takes one, so keys repeat
    const pool: { key: number; list: Uint32Array }[] = [];
    for (let i = 0; i < 5 + Math.floor(r() * 60); i++) {
      const list = new Uint32Array(Math.floor(r() * (seed % 3 ? 12 : 40)));
      for (let x = 0; x < list.length; x++) list[x] = Math.floor(r() * (seed % 2 ? 50 : 5000)) * 3 + 1;
      pool.push({ key: (Math.floor(r() * 2 ** 32) >>> 0), list });
    }
    const units = 1 + Math.floor(r() * 300);
    const keys = new Uint32Array(units * bands);
    const postings: Uint32Array[] = [];
    for (let i = 0; i < keys.length; i++) {
      // neighbouring query units often share a key (overlapping windows)
      const e = i >= bands && r() < 0.6 ? pool.findIndex((p) => p.key === keys[i - bands]) : Math.floor(r() * pool.length);
      keys[i] = pool[e]!.key;
      postings.push(pool[e]!.list);
    }
    const want = new HitTable(6, 16), got = new HitTable(6, seed % 2 ? 16 : 4096);
    for (let i = 0; i < postings.length; i++) for (const id of postings[i]!) want.add(id, Math.floor(i / bands));
    got.addPostings(postings, keys, bands);
    assert.deepEqual([...got.ids], [...want.ids], `first-hit order, seed ${seed}`);
    for (let s = 0; s < want.size; s++) {
      const w: number[] = [], g: number[] = [];
      for (let j = 0; j < want.count(s); j++) w.push(want.queryUnit(s, j));
      for (let j = 0; j < got.count(s); j++) g.push(got.queryUnit(s, j));
      assert.deepEqual(g, w, `query units of slot ${s}, seed ${seed}`);
    }
  }
});
