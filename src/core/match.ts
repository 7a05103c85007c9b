// Candidate generation (MinHash/LSH over units) and verification (token alignment) of one query stream
// against an index. Storage-agnostic: it talks to the index only through the IndexReader interface.
import type { CandidateClusters, CandidateRequest, FileRecord, IndexReader, UnitColumns, UnitRecord } from '../index/store';
import { findRuns, frequentShingles, type AlignLimits, type Chain, type Run } from './align';
import { candidateHits, clusterHits, type Cluster } from './cluster';
import { UNIT_KINDS } from './fingerprint';
import { fnv1a32, hex32, mix } from './hash';
import { fingerprintUnits, shingleHashes, unitBandKeys } from './minhash';
import { DEFAULT_TUNING, MAX_UNIT_TOKENS, ubiquityThreshold, type MatchTuning } from './options';
import { Scratch } from './scratch';
import { U32Table } from './table';
import { alignWindow, chainsOf, hasRawStretch, trimPunctuation, type AlignQuery, type Aligned } from './verify';
import type { Tokenized } from './tokenize';
import { languageFamily, type LanguageId, type Match, type MatchKind, type MatchOptions, type SourceRef } from './types';
import { CODE_IDENTIFIER, CODE_NUMBER, CODE_STRING } from './vocabulary';

/**
 * The shortest string literal, quotes included, whose raw equality is evidence (see Scored.keptStrings): "",
 * 'a' and "%s" are in every code base.
 */
const KEPT_STRING_LENGTH = 5;
/** Tokens of context added around the hit units on both sides before aligning. */
const MARGIN = 80;
const MAX_CLUSTERS = 200;
/** query units remembered per hit source unit */
const MAX_PAIRS_PER_UNIT = 6;

export interface MatchDiagnostics {
  queryUnits: number;
  candidateUnits: number;
  /** groups of hits of one file and nearby diagonals, which clusters are formed from (clusterHits) */
  groups: number;
  skippedKeys: number;
  rejected: Record<string, number>;
}

interface Scored {
  chain: Chain;
  /** distinct shingles over the matched runs (of raw tokens when the runs are equal in raw tokens) */
  distinct: number;
  /** for chains whose runs are equal in raw tokens: distinct raw identifiers and literals in them */
  exactValues: number;
  /** for other chains: distinct string literals (of KEPT_STRING_LENGTH or more) equal on both sides where aligned */
  keptStrings: number;
  /** the runs are equal in raw tokens too */
  rawEqual: boolean;
  /** identifier pairs that repeat a majority mapping (evidence of a consistent renaming) */
  confirmed: number;
  /** distinct token codes of the matched runs */
  vocabulary: number;
  file: FileRecord;
  similarity: number;
  kind: MatchKind;
  consistency: number;
  /** the distinct shingles of the query over the matched runs */
  qShingles: Uint32Array;
}

export class Matcher {
  lastDiagnostics: MatchDiagnostics = { queryUnits: 0, candidateUnits: 0, groups: 0, skippedKeys: 0, rejected: {} };
  /** Debugging (bench/quality/misses.ts): told of each chain judged ('chain'), the evidence of each scored one ('evidence') and each scored one rejected ('rejected') */
  trace?: (event: string, detail: Record<string, unknown>) => void;
  private readonly limits: AlignLimits;
  /** the shortest run a chain judge() can accept must contain (see chains) */
  private readonly minUsefulRun: number;

  constructor(private readonly reader: IndexReader, private readonly opts: MatchOptions,
    private readonly sourceInfo: (repo: string) => Promise<Omit<SourceRef, 'path' | 'startLine' | 'endLine' | 'license'> | undefined>,
    private readonly tuning: MatchTuning = DEFAULT_TUNING) {
    const k = reader.params.k;
    this.limits = { k, maxGap: 48, maxSeedOccurrences: 48, maxRuns: 5000, maxChains: 8, minMatched: Math.ceil(tuning.minMatchedShare * opts.minTokens) };
    this.minUsefulRun = Math.min(tuning.minLongestRun, this.limits.minMatched);
  }

  /**
   * Verified matches of a tokenized query, best first, non-overlapping in the query. `prefetch` (default
   * true): let the store use another thread, to find part of the candidates (IndexReader.candidates) and to
   * decode them ahead (IndexReader.prefetch); a batch of queries whose files are parsed on the other cores
   * gains nothing from it.
   */
  async match(doc: Tokenized, signal?: AbortSignal, { prefetch = true }: { prefetch?: boolean } = {}): Promise<Match[]> {
    const params = this.reader.params;
    const { codes } = doc.tokens;
    const diag: MatchDiagnostics = { queryUnits: 0, candidateUnits: 0, groups: 0, skippedKeys: 0, rejected: {} };
    this.lastDiagnostics = diag;
    if (codes.length < Math.min(this.opts.minTokens, params.minUnitTokens)) return [];
    const shingles = shingleHashes(codes, params.k);
    const found = await this.candidates(doc, shingles, diag, prefetch, signal);
    if (!found) return [];
    const { records, clusters } = found;

    const scored: Scored[] = [];
    const fileCache = new Map<number, FileRecord>();
    // the query's tokens with their raw hashes (verbatim checks, realignment of repetitive code)
    const qExact = exactCodes(codes, doc.tokens.raw, params.k);
    // where the query's shingles, and its raw-token shingles (made when a cluster is first realigned on them),
    // are frequent enough in the whole query that a window may hold more than a seed's cap (findRuns)
    const frequent = frequentShingles(shingles, this.limits.maxSeedOccurrences);
    let exactFrequent: Uint8Array | null | undefined;
    const query: AlignQuery = { codes, shingles, frequent, limits: this.limits, minUsefulRun: this.minUsefulRun };
    // the query's functions (made when a chain first needs them: most queries have none)
    let queryFunctions: Span[] | undefined;
    const functionsOfQuery = () => (queryFunctions ??= doc.units.filter((u) => u.kind === 'function'));
    // Alignments by source content and region. A store gives files of the same bytes one decoded stream
    // (reader.ts), and the same code then forms the same clusters: a file vendored into many repositories,
    // or present in several indexed versions of a project, is aligned once per query and judged per file.
    const aligned = new Map<Uint32Array, Map<string, Aligned & { exact?: Chain[] }>>();
    // the regions aligned below, in order: a store may decode them ahead on another thread
    const ahead = prefetch ? this.reader.prefetch?.bind(this.reader) : undefined;
    ahead?.(clusters.filter((c) => c.n >= this.tuning.minClusterPairs).map((c) => ({ fileId: c.fileId, start: Math.max(0, c.ss - MARGIN), end: c.se + MARGIN })));
    try {
      for (const c of clusters) {
        if (c.n < this.tuning.minClusterPairs) break; // sorted by n
        signal?.throwIfAborted();
        let rec = fileCache.get(c.fileId);
        if (!rec) {
          rec = await this.reader.file(c.fileId);
          fileCache.set(c.fileId, rec);
        }
        const qs = Math.max(0, c.qs - MARGIN), qe = Math.min(codes.length, c.qe + MARGIN);
        const ss = Math.max(0, c.ss - MARGIN), se = Math.min(rec.tokens ?? rec.codes.length, c.se + MARGIN);
        // seeds near the cluster's diagonal only: repetitive code elsewhere in the file cannot hijack the alignment
        const drift = 64 + (c.qe - c.qs) / 2;
        const dLo = -c.off - drift, dHi = -c.off + drift;
        // only the cluster's region of a (possibly large) source file is decoded, where the store can, and hashed
        const sourceCodes = rec.region ? rec.region(ss, se, false).codes : rec.codes;
        let regions = aligned.get(sourceCodes);
        if (!regions) aligned.set(sourceCodes, regions = new Map());
        const key = `${qs} ${qe} ${ss} ${se} ${dLo} ${dHi}`;
        let a = regions.get(key);
        const region = sourceCodes.subarray(ss, se);
        if (!a) {
          a = { ...alignWindow(query, region, { qs, qe, ss, se, dLo, dHi }, scratch(0, region.length)) };
          regions.set(key, a);
        }
        if (!a.chains.length && a.noExactRun) continue;
        // the file as the chains are judged (raw tokens) and reported (lines): the region's, where the store decodes by region
        const file = rec.region ? regionOf(rec, rec.region(ss, se, true)) : rec;
        const before = scored.length;
        for (const chain of a.chains) {
          const s = this.score(doc, shingles, toFunction(chain, functionsOfQuery()), file, diag, qExact.sh);
          if (s) scored.push(s);
        }
        if (scored.slice(before).some((s) => s.kind === 'verbatim')) continue;
        // Repetitive code (tables of tests, lists of calls that differ only in literals) is ambiguous in
        // normalized tokens: the alignment can pair a statement with its neighbour. Raw tokens are not
        // ambiguous, so a verbatim copy of such code is aligned again on its raw tokens.
        if (a.noExactRun) continue;
        // (a stretch of equal raw tokens lies within a normalized run on its diagonal: none that long, no use)
        if (a.longRuns && !a.exact && !hasRawStretch(a.longRuns, doc.tokens.raw, file.raw, this.minUsefulRun)) a.exact = [];
        if (!a.exact) {
          const exact = exactCodes(region, file.raw.subarray(ss, se), params.k, scratch(1, region.length), scratch(2, region.length));
          if (exactFrequent === undefined) exactFrequent = frequentShingles(qExact.sh, this.limits.maxSeedOccurrences);
          const exactRuns = findRuns(qExact.codes, qExact.sh, qs, qe, exact.codes, exact.sh, ss, this.limits, dLo, dHi, undefined, exactFrequent);
          a.exact = chainsOf(exactRuns, query);
        }
        for (const chain of a.exact) {
          const s = this.score(doc, shingles, toFunction(chain, functionsOfQuery()), file, diag, qExact.sh);
          if (s) scored.push(s);
        }
      }
    } finally {
      ahead?.([]);
    }
    if (!scored.length) return [];

    // rarity: discount shingles that are ubiquitous across the indexed repositories
    const all = new U32Table(1024);
    for (const s of scored) for (const h of s.qShingles) all.add(h);
    const df = await this.reader.documentFrequency(all.values.subarray(0, all.size));
    const dfOf = (h: number) => df[all.indexOf(h)]!;
    const ubiquitous = ubiquityThreshold(this.tuning, this.reader.repoCount);

    const accepted: { m: Match; score: number }[] = [];
    // the query's functions, its tokens inside them, and the candidates' functions by file (where a chain's
    // source side lies, see wholeFunctions): made when a chain first needs them, as most queries score none
    let inFunction: Uint8Array | undefined, sourceFunctions: Map<number, Span[]> | undefined;
    const no = (s: Scored, why: string) => {
      reject(diag, why);
      this.trace?.('rejected', { path: s.file.path, q: [s.chain.qStart, s.chain.qEnd], matched: s.chain.matched, why });
    };
    for (const s of scored) {
      let rare = 0;
      for (const h of s.qShingles) if (dfOf(h) < ubiquitous) rare++;
      const rarity = s.qShingles.length ? rare / s.qShingles.length : 0;
      // repetitive code (tables, lists of constants) resembles other tables by chance, unless the identifiers
      // of a renamed table keep mapping consistently through its repetitions (equal raw tokens prove nothing
      // here: a repeated attribute maps to itself)
      const confirmedRenaming = !s.rawEqual && s.confirmed >= this.tuning.repetitiveConfirmedShare * s.chain.matched;
      // nor do its literals, unless many of them were kept: a table of test cases copied with its names renamed
      const keptLiterals = s.keptStrings >= this.tuning.minKeptStringsShare * this.opts.minTokens;
      if (s.distinct < this.tuning.minDistinctRatio * s.chain.matched && !confirmedRenaming && !keptLiterals) { no(s, 'repetitive'); continue; }
      // renamed or modified declarations outside any function (fields, properties, constants) are shapes
      // every code base has; only a verbatim copy of them is evidence
      if (s.kind !== 'verbatim' && this.tuning.minInFunctionShare > 0) {
        inFunction ??= functionMask(codes.length, functionsOfQuery(), doc.errors ?? []);
        let inside = 0;
        for (const r of s.chain.runs) for (let t = 0; t < r.len; t++) inside += inFunction[r.q + t]!;
        if (inside < this.tuning.minInFunctionShare * s.chain.matched) { no(s, 'declarations'); continue; }
      }
      // declarations and accessors (a handful of token kinds) look alike in every code base unless verbatim
      if (s.kind !== 'verbatim' && s.vocabulary < this.tuning.minVocabulary && !keptLiterals) { no(s, 'boilerplate'); continue; }
      // A chain that spans most of one function on each side is a function copied (and renamed or edited):
      // chance resemblance between unrelated code (neighbouring tests, lists of properties) crosses function
      // boundaries or covers a fragment of one. The shape is evidence in itself, so such a chain needs fewer
      // rare shingles than an exact run, and a modified one no more than that.
      sourceFunctions ??= functionsByFile(records);
      const whole = wholeFunctions(s.chain, functionsOfQuery(), sourceFunctions.get(s.file.id), this.tuning.minFunctionCover);
      const share = whole ? this.tuning.minRareShareWhole : s.kind === 'modified' ? this.tuning.minRareShareModified : this.tuning.minRareShare;
      // Ubiquity is judged on normalized shingles, which cannot tell one table of calls from another; code
      // equal in raw tokens carries its own evidence in the names and literals it repeats, and other code in the
      // string literals it kept.
      const evidence = Math.max(rare, s.exactValues, s.keptStrings);
      this.trace?.('evidence', { repo: s.file.repo, path: s.file.path, q: [s.chain.qStart, s.chain.qEnd], s: [s.chain.sStart, s.chain.sEnd], kind: s.kind,
        matched: s.chain.matched, similarity: s.similarity, runs: s.chain.runs.map((r) => r.len), exactValues: s.exactValues, keptStrings: s.keptStrings,
        df: Array.from(s.qShingles, dfOf), ubiquitous });
      if (evidence < share * this.opts.minTokens) {
        // A modified chain needs more evidence than an exact run, yet its longest run alone may be a copy
        // by the rules of exact runs: chaining it with a few more runs (an edited statement, or short runs
        // past the edge of an embedded copy) must not lose it. When that run alone is of reportable size
        // (minTokens, not the 85% of it a chain may match) it is judged on its own, by every rule; the
        // finding is then the run's lines. (With runs down to 85% of minTokens: two false-positive files
        // more on the full and on the held-out quality benchmark, idioms of 43 and 44 tokens.)
        const alone = s.kind === 'modified' ? this.longestRunAlone(doc, shingles, s.chain, s.file, diag, qExact.sh) : undefined;
        if (alone) scored.push(alone);
        no(s, 'ubiquitous');
        continue;
      }
      const m = await this.toMatch(doc, s, rarity);
      if (m) accepted.push({ m, score: s.chain.matched * s.similarity * (0.5 + 0.5 * rarity) });
    }
    // one finding per query region: the best source wins
    accepted.sort((a, b) => b.score - a.score);
    const kept: Match[] = [];
    for (const { m } of accepted) {
      const overlaps = kept.some((k) => overlap(k.startToken, k.endToken, m.startToken, m.endToken) > 0.5 * (m.endToken - m.startToken));
      if (!overlaps) kept.push(m);
    }
    kept.sort((a, b) => a.startToken - b.startToken);
    return kept;
  }

  /**
   * The query's clusters of candidate hits to verify (MAX_CLUSTERS at most) and the candidate units, or
   * undefined when there are none. A method of its own so that what only finding them needs (a view per band
   * key's postings, the query's units: tens of thousands of objects) is garbage before verification starts:
   * in match()'s context, across its awaits, those objects survived into the old generation and the garbage
   * collector stopped lookups for 5-20 ms every few queries.
   */
  private async candidates(doc: Tokenized, shingles: Uint32Array, diag: MatchDiagnostics, helper: boolean, signal?: AbortSignal):
    Promise<{ records: UnitColumns; clusters: Cluster[] } | undefined> {
    const params = this.reader.params;
    const { codes } = doc.tokens;
    const units = fingerprintUnits(codes.length, doc.units, params, params.queryStride, MAX_UNIT_TOKENS);
    diag.queryUnits = units.length;
    if (!units.length) return undefined;
    const keys = unitBandKeys(shingles, units, params, doc.tokens.language);
    // units of other languages are dropped before ranking: in a large file of a common syntax (C++, Java, C#)
    // their clusters would otherwise take places among the MAX_CLUSTERS that the copy needs
    const family = languageFamily(doc.tokens.language);
    const request: CandidateRequest = { keys, bands: params.bands, units, maxPostings: this.opts.maxPostings, perUnit: MAX_PAIRS_PER_UNIT,
      minBandHits: this.tuning.minBandHits, limit: MAX_CLUSTERS, keep: (language) => languageFamily(language) === family, helper };
    // (the store's own way where it has one: the file store's splits large queries between two threads)
    const found = this.reader.candidates ? await this.reader.candidates(request) : await candidatesOf(this.reader, request);
    signal?.throwIfAborted();
    diag.skippedKeys = found.skipped;
    diag.candidateUnits = found.candidateUnits;
    if (!found.candidateUnits) return undefined;
    if (found.dropped) diag.rejected['other-language'] = found.dropped;
    diag.groups = found.groups;
    return { records: found.records, clusters: found.clusters };
  }

  /** qh: the query's shingles, exactSh: its raw-token shingles (see exactCodes) */
  private score(doc: Tokenized, qh: Uint32Array, chain: Chain, file: FileRecord, diag: MatchDiagnostics, exactSh: Uint32Array, retry = true): Scored | undefined {
    if (!this.trace) return this.judge(doc, qh, chain, file, diag, exactSh, retry);
    const before = { ...diag.rejected };
    const s = this.judge(doc, qh, chain, file, diag, exactSh, retry);
    const why = Object.keys(diag.rejected).filter((r) => diag.rejected[r] !== before[r]).join('+');
    this.trace('chain', { path: file.path, q: [chain.qStart, chain.qEnd], s: [chain.sStart, chain.sEnd], matched: chain.matched,
      runs: chain.runs.map((r) => `${r.q}:${r.s}:${r.len}`), verdict: s ? s.kind : `rejected ${why}` });
    return s;
  }

  private judge(doc: Tokenized, qh: Uint32Array, chain: Chain, file: FileRecord, diag: MatchDiagnostics, exactSh: Uint32Array, retry = true): Scored | undefined {
    const qLen = chain.qEnd - chain.qStart, sLen = chain.sEnd - chain.sStart;
    if (chain.matched < this.tuning.minMatchedShare * this.opts.minTokens) { reject(diag, 'small'); return undefined; }
    const similarity = (2 * chain.matched) / (qLen + sLen);
    if (similarity < this.opts.minSimilarity) { reject(diag, 'dissimilar'); return undefined; }
    const q = doc.tokens;
    // kind and identifier consistency (a renamed copy maps identifiers one-to-one)
    let rawEqual = true, idPairs = 0;
    // identifier pair counts, keyed query raw * 65536 + source raw
    const pairs = judging.pairs.clear(), qShingles = judging.qShingles.clear(), exactShingles = judging.exactShingles.clear();
    const values = judging.values.clear(), vocabulary = judging.vocabulary.clear(), kept = judging.kept.clear();
    const k = this.reader.params.k;
    const sraw = file.raw;
    for (const r of chain.runs) {
      for (let t = 0; t < r.len; t++) {
        const qi = r.q + t, si = r.s + t;
        const qr = q.raw[qi]!, sr = sraw[si]!;
        if (qr !== sr) rawEqual = false;
        const code = q.codes[qi]!;
        vocabulary.add(code);
        // (keyed by the class, 0..2, and the raw hash)
        if (code === CODE_IDENTIFIER || code === CODE_STRING || code === CODE_NUMBER) values.add((code === CODE_IDENTIFIER ? 0 : code === CODE_STRING ? 1 : 2) * 65536 + qr);
        if (code === CODE_STRING && qr === sr && q.ends[qi]! - q.starts[qi]! >= KEPT_STRING_LENGTH) kept.add(qr);
        if (code === CODE_IDENTIFIER) {
          idPairs++;
          pairs.add(qr * 65536 + sr);
        }
        if (t + k <= r.len) { qShingles.add(qh[qi]!); exactShingles.add(exactSh[qi]!); }
      }
    }
    const majority = majorityCounts(pairs, judging.majority);
    const { consistency, confirmed } = renamingConsistency(majority, idPairs);
    const single = chain.runs.length === 1 && qLen === sLen && chain.matched === qLen;
    const kind: MatchKind = single ? (rawEqual ? 'verbatim' : 'renamed') : 'modified';
    if (kind !== 'verbatim' && consistency < this.tuning.minConsistency) {
      // An alignment extended past the edges of an embedded copy pairs the names of the code around it by
      // chance (neighbouring functions of the same shape). The longest stretch without contradicting names
      // is judged once more, by every rule.
      const stretch = retry && this.tuning.trimContradictions ? longestConsistentStretch(chain, pairs, majority, q.codes, q.raw, sraw) : undefined;
      if (stretch) return this.score(doc, qh, trimPunctuation(stretch, q.codes), file, diag, exactSh, false);
      reject(diag, 'inconsistent-renaming');
      return undefined;
    }
    if (kind === 'modified') {
      if (similarity < this.tuning.minSimilarityModified) {
        // (runs chained past the edge of an embedded copy: its longest run may be a copy by the rules of exact runs)
        reject(diag, 'dissimilar');
        return retry ? this.longestRunAlone(doc, qh, chain, file, diag, exactSh) : undefined;
      }
      // chance resemblance is many short runs; a modified copy keeps long stretches of the original
      let longest = 0, inLong = 0;
      for (const r of chain.runs) { if (r.len > longest) longest = r.len; if (r.len >= 2 * k) inLong += r.len; }
      if (longest < this.tuning.minLongestRun || inLong < this.tuning.minLongRunShare * chain.matched) { reject(diag, 'fragmented'); return undefined; }
    }
    return { chain, file, similarity, kind, consistency, qShingles: qShingles.values.slice(0, qShingles.size), distinct: (rawEqual ? exactShingles : qShingles).size,
      exactValues: rawEqual ? values.size : 0, keptStrings: rawEqual ? 0 : kept.size, rawEqual, confirmed, vocabulary: vocabulary.size };
  }

  /**
   * A modified chain's longest run judged on its own (not judged again), when that run alone is of reportable
   * size (minTokens, not the 85% of it a chain may match); undefined when it is not, or is rejected.
   */
  private longestRunAlone(doc: Tokenized, qh: Uint32Array, chain: Chain, file: FileRecord, diag: MatchDiagnostics, exactSh: Uint32Array): Scored | undefined {
    const run = chain.runs.reduce((a, b) => (b.len > a.len ? b : a));
    return run.len >= this.opts.minTokens ? this.score(doc, qh, runChain(run), file, diag, exactSh, false) : undefined;
  }

  private async toMatch(doc: Tokenized, s: Scored, rarity: number): Promise<Match | undefined> {
    const { chain, file } = s;
    const q = doc.tokens;
    const info = await this.sourceInfo(file.repo);
    let fp = fnv1a32(file.repo + '\0' + file.path);
    const sc = file.codes;
    for (let i = chain.sStart; i < chain.sEnd; i++) fp = mix(fp, sc[i]!);
    const source: SourceRef = {
      ...info,
      repo: file.repo,
      path: file.path,
      startLine: file.lines[chain.sStart]! + 1,
      endLine: file.lines[chain.sEnd - 1]! + 1,
      license: file.license,
    };
    return {
      startLine: q.lines[chain.qStart]! + 1,
      endLine: q.endLines[chain.qEnd - 1]! + 1,
      startToken: chain.qStart,
      endToken: chain.qEnd,
      similarity: Math.round(s.similarity * 1000) / 1000,
      kind: s.kind,
      tokens: chain.matched,
      rarity: Math.round(rarity * 1000) / 1000,
      fingerprint: hex32(fp) + hex32(chain.sEnd - chain.sStart),
      source,
    };
  }
}

/**
 * Token codes that also carry the raw text's hash (equal only for equal raw tokens), and their shingles;
 * written into `into` and `intoSh` when given (see shingleHashes).
 */
export function exactCodes(codes: Uint32Array, raw: Uint16Array, k: number, into?: Uint32Array, intoSh?: Uint32Array): { codes: Uint32Array; sh: Uint32Array } {
  const out = into ? into.subarray(0, codes.length) : new Uint32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = mix(codes[i]!, raw[i]! + 1);
  return { codes: out, sh: shingleHashes(out, k, intoSh) };
}

/** A file record whose arrays are those of a decoded region (FileRecord.region), read through (a store may decode them when read). */
function regionOf(rec: FileRecord, arrays: Pick<FileRecord, 'codes' | 'raw' | 'lines'>): FileRecord {
  return {
    id: rec.id, repo: rec.repo, path: rec.path, language: rec.language, license: rec.license,
    get codes() { return arrays.codes; }, get raw() { return arrays.raw; }, get lines() { return arrays.lines; },
  };
}

/**
 * Buffers of the cluster loop, reused from cluster to cluster (three allocations per cluster, 200 clusters
 * per query, cost more than hashing into them): each is filled and read between two awaits of match(), so
 * concurrent matches cannot see each other's.
 */
const regionScratch = new Scratch();
const scratch = (slot: number, n: number) => regionScratch.get(slot, n);

/**
 * How one-to-one the identifier pairs (query raw, source raw) of an alignment are: each identifier's most
 * frequent partner counts, on both sides, and the weaker side decides. A few misaligned tokens at the edge of
 * an edit then cost only themselves, not every later use of the identifier. `confirmed` counts the pairs
 * that repeat a majority mapping.
 */
export function renamingConsistency({ bestQ, bestS }: Majority, total: number): { consistency: number; confirmed: number } {
  if (!total) return { consistency: 1, confirmed: 0 };
  let q = 0, s = 0, confirmed = 0;
  for (let i = 0; i < bestQ.size; i++) { const n = bestQ.counts[i]!; q += n; confirmed += n - 1; }
  for (let i = 0; i < bestS.size; i++) s += bestS.counts[i]!;
  return { consistency: Math.min(q, s) / total, confirmed };
}

/** For each query and each source identifier (raw hash), the count of its most frequent pair. */
export interface Majority { readonly bestQ: U32Table; readonly bestS: U32Table }

/**
 * The majority counts of identifier pair counts (keys query raw * 65536 + source raw), into the tables of
 * `into` when given (emptied first).
 */
export function majorityCounts(pairs: U32Table, into: Majority = { bestQ: new U32Table(), bestS: new U32Table() }): Majority {
  const { bestQ, bestS } = into;
  bestQ.clear();
  bestS.clear();
  for (let i = 0; i < pairs.size; i++) {
    const key = pairs.values[i]!, n = pairs.counts[i]!;
    bestQ.max(key >>> 16, n);
    bestS.max(key & 0xffff, n);
  }
  return into;
}

/**
 * judge()'s tables, emptied and reused from chain to chain (judge is synchronous, and a chain it judges again
 * is judged after it is done with them)
 */
const judging = {
  pairs: new U32Table(), qShingles: new U32Table(1024), exactShingles: new U32Table(1024), values: new U32Table(),
  vocabulary: new U32Table(), kept: new U32Table(), majority: { bestQ: new U32Table(), bestS: new U32Table() },
};

/**
 * The longest stretch of a chain without contradicting identifiers: those whose pair is not the majority
 * mapping of either side. `pairs`: the chain's identifier pair counts (see score), with their majority
 * counts. Undefined when nothing contradicts.
 */
function longestConsistentStretch(chain: Chain, pairs: U32Table, { bestQ, bestS }: Majority,
  codes: Uint32Array, qRaw: Uint16Array, sRaw: Uint16Array): Chain | undefined {
  // positions along the chain's matched tokens; [from, to) is the longest stretch between contradictions
  let from = 0, to = 0, prev = -1, pos = 0;
  for (const r of chain.runs) {
    for (let t = 0; t < r.len; t++, pos++) {
      const qi = r.q + t, si = r.s + t;
      if (codes[qi] !== CODE_IDENTIFIER) continue;
      const qr = qRaw[qi]!, sr = sRaw[si]!;
      const n = pairs.get(qr * 65536 + sr);
      if (n === bestQ.get(qr) && n === bestS.get(sr)) continue;
      if (pos - prev - 1 > to - from) { from = prev + 1; to = pos; }
      prev = pos;
    }
  }
  if (prev < 0) return undefined;
  if (chain.matched - prev - 1 > to - from) { from = prev + 1; to = chain.matched; }
  return sliceChain(chain, from, to);
}

/**
 * Tokens a chain has before the start of a query function it ends in, or after the end of one it starts in,
 * when they are few (MAX_EDGE): the end of the code before a copied function (`return value; }`, after
 * comments that tokens leave out) resembles the end of the code before the original, and the alignment
 * reaches back over it, reporting lines of the function before (and its comments, on the source side).
 * Such a chain is cut at the function's edge.
 */
function toFunction(chain: Chain, functions: readonly Span[]): Chain {
  let from = chain.qStart, to = chain.qEnd;
  for (const f of functions) {
    if (f.start > from && f.start - chain.qStart <= MAX_EDGE && chain.qEnd <= f.end && f.start < chain.qEnd) from = f.start;
  }
  for (const f of functions) {
    if (f.end < to && chain.qEnd - f.end <= MAX_EDGE && from >= f.start && f.end > from) to = f.end;
  }
  if (from === chain.qStart && to === chain.qEnd) return chain;
  // positions along the chain's matched tokens of query indexes from and to
  let a = 0, b = 0;
  for (const r of chain.runs) {
    a += Math.max(0, Math.min(r.len, from - r.q));
    b += Math.max(0, Math.min(r.len, to - r.q));
  }
  return sliceChain(chain, a, b) ?? chain;
}
/** the most tokens toFunction cuts at either end */
const MAX_EDGE = 16;

/** A chain of one run. */
function runChain(r: Run): Chain {
  return { runs: [r], qStart: r.q, qEnd: r.q + r.len, sStart: r.s, sEnd: r.s + r.len, matched: r.len };
}

/** The part of a chain between two positions along its matched tokens, or undefined when empty. */
function sliceChain(chain: Chain, from: number, to: number): Chain | undefined {
  if (to <= from) return undefined;
  const runs: Run[] = [];
  let pos = 0;
  for (const r of chain.runs) {
    const a = Math.max(from, pos), b = Math.min(to, pos + r.len);
    if (a < b) runs.push({ q: r.q + a - pos, s: r.s + a - pos, len: b - a });
    pos += r.len;
  }
  const head = runs[0]!, tail = runs[runs.length - 1]!;
  return { runs, qStart: head.q, sStart: head.s, qEnd: tail.q + tail.len, sEnd: tail.s + tail.len, matched: to - from };
}

/**
 * 1 for each token inside one of the document's function units. Past a syntax error (code being typed, unbalanced
 * braces) the structure is lost: parsers recover by closing functions early, so no token from the error on
 * is judged to be outside functions. An error inside a function that still parsed whole (an `#if` in a C#
 * switch) stays local: the declarations after that function keep their structure.
 */
function functionMask(n: number, functions: readonly Span[], errors: readonly Span[]): Uint8Array {
  const mask = new Uint8Array(n);
  for (const u of functions) mask.fill(1, u.start, u.end);
  for (const e of errors) {
    if (functions.some((u) => u.start <= e.start && e.end < u.end)) continue;
    mask.fill(1, e.start);
    break;
  }
  return mask;
}

/** A token range [start, end). */
export interface Span { readonly start: number; readonly end: number }

/**
 * IndexReader.candidates from the reader's lookup() and units(), for a store without it:
 * the postings' hit table (source unit -> the query units that hit it; a few are enough to place it), the
 * candidate units kept for their language, and their clusters.
 */
export async function candidatesOf(reader: IndexReader, req: CandidateRequest): Promise<CandidateClusters> {
  const { postings, skipped } = await reader.lookup(req.keys, req.maxPostings);
  const { hits, candidates } = candidateHits(postings, req.keys, req.bands, req.perUnit, req.minBandHits);
  if (!candidates.length) return { skipped, candidateUnits: 0, dropped: 0, records: unitColumnsOf([], req.keep).columns, groups: 0, clusters: [] };
  const { columns: records, dropped } = unitColumnsOf(await reader.units(Array.from(candidates)), req.keep);
  const { groups, top: clusters } = clusterHits(records, hits, req.units, req.limit);
  return { skipped, candidateUnits: candidates.length, dropped, records, groups, clusters };
}

/** Unit records as columns: those whose language `keep` accepts, and how many it did not. */
export function unitColumnsOf(records: readonly UnitRecord[], keep: (language: LanguageId) => boolean): { columns: UnitColumns; dropped: number } {
  const kept = records.filter((r) => keep(r.language));
  const n = kept.length;
  const columns = { ids: new Uint32Array(n), fileId: new Uint32Array(n), start: new Uint32Array(n), end: new Uint32Array(n), kind: new Uint8Array(n) };
  kept.forEach((r, i) => {
    columns.ids[i] = r.id; columns.fileId[i] = r.fileId; columns.start[i] = r.startToken; columns.end[i] = r.endToken;
    columns.kind[i] = UNIT_KINDS.indexOf(r.kind);
  });
  return { columns, dropped: records.length - n };
}

const FUNCTION = UNIT_KINDS.indexOf('function');

/** The candidate units that are functions, by file. */
function functionsByFile(records: UnitColumns): Map<number, Span[]> {
  const byFile = new Map<number, Span[]>();
  for (let r = 0; r < records.ids.length; r++) {
    if (records.kind[r] !== FUNCTION) continue;
    const span = { start: records.start[r]!, end: records.end[r]! };
    const list = byFile.get(records.fileId[r]!);
    if (list) list.push(span);
    else byFile.set(records.fileId[r]!, [span]);
  }
  return byFile;
}

/** The smallest of the spans that holds [a, b), or undefined. */
export function innermostSpan(spans: readonly Span[], a: number, b: number): Span | undefined {
  let inner: Span | undefined;
  for (const u of spans) if (u.start <= a && b <= u.end && (!inner || u.end - u.start < inner.end - inner.start)) inner = u;
  return inner;
}

/**
 * Whether a chain lies inside one function on each side and spans at least `cover` of it. The source side
 * knows only the functions that were candidates: a function it misses makes the answer no, never yes.
 */
function wholeFunctions(chain: Chain, query: readonly Span[], source: readonly Span[] | undefined, cover: number): boolean {
  if (!(cover > 0) || !source) return false;
  const spans = (fns: readonly Span[], a: number, b: number) => {
    const inner = innermostSpan(fns, a, b);
    return inner !== undefined && b - a >= cover * (inner.end - inner.start);
  };
  return spans(query, chain.qStart, chain.qEnd) && spans(source, chain.sStart, chain.sEnd);
}

function reject(d: MatchDiagnostics, why: string): void {
  d.rejected[why] = (d.rejected[why] ?? 0) + 1;
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}
