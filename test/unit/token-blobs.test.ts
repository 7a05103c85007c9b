// Token streams encoded in the worker threads (against each grammar's frozen code table) decode to exactly
// the tokens the tokenizer makes, also in a segment that mixes them with streams carried over as stored by an
// incremental re-index (unchanged files). Real code: lodash (JavaScript), @types/node (TypeScript) and the
// Python standard library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LanguageId } from '../../src/core/types';
import { openFileStore } from '../../src/index/file';
import { Segment } from '../../src/index/file/segment-reader';
import { indexRepository } from '../../src/node/engine';
import { tokenizeText } from '../../src/node/grammars';
import { nodeModule, pythonStdlib, tmpDir } from '../helpers/cli';

const SOURCES: [from: string, to: string, language: LanguageId][] = [
  [path.join(nodeModule('lodash'), 'debounce.js'), 'js/debounce.js', 'javascript'],
  [path.join(nodeModule('lodash'), '_baseClone.js'), 'js/_baseClone.js', 'javascript'],
  [path.join(nodeModule('lodash'), 'template.js'), 'js/template.js', 'javascript'],
  [path.join(nodeModule('@types/node'), 'events.d.ts'), 'ts/events.d.ts', 'typescript'],
  [path.join(pythonStdlib(), 'json', 'decoder.py'), 'py/decoder.py', 'python'],
  [path.join(pythonStdlib(), 'textwrap.py'), 'py/textwrap.py', 'python'],
];

/** Every file the reader returns has the tokens tokenizeText makes of the file on disk. */
async function assertSameTokens(indexDir: string, repo: string): Promise<number> {
  const store = await openFileStore(indexDir);
  const reader = await store.openReader();
  let files = 0;
  try {
    for (let id = 0; ; id++) {
      let rec;
      try { rec = await reader.file(id); } catch (e) { if (e instanceof RangeError) break; throw e; }
      const fresh = (await tokenizeText(readFileSync(path.join(repo, rec.path), 'utf8'), rec.language)).tokens;
      assert.deepEqual(rec.codes, fresh.codes, `${rec.path}: codes`);
      assert.deepEqual(rec.raw, fresh.raw, `${rec.path}: raw`);
      assert.deepEqual(rec.lines, fresh.lines, `${rec.path}: lines`);
      files++;
    }
  } finally {
    await reader.close();
  }
  return files;
}

test('token streams encoded by a worker decode to the tokenizer\'s tokens, alone and mixed with carried-over ones', async () => {
  const root = tmpDir('memocheck-blobs-');
  try {
    const repo = path.join(root, 'repo');
    for (const [from, to] of SOURCES) {
      mkdirSync(path.dirname(path.join(repo, to)), { recursive: true });
      copyFileSync(from, path.join(repo, to));
    }
    const indexDir = path.join(root, 'idx');
    const store = await openFileStore(indexDir);
    await indexRepository(store, repo, { name: 'r', workers: 1 });

    // every stream came from the worker: none indexes table 0 (the writing thread's), one table per language
    let seg = await Segment.open(indexDir, 'seg-1.mcs', false);
    try {
      assert.equal(seg.fileCount, SOURCES.length);
      assert.ok(Array.from(seg.fileTable).every((t) => t > 0), 'encoded in the worker');
      assert.equal(seg.tables.length, 1 + new Set(SOURCES.map((s) => s[2])).size);
      assert.equal(seg.tables[0]!.codes.length, 0);
    } finally {
      await seg.close();
    }
    assert.equal(await assertSameTokens(indexDir, repo), SOURCES.length);

    // re-index after one file changed: the others are carried over as stored, and share their language's
    // table with the changed file's stream from the worker
    const changed = path.join(repo, 'py/textwrap.py');
    writeFileSync(changed, readFileSync(changed, 'utf8') + '\n\ndef added(a, b):\n    return [x * a for x in range(b) if x % 3]\n');
    const r = await indexRepository(store, repo, { name: 'r', workers: 1 });
    assert.equal(r.reused, SOURCES.length - 1);
    seg = await Segment.open(indexDir, 'seg-2.mcs', false);
    try {
      assert.ok(Array.from(seg.fileTable).every((t) => t > 0), 'none encoded by the writing thread');
      assert.equal(seg.tables.length, 1 + new Set(SOURCES.map((s) => s[2])).size);
    } finally {
      await seg.close();
    }
    assert.equal(await assertSameTokens(indexDir, repo), SOURCES.length);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
