import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { MemoCheckApi } from '../../../src/extension/main';
import { api, fixture, memoDiagnostics, open, resetWorkspace, waitFor, wsUri } from './helpers';

suite('inline diagnostics', () => {
  let a: MemoCheckApi;
  suiteSetup(async () => {
    a = await api();
    await resetWorkspace(a);
  });
  suiteTeardown(async () => resetWorkspace(a));

  test('a planted renamed copy of lodash debounce is reported on exactly its lines', async () => {
    const fx = fixture();
    const editor = await open(fx.planted.file);
    const [d] = await waitFor('a memocheck diagnostic', () => memoDiagnostics(editor.document.uri).length === 1 && memoDiagnostics(editor.document.uri));
    assert.ok(d);
    assert.equal(d.range.start.line + 1, fx.planted.startLine, 'starts on the first copied line');
    assert.ok(Math.abs(d.range.end.line + 1 - fx.planted.endLine) <= 2, `ends at the copy's end (${d.range.end.line + 1} vs ${fx.planted.endLine})`);
    assert.match(d.message, /lodash\/debounce\.js:\d+-\d+/);
    assert.match(d.message, /\(MIT\)/);
    assert.match(d.message, /renamed/);
    assert.match(d.message, /\d+% similar/);
    assert.match(d.message, /attribution required/);
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning, 'attribution findings are warnings by default');
    assert.equal(d.code, 'attribution');
    const rel = d.relatedInformation?.[0];
    assert.ok(rel, 'relatedInformation points at the original');
    assert.equal(rel.location.uri.fsPath, `${fx.upstream.lodash}/debounce.js`);
    assert.equal(rel.location.range.start.line + 1, fx.planted.sourceStartLine);
  });

  test('own code without copies has no diagnostics', async () => {
    const editor = await open('src/clean.js');
    await a.whenIdle();
    assert.deepEqual(memoDiagnostics(editor.document.uri), []);
  });

  test('typing that destroys the copy removes the diagnostic', async () => {
    const fx = fixture();
    const editor = await open(fx.planted.file);
    await waitFor('the diagnostic', () => memoDiagnostics(editor.document.uri).length === 1);
    // replace the body of the copy with own code, one small edit at a time (typing, not one insertion)
    const doc = editor.document;
    const start = fx.planted.startLine; // keep the signature line, drop the body
    await editor.edit(e => e.delete(new vscode.Range(start, 0, fx.planted.endLine - 2, 0)));
    await editor.edit(e => e.insert(new vscode.Position(start, 0), '  return callback;\n'));
    await waitFor('the diagnostic to disappear', () => memoDiagnostics(doc.uri).length === 0);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitFor('the diagnostic after revert', () => memoDiagnostics(doc.uri).length === 1);
  });

  test('a large single insertion is checked at once and says it came from one insertion', async () => {
    const fx = fixture();
    const original = await vscode.workspace.openTextDocument(wsUri(fx.planted.file));
    const copied = original.getText(new vscode.Range(fx.planted.startLine - 1, 0, fx.planted.endLine, 0));
    // a long debounce: the check must come from the insertion, not from typing
    await vscode.workspace.getConfiguration('memocheck').update('debounceMs', 60000, vscode.ConfigurationTarget.Workspace);
    try {
      const doc = await vscode.workspace.openTextDocument({ language: 'javascript', content: '// scratch\n\n' });
      const editor = await vscode.window.showTextDocument(doc);
      await a.whenIdle();
      assert.deepEqual(memoDiagnostics(doc.uri), []);
      await editor.edit(e => e.insert(new vscode.Position(1, 0), copied)); // like an accepted completion or a paste
      const [d] = await waitFor('a diagnostic after the insertion', () => memoDiagnostics(doc.uri).length === 1 && memoDiagnostics(doc.uri), 10000);
      assert.ok(d);
      assert.equal(d.range.start.line, 1);
      assert.match(d.message, /one insertion/);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await waitFor('diagnostics cleared on close', () => memoDiagnostics(doc.uri).length === 0);
    } finally {
      await vscode.workspace.getConfiguration('memocheck').update('debounceMs', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('severity follows the per-verdict setting', async () => {
    const fx = fixture();
    const editor = await open(fx.planted.file);
    await waitFor('the diagnostic', () => memoDiagnostics(editor.document.uri).length === 1);
    const cfg = vscode.workspace.getConfiguration('memocheck');
    await cfg.update('severity.attribution', 'error', vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor('an error', () => memoDiagnostics(editor.document.uri)[0]?.severity === vscode.DiagnosticSeverity.Error);
      await cfg.update('severity.attribution', 'off', vscode.ConfigurationTarget.Workspace);
      await waitFor('no diagnostic', () => memoDiagnostics(editor.document.uri).length === 0);
    } finally {
      await cfg.update('severity.attribution', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor('the warning back', () => memoDiagnostics(editor.document.uri)[0]?.severity === vscode.DiagnosticSeverity.Warning);
  });
});
