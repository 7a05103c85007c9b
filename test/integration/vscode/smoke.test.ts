import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

suite('smoke: a real extension host', () => {
  test('the vscode API is the real one', () => {
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    assert.ok(vscode.workspace.workspaceFolders?.length, 'a workspace folder is open');
  });
});
