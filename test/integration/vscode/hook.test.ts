import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, fixture, waitFor } from './helpers';

suite('pre-commit review from the editor', () => {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: fixture().ws, encoding: 'utf8', env: { ...process.env, HOME: fixture().work } });
  suiteSetup(async () => {
    await api();
  });
  suiteTeardown(() => {
    const fx = fixture();
    try {
      git('reset', '-q');
    } catch {
      // nothing staged
    }
    fs.rmSync(path.join(fx.ws, 'src', 'staged.js'), { force: true });
    fs.rmSync(path.join(fx.ws, '.git', 'hooks', 'pre-commit'), { force: true });
    fs.rmSync(path.join(fx.ws, '.memocheck-accepted.json'), { force: true });
  });

  test('review staged changes runs `memocheck review --staged` on what the commit adds', async () => {
    const fx = fixture();
    fs.copyFileSync(path.join(fx.ws, fx.planted.file), path.join(fx.ws, 'src', 'staged.js'));
    git('add', 'src/staged.js');
    const r = await vscode.commands.executeCommand<{ code: number; stdout: string; stderr: string }>('memocheck.reviewStaged');
    assert.ok(r, 'the command ran');
    assert.ok(r.code === 0 || r.code === 1, `review finished (exit ${r.code}: ${r.stderr})`);
    assert.match(r.stdout, /staged\.js/);
    assert.match(r.stdout, /debounce\.js/);
  });

  test('a finding accepted in the editor is not raised again by the review', async () => {
    const a = await api();
    const uri = vscode.Uri.file(path.join(fixture().ws, 'src', 'staged.js'));
    await vscode.window.showTextDocument(uri);
    const f = await waitFor('the staged copy finding', () => a.ctx.results.visible(uri)[0]);
    await vscode.commands.executeCommand('memocheck.acceptFinding', uri, f.fingerprint, f.startLine, 'Attribution added in NOTICE');
    const r = await vscode.commands.executeCommand<{ code: number; stdout: string; stderr: string }>('memocheck.reviewStaged');
    assert.equal(r?.code, 0, r?.stderr);
    assert.doesNotMatch(r.stdout, /debounce\.js/, `accepted: ${r.stdout}`);
  });

  test('install the pre-commit hook writes an executable hook that runs the review', async () => {
    const r = await vscode.commands.executeCommand<{ code: number }>('memocheck.installHook');
    assert.equal(r?.code, 0);
    const hook = path.join(fixture().ws, '.git', 'hooks', 'pre-commit');
    const text = fs.readFileSync(hook, 'utf8');
    assert.match(text, /review --staged/);
    assert.match(text, /dist\/cli\.js/);
    assert.ok(fs.statSync(hook).mode & 0o100, 'executable');
    // the hook really runs: committing the staged copy goes through the review (attribution: not blocking)
    const out = execFileSync('sh', ['-c', `"${hook}"; echo "hook exit $?"`], { cwd: fixture().ws, encoding: 'utf8', env: { ...process.env, HOME: fixture().work } });
    assert.match(out, /hook exit [01]/);
  });
});
