// The inside-functions rule on real code: the module-level block of the Python standard library's
// json/encoder.py (PSF-2.0, from the machine). A verbatim copy of top-level code is reported; a renamed one
// is not (renamed declarations and top-level statements are shapes every code base shares), unless the
// rule is switched off, which shows that it is the rule that decides.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pythonStdlib, tmpDir } from '../../helpers/cli';
import { renamed } from '../../helpers/copies';
import { indexRepository, openStore } from '../../../src/node/engine';
import { tokenizeText } from '../../../src/node/grammars';
import { Matcher } from '../../../src/core/match';
import { DEFAULT_TUNING, matchOptions } from '../../../src/core/options';
import type { IndexReader, IndexStore } from '../../../src/index/store';

const work = tmpDir();
let store: IndexStore, reader: IndexReader, region = '';

before(async () => {
  const repo = path.join(work, 'json');
  cpSync(path.join(pythonStdlib(), 'json'), repo, { recursive: true });
  store = await openStore(path.join(work, 'idx'));
  await indexRepository(store, repo, { name: 'cpython-json', license: 'PSF-2.0' });
  reader = await store.openReader();
  const text = readFileSync(path.join(repo, 'encoder.py'), 'utf8');
  const a = text.indexOf('ESCAPE = re.compile'), b = text.indexOf('\ndef py_encode_basestring');
  assert.ok(a > 0 && b > a, 'the module-level block of json/encoder.py is where it was');
  region = text.slice(a, b);
});
after(async () => { await reader.close(); await store.close(); rmSync(work, { recursive: true, force: true }); });

async function find(code: string, minInFunctionShare = DEFAULT_TUNING.minInFunctionShare) {
  const m = new Matcher(reader, matchOptions({}), async () => undefined, { ...DEFAULT_TUNING, minInFunctionShare });
  return m.match(await tokenizeText(code, 'python', undefined, false));
}

test('a verbatim copy of top-level code is reported', async () => {
  const found = await find('# constants\n' + region);
  assert.equal(found.length, 1);
  assert.equal(found[0]!.kind, 'verbatim');
  assert.equal(found[0]!.source.path, 'encoder.py');
});

test('a renamed copy of top-level code is not reported, because of the inside-functions rule', async () => {
  const copy = await renamed(region, 'python');
  assert.deepEqual(await find(copy), []);
  const without = await find(copy, 0);
  assert.equal(without.length, 1, 'without the rule the renamed copy is found');
  assert.equal(without[0]!.kind, 'renamed');
});

test('a syntax error inside a function that still parsed whole does not exempt the declarations after it', async () => {
  const broken = 'def broken(a):\n    x = a +* 2\n    return x\n\n\n';
  const doc = await tokenizeText(broken, 'python', undefined, false);
  const fn = doc.units.find((u) => u.kind === 'function')!;
  assert.ok(doc.errors?.length && doc.errors.every((e) => fn.start <= e.start && e.end < fn.end), 'the error lies inside the function');
  const copy = broken + await renamed(region, 'python');
  assert.deepEqual(await find(copy), []);
  assert.equal((await find(copy, 0)).length, 1, 'without the rule the renamed copy is found');
});

test('past a syntax error outside any function, nothing is judged to be a declaration', async () => {
  // an unbalanced bracket before the block: the parser's structure is lost from there on
  const copy = 'SETTINGS = dict(\n\n' + await renamed(region, 'python');
  const doc = await tokenizeText(copy, 'python', undefined, false);
  assert.ok(doc.errors?.length, 'the document has a syntax error');
  const found = await find(copy);
  assert.equal(found.length, 1);
  assert.notEqual(found[0]!.kind, 'verbatim');
  assert.equal(found[0]!.source.path, 'encoder.py');
});
