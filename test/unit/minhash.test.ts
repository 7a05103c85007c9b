import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { bandKeys, estimateJaccard, permutations, shingleHashes, signature, unitBandKeys, windowCount, windows } from '../../src/core/minhash';
import { fmix32, fnv1a32, splitmix32 } from '../../src/core/hash';
import { DEFAULT_PARAMS } from '../../src/core/options';
import type { LanguageId } from '../../src/core/types';

const require = createRequire(__filename);

test('hash primitives are pinned (they are part of the index format)', () => {
  assert.equal(fnv1a32(''), 0x811c9dc5);
  assert.equal(fnv1a32('a'), 0xe40c292c); // published FNV-1a test vector
  assert.equal(fnv1a32('foobar'), 0xbf9cf968);
  assert.equal(fmix32(0), 0);
  assert.equal(fmix32(1), 0x514e28b7); // MurmurHash3 fmix32(1)
  assert.equal(splitmix32(0), splitmix32(0));
  assert.notEqual(splitmix32(0), splitmix32(1));
});

test('shingle hashes, signatures and band keys are bit-identical to the written specification', () => {
  const codes = Uint32Array.from([1, 2, 3, 4, 5, 6, 7]);
  const sh = shingleHashes(codes, 5);
  assert.equal(sh.length, 3);
  // recompute step 1 by hand
  let h = 0x811c9dc5;
  for (const c of [1, 2, 3, 4, 5]) h = Math.imul((h ^ c) >>> 0, 0x01000193) >>> 0;
  assert.equal(sh[0], fmix32(h));
  // step 2 and 3 by hand for permutation 0
  const a = permutations(4, 7);
  assert.equal(a[0], splitmix32(7));
  const sig = signature(sh, 4, 7);
  assert.equal(sig[0], Math.min(...Array.from(sh, (s) => fmix32((s ^ a[0]!) >>> 0))));
  // golden values pin the whole chain on every platform; if they change, bump the index format
  assert.deepEqual(Array.from(sh), [3406529687, 299739561, 338508835]);
  assert.deepEqual(Array.from(sig), [1367928547, 1425168151, 1374464859, 1243355934]);
  assert.deepEqual(Array.from(signature(Array.from(sh), 4, 7)), Array.from(sig));
  const keys = new Uint32Array(2);
  bandKeys(sig, 2, 2, 7, keys);
  assert.deepEqual(Array.from(keys), [1613732834, 646356178]);
  assert.equal(signature([], 3, 1).every((v) => v === 0xffffffff), true);
});

test('unitBandKeys equals signatures computed unit by unit', () => {
  const codes = Uint32Array.from({ length: 300 }, (_, i) => fnv1a32('t' + ((i * 7919) % 37)));
  const p = DEFAULT_PARAMS;
  const sh = shingleHashes(codes, p.k);
  const units = [{ kind: 'window' as const, start: 0, end: 40 }, { kind: 'function' as const, start: 100, end: 260 }];
  const keys = unitBandKeys(sh, units, p, 'go');
  units.forEach((u, i) => {
    const sig = signature(sh.subarray(u.start, u.end - p.k + 1), p.bands * p.rows, p.seed);
    const expect = new Uint32Array(p.bands);
    bandKeys(sig, p.bands, p.rows, (p.seed ^ fnv1a32('go')) >>> 0, expect);
    assert.deepEqual(Array.from(keys.subarray(i * p.bands, (i + 1) * p.bands)), Array.from(expect));
  });
});

test('band keys are shared within a language family and by no two families', () => {
  const codes = Uint32Array.from({ length: 200 }, (_, i) => fnv1a32('t' + ((i * 7919) % 41)));
  const p = DEFAULT_PARAMS;
  const sh = shingleHashes(codes, p.k);
  const units = [{ kind: 'window' as const, start: 0, end: 40 }, { kind: 'function' as const, start: 20, end: 180 }];
  const keysOf = (l: LanguageId, params = p) => Array.from(unitBandKeys(sh, units, params, l));
  assert.deepEqual(keysOf('typescript'), keysOf('javascript'));
  assert.deepEqual(keysOf('tsx'), keysOf('javascript'));
  assert.deepEqual(keysOf('cpp'), keysOf('c'));
  const families: LanguageId[] = ['javascript', 'python', 'java', 'c', 'csharp', 'go', 'rust', 'ruby', 'php'];
  const seen = new Map<number, LanguageId>();
  for (const l of families) {
    for (const key of new Set(keysOf(l))) {
      assert.equal(seen.get(key), undefined, `${l} shares a band key with ${seen.get(key)}`);
      seen.set(key, l);
    }
  }
  // an index made without family keys: one key space, the permutation seed's
  const plain = { ...p, familyKeys: 0 };
  assert.deepEqual(keysOf('java', plain), keysOf('ruby', plain));
  const sig = signature(sh.subarray(0, 40 - p.k + 1), p.bands * p.rows, p.seed);
  const expect = new Uint32Array(p.bands);
  bandKeys(sig, p.bands, p.rows, p.seed, expect);
  assert.deepEqual(keysOf('java', plain).slice(0, p.bands), Array.from(expect));
});

test('our MinHash and the minhash npm package estimate the same Jaccard within statistical error', () => {
  const { Minhash } = require('minhash') as { Minhash: new (c?: { numPerm?: number; seed?: number }) => { update(s: string): void; jaccard(o: unknown): number } };
  const n = 128;
  for (const [shared, onlyA, onlyB] of [[300, 100, 100], [100, 300, 200], [450, 25, 25], [50, 400, 400]] as const) {
    const truth = shared / (shared + onlyA + onlyB);
    const a: string[] = [], b: string[] = [];
    for (let i = 0; i < shared; i++) { a.push(`s${i}`); b.push(`s${i}`); }
    for (let i = 0; i < onlyA; i++) a.push(`a${i}`);
    for (let i = 0; i < onlyB; i++) b.push(`b${i}`);
    const ours = estimateJaccard(signature(a.map(fnv1a32), n, 1), signature(b.map(fnv1a32), n, 1));
    const ma = new Minhash({ numPerm: n }), mb = new Minhash({ numPerm: n });
    a.forEach((s) => ma.update(s));
    b.forEach((s) => mb.update(s));
    const theirs = ma.jaccard(mb);
    const sigma = Math.sqrt((truth * (1 - truth)) / n);
    assert.ok(Math.abs(ours - truth) <= 4 * sigma, `ours ${ours} vs truth ${truth}`);
    assert.ok(Math.abs(theirs - truth) <= 4 * sigma, `minhash package ${theirs} vs truth ${truth}`);
    assert.ok(Math.abs(ours - theirs) <= 4 * Math.SQRT2 * sigma, `ours ${ours} vs package ${theirs}`);
  }
});

test('windowCount is the number of windows that windows() makes, which cover the stream', () => {
  for (const stride of [4, 20, 40, 7]) {
    for (let n = 0; n < 400; n++) {
      const made: [number, number][] = [];
      windows(n, DEFAULT_PARAMS, stride, (s, e) => made.push([s, e]));
      assert.equal(windowCount(n, DEFAULT_PARAMS, stride), made.length, `tokens ${n}, stride ${stride}`);
      if (made.length) assert.deepEqual([made[0]![0], made[made.length - 1]![1]], [0, n]);
    }
  }
});
