import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { IndexInfo } from '../../../src/index/store';
import type { MemoCheckApi } from '../../../src/extension/main';
import { api, fixture, memoDiagnostics, open, resetWorkspace, waitFor } from './helpers';

suite('index management', () => {
  let a: MemoCheckApi;
  suiteSetup(async () => {
    a = await api();
    await resetWorkspace(a);
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('memocheck.removeRepository', 'pystd');
  });

  test('index information lists the pre-built lodash index', async () => {
    const info = await vscode.commands.executeCommand<IndexInfo>('memocheck.showIndexInfo');
    assert.equal(info.location, fixture().index);
    assert.deepEqual(info.repos.map(r => [r.name, r.license]), [['lodash', 'MIT']]);
    assert.match(a.statusText(), /1 repo · [\d.]+k? units · \d+ findings?/);
  });

  test('indexing a repository from the command makes its code findable', async () => {
    const fx = fixture();
    const editor = await open(fx.python.file);
    await a.whenIdle();
    assert.equal(memoDiagnostics(editor.document.uri).length, 0, 'not indexed yet: no finding');
    const r = await vscode.commands.executeCommand<{ repo: { name: string; license: string; files: number }; skipped: unknown[] }>(
      'memocheck.indexRepository', vscode.Uri.file(fx.upstream.pystd), { name: 'pystd', license: 'PSF-2.0' });
    assert.equal(r.repo.name, 'pystd');
    assert.equal(r.repo.files, 5, `skipped: ${JSON.stringify(r.skipped)}`);
    assert.equal(a.ctx.indexInfo?.repos.length, 2);
    assert.match(a.statusText(), /2 repos/);
    // open documents are checked again against the new index
    const [d] = await waitFor('a finding in the Python copy', () => memoDiagnostics(editor.document.uri).length === 1 && memoDiagnostics(editor.document.uri));
    assert.ok(d);
    assert.match(d.message, /pystd\/heapq\.py:\d+-\d+ \(PSF-2\.0\)/);
    assert.equal(d.range.start.line + 1, fx.python.startLine);
  });

  test('removing the repository removes its findings', async () => {
    const fx = fixture();
    const editor = await open(fx.python.file);
    await waitFor('the finding', () => memoDiagnostics(editor.document.uri).length === 1);
    assert.equal(await vscode.commands.executeCommand('memocheck.removeRepository', 'pystd'), true);
    await waitFor('no finding', () => memoDiagnostics(editor.document.uri).length === 0);
    assert.deepEqual(a.ctx.indexInfo?.repos.map(r => r.name), ['lodash']);
  });
});
