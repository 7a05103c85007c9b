// The SPDX licence corpus the build precomputes (dist/license-corpus.json) is the corpus a process would
// build from the licence texts, read back exactly; a missing, damaged or stale file is not used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSpdxCorpus, LICENSE_CORPUS_FILE, licenseCorpusSource, readLicenseCorpus, serializeLicenseCorpus } from '../../src/node/license';
import type { LicenseCorpus } from '../../src/core/license';

const built = buildSpdxCorpus();
const dir = mkdtempSync(path.join(os.tmpdir(), 'memocheck-corpus-'));

/** references with their trigrams, and the inverted index */
function plain(c: LicenseCorpus) {
  return {
    references: c.references.map((r) => ({ ids: r.ids, osi: r.osi, grams: [...r.grams] })),
    keys: [...c.keys], starts: [...c.starts], refs: [...c.refs],
  };
}

test('a serialized corpus reads back as the same references, trigrams and inverted index', () => {
  const file = path.join(dir, 'corpus.json');
  writeFileSync(file, serializeLicenseCorpus(built));
  const read = readLicenseCorpus(file);
  assert.ok(read);
  assert.ok(built.references.length > 500);
  assert.deepEqual(plain(read), plain(built));
});

test('the inverted index lists, for each trigram, exactly the references that hold it, ascending', () => {
  assert.equal(built.starts.length, built.keys.length + 1);
  for (let k = 0; k < built.keys.length; k += 97) {
    const g = built.keys[k]!;
    const holders = built.references.flatMap((r, i) => (r.grams.includes(g) ? [i] : []));
    assert.deepEqual([...built.refs.subarray(built.starts[k], built.starts[k + 1])], holders);
  }
  for (let k = 1; k < built.keys.length; k++) assert.ok(built.keys[k - 1]! < built.keys[k]!);
});

test('the build writes the corpus beside the bundles, equal to a freshly built one', () => {
  const file = path.join(__dirname, '..', '..', 'dist', LICENSE_CORPUS_FILE);
  assert.ok(existsSync(file), `${file} is missing: node esbuild.mjs writes it`);
  const read = readLicenseCorpus(file);
  assert.ok(read, `${file} is not readable as this build's corpus (${licenseCorpusSource()})`);
  assert.deepEqual(plain(read), plain(built));
});

test('a missing, damaged, truncated or stale corpus file is not used (the corpus is built instead)', () => {
  const json = serializeLicenseCorpus(built);
  assert.equal(readLicenseCorpus(path.join(dir, 'none.json')), undefined);
  const write = (name: string, text: string) => { const f = path.join(dir, name); writeFileSync(f, text); return f; };
  assert.equal(readLicenseCorpus(write('truncated.json', json.slice(0, json.length / 2))), undefined);
  assert.equal(readLicenseCorpus(write('other.json', '{"hello": 1}')), undefined);
  assert.equal(readLicenseCorpus(write('stale.json', serializeLicenseCorpus(built, 'format 1, spdx-license-list 0.0.1'))), undefined);
  const odd = JSON.parse(json) as { keys: string };
  odd.keys = 'AAA'; // not a whole number of uint32s
  assert.equal(readLicenseCorpus(write('odd.json', JSON.stringify(odd))), undefined);
  const short = JSON.parse(json) as { starts: string };
  short.starts = Buffer.from(short.starts, 'base64').subarray(4).toString('base64'); // one start missing
  assert.equal(readLicenseCorpus(write('short.json', JSON.stringify(short))), undefined);
  const fewer = JSON.parse(json) as { references: unknown[] };
  fewer.references.pop(); // the index names a reference that is not there
  assert.equal(readLicenseCorpus(write('fewer.json', JSON.stringify(fewer))), undefined);
  assert.ok(readLicenseCorpus(write('good.json', readFileSync(path.join(dir, 'corpus.json'), 'utf8'))));
});
