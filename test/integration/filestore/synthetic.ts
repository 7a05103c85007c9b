// Deterministic synthetic IndexedFile records for the store tests: the store treats codes, hashes and keys
// as opaque numbers, so seeded random values with realistic shapes and sizes exercise it fully.
import { keysAndShingles } from '../../../src/core/fingerprint';
import type { FingerprintParams, LanguageId, Unit } from '../../../src/core/types';
import type { IndexedFile } from '../../../src/index/store';

export const PARAMS: FingerprintParams = Object.freeze({
  k: 5, bands: 12, rows: 3, windowSize: 40, indexStride: 20, queryStride: 4, minUnitTokens: 30, seed: 7,
});

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RepoShape {
  files: number;
  /** tokens per file: uniform in [min, max] */
  minTokens?: number;
  maxTokens?: number;
  /** band keys and shingles drawn from a pool shared by all repos with this probability */
  shared?: number;
  params?: FingerprintParams;
  /** some files carry their own SPDX licence */
  fileLicense?: string;
}

const LANGS: LanguageId[] = ['c', 'python', 'javascript', 'go'];
/** a pool shared by all repos: common idioms */
export const sharedKey = (i: number): number => (Math.imul(i + 1, 0x9e3779b1) ^ 0x5bd1e995) >>> 0;

export function* synthRepo(seed: number, shape: RepoShape): Generator<IndexedFile> {
  const r = rng(seed);
  const p = shape.params ?? PARAMS;
  const min = shape.minTokens ?? 40;
  const max = shape.maxTokens ?? 800;
  const shared = shape.shared ?? 0.05;
  const u32 = (): number => (r() * 4294967296) >>> 0;
  for (let f = 0; f < shape.files; f++) {
    const t = min + Math.floor(r() * (max - min + 1));
    const codes = new Uint32Array(t);
    const raw = new Uint16Array(t);
    const lines = new Uint32Array(t);
    let line = Math.floor(r() * 5);
    for (let i = 0; i < t; i++) {
      codes[i] = Math.floor(r() * r() * 300);
      raw[i] = Math.floor(r() * 65536);
      if (r() < 0.12) line += 1 + Math.floor(r() * 2);
      lines[i] = line;
    }
    const kinds: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    for (let s = 0; s < t; ) {
      const len = Math.min(t - s, 30 + Math.floor(r() * 200));
      if (len >= 30) { kinds.push(r() < 0.8 ? 0 : 1); starts.push(s); ends.push(s + len); }
      s += len;
    }
    for (let s = 0; s + p.windowSize <= t; s += p.indexStride) { kinds.push(2); starts.push(s); ends.push(s + p.windowSize); }
    const u = kinds.length;
    const bandKeys = new Uint32Array(u * p.bands);
    for (let i = 0; i < bandKeys.length; i++) bandKeys[i] = r() < shared ? sharedKey(Math.floor(r() * 200)) : u32();
    const sh = new Set<number>();
    for (let i = 0; i + p.k <= t; i++) sh.add(r() < shared * 4 ? sharedKey(1000 + Math.floor(r() * 500)) : u32());
    const shingles = Uint32Array.from(sh).sort();
    yield {
      path: `src/dir${f % 17}/file${f}.${['c', 'py', 'js', 'go'][f % 4]}`,
      language: LANGS[f % 4]!,
      ...(shape.fileLicense && f % 5 === 0 ? { license: shape.fileLicense } : {}),
      contentHash: (seed * 1_000_003 + f).toString(16).padStart(40, '0'),
      sourceBytes: t * 6,
      codes, raw, lines,
      unitKinds: Uint8Array.from(kinds),
      unitStarts: Uint32Array.from(starts),
      unitEnds: Uint32Array.from(ends),
      bandKeys,
      shingles,
    };
  }
}

/**
 * The file with the band keys and shingles its codes really have (as fingerprintForIndex computes them). The
 * store keeps no shingles per file: re-indexing recomputes them from the codes, so only such files carry over exactly.
 */
export function fingerprinted(f: IndexedFile, p: FingerprintParams = PARAMS): IndexedFile {
  const units: Unit[] = Array.from(f.unitStarts, (start, i) => ({ kind: 'window', start, end: f.unitEnds[i]! }));
  return { ...f, ...keysAndShingles(f.codes, units, p, f.language) };
}

export const meta = (name: string, license = 'MIT') => ({
  name, license, root: `/src/${name}`, commit: 'a'.repeat(40), url: `https://example.invalid/${name}.git`,
  indexedAt: '2024-01-01T00:00:00.000Z',
});
