// The small configuration of bench/quality: real code from the corpus (bench/corpus, fetched on first run),
// generated T1/T2/T3 copies standalone and embedded, real negatives; MemoCheck indexes and scans them and
// must meet the targets of issue 2 for copies of at least 50 normalized tokens. Dolos and jscpd are run by
// `node --import tsx bench/quality/run.ts`, not here.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { CONFIGS, ROOT } from '../../../bench/quality/corpus';
import { markdown, runQuality, TARGETS } from '../../../bench/quality/run';

test('quality benchmark, small configuration: MemoCheck meets the targets', { timeout: 30 * 60_000 }, async () => {
  execFileSync('bash', [path.join(ROOT, 'bench', 'corpus', 'fetch.sh'), '--config', 'small'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const r = await runQuality(CONFIGS.small!, ['memocheck'], () => {});
  const m = r.tools[0]!.metrics;
  const report = `\n${markdown(r)}\nmisses:\n${m.misses.map((x) => `  ${x.id} (${x.tokens} tokens) ${x.file}:${x.lines} <- ${x.source}`).join('\n')}`;
  assert.ok(r.copies >= 120, `only ${r.copies} copies were generated`);
  assert.ok(r.negatives >= 300, `only ${r.negatives} negatives`);
  const failures: string[] = [];
  if (!(m.recall.T1.rate >= TARGETS.T1)) failures.push(`recall T1 ${m.recall.T1.rate.toFixed(3)} < ${TARGETS.T1}`);
  if (!(m.recall.T2.rate >= TARGETS.T2)) failures.push(`recall T2 ${m.recall.T2.rate.toFixed(3)} < ${TARGETS.T2}`);
  if (!(m.recall.T3.rate >= TARGETS.T3)) failures.push(`recall T3 ${m.recall.T3.rate.toFixed(3)} < ${TARGETS.T3}`);
  if (!(m.fpFilesPer1000 <= TARGETS.fpPer1000)) failures.push(`${m.fpFilesPer1000.toFixed(1)} FP files per 1,000 > ${TARGETS.fpPer1000}`);
  if (!(m.precision.rate >= TARGETS.precision)) failures.push(`precision ${m.precision.rate.toFixed(3)} < ${TARGETS.precision}`);
  if (!(m.meanIoU >= TARGETS.iou)) failures.push(`mean IoU ${m.meanIoU.toFixed(3)} < ${TARGETS.iou}`);
  if (!(m.attribution && m.attribution.rate >= TARGETS.attribution)) failures.push(`repo+licence right ${m.attribution?.rate.toFixed(3)} < ${TARGETS.attribution}`);
  assert.deepEqual(failures, [], report);
});
