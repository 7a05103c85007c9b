// A long source file's token stream is stored in chunks (index format 6) and a scan decodes the chunks that a
// copy's region needs. Copies from the middle of a long real file must be found with the right lines, and
// still after a re-index carries the unchanged file over. Real code: lodash.js (MIT), a pinned devDependency,
// whose single file holds ~41,000 tokens.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { nodeModule, tmpDir } from '../../helpers/cli';
import { extractFunction, renamed } from '../../helpers/copies';
import { tokenizeText } from '../../../src/node/grammars';
import { indexRepository, openStore, Scanner } from '../../../src/node/engine';
import { CHUNK_TOKENS, CHUNKED_ABOVE } from '../../../src/index/file/blob';
import type { IndexStore } from '../../../src/index/store';

const work = tmpDir();
let store: IndexStore;
let source = '';

before(async () => {
  cpSync(path.join(nodeModule('lodash'), 'lodash.js'), path.join(work, 'lodash', 'lodash.js'));
  source = readFileSync(path.join(work, 'lodash', 'lodash.js'), 'utf8');
  store = await openStore(path.join(work, 'idx'));
  await indexRepository(store, path.join(work, 'lodash'), { name: 'lodash', license: 'MIT' });
});
after(async () => { await store.close(); rmSync(work, { recursive: true, force: true }); });

/** a verbatim copy of one function and a renamed copy of another, both from past the file's first chunks */
async function query(): Promise<{ text: string; expect: { kind: string; lines: [number, number] }[] }> {
  const verbatim = await extractFunction(source, 'javascript', 'debounce');
  const other = await extractFunction(source, 'javascript', 'equalArrays');
  const text = `'use strict';\n\n${verbatim.text}\n\n${await renamed(other.text, 'javascript')}\n\nmodule.exports = { debounce };\n`;
  return {
    text,
    expect: [
      { kind: 'verbatim', lines: [verbatim.startLine, verbatim.endLine] },
      { kind: 'renamed', lines: [other.startLine, other.endLine] },
    ],
  };
}

async function findings(): Promise<{ kind: string; path: string; lines: [number, number] }[]> {
  const { text } = await query();
  const scanner = await Scanner.open(store);
  try {
    const ms = await scanner.scanText(text, 'javascript', 'query.js');
    return ms.map((m) => ({ kind: m.kind, path: m.source.path, lines: [m.source.startLine, m.source.endLine] as [number, number] }))
      .sort((a, b) => a.lines[0] - b.lines[0]);
  } finally {
    await scanner.close();
  }
}

test('the long file is stored in chunks, and the copies from its middle are found on their lines', async () => {
  const reader = await store.openReader();
  try {
    const file = await reader.file(0);
    assert.equal(file.path, 'lodash.js');
    assert.ok((file.tokens ?? 0) > CHUNKED_ABOVE, `lodash.js has ${file.tokens} tokens, more than ${CHUNKED_ABOVE}`);
  } finally {
    await reader.close();
  }
  const { expect } = await query();
  // both copies lie past the first chunk: their regions are decoded from later chunks
  const { tokens } = await tokenizeText(source, 'javascript');
  for (const e of expect) {
    const at = tokens.lines.findIndex((l) => l + 1 >= e.lines[0]);
    assert.ok(at > CHUNK_TOKENS, `${e.kind} copy starts at token ${at}`);
  }
  const got = await findings();
  assert.deepEqual(got.map((f) => f.kind).sort(), ['renamed', 'verbatim'], JSON.stringify(got));
  for (const e of expect) {
    const f = got.find((x) => x.kind === e.kind)!;
    assert.equal(f.path, 'lodash.js');
    // the finding covers the function's lines, and no more: where the copy follows another function, the
    // alignment could reach back over the few tokens that end both (`value; }` in lodash, `debounced; }` in
    // the copy, the JSDoc comment between them left out), and is cut at the function's start
    assert.ok(Math.abs(f.lines[0] - e.lines[0]) <= 1 && Math.abs(f.lines[1] - e.lines[1]) <= 1,
      `${e.kind}: ${JSON.stringify(f.lines)} for ${JSON.stringify(e.lines)}`);
  }
});

test('a re-index carries the chunked stream over, and finds the same', async () => {
  const before = await findings();
  const summary = await indexRepository(store, path.join(work, 'lodash'), { name: 'lodash', license: 'MIT' });
  assert.equal(summary.reused, 1, 'lodash.js is carried over, not read again');
  assert.deepEqual(await findings(), before);
});
