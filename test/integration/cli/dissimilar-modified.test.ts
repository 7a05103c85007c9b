// The similarity a modified finding needs (MatchTuning.minSimilarityModified), on real code: stretches of
// heapq.merge from the Python standard library (PSF-2.0, from the machine) in a function of a user's, with
// statements of the user's own between them. Chance resemblance between unrelated code in a large index is
// mostly such chains: stretches of 30-50 tokens of common shape, chained across gaps the query fills with
// other code. Where less than 70% of the chain's span is matched, it is not reported; where one of its
// stretches is of reportable size on its own, that stretch is judged alone, by the rules of exact runs.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpDir } from '../../helpers/cli';
import { indexHeapq } from '../../helpers/copies';
import { tokenizeText } from '../../../src/node/grammars';
import { Matcher } from '../../../src/core/match';
import { DEFAULT_TUNING, matchOptions } from '../../../src/core/options';
import type { IndexReader, IndexStore } from '../../../src/index/store';
import type { Match } from '../../../src/core/types';

const work = tmpDir();
let store: IndexStore, reader: IndexReader;
/** heapq.py's lines, and the index of `def merge(` among them */
let lines: string[] = [], merge = -1;

// the user's own statements between the stretches (~45 tokens: a gap the alignment still chains across)
const OWN = [
  '    audit = {"stage": "merge", "count": 0}',
  '    audit["count"] += sum(1 for _ in iterables)',
  '    print("audit:", audit, file=sys.stderr)',
  '    audit.clear()',
  '    assert not audit',
];

before(async () => {
  let text: string;
  ({ store, reader, text } = await indexHeapq(work));
  lines = text.split('\n');
  merge = lines.findIndex((l) => l.startsWith('def merge('));
  assert.ok(merge >= 0, 'heapq.py defines merge');
  // the stretches below are merge's body from its first statement on (line 19 of the function)
  assert.equal(lines[merge + 18]!.trim(), 'h = []', 'merge starts its body as expected');
});
after(async () => { await reader.close(); await store.close(); rmSync(work, { recursive: true, force: true }); });

/** A user's function holding merge's lines [a, b] (1-based, of the function) for each stretch, the user's own code between them. */
function query(stretches: [number, number][]): { text: string; first: { start: number; end: number } } {
  const head = ['import sys', '', 'def combine(iterables):'];
  const body = stretches.map(([a, b]) => lines.slice(merge + a - 1, merge + b).join('\n')).join('\n' + OWN.join('\n') + '\n');
  const [a, b] = stretches[0]!;
  return { text: [...head, body, ''].join('\n'), first: { start: head.length + 1, end: head.length + 1 + b - a } };
}

async function findings(text: string, minSimilarityModified = DEFAULT_TUNING.minSimilarityModified): Promise<Match[]> {
  const m = new Matcher(reader, matchOptions({}), async () => undefined, { ...DEFAULT_TUNING, minSimilarityModified });
  const found = await m.match(await tokenizeText(text, 'python'));
  for (const f of found) assert.equal(f.source.path, 'heapq.py');
  return found;
}

test('stretches of 30-50 tokens matching less than 70% of their span are not reported', async () => {
  const { text } = query([[19, 27], [28, 36], [37, 41]]);
  assert.deepEqual(await findings(text), []);
  // the same chain is a modified finding without the rule (so the rule, not another, decides here)
  const without = await findings(text, 0);
  assert.equal(without.length, 1);
  assert.equal(without[0]!.kind, 'modified');
  assert.ok(without[0]!.similarity < DEFAULT_TUNING.minSimilarityModified, `similarity ${without[0]!.similarity}`);
});

test('a stretch of reportable size in such a chain is reported alone, on its own lines', async () => {
  const { text, first } = query([[19, 36], [37, 37], [40, 41]]);
  const found = await findings(text);
  assert.equal(found.length, 1);
  // one run (verbatim, or renamed where it ends on the user's first name after the stretch), on the stretch's
  // lines give or take that last line
  assert.notEqual(found[0]!.kind, 'modified');
  const f = found[0]!;
  assert.equal(f.startLine, first.start);
  assert.ok(f.endLine - first.end >= 0 && f.endLine - first.end <= 1, `ends on line ${f.endLine}, the stretch on ${first.end}`);
  assert.equal(f.source.startLine, merge + 19);
  assert.ok(f.source.endLine - (merge + 36) >= 0 && f.source.endLine - (merge + 36) <= 1, `source ends on line ${f.source.endLine}`);
  // without the rule, the finding is a modified chain running on past the stretch into the user's code
  const without = await findings(text, 0);
  assert.equal(without.length, 1);
  assert.equal(without[0]!.kind, 'modified');
  assert.ok(without[0]!.endLine > first.end + 1, `ends on line ${without[0]!.endLine}`);
});
