// A renamed copy between neighbours of the same shape, on real code: three consecutive functions of the
// Python standard library's heapq.py (PSF-2.0, from the machine), _siftdown, _siftup and _siftdown_max, each
// renamed with its own names, the way a renamed function lands between a user's own functions that look
// like its neighbours in the original. The alignment runs on from the middle copy into its neighbours
// (their normalized tokens are the original's), so the names do not map one-to-one over the whole chain;
// judged on its longest consistent stretch, the middle copy is found.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpDir } from '../../helpers/cli';
import { extractFunction, indexHeapq, renamed } from '../../helpers/copies';
import { tokenizeText } from '../../../src/node/grammars';
import { Matcher } from '../../../src/core/match';
import { DEFAULT_TUNING, matchOptions } from '../../../src/core/options';
import type { IndexReader, IndexStore } from '../../../src/index/store';

const work = tmpDir();
const NAMES = ['_siftdown', '_siftup', '_siftdown_max'];
let store: IndexStore, reader: IndexReader, query = '';
let middle: { startLine: number; endLine: number };

before(async () => {
  let text: string;
  ({ store, reader, text } = await indexHeapq(work));
  const fns = await Promise.all(NAMES.map((n) => extractFunction(text, 'python', n)));
  for (let i = 1; i < fns.length; i++) assert.ok(fns[i]!.startLine > fns[i - 1]!.endLine, 'the functions follow each other in heapq.py');
  middle = fns[1]!;
  const parts = await Promise.all(fns.map((f, i) => renamed(f.text, 'python', true, 'abc'[i])));
  query = '# helpers\n\n' + parts.join('\n\n\n') + '\n';
});
after(async () => { await reader.close(); await store.close(); rmSync(work, { recursive: true, force: true }); });

async function findMiddle(trimContradictions: boolean) {
  const m = new Matcher(reader, matchOptions({}), async () => undefined, { ...DEFAULT_TUNING, trimContradictions });
  const found = await m.match(await tokenizeText(query, 'python'));
  for (const f of found) assert.equal(f.source.path, 'heapq.py');
  return found.filter((f) => f.source.startLine <= middle.endLine && f.source.endLine >= middle.startLine);
}

test('a renamed copy between look-alike neighbours is found on its consistent stretch', async () => {
  const found = await findMiddle(true);
  assert.equal(found.length, 1, 'the renamed _siftup is reported');
  assert.equal(found[0]!.kind, 'renamed');
  // the reported source lines are _siftup's, give or take the line where the alignment ends
  assert.ok(Math.abs(found[0]!.source.startLine - middle.startLine) <= 3, `starts at ${found[0]!.source.startLine}, _siftup at ${middle.startLine}`);
  assert.ok(Math.abs(found[0]!.source.endLine - middle.endLine) <= 3, `ends at ${found[0]!.source.endLine}, _siftup at ${middle.endLine}`);
});

test('judged as one chain with its neighbours, the renamed copy fails the renaming check', async () => {
  assert.deepEqual(await findMiddle(false), []);
});
