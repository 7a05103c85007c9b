// Closed pools hand their idle workers to the next pool; busy ones (an aborted run) are terminated, and
// the next pool still gets working workers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEPTH, depthFor, endSpareWorkers, FilePool, spareWorkerCount } from '../../src/node/pool';
import type { FileResult } from '../../src/node/fileJob';
import { DEFAULT_PARAMS } from '../../src/core/options';

const dir = mkdtempSync(path.join(os.tmpdir(), 'memocheck-pool-'));
const file = path.join(dir, 'a.js');
writeFileSync(file, 'function f(a, b) { return a + b * 2; }\n'.repeat(20));
const job = { mode: 'index' as const, abs: file, language: 'javascript' as const, params: DEFAULT_PARAMS, maxBytes: 1 << 20 };

/** the band keys a job's result carries (results also carry a message id) */
const keys = (r: FileResult) => (r.ok && r.mode === 'index' ? Array.from(r.data.bandKeys) : r);

test('pools run jobs one after another, also after a pool was closed with a job in flight', async () => {
  const a = new FilePool(1);
  const expected = keys(await a.run(job).finally(() => a.close()));
  assert.ok(Array.isArray(expected) && expected.length > 0);

  const b = new FilePool(1); // takes a's idle worker
  try {
    assert.deepEqual(keys(await b.run(job)), expected);
  } finally {
    const inFlight = assert.rejects(b.run(job), /pool closed/);
    const queued = assert.rejects(b.run(job), /pool closed/);
    await b.close(); // its worker is busy: terminated, both jobs rejected
    await inFlight;
    await queued;
  }

  const c = new FilePool(2);
  try {
    const [r1, r2] = await Promise.all([c.run(job), c.run(job)]);
    assert.deepEqual(keys(r1), expected);
    assert.deepEqual(keys(r2), expected);
  } finally {
    await c.close();
  }
});

test('ended spare workers are not handed on: the next pool starts a fresh worker that works', async () => {
  await endSpareWorkers(); // (the earlier tests' pools left theirs)
  const a = new FilePool(1);
  const expected = keys(await a.run(job).finally(() => a.close()));
  assert.equal(spareWorkerCount(), 1);
  await endSpareWorkers();
  assert.equal(spareWorkerCount(), 0);
  await endSpareWorkers(); // nothing left to end
  const b = new FilePool(1);
  try {
    assert.deepEqual(keys(await b.run(job)), expected);
  } finally {
    await b.close();
  }
  assert.equal(spareWorkerCount(), 1);
});

test('each worker holds fewer jobs as the queue runs dry, so no worker is left alone with a backlog', () => {
  for (const workers of [1, 2, 4]) {
    assert.equal(depthFor(0, workers), 1, 'an empty queue: a worker gets a job only when it is free');
    let prev = depthFor(0, workers);
    for (let queued = 1; queued < 200; queued++) {
      const d = depthFor(queued, workers);
      assert.ok(d >= prev && d <= DEPTH, `depth ${d} for ${queued} queued jobs, ${workers} workers`);
      prev = d;
    }
    assert.equal(prev, DEPTH, 'a long queue: the full depth');
  }
});
