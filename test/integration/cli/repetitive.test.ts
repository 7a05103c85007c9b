// Copies of repetitive code: a table of assertions that differ only in literals. In normalized tokens such
// a table matches itself shifted by a statement; MemoCheck must still find a reformatted copy, with the
// right lines. Real code: the test suite of the `flat` package (BSD-3-Clause, pinned in package-lock.json).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, nodeModule, requireBuild, tmpDir } from '../../helpers/cli';

const work = tmpDir();
const index = path.join(work, 'idx');
const repo = path.join(work, 'flat');
let table = '';

before(() => {
  requireBuild();
  cpSync(nodeModule('flat'), repo, { recursive: true });
  const r = cli(['index', repo, '--index', index]);
  assert.equal(r.code, 0, r.stderr);
  const text = readFileSync(path.join(repo, 'test', 'test.js'), 'utf8');
  const start = text.indexOf("suite('Overwrite + non-object values in key positions'");
  const end = text.indexOf("suite('.safe'", start);
  assert.ok(start > 0 && end > start, 'the table of assertions is where it was in flat 5.0.2');
  table = text.slice(start, end).trimEnd();
});

test('a reformatted copy of a table of assertions is found, verbatim, on the copied lines', () => {
  // T1: other indentation, a comment between statements, embedded after unrelated code
  const copy = table.split('\n').map((l) => l.trim()).flatMap((l, i) => (i % 4 === 3 ? ['// checked by hand', l] : [l]));
  const lines = ['function unrelated(x) {', '  return x * 2 + 1;', '}', '', ...copy, ''];
  const ws = path.join(work, 'ws');
  mkdirSync(ws, { recursive: true });
  writeFileSync(path.join(ws, 'copied.test.js'), lines.join('\n'));
  const r = cli(['scan', ws, '--index', index, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr); // a permissive licence: attribution, nothing blocks
  const { findings } = JSON.parse(r.stdout) as { findings: { startLine: number; endLine: number; kind: string; source: { path: string; license: string } }[] };
  assert.equal(findings.length, 1, JSON.stringify(findings));
  const f = findings[0]!;
  assert.equal(f.source.path, 'test/test.js');
  assert.equal(f.source.license, 'BSD-3-Clause');
  assert.equal(f.kind, 'verbatim');
  // the copy starts on line 5; the finding covers most of it and nothing of the unrelated function
  assert.ok(f.startLine >= 5 && f.startLine <= 7, `start ${f.startLine}`);
  assert.ok(f.endLine >= lines.length - 4, `end ${f.endLine} of ${lines.length}`);
});

test('a copy of a table of test cases with its names renamed is found by the strings it kept, on the lines it came from', () => {
  // Real code: the test suite of `url-join` (MIT, pinned in package-lock.json), whose cases differ only in
  // their URLs. Renamed, the table is one statement shape repeated, which also matches the table shifted by
  // a case; the URLs it kept tell the copy from its neighbours.
  const dir = path.join(work, 'url-join');
  cpSync(nodeModule('url-join'), dir, { recursive: true });
  const idx = path.join(work, 'idx-url-join');
  const r0 = cli(['index', dir, '--index', idx]);
  assert.equal(r0.code, 0, r0.stderr);
  const text = readFileSync(path.join(dir, 'test', 'tests.js'), 'utf8');
  const start = text.indexOf("  it('should work for simple case'");
  const end = text.indexOf("  it('should not remove extra slashes in an encoded URL'");
  assert.ok(start > 0 && end > start, 'the cases are where they were in url-join 4.0.1');
  const firstLine = text.slice(0, start).split('\n').length;
  const lastLine = text.slice(0, end).trimEnd().split('\n').length;
  // names renamed, titles reworded, URLs kept
  const renamed = text.slice(start, end)
    .replace(/urljoin/g, 'joinPaths').replace(/should\.eql/g, 'must.equal').replace(/\bit\(/g, 'check(')
    .replace(/'should ([^']*)'/g, (_m, title: string) => `'${title.split(' ').reverse().join(' ')}'`);
  const ws = path.join(work, 'ws-url-join');
  mkdirSync(ws, { recursive: true });
  writeFileSync(path.join(ws, 'join.test.js'), `const joinPaths = require('./join');\n\nsuite('joining', function () {\n${renamed}});\n`);
  const r = cli(['scan', ws, '--index', idx, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const { findings } = JSON.parse(r.stdout) as { findings: { startLine: number; endLine: number; kind: string; source: { path: string; startLine: number; endLine: number } }[] };
  assert.equal(findings.length, 1, JSON.stringify(findings));
  const f = findings[0]!;
  assert.equal(f.kind, 'renamed');
  assert.equal(f.source.path, 'test/tests.js');
  // (the enclosing call's first line, `suite(...` for `describe(...`, may be part of it)
  assert.ok(f.source.startLine >= firstLine - 1 && f.source.startLine <= firstLine + 1 && Math.abs(f.source.endLine - lastLine) <= 1,
    `source lines ${f.source.startLine}-${f.source.endLine}, copied ${firstLine}-${lastLine}`);
  assert.ok(f.startLine >= 3 && f.startLine <= 5, `start ${f.startLine}`);
});
