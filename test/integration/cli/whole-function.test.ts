// The whole-function rule on real code from the machine's Python standard library (PSF-2.0): six of its
// packages are indexed as six repositories, so that the shingles every Python package shares are
// ubiquitous. A modified copy of a short method (renamed, one statement inserted) has too few rare shingles
// for a modified match, but it spans the whole method on both sides, which chance resemblance does not.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pythonStdlib, tmpDir } from '../../helpers/cli';
import { extractFunction, renamed } from '../../helpers/copies';
import { indexRepository, openStore } from '../../../src/node/engine';
import { tokenizeText } from '../../../src/node/grammars';
import { Matcher } from '../../../src/core/match';
import { DEFAULT_TUNING, matchOptions } from '../../../src/core/options';
import type { IndexReader, IndexStore } from '../../../src/index/store';

const work = tmpDir();
let store: IndexStore, reader: IndexReader;
let method = { text: '', startLine: 0, endLine: 0 };
/** the method renamed, with a statement inserted after its loop's second line */
let edited = '';

before(async () => {
  store = await openStore(path.join(work, 'idx'));
  for (const p of ['json', 'html', 'email', 'http', 'urllib', 'xml']) {
    cpSync(path.join(pythonStdlib(), p), path.join(work, p), { recursive: true });
    await indexRepository(store, path.join(work, p), { name: `cpython-${p}`, license: 'PSF-2.0' });
  }
  reader = await store.openReader();
  // Morsel.update: a dict built from checked keys, 60-odd tokens
  method = await extractFunction(readFileSync(path.join(work, 'http', 'cookies.py'), 'utf8'), 'python', 'update');
  const lines = method.text.split('\n');
  const loop = lines.findIndex((l) => /^\s+for /.test(l));
  assert.ok(loop > 0 && lines.length >= loop + 4, 'Morsel.update still has its loop');
  const indent = /^\s*/.exec(lines[loop + 2]!)![0];
  edited = await renamed([...lines.slice(0, loop + 2), `${indent}retries = retries + 1`, ...lines.slice(loop + 2)].join('\n'), 'python');
});
after(async () => { await reader.close(); await store.close(); rmSync(work, { recursive: true, force: true }); });

async function find(code: string, minFunctionCover = DEFAULT_TUNING.minFunctionCover) {
  const m = new Matcher(reader, matchOptions({}), async () => undefined, { ...DEFAULT_TUNING, minFunctionCover });
  const found = await m.match(await tokenizeText(code, 'python', undefined, false));
  return { found, rejected: m.lastDiagnostics.rejected };
}

test('a modified copy of a whole method is reported, with the lines of the method', async () => {
  const { found } = await find(edited);
  assert.equal(found.length, 1);
  assert.equal(found[0]!.kind, 'modified');
  assert.equal(found[0]!.source.repo, 'cpython-http');
  assert.equal(found[0]!.source.path, 'cookies.py');
  assert.ok(found[0]!.source.startLine >= method.startLine && found[0]!.source.endLine <= method.endLine);
  assert.ok(found[0]!.source.endLine - found[0]!.source.startLine >= method.endLine - method.startLine - 2, 'most of the method');
});

test('without the whole-function rule the same copy lacks rare shingles', async () => {
  const { found, rejected } = await find(edited, 0);
  assert.deepEqual(found, []);
  assert.ok((rejected.ubiquitous ?? 0) > 0, `rejected for ubiquity (${JSON.stringify(rejected)})`);
});

test('the same statements as a fragment of a larger function are not reported', async () => {
  // the method's body without its header, after other statements of a larger function: the chain no
  // longer spans a function on the query side, so it needs the rare shingles of a modified match
  const body = edited.split('\n').slice(1).join('\n');
  const host = 'def handle(self, values, options):\n    total = 0\n    for name in options.names():\n' +
    '        if name.startswith("_"):\n            continue\n        total += len(name)\n    print("options", total)\n' + body;
  const { found, rejected } = await find(host);
  assert.deepEqual(found, []);
  assert.ok((rejected.ubiquitous ?? 0) > 0, `the copied statements were aligned, and rejected for ubiquity (${JSON.stringify(rejected)})`);
});
