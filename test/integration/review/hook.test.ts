// `memocheck hook install | uninstall` against real git: chaining an existing hook, idempotence, restoring
// on uninstall, core.hooksPath, and the hook actually running on `git commit`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, nodeModule, requireBuild } from '../../helpers/cli';
import { git, gitEnv, gitOk, memocheck, mitProject, ownCode, tmpDir } from './fixture';

const work = tmpDir('memocheck-hook-');
const env = gitEnv(work);
let index = '';
let copy = '';

// an existing hook: records that it ran, and fails when asked to
const PREVIOUS = '#!/bin/sh\necho "previous hook ran" >> "$(git rev-parse --git-dir)/previous.log"\n[ -f .fail-previous ] && exit 3\nexit 0\n';

after(() => { if (!process.env.MEMOCHECK_KEEP_TMP) rmSync(work, { recursive: true, force: true }); });

before(() => {
  requireBuild();
  // a small index: one real MIT file from lodash, relicensed here as GPL so that a copy blocks
  const src = path.join(work, 'gpl-lib');
  mkdirSync(src, { recursive: true });
  cpSync(path.join(nodeModule('lodash'), '_baseUniq.js'), path.join(src, 'uniq.js'));
  index = path.join(work, 'idx');
  const r = cli(['index', src, '--index', index, '--license', 'GPL-3.0-only']);
  assert.equal(r.code, 0, r.stderr);
  copy = readFileSync(path.join(src, 'uniq.js'), 'utf8');
});

function hookFile(repo: string, dir = path.join('.git', 'hooks')): string {
  return path.join(repo, dir, 'pre-commit');
}

describe('hook install / uninstall', () => {
  test('without an existing hook: install, run on commit, install twice changes nothing, uninstall removes it', () => {
    const repo = mitProject(path.join(work, 'plain'), env);
    const r1 = memocheck(repo, env, 'hook', 'install', '--index', index);
    assert.equal(r1.code, 0, r1.out);
    assert.match(r1.stdout, /^installed .*pre-commit\n$/);
    const hook = hookFile(repo);
    const script = readFileSync(hook, 'utf8');
    assert.ok(statSync(hook).mode & 0o100, 'executable');
    const r2 = memocheck(repo, env, 'hook', 'install', '--index', index);
    assert.match(r2.stdout, /already installed/);
    assert.equal(readFileSync(hook, 'utf8'), script);

    writeFileSync(path.join(repo, 'copied.js'), copy);
    gitOk(repo, env, 'add', 'copied.js');
    const refused = git(repo, env, 'commit', '-m', 'copy');
    assert.notEqual(refused.code, 0);
    assert.match(refused.out, /copied\.js:\d+-\d+: verbatim copy \(100%\) of gpl-lib\/uniq\.js:\d+-\d+ licensed GPL-3\.0-only -> BLOCKED/);
    // --no-verify is git's own escape hatch
    assert.equal(git(repo, env, 'commit', '-q', '--no-verify', '-m', 'copy').code, 0);

    const u1 = memocheck(repo, env, 'hook', 'uninstall');
    assert.match(u1.stdout, /removed the memocheck hook/);
    assert.ok(!existsSync(hook));
    const u2 = memocheck(repo, env, 'hook', 'uninstall');
    assert.match(u2.stdout, /no memocheck hook/);
  });

  test('an existing hook is chained (runs first, its failure blocks) and restored byte for byte by uninstall', () => {
    const repo = mitProject(path.join(work, 'chained'), env);
    const hook = hookFile(repo);
    writeFileSync(hook, PREVIOUS);
    chmodSync(hook, 0o755);
    const r = memocheck(repo, env, 'hook', 'install', '--index', index);
    assert.match(r.stdout, /chained to the previous hook/);
    assert.equal(memocheck(repo, env, 'hook', 'install', '--index', index).stdout.includes('already installed'), true);

    // a clean commit runs both
    writeFileSync(path.join(repo, 'mine.js'), ownCode('mine'));
    gitOk(repo, env, 'add', 'mine.js');
    const ok = git(repo, env, 'commit', '-m', 'mine');
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /memocheck review: 1 file\(s\), 0 finding\(s\)/);
    assert.equal(readFileSync(path.join(repo, '.git', 'previous.log'), 'utf8'), 'previous hook ran\n');

    // the previous hook's failure blocks even when the review passes
    writeFileSync(path.join(repo, '.fail-previous'), '');
    writeFileSync(path.join(repo, 'more.js'), ownCode('more'));
    gitOk(repo, env, 'add', 'more.js');
    const failed = git(repo, env, 'commit', '-m', 'more');
    assert.notEqual(failed.code, 0);
    assert.ok(!/memocheck review:/.test(failed.out), 'the review does not run after the previous hook failed');
    rmSync(path.join(repo, '.fail-previous'));

    // and the review's block stops the commit after the previous hook passed
    writeFileSync(path.join(repo, 'copied.js'), copy);
    gitOk(repo, env, 'add', 'copied.js');
    const blocked = git(repo, env, 'commit', '-m', 'copy');
    assert.notEqual(blocked.code, 0);
    assert.match(blocked.out, /BLOCKED/);

    assert.match(memocheck(repo, env, 'hook', 'uninstall').stdout, /removed/);
    assert.equal(readFileSync(hook, 'utf8'), PREVIOUS);
    assert.ok(statSync(hook).mode & 0o100, 'still executable');
    assert.ok(!existsSync(path.join(repo, '.git', 'hooks', 'pre-commit.memocheck-previous')));
  });

  test('core.hooksPath is honoured (a committed hooks folder, as husky uses)', () => {
    const repo = mitProject(path.join(work, 'hookspath'), env);
    gitOk(repo, env, 'config', 'core.hooksPath', '.githooks');
    const r = memocheck(repo, env, 'hook', 'install', '--index', index);
    assert.equal(r.code, 0, r.out);
    const hook = hookFile(repo, '.githooks');
    assert.ok(existsSync(hook), 'installed into core.hooksPath');
    assert.ok(!existsSync(hookFile(repo)), 'not into .git/hooks');
    writeFileSync(path.join(repo, 'copied.js'), copy);
    gitOk(repo, env, 'add', 'copied.js');
    const refused = git(repo, env, 'commit', '-m', 'copy');
    assert.notEqual(refused.code, 0);
    assert.match(refused.out, /BLOCKED/);
    memocheck(repo, env, 'hook', 'uninstall');
    assert.ok(!existsSync(hook));
  });

  test('commits from a subdirectory (as editors may run them) are reviewed too', () => {
    const repo = mitProject(path.join(work, 'subdir'), env);
    memocheck(repo, env, 'hook', 'install', '--index', index);
    mkdirSync(path.join(repo, 'src', 'deep'), { recursive: true });
    writeFileSync(path.join(repo, 'src', 'deep', 'copied.js'), copy);
    gitOk(repo, env, 'add', '.');
    const refused = git(path.join(repo, 'src', 'deep'), env, 'commit', '-m', 'copy');
    assert.notEqual(refused.code, 0);
    assert.match(refused.out, /src\/deep\/copied\.js:\d+-\d+: verbatim copy/);
  });
});
