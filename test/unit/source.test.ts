import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { checkSource, readSource } from '../../src/node/source';

const gemspec = '# -*- encoding: utf-8 -*-\n# stub: example 1.2.3 ruby lib\n\nGem::Specification.new do |s|\n  s.name = "example".freeze\nend\n';

test('gemspecs that RubyGems generated (stub header) are skipped when indexing, kept when scanning', () => {
  const bytes = Buffer.from(gemspec);
  const indexing = checkSource('example.gemspec', bytes, { skipGenerated: true });
  assert.deepEqual(indexing, { ok: false, reason: 'generated (marker in the header)' });
  assert.equal(checkSource('example.gemspec', bytes).ok, true);
});

test('a hand-written gemspec is indexed', () => {
  const bytes = Buffer.from(gemspec.replace('# stub: example 1.2.3 ruby lib\n', ''));
  assert.equal(checkSource('example.gemspec', bytes, { skipGenerated: true }).ok, true);
});

test('a worker\'s blocking read and the promise read give the same answers, good or bad', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memocheck-source-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'ok.py'), 'def f(x):\n    return x + 1\n');
  writeFileSync(path.join(dir, 'big.py'), 'x = 1\n'.repeat(400_000));
  writeFileSync(path.join(dir, 'bad.py'), Buffer.from([0x61, 0xff, 0xfe, 0x62, 0x0a]));
  mkdirSync(path.join(dir, 'folder.py'));
  const cases: [string, object][] = [
    ['ok.py', { ok: true, text: 'def f(x):\n    return x + 1\n' }],
    ['big.py', { ok: false, reason: 'larger than 2 MiB (2.3 MiB)' }],
    ['bad.py', { ok: false, reason: 'invalid UTF-8' }],
    ['folder.py', { ok: false, reason: 'not a regular file' }],
    ['missing.py', { ok: false, reason: 'cannot read (ENOENT)' }],
  ];
  for (const [name, want] of cases) {
    for (const blocking of [false, true]) {
      const got = await readSource(path.join(dir, name), { maxBytes: 2 * 1048576, blocking });
      const { bytes: _, ...shown } = got as { bytes?: Buffer };
      assert.deepEqual(shown, want, `${name}, blocking ${blocking}`);
    }
  }
});
