import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MemoCheckApi } from '../../../src/extension/main';
import type { ScanOutcome } from '../../../src/extension/scan';
import { api, fixture, memoDiagnostics, resetWorkspace, waitFor, wsUri } from './helpers';

suite('workspace scan', () => {
  let a: MemoCheckApi;
  suiteSetup(async () => {
    a = await api();
    await resetWorkspace(a);
  });

  const rel = (f: string) => path.relative(fixture().ws, f).split(path.sep).join('/');

  test('finds the planted copies, skips .gitignore, node_modules and files.exclude, reports progress', async () => {
    const fx = fixture();
    const progress: [number, number][] = [];
    const r = await a.scanWorkspace({ onProgress: (done, total) => progress.push([done, total]) });
    assert.equal(r.cancelled, false);
    const files = new Set(r.findings.map(f => rel(f.file)));
    for (const f of [fx.planted.file, fx.chunk.file, fx.hostile.file, 'bulk/debounce.js', 'bulk/chunk.js']) assert.ok(files.has(f), `found ${f}`);
    for (const f of files) assert.doesNotMatch(f, /^(ignored-by-git|node_modules|excluded-by-setting)\//, `${f} must be skipped`);
    assert.ok(!files.has('src/clean.js'));
    const planted = r.findings.find(f => rel(f.file) === fx.planted.file)!;
    assert.equal(planted.startLine, fx.planted.startLine);
    assert.equal(planted.source.path, 'debounce.js');
    assert.equal(planted.verdict, 'attribution');
    // progress: counts up to the total
    assert.ok(progress.length >= 2, 'several progress reports');
    const total = progress[progress.length - 1]![1];
    assert.equal(progress[progress.length - 1]![0], total);
    assert.ok(total >= fx.bulk.files + 4 && total < fx.bulk.files + 20, `about the workspace's own files (${total})`);
    // scan results become diagnostics for files that are not open, and tree items
    await waitFor('diagnostics of the scanned files', () => memoDiagnostics(wsUri(fx.chunk.file)).length === 1);
    // the tree: licence -> file -> finding, and a finding opens its lines
    const licences = a.tree.getChildren();
    assert.deepEqual(licences.map(n => a.tree.getTreeItem(n).label), ['MIT']);
    const fileNodes = a.tree.getChildren(licences[0]);
    const paging = fileNodes.find(n => (a.tree.getTreeItem(n).resourceUri?.fsPath ?? '').endsWith(fx.chunk.file));
    assert.ok(paging, 'the file node of src/paging.js');
    const [leaf] = a.tree.getChildren(paging);
    const item = a.tree.getTreeItem(leaf!);
    assert.match(String(item.label), /^lines \d+-\d+: \d+% (verbatim|renamed|modified)$/);
    assert.equal(item.description, 'lodash/chunk.js:' + String(item.description).split(':')[1]);
    assert.equal(item.command?.command, 'vscode.open');
    await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
    const chunkFinding = r.findings.find(f => rel(f.file) === fx.chunk.file)!;
    await waitFor('the file opened at the finding', () => {
      const ed = vscode.window.activeTextEditor;
      return ed?.document.uri.fsPath === wsUri(fx.chunk.file).fsPath && ed.selection.start.line === chunkFinding.startLine - 1;
    });
  });

  test('stops when cancelled and stays usable', async () => {
    const fx = fixture();
    const ac = new AbortController();
    let seen = 0;
    let after = 0;
    const r = await a.scanWorkspace({
      scope: wsUri(fx.bulk.folder),
      signal: ac.signal,
      onProgress: done => {
        if (ac.signal.aborted) after++;
        seen = Math.max(seen, done);
        if (done >= 3) ac.abort();
      },
    });
    assert.equal(r.cancelled, true);
    assert.equal(r.total, fx.bulk.files);
    assert.ok(r.files < fx.bulk.files, `stopped early (${r.files} of ${fx.bulk.files} files)`);
    assert.ok(after <= 2, `at most a couple of progress reports after cancelling (${after})`);
    // cancelled results do not replace the previous scan's, and the worker answers the next request
    const again = await a.scanWorkspace({ scope: wsUri(fx.chunk.file) });
    assert.equal(again.cancelled, false);
    assert.equal(again.findings.length, 1);
  });

  test('the palette command scans with a progress notification and returns the outcome', async () => {
    const r = await vscode.commands.executeCommand<ScanOutcome>('memocheck.scanWorkspace', wsUri('src'));
    assert.ok(r && !r.cancelled);
    assert.deepEqual([...new Set(r.findings.map(f => rel(f.file)))].sort(), [fixture().chunk.file, fixture().planted.file].sort());
  });
});
