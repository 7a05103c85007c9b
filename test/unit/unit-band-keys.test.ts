// unitBandKeys takes unit minima over precomputed block minima; whatever the unit's boundaries, its band
// keys must equal those of the specification computed shingle by shingle (minhash.ts, steps 3 and 4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandKeys, fingerprintUnits, shingleHashes, signature, unitBandKeys } from '../../src/core/minhash';
import { fnv1a32, splitmix32 } from '../../src/core/hash';
import { DEFAULT_PARAMS } from '../../src/core/options';
import type { Unit } from '../../src/core/types';

function expectedKeys(sh: Uint32Array, u: Unit): number[] {
  const p = DEFAULT_PARAMS;
  const sig = signature(sh.subarray(u.start, Math.max(u.start, Math.min(u.end - p.k + 1, sh.length))), p.bands * p.rows, p.seed);
  const out = new Uint32Array(p.bands);
  // (step 4's seed for a Python file: salted with the family's name)
  bandKeys(sig, p.bands, p.rows, (p.seed ^ fnv1a32('python')) >>> 0, out);
  return Array.from(out);
}

test('unitBandKeys equals the shingle-by-shingle specification for units of every length and alignment', () => {
  const p = DEFAULT_PARAMS;
  for (const tokens of [3, 5, 6, 37, 64, 300, 1100]) {
    const codes = Uint32Array.from({ length: tokens }, (_, i) => fnv1a32('t' + ((i * 7919) % 53)));
    const sh = shingleHashes(codes, p.k);
    const units: Unit[] = [];
    // every range in the first 70 tokens (crosses many block boundaries), plus random ones
    for (let s = 0; s < Math.min(tokens, 70); s++) for (let e = s; e <= Math.min(tokens, 70); e++) units.push({ kind: 'window', start: s, end: e });
    let r = tokens;
    for (let i = 0; i < 300; i++) {
      r = splitmix32(r);
      const s = r % tokens;
      r = splitmix32(r);
      units.push({ kind: 'function', start: s, end: s + (r % (tokens - s + 1)) });
    }
    units.push({ kind: 'class', start: 0, end: tokens });
    const keys = unitBandKeys(sh, units, p, 'python');
    units.forEach((u, i) => {
      assert.deepEqual(Array.from(keys.subarray(i * p.bands, (i + 1) * p.bands)), expectedKeys(sh, u), `${tokens} tokens, unit [${u.start}, ${u.end})`);
    });
  }
});

test('unitBandKeys equals the specification for a query\'s units: overlapping windows every queryStride tokens', () => {
  // (windows starting on block boundaries take their minima from sliding segments of blocks)
  const p = DEFAULT_PARAMS;
  for (const tokens of [40, 41, 44, 77, 120, 1003]) {
    const codes = Uint32Array.from({ length: tokens }, (_, i) => fnv1a32('t' + ((i * 7919) % 97)));
    const sh = shingleHashes(codes, p.k);
    const syntactic: Unit[] = [{ kind: 'function', start: 3, end: Math.min(tokens, 90) }, { kind: 'class', start: 0, end: tokens }];
    for (const stride of [p.queryStride, 1, 8]) {
      const units = fingerprintUnits(tokens, syntactic, p, stride, 1500);
      const keys = unitBandKeys(sh, units, p, 'python');
      units.forEach((u, i) => {
        assert.deepEqual(Array.from(keys.subarray(i * p.bands, (i + 1) * p.bands)), expectedKeys(sh, u), `${tokens} tokens, stride ${stride}, unit [${u.start}, ${u.end})`);
      });
    }
  }
});
