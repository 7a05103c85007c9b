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
