// Licence texts (LICENSE, COPYING, NOTICE, a debian/copyright licence paragraph) -> SPDX id with a score.
//
// Both the SPDX reference texts and the input go through the same normalization (SPDX matching guidelines:
// case, whitespace and line wrapping, punctuation and quotes, bullets and numbering, markdown, copyright
// lines, http/https, varietal spellings), then become sets of word trigrams. The score of a licence is the
// Dice coefficient of the two sets; a file that holds a licence plus other text is also recognised by how
// much of the licence it contains (coverage). Identical reference texts (GPL-2.0-only/-or-later) are merged.
import { joinExpressions, normalizeExpression, UNKNOWN } from './expression';

export interface LicenseText {
  readonly licenseText: string;
  readonly name?: string;
  readonly osiApproved?: boolean;
}

export interface TextMatch {
  /** SPDX expression or 'unknown' */
  readonly license: string;
  /** 0..1: Dice similarity of the best explanation (0 when unknown) */
  readonly confidence: number;
  /** the reference ids that share the best text (e.g. GPL-2.0-only and GPL-2.0-or-later) */
  readonly candidates: readonly string[];
  /** 'text' for a full licence text, 'notice' for a short "licensed under ..." statement */
  readonly method: 'text' | 'notice' | 'none';
}

/** Dice at or above this is a confident full-text match. */
export const TEXT_THRESHOLD = 0.85;
/** A licence counts as contained in a longer file when this share of its trigrams is present. */
export const COVERAGE_THRESHOLD = 0.92;

const SPELLINGS = new Map<string, string>(Object.entries({
  licence: 'license', licences: 'licenses', licenced: 'licensed', licensor: 'licensor', licencor: 'licensor',
  acknowledgment: 'acknowledgement', acknowledgments: 'acknowledgements', analogue: 'analog', authorisation: 'authorization',
  authorised: 'authorized', centre: 'center', characterised: 'characterized', favour: 'favor', fulfil: 'fulfill',
  offence: 'offense', organisation: 'organization', organisations: 'organizations', recognised: 'recognized',
  sublicence: 'sublicense', utilise: 'utilize', wilful: 'willful', whilst: 'while', percent: 'per cent', https: 'http',
  noncommercial: 'non commercial',
}));

const COPYRIGHT_LINE = /^(copyright\s*(\(c\)|©|\d|<|\[|\$\{|\{|by\b|\s*$|notice\s*$)|\(c\)\s|©|all rights reserved\.?\s*$|portions copyright)/;
const LIST_MARKER = /^(\d+(\.\d+)*[.)]?|\(?[a-z]\)|\(?[ivx]+\)|[-*•+>#]+|§\s*\d+\.?)\s+/;

/** Normalized words of a licence text. Exported for tests. */
export function licenseWords(text: string): string[] {
  const out: string[] = [];
  const lines = text
    .replace(/\r\n?/g, '\n')
    .replace(/<[^>\n]{1,80}>/g, ' ') // SPDX template fields, html tags
    .replace(/\$\{[^}\n]{0,80}\}/g, ' ')
    .replace(/\[([^\]\n]*)\]\([^)\n]*\)/g, '$1') // markdown links keep their text
    .split('\n');
  for (let line of lines) {
    line = line.toLowerCase().trim().replace(/^[#>*\s_`=-]+/, '');
    if (COPYRIGHT_LINE.test(line)) continue;
    for (let i = 0; i < 3; i++) line = line.replace(LIST_MARKER, '');
    for (const w of line.match(/[a-z0-9]+/g) ?? []) {
      const word = SPELLINGS.get(w) ?? w;
      if (word === 'the') continue;
      for (const part of word.split(' ')) out.push(part);
    }
  }
  return withoutAppendix(holdersReplaced(out));
}

// SPDX templates mark the party named in the BSD-style disclaimers as replaceable ("PROVIDED BY THE
// COPYRIGHT HOLDERS AND CONTRIBUTORS" or "BY THE AUTHOR"); one placeholder on both sides keeps that
// wording from deciding between licence variants.
const HOLDER = '(?:copyright (?:holders?|owners?)(?: (?:and|or) contributors)?|authors?(?: (?:and|or) contributors)?|regents(?: (?:and|or) contributors)?)';
const HOLDER_PHRASES = [new RegExp(`\\bprovided by ${HOLDER} as is\\b`, 'g'), new RegExp(`\\bshall ${HOLDER} be liable\\b`, 'g')];

function holdersReplaced(words: string[]): string[] {
  let joined = words.join(' ');
  joined = joined.replace(HOLDER_PHRASES[0]!, 'provided by holder as is').replace(HOLDER_PHRASES[1]!, 'shall holder be liable');
  return joined ? joined.split(' ') : [];
}

/**
 * SPDX templates mark the "How to apply" appendix of the GNU and Apache licences as optional; many copies
 * drop it. Cutting after "end of terms and conditions" on both sides makes its presence irrelevant.
 */
function withoutAppendix(words: string[]): string[] {
  for (let i = 0; i + 4 < words.length; i++) {
    if (words[i] === 'end' && words[i + 1] === 'of' && words[i + 2] === 'terms' && words[i + 3] === 'and' && words[i + 4] === 'conditions') {
      return words.slice(0, i + 5);
    }
  }
  return words;
}

function hashWords(a: string, b: string, c: string): number {
  let h = 0x811c9dc5;
  const s = `${a} ${b} ${c}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function trigrams(words: readonly string[]): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i + 2 < words.length; i++) out.add(hashWords(words[i], words[i + 1], words[i + 2]));
  return out;
}

export interface LicenseReference {
  readonly ids: string[];
  /** its distinct trigrams, ascending */
  readonly grams: Uint32Array;
  /** OSI approved: breaks near-ties between a licence and its rare variants (BSD-3-Clause vs -HP) */
  readonly osi: boolean;
}

/**
 * The reference texts as sorted trigram arrays and an inverted index in three typed arrays (typed, so that a
 * corpus precomputed at build time is read without rebuilding hash tables): keys[i] is held by references
 * refs[starts[i]] .. refs[starts[i + 1] - 1], ascending.
 */
export interface LicenseCorpus {
  readonly references: readonly LicenseReference[];
  readonly keys: Uint32Array;
  readonly starts: Uint32Array;
  readonly refs: Uint16Array;
}

/** Index of g in an ascending array, or -1. */
function find(sorted: Uint32Array, g: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < g) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === g ? lo : -1;
}

/** Builds the inverted index of references' sorted trigram arrays (fewer than 65,536 references). */
export function licenseCorpusOf(references: readonly LicenseReference[]): LicenseCorpus {
  if (references.length > 0xffff) throw new RangeError('too many licence references');
  let total = 0;
  for (const r of references) total += r.grams.length;
  // (trigram, reference) pairs packed as trigram * 2^16 + reference: below 2^48, exact in a double
  const pairs = new Float64Array(total);
  let n = 0;
  references.forEach((r, i) => { for (const g of r.grams) pairs[n++] = g * 0x10000 + i; });
  pairs.sort();
  const keys: number[] = [];
  const starts: number[] = [];
  const refs = new Uint16Array(total);
  for (let j = 0; j < total; j++) {
    const g = Math.floor(pairs[j]! / 0x10000);
    if (!keys.length || keys[keys.length - 1] !== g) { keys.push(g); starts.push(j); }
    refs[j] = pairs[j]! - g * 0x10000;
  }
  starts.push(total);
  return { references, keys: Uint32Array.from(keys), starts: Uint32Array.from(starts), refs };
}

/** Ids preferred when several share a text: the current, most specific spelling. */
function preference(id: string): number {
  if (id.endsWith('-only')) return 0;
  if (id.endsWith('-or-later')) return 1;
  return 2;
}

/**
 * Builds the matching corpus from SPDX licence texts (e.g. `spdx-license-list/full`). Deprecated ids
 * should be left out by the caller. References shorter than 20 words carry too little to match on.
 */
export function buildLicenseCorpus(texts: Readonly<Record<string, LicenseText>>, skip: ReadonlySet<string> = new Set()): LicenseCorpus {
  const byText = new Map<string, string[]>();
  const osi = new Set<string>();
  for (const [id, entry] of Object.entries(texts)) {
    if (entry.osiApproved) osi.add(id);
    if (skip.has(id) || id.endsWith('+') || !entry.licenseText) continue;
    const key = licenseWords(entry.licenseText).join(' ');
    if (key.split(' ').length < 20) continue;
    const ids = byText.get(key);
    if (ids) ids.push(id);
    else byText.set(key, [id]);
  }
  const references: LicenseReference[] = [];
  for (const [key, ids] of byText) {
    ids.sort((a, b) => preference(a) - preference(b) || a.localeCompare(b));
    const grams = Uint32Array.from(trigrams(key.split(' '))).sort();
    references.push({ ids, grams, osi: ids.some((id) => osi.has(id)) });
  }
  return licenseCorpusOf(references);
}

interface Scored {
  readonly index: number;
  readonly shared: number;
  readonly dice: number;
  readonly coverage: number;
}

function score(corpus: LicenseCorpus, grams: Set<number>): Scored[] {
  const shared = new Map<number, number>();
  for (const g of grams) {
    const k = find(corpus.keys, g);
    if (k < 0) continue;
    for (let j = corpus.starts[k]!; j < corpus.starts[k + 1]!; j++) {
      const i = corpus.refs[j]!;
      shared.set(i, (shared.get(i) ?? 0) + 1);
    }
  }
  const out: Scored[] = [];
  for (const [index, n] of shared) {
    const size = corpus.references[index].grams.length;
    out.push({ index, shared: n, dice: (2 * n) / (size + grams.size), coverage: n / size });
  }
  return out;
}

// Short statements that name a licence without containing its text.
const NOTICES: { re: RegExp; license: (m: RegExpExecArray) => string | undefined }[] = [
  {
    re: /\b(gnu )?(lesser |library |affero )?general public license (as published by (the )?free software foundation )?(either )?version ([123])( ?[0-9])? (of (this |that )?license )?(or at your option any later version|or any later version|or later)?/,
    license: (m) => {
      const family = m[2]?.startsWith('affero') ? 'AGPL' : m[2] ? 'LGPL' : 'GPL';
      const minor = m[7]?.trim() ?? '0';
      const id = `${family}-${m[6]}.${minor}`;
      return normalizeExpression(`${id}-${m[10] ? 'or-later' : 'only'}`);
    },
  },
  { re: /\blicensed under (an |a )?apache license version 2 0\b/, license: () => 'Apache-2.0' },
  { re: /\blicensed under (an |a )?(mit|expat) license\b/, license: () => 'MIT' },
  { re: /\blicensed under (an |a )?(bsd 3 clause|3 clause bsd|new bsd) license\b/, license: () => 'BSD-3-Clause' },
  { re: /\bmozilla public license v(ersion)? 2 0\b/, license: () => 'MPL-2.0' },
];

/** A short "licensed under ..." statement (no full text), when the text names exactly one licence. */
export function noticeLicense(text: string): string | undefined {
  const found = noticeLicenses(text);
  return found.length === 1 ? found[0] : undefined; // several different notices: leave it to a human
}

/** Every licence named by "licensed under ..." statements in a text, in order of appearance. */
export function noticeLicenses(text: string): string[] {
  const joined = licenseWords(text).join(' ').replace(/\bthe /g, '');
  const found: string[] = [];
  for (const n of NOTICES) {
    const re = new RegExp(n.re.source, 'g');
    for (let m = re.exec(joined); m; m = re.exec(joined)) {
      const id = n.license(m);
      if (id && !found.includes(id)) found.push(id);
    }
  }
  return found;
}

const NONE: TextMatch = { license: UNKNOWN, confidence: 0, candidates: [], method: 'none' };

/**
 * Matches a licence file's text. Reports an id only when confident: the best reference reaches
 * TEXT_THRESHOLD Dice, or is contained (COVERAGE_THRESHOLD) in a longer text and the rest of the file is
 * explained by other contained licences or is short. Otherwise a notice statement, else 'unknown'.
 */
export function matchLicenseText(corpus: LicenseCorpus, text: string): TextMatch {
  const words = licenseWords(text);
  if (words.length < 3) return NONE;
  const grams = trigrams(words);
  const scored = score(corpus, grams);
  if (scored.length === 0) return noticeOnly(text);
  scored.sort((a, b) => b.dice - a.dice || b.coverage - a.coverage);
  const { winner: best, tied } = disambiguate(corpus, grams, scored);
  // The file may hold several licence texts (dual licensing, bundled third-party terms) plus prose.
  const contained = containedLicenses(corpus, grams, scored, best.dice >= TEXT_THRESHOLD ? best : undefined);
  if (best.dice >= TEXT_THRESHOLD && contained.length <= 1) {
    // a near-tie with a sibling text that nothing in the file tells apart is not a confident answer
    const confidence = tied ? Math.min(best.dice, 0.75) : best.dice;
    return { license: corpus.references[best.index].ids[0], confidence: round(confidence), candidates: corpus.references[best.index].ids, method: 'text' };
  }
  if (contained.length > 0) {
    const explained = new Set<number>();
    for (const c of contained) for (const g of corpus.references[c.index].grams) if (grams.has(g)) explained.add(g);
    const share = explained.size / grams.size;
    if (share >= 0.5) {
      const ids = contained.map((c) => corpus.references[c.index].ids[0]);
      const dual = /\b(dual licensed|dual license|at your option|either of|choice of|choose either|or alternatively|under either)\b/.test(words.join(' '));
      const license = joinExpressions(ids, dual ? 'OR' : 'AND') ?? UNKNOWN;
      // Unexplained prose around a licence may change its terms ("MIT + Commons Clause"): less confident.
      const confidence = round(Math.min(...contained.map((c) => c.coverage)) * Math.min(1, share / 0.85) ** 2);
      return { license, confidence, candidates: ids, method: 'text' };
    }
  }
  return noticeOnly(text);
}

/**
 * Among references with nearly the same Dice (licence variants: Apache-2.0 and Pixar, MIT and its
 * siblings), the one whose distinctive trigrams are actually in the text wins.
 */
function disambiguate(corpus: LicenseCorpus, grams: Set<number>, scored: Scored[]): { winner: Scored; tied: boolean } {
  let winner = scored[0];
  let tied = false;
  for (const other of scored.slice(1, 12)) {
    if (other.dice < winner.dice - 0.06) break;
    const w = corpus.references[winner.index];
    const o = corpus.references[other.index];
    let forWinner = 0;
    let forOther = 0;
    // present distinctive trigrams count for a candidate, missing ones against it
    for (const g of w.grams) if (find(o.grams, g) < 0) forWinner += grams.has(g) ? 1 : -1;
    for (const g of o.grams) if (find(w.grams, g) < 0) forOther += grams.has(g) ? 1 : -1;
    if (Math.abs(forOther - forWinner) <= 3 && Math.abs(other.dice - winner.dice) < 0.02) {
      if (o.osi && !w.osi) winner = other;
      else if (o.osi === w.osi) tied = true;
    } else if (forOther > forWinner) {
      winner = other;
      tied = false;
    }
  }
  return { winner, tied };
}

function containedLicenses(corpus: LicenseCorpus, grams: Set<number>, scored: Scored[], first?: Scored): Scored[] {
  const byCoverage = scored
    .filter((s) => s !== first && s.coverage >= COVERAGE_THRESHOLD && corpus.references[s.index].grams.length >= 30)
    .sort((a, b) => b.shared - a.shared || b.coverage - a.coverage);
  if (first) byCoverage.unshift(first);
  // Keep a licence only when it adds trigrams not explained by a larger one already kept (BSD-2-Clause
  // inside a BSD-3-Clause text is not a second licence).
  const kept: Scored[] = [];
  const covered = new Set<number>();
  for (const s of byCoverage) {
    const refGrams = corpus.references[s.index].grams;
    let fresh = 0;
    let present = 0;
    for (const g of refGrams) {
      if (!grams.has(g)) continue;
      present++;
      if (!covered.has(g)) fresh++;
    }
    if (fresh < 0.5 * present) continue;
    kept.push(s);
    for (const g of refGrams) if (grams.has(g)) covered.add(g);
  }
  return kept;
}

function noticeOnly(text: string): TextMatch {
  const license = noticeLicense(text);
  return license ? { license, confidence: 0.9, candidates: [license], method: 'notice' } : NONE;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
