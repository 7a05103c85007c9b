// Runs against the packaged .vsix installed into the test VS Code (the development path is an empty stub),
// so packaging mistakes (a missing bundle, worker or .wasm) fail here.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, fixture, memoDiagnostics, open, waitFor } from './helpers';

suite('the installed .vsix', () => {
  test('is the packaged extension, not the checkout', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'installed');
    const root = path.resolve(__dirname, '../..');
    assert.ok(!ext.extensionPath.startsWith(root), `loaded from ${ext.extensionPath}`);
    assert.match(path.basename(ext.extensionPath), /^memocheck\.memocheck-\d+\.\d+\.\d+/);
  });

  test('activates and reports the planted copy', async () => {
    const fx = fixture();
    const editor = await open(fx.planted.file);
    const [d] = await waitFor('a diagnostic from the installed extension', () => memoDiagnostics(editor.document.uri).length === 1 && memoDiagnostics(editor.document.uri), 30000);
    assert.ok(d);
    assert.equal(d.range.start.line + 1, fx.planted.startLine);
    assert.match(d.message, /lodash\/debounce\.js/);
  });

  test('parses other languages with the packaged grammars', async () => {
    // TypeScript and Python grammars come from dist/grammars inside the .vsix
    for (const [language, content] of [['typescript', 'export const x: number = 1;\n'], ['python', 'x = 1\n']] as const) {
      const doc = await vscode.workspace.openTextDocument({ language, content });
      await vscode.window.showTextDocument(doc);
      const r = await vscode.commands.executeCommand<unknown[]>('memocheck.scanFile');
      assert.deepEqual(r, [], `${language}: checked without error`);
    }
  });
});
