// Detection accuracy on a labelled set of real repositories (test/licenses/labelled.json): npm packages
// installed as devDependencies, Debian source packages (fetched by test/licenses/fetch-debian.sh), and the
// Python standard library on this machine. Detection never sees the source of the truth label.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectRepoLicense, HIGH_CONFIDENCE, type LicenseEvidence } from '../../src/node/license';
import { sameExpression } from '../../src/core/license';

interface Entry {
  id: string;
  kind: 'npm' | 'debian-source' | 'python-stdlib';
  location: string;
  truth: string;
  alsoAccept?: string[];
}

const ROOT = path.resolve(__dirname, '../..');
const CACHE = process.env.MEMOCHECK_DEBIAN_SRC ?? path.join(ROOT, '.cache', 'debian-src');
const entries = (JSON.parse(fs.readFileSync(path.join(ROOT, 'test/licenses/labelled.json'), 'utf8')) as { entries: Entry[] }).entries;

function folder(e: Entry): string {
  if (e.kind === 'npm') return path.join(ROOT, e.location);
  if (e.kind === 'debian-source') return path.join(CACHE, e.location);
  return e.location;
}

// Debian: without debian/ (the label's source); npm: without package.json (the label's source).
const evidence: Record<Entry['kind'], LicenseEvidence[]> = {
  'npm': ['text'],
  'debian-source': ['text', 'manifest'],
  'python-stdlib': ['text', 'manifest'],
};

test('licence detection accuracy on the labelled set', async () => {
  if (entries.some((e) => e.kind === 'debian-source' && !fs.existsSync(folder(e)))) {
    execFileSync('bash', [path.join(ROOT, 'test/licenses/fetch-debian.sh')], { stdio: 'ignore' });
  }
  const available = entries.filter((e) => fs.existsSync(folder(e)));
  assert.ok(available.length >= 60, `only ${available.length} labelled repositories are available`);
  let correct = 0;
  let unknown = 0;
  const wrongHigh: string[] = [];
  const rows: string[] = [];
  for (const e of available) {
    const got = await detectRepoLicense(folder(e), { use: evidence[e.kind] });
    const ok = [e.truth, ...(e.alsoAccept ?? [])].some((t) => sameExpression(t, got.license));
    if (ok) correct++;
    else if (got.license === 'unknown') unknown++;
    else if (got.confidence >= HIGH_CONFIDENCE) wrongHigh.push(`${e.id}: ${got.license} (${got.confidence}) vs ${e.truth}`);
    if (!ok) rows.push(`${e.id.padEnd(36)} truth ${e.truth.padEnd(40)} got ${got.license} (${got.confidence}, ${got.source})`);
  }
  const answered = available.length - unknown;
  const accuracy = correct / available.length;
  const precision = correct / answered;
  console.log(`labelled: ${available.length}, correct: ${correct}, unknown: ${unknown}, accuracy ${(100 * accuracy).toFixed(1)}%, ` +
    `precision of answers ${(100 * precision).toFixed(1)}%, wrong with high confidence: ${wrongHigh.length}`);
  for (const r of rows) console.log(`  miss: ${r}`);
  assert.deepEqual(wrongHigh, [], 'no wrong licence may be reported with high confidence');
  // Measured: 86 labelled, 82 correct, 3 unknown, 1 wrong with low confidence: accuracy 95.3%, precision of
  // answers 98.8%. The misses: lz4 and xz-utils state mixed terms in prose only, pcre2's exemption has no
  // SPDX text to match, less's own licence has no SPDX id (matched as its closest relative, below high
  // confidence). A guess would raise accuracy and break "unknown, never guessed".
  assert.ok(precision >= 0.95, `precision ${(100 * precision).toFixed(1)}% < 95%`);
  assert.ok(accuracy >= 0.95, `accuracy ${(100 * accuracy).toFixed(1)}% < 95%`);
});
