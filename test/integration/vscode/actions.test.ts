import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MemoCheckApi } from '../../../src/extension/main';
import { api, closeAll, fixture, memoDiagnostics, open, resetWorkspace, waitFor } from './helpers';

suite('code actions', () => {
  let a: MemoCheckApi;
  let editor: vscode.TextEditor;
  let diag: vscode.Diagnostic;

  setup(async () => {
    a = await api();
    await resetWorkspace(a);
    editor = await open(fixture().planted.file);
    [diag] = await waitFor('the diagnostic', () => memoDiagnostics(editor.document.uri).length === 1 && memoDiagnostics(editor.document.uri));
  });
  suiteTeardown(async () => resetWorkspace(a));

  async function actions(): Promise<vscode.CodeAction[]> {
    // the request is cancelled when the editor is still settling after opening, and answered without
    // MemoCheck's actions while a re-check replaces the file's diagnostics (the light bulb catches up a
    // moment later): ask again until they are there
    const all = await waitFor('MemoCheck code actions', async () => {
      try {
        const got = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, diag.range, vscode.CodeActionKind.QuickFix.value);
        return got?.some(x => x.title.startsWith('MemoCheck:')) && got;
      } catch (e) {
        if ((e as Error).message === 'Canceled') return undefined;
        throw e;
      }
    });
    return all.filter(x => x.title.startsWith('MemoCheck:'));
  }

  async function run(titlePrefix: string, ...extra: unknown[]): Promise<unknown> {
    const action = (await actions()).find(x => x.title.startsWith(titlePrefix));
    assert.ok(action?.command, `action "${titlePrefix}" offered`);
    return vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []), ...extra);
  }

  test('each finding offers the five quick fixes', async () => {
    const titles = (await actions()).map(x => x.title);
    assert.deepEqual(titles.map(t => t.replace(/ \(.*$| "[^"]*"$|…$/, '')), [
      'MemoCheck: Compare with the original', 'MemoCheck: Open the original', 'MemoCheck: Copy attribution notice',
      'MemoCheck: Accept with justification', 'MemoCheck: Ignore repository',
    ]);
    assert.ok(titles.some(t => t.includes('lodash/debounce.js')));
  });

  test('compare opens a diff editor of the original and the copy', async () => {
    await run('MemoCheck: Compare');
    const tab = await waitFor('a diff tab', () => {
      const t = vscode.window.tabGroups.activeTabGroup.activeTab;
      return t?.input instanceof vscode.TabInputTextDiff && t;
    });
    const input = tab.input as vscode.TabInputTextDiff;
    const left = await vscode.workspace.openTextDocument(input.original);
    const right = await vscode.workspace.openTextDocument(input.modified);
    assert.match(left.getText(), /^function debounce\(func, wait, options\)/, 'left: the original lodash lines');
    assert.match(right.getText(), /^function rateLimit\(callback, delayMs, settings\)/, 'right: the copy');
    assert.match(tab.label, /lodash\/debounce\.js/);
    await closeAll();
  });

  test('open the original shows the lodash file at the matched lines', async () => {
    const fx = fixture();
    await run('MemoCheck: Open the original');
    const ed = await waitFor('the original', () => vscode.window.activeTextEditor?.document.uri.fsPath === path.join(fx.upstream.lodash, 'debounce.js') && vscode.window.activeTextEditor);
    assert.equal(ed.selection.start.line + 1, fx.planted.sourceStartLine);
  });

  test('copy attribution puts a notice naming repository, file, lines and licence on the clipboard', async () => {
    const text = await run('MemoCheck: Copy attribution');
    assert.equal(typeof text, 'string');
    assert.match(String(text), /derived from lodash/);
    assert.match(String(text), /debounce\.js, lines \d+-\d+/);
    assert.match(String(text), /Licensed under MIT/);
    // the clipboard lives in the workbench (here: the browser page), reached asynchronously
    await waitFor('the notice on the clipboard', async () => (await vscode.env.clipboard.readText()) === text, 10000);
  });

  test('accept records the justification by fingerprint where `memocheck review` reads it, and the diagnostic disappears', async () => {
    const file = await run('MemoCheck: Accept', 'We vendor lodash under MIT; notice added to THIRD_PARTY.md');
    const fx = fixture();
    assert.equal(file, path.join(fx.ws, '.memocheck-accepted.json'));
    const rec = JSON.parse(fs.readFileSync(String(file), 'utf8')) as { accepted: { fingerprint: string; justification: string; author: string; file: string; source: string; license: string }[] };
    assert.equal(rec.accepted.length, 1);
    const entry = rec.accepted[0]!;
    assert.equal(entry.fingerprint, a.ctx.results.get(editor.document.uri)?.findings[0]?.fingerprint);
    assert.equal(entry.justification, 'We vendor lodash under MIT; notice added to THIRD_PARTY.md');
    assert.equal(entry.author, 'Fixture Dev', 'author from git config, as memocheck accept records it');
    assert.equal(entry.file, fx.planted.file);
    assert.match(entry.source, /^lodash\/debounce\.js:\d+-\d+$/);
    assert.equal(entry.license, 'MIT');
    await waitFor('the diagnostic to disappear', () => memoDiagnostics(editor.document.uri).length === 0);
    // the decision survives a re-check (same fingerprint)
    await vscode.commands.executeCommand('memocheck.scanFile');
    assert.equal(memoDiagnostics(editor.document.uri).length, 0);
  });

  test('ignore repository hides its findings through the workspace setting', async () => {
    await run('MemoCheck: Ignore repository');
    assert.deepEqual(vscode.workspace.getConfiguration('memocheck').inspect('ignoredRepositories')?.workspaceValue, ['lodash']);
    await waitFor('the diagnostic to disappear', () => memoDiagnostics(editor.document.uri).length === 0);
  });
});
