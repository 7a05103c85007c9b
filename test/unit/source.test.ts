import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSource } from '../../src/node/source';

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
