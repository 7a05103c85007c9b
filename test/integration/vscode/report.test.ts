import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MemoCheckApi } from '../../../src/extension/main';
import { api, fixture, open, resetWorkspace, waitFor } from './helpers';

const HOSTILE = '</script><script>document.body.dataset.pwned = 1</script><img src=x onerror="alert(1)"><b>bold</b>';

suite('report webview and exports', () => {
  let a: MemoCheckApi;
  suiteSetup(async () => {
    a = await api();
    await resetWorkspace(a);
    const fx = fixture();
    await open(fx.hostile.file);
    await waitFor('the hostile file finding', () => a.ctx.results.visible(vscode.Uri.file(path.join(fx.ws, fx.hostile.file))).length > 0);
  });
  suiteTeardown(async () => resetWorkspace(a));

  test('the webview renders hostile code as text, with a strict CSP and assets from media/ only', async () => {
    const panel = await a.report();
    const rendered = panel.nextRender();
    await panel.refresh();
    const r = await rendered;
    assert.ok(r.findings >= 1);
    assert.deepEqual(r.scripts.filter(src => src !== 'inline').map(src => src.replace(/^.*\/media\//, 'media/')), ['media/report.js'], 'the report script is the only one loaded');
    assert.equal(r.scripts.filter(src => src === 'inline').length <= 1, true, "at most VS Code's own inline API shim");
    assert.equal(r.pwned, null, 'no script from the code text ran');
    assert.equal(r.injected, 0, 'no element created from code text');
    assert.ok(r.codeTexts.some(t => t.includes(HOSTILE)), 'the hostile line is shown verbatim as text');
    const html = panel.panel.webview.html;
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 22, 'a random nonce of 128 bits');
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.deepEqual(panel.panel.webview.options.localResourceRoots?.map(u => path.basename(u.fsPath)), ['media']);
    for (const src of html.match(/(src|href)="[^"]+"/g) ?? []) assert.match(src, /\/media\/report\.(js|css)"$/);
    // a second panel render gets a fresh nonce
    panel.panel.dispose();
    const again = await a.report();
    const nonce2 = /'nonce-([^']+)'/.exec(again.panel.webview.html)?.[1];
    assert.notEqual(nonce2, nonce);
    again.panel.dispose();
  });

  test('exports JSON, SARIF and standalone HTML with the code escaped', async () => {
    const dir = path.join(fixture().work, 'exports');
    fs.mkdirSync(dir, { recursive: true });
    const target = (ext: string) => vscode.Uri.file(path.join(dir, `report.${ext}`));
    for (const f of ['json', 'sarif', 'html']) await vscode.commands.executeCommand('memocheck.exportReport', f, target(f));
    const json = JSON.parse(fs.readFileSync(target('json').fsPath, 'utf8'));
    const hostile = json.findings.find((f: { file: string }) => f.file === fixture().hostile.file);
    assert.ok(hostile, 'the hostile file is in the JSON export');
    assert.deepEqual(Object.keys(hostile.source).slice(0, 5), ['repo', 'path', 'startLine', 'endLine', 'license']);
    const sarif = JSON.parse(fs.readFileSync(target('sarif').fsPath, 'utf8'));
    assert.equal(sarif.version, '2.1.0');
    assert.ok(sarif.runs[0].results.length >= 1);
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.region.startLine > 0, true);
    const html = fs.readFileSync(target('html').fsPath, 'utf8');
    assert.equal((html.match(/<script/g) ?? []).length, 2, 'the data element and the renderer, nothing else');
    assert.ok(!html.includes(HOSTILE), 'the hostile text never appears raw in the HTML');
    assert.ok(html.includes('\\u003c/script\\u003e\\u003cscript\\u003e'), 'it is there, escaped inside the JSON data');
  });
});
