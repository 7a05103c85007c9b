// Incremental re-indexing into the file store: unchanged files are carried over from the previous segment
// (their stored token streams, units and band keys; only their shingles are recomputed, in a worker), so the
// segment it writes must hold exactly what a fresh index of the same tree holds, whether nothing changed or
// files were changed, deleted and added. A damaged stream it carries fails with the reader's one-line error.
// Real code: lodash (JavaScript), @types/node (TypeScript) and the Python standard library.
//
//   tree v1 ──index──> idx A (seg-1) ──re-index v1──> seg-2  ==  fresh index of v1 (all but META.indexedAt)
//   tree v2 (1 changed, 1 deleted, 1 added) ──re-index──> seg-3  ==  fresh index of v2; same findings
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openFileStore } from '../../src/index/file';
import { ContainerReader } from '../../src/index/file/container';
import { Kind, SEGMENT_MAGIC, SEGMENT_RE } from '../../src/index/file/format';
import { Segment } from '../../src/index/file/segment-reader';
import { UserError, type IndexStore } from '../../src/index/store';
import { indexRepository, Scanner } from '../../src/node/engine';
import { nodeModule, pythonStdlib, tmpDir } from '../helpers/cli';
import { segmentContent } from '../helpers/segments';

const lodash = nodeModule('lodash'), types = nodeModule('@types/node'), py = pythonStdlib();
const TREE: [from: string, to: string][] = [
  [path.join(lodash, 'debounce.js'), 'js/debounce.js'],
  [path.join(lodash, '_baseClone.js'), 'js/_baseClone.js'],
  [path.join(lodash, 'template.js'), 'js/template.js'],
  [path.join(lodash, '_baseFlatten.js'), 'js/_baseFlatten.js'],
  [path.join(types, 'events.d.ts'), 'ts/events.d.ts'],
  [path.join(types, 'os.d.ts'), 'ts/os.d.ts'],
  [path.join(py, 'json', 'decoder.py'), 'py/decoder.py'],
  [path.join(py, 'textwrap.py'), 'py/textwrap.py'],
];

function place(repo: string, from: string, to: string): void {
  mkdirSync(path.dirname(path.join(repo, to)), { recursive: true });
  copyFileSync(from, path.join(repo, to));
}

function liveSegment(dir: string): string {
  const segs = readdirSync(dir).filter((n) => SEGMENT_RE.test(n));
  assert.equal(segs.length, 1, `one live segment in ${dir}`);
  return path.join(dir, segs[0]!);
}

/** What index-info reports, without the parts that name the place or the time. */
async function info(store: IndexStore): Promise<unknown> {
  const { location: _, repos, ...rest } = await store.info();
  return { ...rest, repos: repos.map(({ indexedAt: __, ...r }) => r) };
}

async function freshIndex(root: string, name: string, repo: string): Promise<string> {
  const dir = path.join(root, name);
  await indexRepository(await openFileStore(dir), repo, { name: 'r', workers: 1 });
  return dir;
}

async function assertSameAsFresh(store: IndexStore, dir: string, fresh: string): Promise<void> {
  assert.deepEqual(await segmentContent(liveSegment(dir)), await segmentContent(liveSegment(fresh)));
  assert.deepEqual(await info(store), await info(await openFileStore(fresh)));
}

async function findings(dir: string, query: string): Promise<unknown[]> {
  const scanner = await Scanner.open(await openFileStore(dir));
  try {
    return (await scanner.scanPaths([query], { workers: 1, projectLicense: 'MIT' })).findings;
  } finally {
    await scanner.close();
  }
}

/** TREE copied into root/repo and indexed into root/idx as repository 'r'; root is removed afterwards. */
async function withIndexedTree(fn: (t: { root: string; repo: string; dir: string; store: IndexStore }) => Promise<void>): Promise<void> {
  const root = tmpDir('memocheck-reindex-');
  try {
    const repo = path.join(root, 'repo');
    for (const [from, to] of TREE) place(repo, from, to);
    const dir = path.join(root, 'idx');
    const store = await openFileStore(dir);
    await indexRepository(store, repo, { name: 'r', workers: 1 });
    await fn({ root, repo, dir, store });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('a re-index writes what a fresh index writes: unchanged, then with files changed, deleted and added', () =>
  withIndexedTree(async ({ root, repo, dir, store }) => {
    const r1 = await indexRepository(store, repo, { name: 'r', workers: 1 });
    assert.equal(r1.reused, TREE.length);
    await assertSameAsFresh(store, dir, await freshIndex(root, 'fresh1', repo));

    const changed = path.join(repo, 'py/textwrap.py');
    writeFileSync(changed, readFileSync(changed, 'utf8') + '\n\ndef added(a, b):\n    return [x * a for x in range(b) if x % 3]\n');
    rmSync(path.join(repo, 'ts/os.d.ts'));
    place(repo, path.join(lodash, '_baseMerge.js'), 'js/_baseMerge.js');
    const r2 = await indexRepository(store, repo, { name: 'r', workers: 2 });
    assert.equal(r2.reused, TREE.length - 2);
    assert.equal(r2.repo.files, TREE.length);
    const fresh2 = await freshIndex(root, 'fresh2', repo);
    await assertSameAsFresh(store, dir, fresh2);

    // copies of a carried-over file and of the added one are found alike
    const query = path.join(root, 'query');
    place(query, path.join(lodash, 'template.js'), 'copied-template.js');
    place(query, path.join(lodash, '_baseMerge.js'), 'copied-merge.js');
    const found = await findings(dir, query);
    assert.ok(found.length >= 2, 'both copies found');
    assert.deepEqual(found, await findings(fresh2, query));
  }));

test('a damaged token stream of an unchanged file fails the re-index with the one-line error; a changed file\'s is not read', () =>
  withIndexedTree(async ({ root, repo, dir, store }) => {
    const file = liveSegment(dir);
    const c = await ContainerReader.open(file, SEGMENT_MAGIC);
    const blobs = c.entry(Kind.BLOBS)!.offset;
    await c.close();
    const seg = await Segment.open(dir, path.basename(file), false);
    const at = blobs + seg.blobOffset[seg.strings.paths.indexOf('js/debounce.js')]! + 3;
    await seg.close();
    const damaged = readFileSync(file);
    damaged[at]! ^= 0x10;
    writeFileSync(file, damaged);
    for (const workers of [0, 1]) {
      await assert.rejects(indexRepository(store, repo, { name: 'r', workers }), (e: unknown) => {
        assert.ok(e instanceof UserError, String(e));
        assert.ok(!e.message.includes('\n'));
        assert.match(e.message, /seg-1\.mcs is corrupted \(token stream of js\/debounce\.js: checksum mismatch\); re-create it with memocheck index/);
        return true;
      });
    }
    assert.deepEqual(readdirSync(dir).filter((n) => SEGMENT_RE.test(n)), ['seg-1.mcs'], 'the failed re-index left the index as it was');

    // the damaged file changed: its old stream is never read, and the re-index replaces it
    writeFileSync(path.join(repo, 'js/debounce.js'), readFileSync(path.join(repo, 'js/debounce.js'), 'utf8') + '\nexport const x = 1;\n');
    const r = await indexRepository(store, repo, { name: 'r', workers: 1 });
    assert.equal(r.reused, TREE.length - 1);
    await assertSameAsFresh(store, dir, await freshIndex(root, 'fresh', repo));
  }));
