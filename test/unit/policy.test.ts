import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, parseAccepted, parseConfig, verdictFor } from '../../src/core/policy';

test('copyleft into a permissive or proprietary project blocks', () => {
  assert.equal(verdictFor('MIT', 'GPL-2.0-or-later'), 'block');
  assert.equal(verdictFor('MIT', 'GPL-3.0-only'), 'block');
  assert.equal(verdictFor('LicenseRef-Proprietary', 'AGPL-3.0-only'), 'block');
  assert.equal(verdictFor(undefined, 'GPL-2.0-only'), 'block', 'no licence is all rights reserved');
  assert.equal(verdictFor('Apache-2.0', 'LGPL-2.1-or-later'), 'block');
  assert.equal(verdictFor('MIT', 'MPL-2.0'), 'block');
  assert.equal(verdictFor('MIT', 'CC-BY-NC-4.0'), 'block');
});

test('permissive needs attribution, public-domain-like is ok', () => {
  for (const l of ['MIT', 'BSD-3-Clause', 'Apache-2.0', 'ISC', 'Zlib', 'PSF-2.0']) assert.equal(verdictFor('MIT', l), 'attribution', l);
  assert.equal(verdictFor('GPL-3.0-only', 'MIT'), 'attribution');
  for (const l of ['0BSD', 'Unlicense', 'CC0-1.0', 'LicenseRef-Public-Domain']) assert.equal(verdictFor('MIT', l), 'ok', l);
});

test('compatible copyleft is ok, incompatible versions block', () => {
  assert.equal(verdictFor('GPL-3.0-or-later', 'GPL-2.0-or-later'), 'ok');
  assert.equal(verdictFor('GPL-2.0-only', 'GPL-2.0-only'), 'ok');
  assert.equal(verdictFor('GPL-3.0-only', 'GPL-2.0-only'), 'block');
  assert.equal(verdictFor('GPL-2.0-or-later', 'GPL-2.0-or-later WITH Classpath-exception-2.0'), 'block', 'exception is not the same terms');
});

test('expressions: OR takes the best alternative, AND the worst term; unknown stays unknown', () => {
  assert.equal(verdictFor('MIT', 'MIT OR GPL-3.0-or-later'), 'attribution');
  assert.equal(verdictFor('MIT', 'MIT AND GPL-3.0-or-later'), 'block');
  assert.equal(verdictFor('MIT', 'unknown'), 'unknown');
  assert.equal(verdictFor('MIT', 'LicenseRef-Something'), 'unknown');
  assert.equal(verdictFor('MIT OR Apache-2.0', 'GPL-2.0-only'), 'block');
});

test('policy: project override, allowed and denied lists', () => {
  assert.equal(verdictFor('MIT', 'GPL-3.0-only', { projectLicense: 'GPL-3.0-or-later' }), 'ok');
  assert.equal(verdictFor('MIT', 'MPL-2.0', { allowed: ['MPL-2.0'] }), 'ok');
  assert.equal(verdictFor('MIT', 'BSD-3-Clause', { denied: ['BSD-3-Clause'] }), 'block');
  assert.equal(verdictFor('MIT', 'LicenseRef-Vendor', { allowed: ['LicenseRef-Vendor'] }), 'attribution');
});

test('classify', () => {
  assert.equal(classify('GPL-2.0-only'), 'copyleft');
  assert.equal(classify('LGPL-3.0-or-later'), 'weak-copyleft');
  assert.equal(classify('MIT'), 'permissive');
  assert.equal(classify('CC0-1.0'), 'public-domain');
});

test('config: valid file parses, every problem is named on one line', () => {
  const c = parseConfig(JSON.stringify({ $schema: './x.json', projectLicense: 'mit', minTokens: 40, ignorePaths: ['vendor/**'] }));
  assert.equal(c.projectLicense, 'mit');
  assert.deepEqual(c.ignorePaths, ['vendor/**']);
  assert.throws(() => parseConfig('{"minTokens": "x", "nope": 1, "allowed": ["Not A Licence"]}', 'repo/.memocheck.json'),
    (e: Error) => e.message.startsWith('repo/.memocheck.json: ') && /minTokens/.test(e.message) && /unknown key "nope"/.test(e.message) && /allowed/.test(e.message) && !e.message.includes('\n'));
  assert.throws(() => parseConfig('{', 'a.json'), /^Error: a\.json: invalid JSON/);
});

test('accepted findings file', () => {
  const a = parseAccepted(JSON.stringify({ accepted: [{ fingerprint: 'abc', justification: 'vendored with notice', author: 'A <a@x>', date: '2025-01-01' }] }));
  assert.equal(a.accepted[0].fingerprint, 'abc');
  assert.throws(() => parseAccepted('{"accepted":[{"fingerprint":"x"}]}', 'f.json'), /f\.json: accepted\[0\] needs a non-empty "justification"/);
});

test('JSON schema agrees with the config loader', async () => {
  const Ajv = (await import('ajv')).default;
  const schema = JSON.parse(require('node:fs').readFileSync(require('node:path').join(__dirname, '../../schemas/memocheck.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true }).compile(schema);
  const good = { projectLicense: 'MIT', allowed: ['Apache-2.0'], minTokens: 50, minSimilarity: 0.8, ignorePaths: ['vendor/'], ignoreRepos: ['x'] };
  assert.ok(validate(good));
  assert.doesNotThrow(() => parseConfig(JSON.stringify(good)));
  for (const bad of [{ minSimilarity: 2 }, { nope: 1 }, { allowed: 'MIT' }]) {
    assert.equal(validate(bad), false, JSON.stringify(bad));
    assert.throws(() => parseConfig(JSON.stringify(bad)));
  }
});
