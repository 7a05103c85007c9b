// The extension's pure helpers (no vscode): insertion tracking, the accepted-findings file, messages and
// attribution, report exports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../src/core/types';
import { insertedRange, isLargeInsertion, overlapsAny, shiftRanges } from '../../src/extension/insertions';
import { acceptanceFor, addAcceptance } from '../../src/extension/accepted';
import { acceptedFingerprints, parseAccepted } from '../../src/core/policy';
import { attributionNotice, findingMessage, originalWebUrl } from '../../src/extension/format';
import { escapeHtml, jsonForScript, toHtml, toJson, toSarif } from '../../src/extension/report';

const finding: Finding = {
  file: '/ws/src/a.js', startLine: 10, endLine: 40, startToken: 0, endToken: 300, similarity: 0.934, kind: 'renamed',
  tokens: 300, rarity: 1, fingerprint: 'abc123', verdict: 'attribution',
  source: { repo: 'lodash', path: 'debounce.js', startLine: 66, endLine: 96, license: 'MIT', commit: '0123456789abcdef', url: 'https://github.com/lodash/lodash.git' },
};

test('a multi-line change with enough text is one large insertion; typing is not', () => {
  assert.equal(isLargeInsertion({ startLine: 3, endLine: 3, text: 'x' }, 80), false);
  assert.equal(isLargeInsertion({ startLine: 3, endLine: 3, text: 'a'.repeat(200) }, 80), false, 'one line');
  assert.equal(isLargeInsertion({ startLine: 3, endLine: 3, text: 'function f(a, b) {\n  return a + b + 1000000000000000000000000000000000000000000000000000000000;\n}\n' }, 80), true);
  assert.equal(isLargeInsertion({ startLine: 3, endLine: 3, text: '\n\n\n      \n\n' }, 5), false, 'blank lines');
});

test('tracked insertions follow later edits', () => {
  // lines 10..20 were inserted
  const r = [insertedRange({ startLine: 10, endLine: 10, text: 'x\n'.repeat(10) })];
  assert.deepEqual(r, [{ start: 10, end: 20 }]);
  // three lines inserted above: the range moves down
  assert.deepEqual(shiftRanges(r, { startLine: 2, endLine: 2, text: '\n\n\n' }), [{ start: 13, end: 23 }]);
  // lines deleted above: moves up
  assert.deepEqual(shiftRanges(r, { startLine: 2, endLine: 5, text: '' }), [{ start: 7, end: 17 }]);
  // typing inside a line of the range keeps it
  assert.deepEqual(shiftRanges(r, { startLine: 12, endLine: 12, text: 'abc' }), [{ start: 10, end: 20 }]);
  // replacing lines 14..16 with one line keeps the untouched parts
  assert.deepEqual(shiftRanges(r, { startLine: 14, endLine: 16, text: 'y' }), [{ start: 10, end: 13 }, { start: 15, end: 18 }]);
  // edits below change nothing
  assert.deepEqual(shiftRanges(r, { startLine: 30, endLine: 31, text: '\n\n\n' }), r);
  assert.equal(overlapsAny(r, 21, 30), true, '1-based line 21 is 0-based 20');
  assert.equal(overlapsAny(r, 22, 30), false);
});

test('accepting writes the record `memocheck accept` writes, keyed by fingerprint, keeping other records', () => {
  const at = new Date('2025-01-02T03:04:05Z');
  const rec = acceptanceFor(finding, 'src/a.js', 'vendored with notice', 'Dev', at);
  assert.deepEqual(rec, {
    fingerprint: 'abc123', justification: 'vendored with notice', author: 'Dev', date: '2025-01-02T03:04:05.000Z', file: 'src/a.js',
    source: 'lodash/debounce.js:66-96', license: 'MIT', repo: 'lodash', verdict: 'attribution', url: 'https://github.com/lodash/lodash.git', commit: '0123456789abcdef',
  });
  const first = addAcceptance(undefined, rec, 'f.json');
  assert.equal(first.added, true);
  // a file written by the CLI, with its own extra keys, keeps them
  const cli = JSON.stringify({ $schema: 'x', accepted: [{ fingerprint: 'zz99', justification: 'ok', author: 'A', date: '2024-01-01T00:00:00Z', copyright: ['(c) X'] }] });
  const merged = addAcceptance(cli, rec, 'f.json');
  const doc = JSON.parse(merged.text);
  assert.equal(doc.$schema, 'x');
  assert.deepEqual(doc.accepted[0].copyright, ['(c) X']);
  assert.deepEqual([...acceptedFingerprints(parseAccepted(merged.text))].sort(), ['abc123', 'zz99']);
  assert.equal(addAcceptance(merged.text, rec, 'f.json').added, false, 'no duplicate');
});

test('a broken accepted file is a one-line error naming the file', () => {
  const rec = acceptanceFor(finding, 'src/a.js', 'x', 'Dev', new Date());
  assert.throws(() => addAcceptance('{oops', rec, '/ws/.memocheck-accepted.json'), /^Error: \/ws\/\.memocheck-accepted\.json: invalid JSON/);
  assert.throws(() => addAcceptance('{"accepted":{}}', rec, 'f.json'), /f\.json: expected/);
  for (const bad of ['{oops', '[]', '{"accepted":[{}]}']) {
    assert.throws(() => addAcceptance(bad, rec, 'f.json'), (e: Error) => !e.message.includes('\n') && e.message.startsWith('f.json'));
  }
});

test('the diagnostic message names source, lines, licence, similarity, kind and verdict', () => {
  assert.equal(findingMessage(finding), 'Matches lodash/debounce.js:66-96 (MIT), 93% similar, renamed: attribution required.');
  assert.match(findingMessage({ ...finding, insertion: true }), /one insertion \(completion, chat edit or paste\)/);
  assert.match(findingMessage({ ...finding, verdict: 'block', source: { ...finding.source, license: 'GPL-3.0-only' } }), /\(GPL-3\.0-only\).*remove or rewrite/);
});

test('links to the original at the indexed commit and lines', () => {
  assert.equal(originalWebUrl(finding.source), 'https://github.com/lodash/lodash/blob/0123456789abcdef/debounce.js#L66-L96');
  assert.equal(originalWebUrl({ ...finding.source, url: 'git@gitlab.com:g/p.git' }), 'https://gitlab.com/g/p/-/blob/0123456789abcdef/debounce.js#L66-96');
  assert.equal(originalWebUrl({ ...finding.source, url: undefined }), undefined);
  const notice = attributionNotice(finding);
  assert.match(notice, /derived from lodash \(https:\/\/github\.com\/lodash\/lodash\/blob\/0123456789abcdef\/debounce\.js#L66-L96\)/);
  assert.match(notice, /lines 66-96, commit 0123456789ab/);
  assert.match(notice, /Licensed under MIT/);
});

const hostileCode = '</script><script>alert(1)</script><img src=x onerror=alert(2)>\u2028';
const data = { generatedAt: '2025-01-01T00:00:00Z', items: [{ file: 'src/a.js', path: '/ws/src/a.js', finding, code: hostileCode }] };

test('exports: JSON in the scan --format json shape, SARIF 2.1.0', () => {
  const j = JSON.parse(toJson(data));
  assert.deepEqual(Object.keys(j.findings[0]).slice(0, 7), ['file', 'startLine', 'endLine', 'similarity', 'kind', 'source', 'verdict']);
  assert.equal(j.findings[0].similarity, 0.934);
  const s = JSON.parse(toSarif(data, '1.2.3'));
  assert.equal(s.version, '2.1.0');
  assert.equal(s.runs[0].tool.driver.version, '1.2.3');
  assert.equal(s.runs[0].results[0].ruleId, 'memocheck/attribution');
  assert.equal(s.runs[0].results[0].level, 'warning');
  assert.deepEqual(s.runs[0].results[0].locations[0].physicalLocation, { artifactLocation: { uri: 'src/a.js' }, region: { startLine: 10, endLine: 40 } });
});

test('standalone HTML: data is inert JSON, code never appears as markup, CSP with nonce', () => {
  const html = toHtml(data, 'console.log("</script>")', 'body{}', 'NONCE123');
  assert.ok(!toHtml(data, '', 'a{}</style>b', 'N').includes('</style>b'), 'style text cannot close its element');
  assert.ok(!html.includes('</script><script>alert(1)'));
  assert.ok(!html.includes('<img src=x'));
  assert.equal((html.match(/<script/g) ?? []).length, 2);
  assert.match(html, /script-src 'nonce-NONCE123'/);
  assert.doesNotMatch(html, /unsafe-inline/);
  // the JSON in the page parses back to the same code
  const json = /<script type="application\/json" id="memocheck-data">(.*?)<\/script>/s.exec(html)![1]!;
  assert.equal(JSON.parse(json).items[0].code, hostileCode);
  assert.equal(jsonForScript('<&>'), '"\\u003c\\u0026\\u003e"');
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});
