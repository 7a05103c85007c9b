// A damaged or foreign index gives a clear one-line error (exit 2), and a writer killed at any moment
// leaves the previous index intact. Real processes, real files.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cli, cliAsync, nodeModule, pythonStdlib, requireBuild, tmpDir } from '../../helpers/cli';

const work = tmpDir();
const base = path.join(work, 'base-idx');
const lodash = nodeModule('lodash');

function copyIndex(name: string): string {
  const dst = path.join(work, name);
  cpSync(base, dst, { recursive: true });
  return dst;
}
function segmentOf(idx: string): string {
  return path.join(idx, readdirSync(idx).find((f) => f.startsWith('seg-'))!);
}
function repoNames(idx: string): string[] {
  const r = cli(['index-info', '--index', idx, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).repos.map((x: { name: string }) => x.name).sort();
}

before(() => {
  requireBuild();
  const r = cli(['index', lodash, '--index', base]);
  assert.equal(r.code, 0, r.stderr);
});

test('a truncated segment is reported as corrupted, naming the file and the fix', () => {
  const idx = copyIndex('truncated');
  const seg = segmentOf(idx);
  const bytes = readFileSync(seg);
  writeFileSync(seg, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const r = cli(['scan', lodash, '--index', idx]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /seg-\d+\.mcs.*corrupted.*memocheck index/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});

test('a flipped byte is caught by the checksums', () => {
  const idx = copyIndex('flipped');
  const seg = segmentOf(idx);
  const bytes = readFileSync(seg);
  bytes[bytes.length - 100] ^= 0xff;
  writeFileSync(seg, bytes);
  const r = cli(['scan', lodash, '--index', idx]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /corrupted/);
});

test('re-indexing over a damaged token stream of an unchanged file fails with the one-line error, index kept', () => {
  const idx = copyIndex('flipped-reindex');
  const seg = segmentOf(idx);
  const bytes = readFileSync(seg);
  bytes[2000] ^= 0xff; // in BLOBS, the first section: the token streams of the first files
  writeFileSync(seg, bytes);
  const r = cli(['index', lodash, '--index', idx]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /seg-\d+\.mcs is corrupted \(token stream of .*: (checksum mismatch|does not decompress)\); re-create it with memocheck index/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.equal(segmentOf(idx), seg, 'the previous segment is still the live one');
});

test('an index written by a newer format version asks for an upgrade', () => {
  const idx = copyIndex('newer');
  const manifest = path.join(idx, 'MANIFEST');
  const bytes = readFileSync(manifest);
  bytes.writeUInt16LE(99, 4);
  writeFileSync(manifest, bytes);
  const r = cli(['index-info', '--index', idx]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /newer MemoCheck/i);
});

test('a killed indexing process leaves the previous index intact, and the next run succeeds', async () => {
  // a real repository large enough to be killed mid-way: the Python standard library's email + asyncio packages
  const big = path.join(work, 'pylib');
  cpSync(path.join(pythonStdlib(), 'email'), path.join(big, 'email'), { recursive: true });
  cpSync(path.join(pythonStdlib(), 'asyncio'), path.join(big, 'asyncio'), { recursive: true });
  cpSync(path.join(pythonStdlib(), 'json'), path.join(big, 'json'), { recursive: true });
  const args = ['--name', 'pylib', '--license', 'PSF-2.0', '--workers', '1'];
  // kill moments spread over the length of an uninterrupted run on this machine
  const timing = copyIndex('killed-timing');
  const t0 = Date.now();
  const full = cli(['index', big, '--index', timing, ...args]);
  assert.equal(full.code, 0, full.stderr);
  const duration = Date.now() - t0;
  let killed = 0, idx = '';
  for (const [i, share] of [0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.95].entries()) {
    idx = copyIndex(`killed-${i}`); // a first indexing each time (a re-index would reuse unchanged files)
    const delay = Math.round(share * duration);
    const child = cliAsync(['index', big, '--index', idx, ...args]);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await sleep(delay);
    child.kill('SIGKILL');
    const code = await exited;
    const names = repoNames(idx);
    if (code === null) killed++;
    // either the old state or the new state, never a broken one
    assert.ok(names.join() === 'lodash' || names.join() === 'lodash,pylib', names.join());
    const scan = cli(['scan', path.join(lodash, '_baseUniq.js'), '--index', idx, '--format', 'json']);
    assert.equal(scan.code, 0, scan.stderr);
    assert.ok(JSON.parse(scan.stdout).findings.length >= 1, 'lodash is still searchable');
  }
  const r = cli(['index', big, '--index', idx, '--name', 'pylib', '--license', 'PSF-2.0']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(repoNames(idx), ['lodash', 'pylib']);
  assert.ok(killed >= 3, `only ${killed} of 7 runs were killed before finishing (an uninterrupted run took ${duration} ms)`);
});
