import assert from 'node:assert/strict';
import { test } from 'node:test';
import { majorityCounts, renamingConsistency } from '../../src/core/match';
import { DEFAULT_TUNING, ubiquityThreshold } from '../../src/core/options';
import { U32Table } from '../../src/core/table';
import { languageFamily } from '../../src/core/types';

/** identifier pair counts as the matcher keeps them: query raw * 65536 + source raw */
function pairs(list: [number, number][]): { map: U32Table; total: number } {
  const map = new U32Table(2);
  for (const [q, s] of list) map.add(q * 65536 + s);
  return { map, total: list.length };
}

test('a consistent renaming is fully consistent, and its repeated uses confirm it', () => {
  const { map, total } = pairs([[1, 101], [2, 102], [1, 101], [3, 103], [2, 102], [1, 101]]);
  assert.deepEqual(renamingConsistency(majorityCounts(map), total), { consistency: 1, confirmed: 3 });
});

test('one misaligned pair costs only itself, not every later use of the identifier', () => {
  // identifier 1 is first (wrongly) paired with 105, then with 101 five times
  const { map, total } = pairs([[1, 105], [1, 101], [1, 101], [1, 101], [1, 101], [1, 101], [2, 102], [2, 102]]);
  const r = renamingConsistency(majorityCounts(map), total);
  assert.equal(r.consistency, 7 / 8);
  assert.equal(r.confirmed, 4 + 1);
});

test('a many-to-one mapping is judged by the weaker side', () => {
  // four query identifiers all map to the same source identifier: one-to-one fails on the source side
  const { map, total } = pairs([[1, 100], [2, 100], [3, 100], [4, 100]]);
  assert.equal(renamingConsistency(majorityCounts(map), total).consistency, 1 / 4);
});

test('no identifiers: nothing to contradict', () => {
  assert.deepEqual(renamingConsistency(majorityCounts(new U32Table()), 0), { consistency: 1, confirmed: 0 });
});

test('language families: TypeScript and TSX take JavaScript, C++ takes C, the rest stand alone', () => {
  assert.equal(languageFamily('typescript'), languageFamily('javascript'));
  assert.equal(languageFamily('tsx'), languageFamily('javascript'));
  assert.equal(languageFamily('cpp'), languageFamily('c'));
  assert.notEqual(languageFamily('php'), languageFamily('ruby'));
  assert.notEqual(languageFamily('java'), languageFamily('csharp'));
});

test('a shingle is ubiquitous in 35% of the repositories, at least 4, at most ubiquityMax', () => {
  assert.equal(ubiquityThreshold(DEFAULT_TUNING, 1), 4);
  assert.equal(ubiquityThreshold(DEFAULT_TUNING, 23), 9);
  assert.equal(ubiquityThreshold(DEFAULT_TUNING, 615), 216);
  assert.equal(ubiquityThreshold({ ...DEFAULT_TUNING, ubiquityMax: 32 }, 615), 32);
  assert.equal(ubiquityThreshold({ ...DEFAULT_TUNING, ubiquityMax: 32 }, 23), 9);
});
