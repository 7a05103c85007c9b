// The worker's editor scanner over the caching reader finds exactly what the engine's Scanner finds, and a
// re-check after a small edit is answered mostly from the cache. Real lodash code, a real file index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, readdirSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { indexRepository, openStore, Scanner, tokenizeForScan } from '../../src/node/engine';
import { EditorScanner } from '../../src/extension/editorScanner';
import { CachingReader } from '../../src/extension/cachingReader';
import { fingerprintUnits, shingleHashes, unitBandKeys } from '../../src/core/minhash';
import { MAX_UNIT_TOKENS } from '../../src/core/options';

const require = createRequire(__filename);
const lodash = path.dirname(require.resolve('lodash/package.json'));

/** A file index in dir of lodash's modules whose names match `files`. */
async function lodashIndex(dir: string, files: RegExp) {
  const repo = path.join(dir, 'lodash');
  mkdirSync(repo);
  for (const f of readdirSync(lodash).filter(f => files.test(f))) cpSync(path.join(lodash, f), path.join(repo, f));
  const store = await openStore(path.join(dir, 'index'));
  await indexRepository(store, repo, { name: 'lodash', license: 'MIT', workers: 0 });
  return store;
}

test('editor scanner = engine scanner, and re-checks hit the cache', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memocheck-cache-'));
  try {
    const store = await lodashIndex(dir, /^[a-d].*\.js$/);
    const own = 'function clamp(v, lo, hi) {\n  return Math.min(hi, Math.max(lo, v));\n}\n';
    const text = own + readFileSync(path.join(lodash, 'debounce.js'), 'utf8').replace(/\bdebounce\b/g, 'rateLimit').replace(/\blastArgs\b/g, 'pending');
    const engine = await Scanner.open(store, {});
    const editor = await EditorScanner.open(store, {});
    const a = await engine.scanText(text, 'javascript', 'x.js');
    const b = await editor.scanText(text, 'javascript');
    assert.ok(a.length >= 1);
    assert.deepEqual(b, a);
    const misses = editor.reader.misses;
    // an edit in the own code at the top: the copy's units are unchanged
    const edited = text.replace('Math.min(hi', 'Math.min( hi');
    const c = await editor.scanText(edited, 'javascript');
    assert.deepEqual(c.map(m => [m.startLine, m.endLine, m.source.path, m.fingerprint]), a.map(m => [m.startLine, m.endLine, m.source.path, m.fingerprint]));
    assert.equal(editor.reader.misses, misses, 'no new lookups for unchanged units');
    assert.ok(editor.reader.hits > 0);
    await engine.close();
    await editor.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the caching reader answers as the reader under it, in the same order, when part of a question is cached', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memocheck-cache-'));
  try {
    const store = await lodashIndex(dir, /^[a-f].*\.js$/);
    const plain = await store.openReader();
    const cached = new CachingReader(await store.openReader());
    const doc = await tokenizeForScan(readFileSync(path.join(lodash, 'debounce.js'), 'utf8'), 'javascript');
    const params = plain.params;
    const shingles = shingleHashes(doc.tokens.codes, params.k);
    // (the band keys of the query's units, as the matcher makes them)
    const keys = unitBandKeys(shingles, fingerprintUnits(doc.tokens.codes.length, doc.units, params, params.queryStride, MAX_UNIT_TOKENS), params, 'javascript');
    // units: every id, in an order of their own, after every third one (the last first) was asked alone
    const ids = Array.from({ length: plain.unitCount }, (_, i) => (i * 7919) % plain.unitCount);
    assert.ok(ids.length > 100);
    await cached.units(ids.filter((_, i) => i % 3 === 0).reverse());
    assert.deepEqual(await cached.units(ids), await plain.units(ids));
    // postings and document frequencies, after half of them were asked
    await cached.lookup(keys.filter((_, i) => i % 2 === 1), 1000);
    assert.deepEqual((await cached.lookup(keys, 1000)).postings, (await plain.lookup(keys, 1000)).postings);
    assert.ok(cached.hits > 0 && cached.misses > 0);
    await cached.documentFrequency(shingles.filter((_, i) => i % 2 === 0));
    assert.deepEqual(await cached.documentFrequency(shingles), await plain.documentFrequency(shingles));
    // and the findings of one document after another, on one editor scanner and one engine scanner
    const engine = await Scanner.open(store, {});
    const editor = await EditorScanner.open(store, {});
    let found = 0;
    for (const name of ['debounce.js', 'clamp.js', 'difference.js', 'cloneDeep.js', 'defaults.js', 'every.js']) {
      const text = readFileSync(path.join(lodash, name), 'utf8') + '\n' + readFileSync(path.join(lodash, 'chunk.js'), 'utf8').replace(/\bsize\b/g, 'width');
      const a = await engine.scanText(text, 'javascript', name);
      assert.deepEqual(await editor.scanText(text, 'javascript'), a, name);
      found += a.length;
    }
    assert.ok(found >= 6, `${found} findings`);
    await engine.close();
    await editor.close();
    await cached.close();
    await plain.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
