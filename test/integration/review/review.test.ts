// `memocheck review`, `accept` and `notices` end to end, through the built CLI and the installed git hook, in
// real git repositories made here. The originals are real: GNU bc (GPL, Debian source package) and lodash
// (MIT, pinned devDependency); the copies are renamed at test time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { nodeModule, requireBuild, ROOT } from '../../helpers/cli';
import { extractFunction, renamed } from '../../helpers/copies';
import { buildIndex, git, gitEnv, gitOk, memocheck, mitProject, ownCode, tmpDir } from './fixture';

const work = tmpDir('memocheck-review-');
const env = gitEnv(work);
const lodash = nodeModule('lodash');
let index = '';
let gplCopy = '';   // renamed bc_sub() of GNU bc's lib/number.c
let mitCopy = '';   // renamed baseUniq() of lodash's _baseUniq.js
let bcLines = { startLine: 0, endLine: 0 };

interface JsonFinding {
  file: string; startLine: number; endLine: number; similarity: number; kind: string; verdict: string; fingerprint: string;
  source: { repo: string; path: string; startLine: number; endLine: number; license: string };
}
interface JsonReport { findings: JsonFinding[]; accepted: number; files: number; projectLicense: string }

function reviewJson(repo: string, ...args: string[]): { code: number; report: JsonReport; stderr: string } {
  const r = memocheck(repo, env, 'review', ...args, '--index', index, '--format', 'json');
  assert.ok(r.code === 0 || r.code === 1, `review failed (${r.code}): ${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout), stderr: r.stderr };
}

// MEMOCHECK_KEEP_TMP=1 keeps the repositories (and the report screenshot) for a look
after(() => { if (!process.env.MEMOCHECK_KEEP_TMP) rmSync(work, { recursive: true, force: true }); });

before(async () => {
  requireBuild();
  const built = buildIndex(work, lodash);
  index = built.index;
  const numberC = readFileSync(path.join(built.bc, 'lib', 'number.c'), 'utf8');
  const sub = await extractFunction(numberC, 'c', 'bc_sub');
  bcLines = { startLine: sub.startLine, endLine: sub.endLine };
  gplCopy = '#include <stdio.h>\n#include "calc.h"\n\n' + (await renamed(sub.text, 'c')) + '\n';
  const uniq = await extractFunction(readFileSync(path.join(lodash, '_baseUniq.js'), 'utf8'), 'javascript', 'baseUniq');
  mitCopy = ownCode('route') + '\n' + (await renamed(uniq.text, 'javascript')) + '\n';
});

function headCount(repo: string): number {
  return Number(gitOk(repo, env, 'rev-list', '--count', 'HEAD'));
}

describe('the installed pre-commit hook applies the licence policy', () => {
  test('GPL code renamed into an MIT project is refused, naming the original and its licence; an acceptance lets it through', () => {
    const repo = mitProject(path.join(work, 'gpl-into-mit'), env);
    const inst = memocheck(repo, env, 'hook', 'install', '--index', index);
    assert.equal(inst.code, 0, inst.out);
    writeFileSync(path.join(repo, 'calc.c'), gplCopy);
    gitOk(repo, env, 'add', 'calc.c');

    const refused = git(repo, env, 'commit', '-m', 'add calculator');
    assert.notEqual(refused.code, 0, 'the hook must refuse the commit');
    assert.match(refused.out, new RegExp(`calc\\.c:\\d+-\\d+: renamed copy \\(\\d+%\\) of bc/lib/number\\.c:${bcLines.startLine}-${bcLines.endLine} licensed GPL-[\\w.+-]+ -> BLOCKED`));
    assert.match(refused.out, /1 blocking/);
    assert.equal(headCount(repo), 1, 'nothing was committed');

    const { report } = reviewJson(repo, '--staged');
    assert.equal(report.findings.length, 1);
    const f = report.findings[0]!;
    assert.equal(f.verdict, 'block');
    assert.equal(f.source.repo, 'bc');
    assert.match(f.source.license, /^GPL-/);

    const acc = memocheck(repo, env, 'accept', f.fingerprint, '--reason', 'Relicensed to us in writing by the copyright holder', '--index', index);
    assert.equal(acc.code, 0, acc.out);
    const recorded = JSON.parse(readFileSync(path.join(repo, '.memocheck-accepted.json'), 'utf8'));
    assert.equal(recorded.accepted.length, 1);
    const a = recorded.accepted[0];
    assert.equal(a.fingerprint, f.fingerprint);
    assert.equal(a.justification, 'Relicensed to us in writing by the copyright holder');
    assert.equal(a.author, 'Test User <test@example.com>');
    assert.ok(!Number.isNaN(Date.parse(a.date)));
    assert.equal(a.license, f.source.license);
    assert.equal(a.source, `bc/lib/number.c:${bcLines.startLine}-${bcLines.endLine}`);
    assert.ok(a.copyright.some((c: string) => /Free Software Foundation/.test(c)), JSON.stringify(a.copyright));
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas', 'memocheck-accepted.schema.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true }).compile(schema);
    assert.ok(validate(recorded), JSON.stringify(validate.errors));
    // accepting again changes nothing
    const again = memocheck(repo, env, 'accept', f.fingerprint, '--reason', 'again', '--index', index);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /already accepted/);
    assert.equal(JSON.parse(readFileSync(path.join(repo, '.memocheck-accepted.json'), 'utf8')).accepted.length, 1);

    gitOk(repo, env, 'add', '.memocheck-accepted.json');
    const passed = git(repo, env, 'commit', '-m', 'add calculator');
    assert.equal(passed.code, 0, passed.out);
    assert.match(passed.out, /0 blocking, 1 accepted/);
    assert.equal(headCount(repo), 2);

    // the acceptance is keyed by fingerprint: the same copy at other lines of another file stays accepted
    writeFileSync(path.join(repo, 'moved.c'), '/* calculator */\n' + ownCode('op').replace(/export const/g, '// const') + gplCopy);
    gitOk(repo, env, 'add', 'moved.c');
    const moved = reviewJson(repo, '--staged');
    assert.equal(moved.code, 0);
    assert.equal(moved.report.findings.length, 0);
    assert.equal(moved.report.accepted, 1);
  });

  test('an MIT copy passes with an attribution finding; accept + notices write THIRD_PARTY_NOTICES.md', () => {
    const repo = mitProject(path.join(work, 'mit-into-mit'), env);
    assert.equal(memocheck(repo, env, 'hook', 'install', '--index', index).code, 0);
    writeFileSync(path.join(repo, 'uniq.js'), mitCopy);
    gitOk(repo, env, 'add', 'uniq.js');
    const { code, report } = reviewJson(repo, '--staged');
    assert.equal(code, 0);
    assert.equal(report.findings.length, 1);
    const f = report.findings[0]!;
    assert.equal(f.verdict, 'attribution');
    assert.equal(f.source.repo, 'lodash');
    assert.equal(f.source.path, '_baseUniq.js');
    assert.equal(f.source.license, 'MIT');
    assert.equal(f.kind, 'renamed');
    assert.equal(report.projectLicense, 'MIT');

    const commit = git(repo, env, 'commit', '-m', 'uniq helper');
    assert.equal(commit.code, 0, commit.out);
    assert.match(commit.out, /uniq\.js:\d+-\d+: renamed copy .* of lodash\/_baseUniq\.js:\d+-\d+ licensed MIT -> attribution required \[attribution\]/);

    // the finding is committed now: look it up in the last commit
    const acc = memocheck(repo, env, 'accept', f.fingerprint, '--reason', 'Attribution in THIRD_PARTY_NOTICES.md', '--index', index, '--range', 'HEAD~1..HEAD');
    assert.equal(acc.code, 0, acc.out);
    writeFileSync(path.join(repo, 'THIRD_PARTY_NOTICES.md'), '# Notices\n\nHand-written introduction that must survive.\n');
    const n1 = memocheck(repo, env, 'notices');
    assert.equal(n1.code, 0, n1.out);
    const notices = readFileSync(path.join(repo, 'THIRD_PARTY_NOTICES.md'), 'utf8');
    assert.match(notices, /^# Notices\n\nHand-written introduction that must survive\./);
    assert.match(notices, /## lodash\n\n- Licence: MIT\n/);
    assert.match(notices, /Used in: uniq\.js \(from lodash\/_baseUniq\.js:\d+-\d+\)/);
    assert.match(notices, /Copyright OpenJS Foundation and other contributors/);
    assert.match(notices, /## MIT: MIT License\n\n```text\nMIT License[\s\S]*Permission is hereby granted, free of charge/);
    const n2 = memocheck(repo, env, 'notices');
    assert.match(n2.stdout, /unchanged/);
    assert.equal(readFileSync(path.join(repo, 'THIRD_PARTY_NOTICES.md'), 'utf8'), notices);
  });
});

describe('review --range and added lines', () => {
  test('--range A..B finds the copy in a branch\'s commits (exit 1); a range without it is clean', () => {
    const repo = mitProject(path.join(work, 'range'), env);
    gitOk(repo, env, 'checkout', '-q', '-b', 'feature');
    writeFileSync(path.join(repo, 'calc.c'), gplCopy);
    gitOk(repo, env, 'add', 'calc.c');
    gitOk(repo, env, 'commit', '-q', '-m', 'calculator');
    writeFileSync(path.join(repo, 'more.js'), ownCode('more'));
    gitOk(repo, env, 'add', 'more.js');
    gitOk(repo, env, 'commit', '-q', '-m', 'more');
    gitOk(repo, env, 'checkout', '-q', 'main');

    const all = reviewJson(repo, '--range', 'main..feature');
    assert.equal(all.code, 1);
    assert.equal(all.report.findings.length, 1);
    assert.equal(all.report.findings[0]!.file, 'calc.c');
    assert.equal(all.report.findings[0]!.verdict, 'block');
    assert.equal(all.report.findings[0]!.source.path, 'lib/number.c');
    const last = reviewJson(repo, '--range', 'feature~1..feature');
    assert.equal(last.code, 0);
    assert.equal(last.report.findings.length, 0);
    assert.equal(last.report.files, 1);

    const bad = memocheck(repo, env, 'review', '--range', 'main..no-such-branch', '--index', index);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  });

  test('only added lines produce findings, but the whole new file is the context', () => {
    const repo = mitProject(path.join(work, 'added-lines'), env);
    writeFileSync(path.join(repo, 'calc.c'), gplCopy);
    gitOk(repo, env, 'add', 'calc.c');
    gitOk(repo, env, 'commit', '-q', '-m', 'existing copy (before memocheck)');

    // appending our own code: the old copy is not part of this change
    writeFileSync(path.join(repo, 'calc.c'), gplCopy + '\nstatic const char *names[] = { "one", "two", "three" };\n');
    gitOk(repo, env, 'add', 'calc.c');
    const appended = reviewJson(repo, '--staged');
    assert.equal(appended.code, 0);
    assert.equal(appended.report.findings.length, 0);
    assert.equal(appended.report.files, 1);

    // editing one line inside the copy makes the commit add part of it
    const lines = gplCopy.split('\n');
    const i = lines.findIndex((l) => /NULL/.test(l));
    lines[i] = lines[i]! + ' /* edited */';
    writeFileSync(path.join(repo, 'calc.c'), lines.join('\n'));
    gitOk(repo, env, 'add', 'calc.c');
    const edited = reviewJson(repo, '--staged');
    assert.equal(edited.code, 1);
    assert.equal(edited.report.findings.length, 1);
    const f = edited.report.findings[0]!;
    assert.ok(f.startLine <= i + 1 && i + 1 <= f.endLine, 'the finding covers the edited line');
    assert.ok(f.endLine - f.startLine > 20, 'the finding spans the whole copied function, not just the added line');
    gitOk(repo, env, 'reset', '-q', 'HEAD', '--', 'calc.c');

    // the second half of a copy added to a file that already holds the first half is found whole
    const cut = Math.floor(lines.length / 2);
    const half = reviewInTwoSteps(repo, gplCopy.split('\n'), cut);
    assert.equal(half.findings.length, 1);
    assert.ok(half.findings[0]!.startLine < cut, 'the finding starts in the lines committed earlier');
  });

  test('.memocheck.json: ignored repositories, project licence override, and a clear error for a bad file', () => {
    const repo = mitProject(path.join(work, 'config'), env);
    writeFileSync(path.join(repo, 'calc.c'), gplCopy);
    gitOk(repo, env, 'add', 'calc.c');
    writeFileSync(path.join(repo, '.memocheck.json'), JSON.stringify({ ignoreRepos: ['bc'] }));
    assert.equal(reviewJson(repo, '--staged').report.findings.length, 0);
    writeFileSync(path.join(repo, '.memocheck.json'), JSON.stringify({ projectLicense: 'GPL-3.0-or-later' }));
    const gpl = reviewJson(repo, '--staged');
    assert.equal(gpl.code, 0);
    assert.equal(gpl.report.findings[0]!.verdict, 'ok');
    writeFileSync(path.join(repo, '.memocheck.json'), '{"minTokens": "many", "colour": 1}');
    const bad = memocheck(repo, env, 'review', '--staged', '--index', index);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^memocheck: .*\.memocheck\.json: "minTokens" must be a non-negative number; unknown key "colour"\n$/);
  });

  test('usage errors exit 2 with one line', () => {
    const repo = mitProject(path.join(work, 'usage'), env);
    const neither = memocheck(repo, env, 'review', '--index', index);
    assert.equal(neither.code, 2);
    assert.match(neither.stderr, /exactly one of --staged or --range/);
    const notGit = memocheck(work, env, 'review', '--staged', '--index', index);
    assert.equal(notGit.code, 2);
    assert.match(notGit.stderr, /^memocheck: git rev-parse: fatal: not a git repository/);
    const unknownFp = memocheck(repo, env, 'accept', 'deadbeef00000000', '--reason', 'x', '--index', index);
    assert.equal(unknownFp.code, 2);
    assert.match(unknownFp.stderr, /no finding with fingerprint deadbeef00000000 in the staged changes/);
    const noReason = memocheck(repo, env, 'accept', 'deadbeef00000000', '--reason', '  ');
    assert.equal(noReason.code, 2);
    assert.match(noReason.stderr, /--reason must say why/);
    assert.ok(!existsSync(path.join(repo, '.memocheck-accepted.json')));
  });
});

function reviewInTwoSteps(repo: string, lines: string[], cut: number): JsonReport {
  writeFileSync(path.join(repo, 'split.c'), lines.slice(0, cut).join('\n') + '\n');
  gitOk(repo, env, 'add', 'split.c');
  gitOk(repo, env, 'commit', '-q', '-m', 'first half');
  writeFileSync(path.join(repo, 'split.c'), lines.join('\n'));
  gitOk(repo, env, 'add', 'split.c');
  return reviewJson(repo, '--staged').report;
}
