// The CLI end to end on real licensed code: lodash (MIT, pinned devDependency) and the machine's Python
// standard library (PSF-2.0). Planted copies are generated at test time.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { cli, nodeModule, pythonStdlib, requireBuild, ROOT, tmpDir } from '../../helpers/cli';
import { extractFunction, renamed } from '../../helpers/copies';

const work = tmpDir();
const index = path.join(work, 'idx');
const ws = path.join(work, 'ws');
const lodash = nodeModule('lodash');
let jsonRepo = '';

interface JsonFinding {
  file: string; startLine: number; endLine: number; similarity: number; kind: string; verdict: string;
  source: { repo: string; path: string; startLine: number; endLine: number; license: string; commit: string | null; url: string | null };
}
function scanJson(args: string[]): { findings: JsonFinding[]; skipped: { path: string; reason: string }[] } {
  const r = cli(['scan', ...args, '--index', index, '--format', 'json']);
  assert.ok(r.code === 0 || r.code === 1, `scan failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

before(() => {
  requireBuild();
  // a small real PSF-licensed repository: the json package of the Python standard library
  jsonRepo = path.join(work, 'cpython-json');
  cpSync(path.join(pythonStdlib(), 'json'), jsonRepo, { recursive: true });
  const r1 = cli(['index', lodash, '--index', index]);
  assert.equal(r1.code, 0, r1.stderr);
  const r2 = cli(['index', jsonRepo, '--index', index, '--license', 'PSF-2.0']);
  assert.equal(r2.code, 0, r2.stderr);
  mkdirSync(ws, { recursive: true });
});

describe('index and index-info', () => {
  test('index-info lists both repositories with licences and counts', () => {
    const r = cli(['index-info', '--index', index, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse(r.stdout);
    const names = info.repos.map((x: { name: string }) => x.name).sort();
    assert.deepEqual(names, ['cpython-json', 'lodash']);
    const lo = info.repos.find((x: { name: string }) => x.name === 'lodash');
    assert.equal(lo.license, 'MIT');
    assert.ok(lo.units > 1000 && lo.files > 500);
    assert.equal(info.repos.find((x: { name: string }) => x.name === 'cpython-json').license, 'PSF-2.0');
  });
});

describe('index with several folders', () => {
  test('one command indexes them in order and reports each', () => {
    const http = path.join(work, 'cpython-http');
    cpSync(path.join(pythonStdlib(), 'http'), http, { recursive: true });
    const both = path.join(work, 'idx-both');
    const r = cli(['index', jsonRepo, http, '--index', both, '--license', 'PSF-2.0']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2, r.stdout);
    assert.match(lines[0]!, /^cpython-json: \d+ files, \d+ units, \d+ tokens, licence PSF-2.0$/);
    assert.match(lines[1]!, /^cpython-http: \d+ files, \d+ units, \d+ tokens, licence PSF-2.0$/);
    const info = JSON.parse(cli(['index-info', '--index', both, '--json']).stdout);
    assert.deepEqual(info.repos.map((x: { name: string }) => x.name), ['cpython-json', 'cpython-http']);
    // the same repository indexed alone has the same counts
    const alone = JSON.parse(cli(['index-info', '--index', index, '--json']).stdout).repos.find((x: { name: string }) => x.name === 'cpython-json');
    const json = info.repos[0];
    assert.deepEqual([json.files, json.units, json.tokens], [alone.files, alone.units, alone.tokens]);
  });
});

describe('scan finds planted copies with exact lines', () => {
  test('verbatim, renamed and modified copies, standalone and embedded', async () => {
    const src = readFileSync(path.join(lodash, '_baseUniq.js'), 'utf8');
    const fn = await extractFunction(src, 'javascript', 'baseUniq');
    // verbatim with other comments and layout
    const verbatim = '// helper\n' + fn.text.replace(/\n\s*\/\/[^\n]*/g, '\n').replace(/\n\s+/g, '\n    ');
    writeFileSync(path.join(ws, 'verbatim.js'), verbatim);
    const ren = await renamed(fn.text, 'javascript');
    // embedded after 30 lines of our own unrelated code
    const host = Array.from({ length: 30 }, (_, i) => `export const setting${i} = { id: ${i}, label: 'item ${i}' };`).join('\n');
    writeFileSync(path.join(ws, 'embedded.js'), host + '\n' + ren + '\n' + host.replace(/setting/g, 'other'));
    // modified: an inserted statement and a deleted line
    const lines = ren.split('\n');
    lines.splice(6, 0, '  console.log("inserted statement", arguments.length);');
    lines.splice(15, 1);
    writeFileSync(path.join(ws, 'modified.js'), lines.join('\n'));
    writeFileSync(path.join(ws, 'unrelated.js'), host);

    const { findings } = scanJson([ws]);
    const by = (f: string) => findings.filter((x) => path.basename(x.file) === f);
    const v = by('verbatim.js');
    assert.equal(v.length, 1, JSON.stringify(findings, null, 1));
    assert.equal(v[0]!.kind, 'verbatim');
    assert.equal(v[0]!.source.repo, 'lodash');
    assert.equal(v[0]!.source.license, 'MIT');
    assert.equal(v[0]!.source.path, '_baseUniq.js');
    assert.equal(v[0]!.source.startLine, fn.startLine);
    assert.equal(v[0]!.source.endLine, fn.endLine);
    assert.equal(v[0]!.startLine, 2);
    assert.equal(v[0]!.verdict, 'attribution');

    const e = by('embedded.js');
    assert.equal(e.length, 1);
    assert.equal(e[0]!.kind, 'renamed');
    assert.equal(e[0]!.startLine, 31);
    assert.equal(e[0]!.endLine, 30 + ren.split('\n').length);

    const m = by('modified.js');
    assert.equal(m.length, 1);
    assert.equal(m[0]!.kind, 'modified');
    assert.ok(m[0]!.similarity > 0.8 && m[0]!.similarity < 1);
    assert.equal(by('unrelated.js').length, 0);
  });

  test('a renamed Python function is attributed to the PSF-licensed repository', async () => {
    const src = readFileSync(path.join(jsonRepo, 'decoder.py'), 'utf8');
    const fn = await extractFunction(src, 'python', 'py_scanstring');
    const dir = path.join(work, 'pyws');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'mine.py'), 'import os\n\n\n' + (await renamed(fn.text, 'python')) + '\n');
    const { findings } = scanJson([dir]);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.source.repo, 'cpython-json');
    assert.equal(findings[0]!.source.license, 'PSF-2.0');
    assert.equal(findings[0]!.source.path, 'decoder.py');
    assert.equal(findings[0]!.startLine, 4);
  });

  test('files that say they are generated are scanned (AI tools write such headers) but not indexed', async () => {
    const src = readFileSync(path.join(lodash, '_baseUniq.js'), 'utf8');
    const fn = await extractFunction(src, 'javascript', 'baseUniq');
    const dir = path.join(work, 'generated-ws');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'helper.js'), '// This file was generated by an AI assistant. DO NOT EDIT.\n' + fn.text + '\n');
    const { findings } = scanJson([dir]);
    assert.equal(findings.length, 1);
    const idx = path.join(work, 'idx-generated');
    const r = cli(['index', dir, '--index', idx]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /1 skipped: 1 generated/);
  });

  test('scan - reads standard input with --language', async () => {
    const src = readFileSync(path.join(lodash, '_baseUniq.js'), 'utf8');
    const fn = await extractFunction(src, 'javascript', 'baseUniq');
    const r = cli(['scan', '-', '--language', 'javascript', '--index', index, '--format', 'json'], { input: await renamed(fn.text, 'javascript') });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.findings.length, 1);
    assert.equal(out.findings[0].file, '<stdin>');
    const bad = cli(['scan', '-', '--index', index], { input: 'x = 1' });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /needs --language/);
  });

  test('an installation without the decode helper thread checks standard input the same, and says so', () => {
    // (dist/ copied without decode-worker.js: a damaged installation)
    const dist = path.join(work, 'dist-without-helper');
    cpSync(path.join(ROOT, 'dist'), dist, { recursive: true, filter: (src) => path.basename(src) !== 'decode-worker.js' });
    // 1,000 lines of lodash.js: enough candidates that a check hands streams to the helper
    const input = readFileSync(path.join(lodash, 'lodash.js'), 'utf8').split('\n').slice(0, 1000).join('\n');
    const args = ['scan', '-', '--language', 'javascript', '--index', index, '--format', 'json'];
    const whole = cli(args, { input });
    const r = spawnSync(process.execPath, [path.join(dist, 'cli.js'), ...args], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(r.status, whole.code, r.stderr);
    const found = JSON.parse(whole.stdout).findings;
    assert.ok(found.length > 0);
    assert.deepEqual(JSON.parse(r.stdout).findings, found);
    assert.doesNotMatch(whole.stderr, /decode helper/);
    assert.match(r.stderr, /^memocheck: warning: the decode helper thread cannot start: .*decode-worker\.js is missing .*; checks ran without it, more slowly$/m);
  });

  test('text output names the source, licence and verdict; GPL code blocks (exit 1)', () => {
    const gpl = path.join(work, 'gpl-repo');
    cpSync(path.join(lodash, '_baseFlatten.js'), path.join(gpl, 'flatten.js'), { recursive: true });
    const idx2 = path.join(work, 'idx-gpl');
    assert.equal(cli(['index', gpl, '--index', idx2, '--license', 'GPL-3.0-only']).code, 0);
    const dir = path.join(work, 'gplws');
    cpSync(path.join(lodash, '_baseFlatten.js'), path.join(dir, 'mine.js'), { recursive: true });
    const r = cli(['scan', dir, '--index', idx2, '--project-license', 'MIT']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /mine\.js:\d+-\d+\s+verbatim 100%\s+gpl-repo flatten\.js:\d+-\d+\s+\(GPL-3\.0-only\)\s+\[block\]/);
  });
});

describe('report formats', () => {
  test('markdown, SARIF and HTML reports of a scan', () => {
    const md = cli(['scan', ws, '--index', index, '--format', 'markdown']);
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /\| attribution \| .*verbatim\.js \| \d+–\d+ \| lodash\/\\?_baseUniq\.js:\d+-\d+ \| MIT \|/);
    const out = path.join(work, 'scan.sarif');
    const sarif = cli(['scan', ws, '--index', index, '--format', 'sarif', '--output', out]);
    assert.equal(sarif.code, 0, sarif.stderr);
    const log = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(log.version, '2.1.0');
    assert.ok(log.runs[0].results.length >= 3);
    const html = cli(['scan', ws, '--index', index, '--format', 'html']);
    assert.match(html.stdout, /<html[\s\S]*Content-Security-Policy[\s\S]*_baseUniq\.js/);
  });
});

describe('bad input', () => {
  test('binary, invalid UTF-8, minified, huge, nested and unparsable files are skipped or handled with reasons', () => {
    const dir = path.join(work, 'bad');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'binary.js'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3, 0, 0]));
    writeFileSync(path.join(dir, 'latin1.py'), Buffer.from('x = "caf\xe9"\n', 'latin1'));
    writeFileSync(path.join(dir, 'app.min.js'), 'var a=1;');
    writeFileSync(path.join(dir, 'long.js'), 'var a=[' + '1,'.repeat(50000) + '1];\n');
    writeFileSync(path.join(dir, 'huge.c'), '/* filler */\n'.repeat(500000)); // 6.5 MB
    writeFileSync(path.join(dir, 'nested.js'), 'x = ' + '[\n'.repeat(20000) + ']\n'.repeat(20000) + ';\n');
    writeFileSync(path.join(dir, 'notes.py'), '<html><body><p>This is not Python at all, {{ template }} <% x %> </p>' + '}'.repeat(50) + '\n'.repeat(3));
    writeFileSync(path.join(dir, 'README.md'), '# hello\n');
    const r = cli(['scan', dir, '--index', index, '--verbose']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /binary\.js: binary file/);
    assert.match(r.stderr, /latin1\.py: invalid UTF-8/);
    assert.match(r.stderr, /app\.min\.js: minified/);
    assert.match(r.stderr, /long\.js: minified/);
    assert.match(r.stderr, /huge\.c: larger than 4 MiB/);
    assert.doesNotMatch(r.stderr, /nested\.js/); // deep nesting is handled, not skipped
    assert.doesNotMatch(r.stderr, /notes\.py/); // a scan reads whatever tokens a badly parsing file has
    assert.match(r.stderr, /0 findings in 7 files/);
    // indexing leaves files that are mostly syntax errors out, with the reason
    const idx = cli(['index', dir, '--index', path.join(work, 'idx-bad'), '--json']);
    assert.equal(idx.code, 0, idx.stderr);
    const skipped = JSON.parse(idx.stdout)[0].skipped as { path: string; reason: string }[];
    assert.deepEqual(skipped.find((s) => s.path === 'notes.py')?.reason, 'does not parse as python (mostly syntax errors)');
  });

  test('usage and input errors: one line, exit code 2', () => {
    const notIndex = path.join(work, 'not-an-index');
    mkdirSync(notIndex, { recursive: true });
    writeFileSync(path.join(notIndex, 'photo.jpg'), 'x');
    const regular = path.join(work, 'regular-file');
    writeFileSync(regular, 'hello');
    mkdirSync(path.join(work, 'other', 'cpython-json'), { recursive: true });
    const cases: [string[], RegExp][] = [
      [['index', path.join(work, 'missing-dir'), '--index', index], /missing-dir: no such directory/],
      // every folder is checked before any is indexed
      [['index', jsonRepo, path.join(work, 'missing-dir'), '--index', path.join(work, 'never-made')], /missing-dir: no such directory/],
      [['index', jsonRepo, path.join(work, 'other', 'cpython-json'), '--index', index], /repository cpython-json is given twice/],
      [['index', lodash, '--index', regular], /regular-file.*(not a MemoCheck index|not a directory)/],
      [['index-info', '--index', notIndex], /not-an-index.*not a MemoCheck index/],
      [['scan', ws, '--index', index, '--min-similarity', '2'], /min-similarity/],
      [['scan', path.join(work, 'nope.js'), '--index', index], /nope\.js: no such file or directory/],
      [['scan', ws], /--index/],
      [['frobnicate'], /unknown command/],
    ];
    for (const [args, re] of cases) {
      const r = cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.equal(existsSync(path.join(work, 'never-made')), false, 'a failed list creates no index');
  });
});
