import assert from 'node:assert/strict';
import { test } from 'node:test';
import { U32Table } from '../../src/core/table';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

test('U32Table counts what a Map counts, in order of first appearance, across growth and reuse', () => {
  const table = new U32Table(2); // a small start: grows many times
  for (let seed = 1; seed <= 30; seed++) {
    const r = rng(seed);
    table.clear();
    const map = new Map<number, number>();
    // values from a small pool (repeats) or anywhere in the u32 range (beyond small integers: heap numbers in a Map)
    const pool = seed % 3 === 0 ? 2 ** 32 : 1 + Math.floor(r() * 3000);
    const base = seed % 2 ? 0 : 2 ** 32 - pool;
    for (let i = 0; i < 1 + Math.floor(r() * 5000); i++) {
      const v = base + Math.floor(r() * pool);
      const number = table.add(v);
      if (!map.has(v)) assert.equal(number, map.size, `a new value's number, seed ${seed}`);
      map.set(v, (map.get(v) ?? 0) + 1);
    }
    assert.equal(table.size, map.size);
    assert.deepEqual([...table.values.subarray(0, table.size)], [...map.keys()], `order of first appearance, seed ${seed}`);
    assert.deepEqual([...table.counts.subarray(0, table.size)], [...map.values()], `counts, seed ${seed}`);
    for (const [v, n] of map) {
      assert.equal(table.get(v), n);
      assert.equal(table.values[table.indexOf(v)], v);
    }
    // values never added, including those a previous round added (cleared since)
    for (let i = 0; i < 200; i++) {
      const v = Math.floor(r() * 2 ** 32);
      if (!map.has(v)) { assert.equal(table.get(v), 0); assert.equal(table.indexOf(v), -1); }
    }
  }
});

test('U32Table.max keeps the largest count given for each value', () => {
  const table = new U32Table();
  const r = rng(7);
  const want = new Map<number, number>();
  for (let i = 0; i < 3000; i++) {
    const v = Math.floor(r() * 500) * 65537, n = Math.floor(r() * 100);
    table.max(v, n);
    want.set(v, Math.max(want.get(v) ?? 0, n));
  }
  assert.equal(table.size, want.size);
  for (const [v, n] of want) assert.equal(table.get(v), n);
  table.clear();
  assert.equal(table.size, 0);
  for (const v of want.keys()) assert.equal(table.get(v), 0);
});

test('U32Table takes values as u32: -1 is 2^32 - 1, added once', () => {
  const table = new U32Table();
  table.add(-1);
  table.add(-1);
  table.add(2 ** 32 - 1);
  assert.equal(table.size, 1);
  assert.equal(table.get(-1), 3);
  assert.equal(table.values[0], 2 ** 32 - 1);
});
