// A large query's candidates are found on two threads (index/file/candidates.ts): the reader splits the unit
// ids into two ranges of whole files and the decode helper does the upper one. The split must change nothing:
// the same candidate units, clusters and findings as on one thread. Real code: lodash and ajv (pinned
// devDependencies) indexed as two repositories, queried with files of ~1,000 lines made of their modules (so
// that both parts have hits) and of lodash.js, whose stream is chunked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { nodeModule, tmpDir } from '../../helpers/cli';
import { indexRepository, openStore } from '../../../src/node/engine';
import { openFileStore, type FileIndexReader } from '../../../src/index/file';
import { Matcher } from '../../../src/core/match';
import { DEFAULT_TUNING, matchOptions } from '../../../src/core/options';
import { tokenizeText } from '../../../src/node/grammars';
import type { UnitColumns } from '../../../src/index/store';

const work = tmpDir();
const index = path.join(work, 'idx');

before(async () => {
  const store = await openStore(index);
  try {
    for (const [name, license] of [['lodash', 'MIT'], ['ajv', 'MIT']] as const) {
      cpSync(nodeModule(name), path.join(work, name), { recursive: true });
      await indexRepository(store, path.join(work, name), { name, license });
    }
  } finally {
    await store.close();
  }
});
after(() => rmSync(work, { recursive: true, force: true }));

/** fn with a reader of the index on one thread and one that splits every query it can */
async function withReaders(fn: (plain: FileIndexReader, split: FileIndexReader) => Promise<void>): Promise<void> {
  const one = await openFileStore(index, { decodeHelper: false });
  const two = await openFileStore(index, { splitEntries: 1 });
  const plain = (await one.openReader()) as FileIndexReader;
  const split = (await two.openReader()) as FileIndexReader;
  try {
    await fn(plain, split);
  } finally {
    await plain.close();
    await split.close();
    await one.close();
    await two.close();
  }
}

/** Queries of ~1,000 lines: lodash modules and ajv's compiled files in turn, and a slice of lodash.js. */
function queries(): string[] {
  const lodash = readdirSync(path.join(work, 'lodash')).filter((f) => f.endsWith('.js') && f !== 'lodash.js' && f !== 'core.js').sort();
  const ajvDir = path.join(work, 'ajv', 'dist', 'compile', 'validate');
  const ajv = readdirSync(ajvDir).filter((f) => f.endsWith('.js')).sort();
  const out: string[] = [];
  for (let q = 0; q < 6; q++) {
    const lines: string[] = [];
    for (let i = 0; lines.length < 1000; i++) {
      const file = i % 3 === 2 ? path.join(ajvDir, ajv[(q + i) % ajv.length]!) : path.join(work, 'lodash', lodash[(q * 97 + i * 13) % lodash.length]!);
      lines.push(...readFileSync(file, 'utf8').split('\n'));
    }
    out.push(lines.join('\n'));
  }
  const whole = readFileSync(path.join(work, 'lodash', 'lodash.js'), 'utf8').split('\n');
  out.push(whole.slice(9000, 10000).join('\n'));
  return out;
}

test('candidates split between the threads are those of one thread, and so are the findings', () => withReaders(async (plain, split) => {
  const opts = matchOptions({});
  const source = async () => undefined;
  const a = new Matcher(plain, opts, source, DEFAULT_TUNING), b = new Matcher(split, opts, source, DEFAULT_TUNING);
  const qs = queries();
  let found = 0;
  for (const [i, text] of qs.entries()) {
    const doc = await tokenizeText(text, 'javascript', undefined, false);
    const want = await a.match(doc);
    const got = await b.match(doc);
    assert.deepEqual(got, want, `query ${i}: findings`);
    assert.deepEqual(b.lastDiagnostics, a.lastDiagnostics, `query ${i}: candidate units, groups, rejections`);
    assert.ok(a.lastDiagnostics.candidateUnits > 100, `query ${i}: ${a.lastDiagnostics.candidateUnits} candidate units`);
    found += want.length;
  }
  assert.ok(found >= qs.length, `${found} findings (the queries are copies)`);
  // every query was split, and the helper did upper parts (it is idle between lookups, so nearly all)
  assert.equal(split.splitQueries, qs.length);
  assert.ok(split.helperParts > 0, `the helper did ${split.helperParts} of ${split.splitQueries} parts`);
  assert.equal(plain.splitQueries, 0);
}));

test('a split compares clusters exactly: the same answer from candidates() on one thread and on two', () => withReaders(async (plain, split) => {
  // the matcher's request, from its keys: every query's band keys through both readers
  const { fingerprintUnits, shingleHashes, unitBandKeys } = await import('../../../src/core/minhash');
  const { MAX_UNIT_TOKENS } = await import('../../../src/core/options');
  const params = plain.params;
  for (const [i, text] of queries().entries()) {
    const doc = await tokenizeText(text, 'javascript', undefined, false);
    const units = fingerprintUnits(doc.tokens.codes.length, doc.units, params, params.queryStride, MAX_UNIT_TOKENS);
    const keys = unitBandKeys(shingleHashes(doc.tokens.codes, params.k), units, params, 'javascript');
    for (const limit of [200, 7]) {
      const req = { keys, bands: params.bands, units, maxPostings: 400, perUnit: 6, minBandHits: 1, limit, keep: () => true, helper: true };
      const want = await plain.candidates(req);
      const got = await split.candidates(req);
      // (the records: the same units, each file's in the same order; the parts' files come one part after the other)
      const { records: g, ...gotRest } = got, { records: w, ...wantRest } = want;
      assert.deepEqual(gotRest, wantRest, `query ${i}, limit ${limit}`);
      assert.deepEqual(byFile(g), byFile(w), `query ${i}, limit ${limit}: units`);
      assert.equal(want.clusters.length, limit, `query ${i}: clusters`);
      assert.ok(split.splitQueries > 0);
    }
  }
}));

/** Each file's units (id, start, end, kind) in the order given. */
function byFile(r: UnitColumns): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (let i = 0; i < r.ids.length; i++) {
    const list = out.get(r.fileId[i]!) ?? out.set(r.fileId[i]!, []).get(r.fileId[i]!)!;
    list.push(r.ids[i]!, r.start[i]!, r.end[i]!, r.kind[i]!);
  }
  return out;
}
