// Extension benchmark, run inside the real VS Code extension host (`npm run bench:extension`):
//  1. edit -> updated diagnostics latency for files of 100, 1,000 and 5,000 lines against an index of
//     >= 1M units (bench/extension/prepare.mjs), measured from the extension host seeing the edit to the
//     findings being published (debounce set to 0: the latency is the work, not the wait);
//  2. the longest event-loop stall of the extension host while those checks and a workspace scan run in
//     the worker;
//  3. baseline: the same check run on the extension host's main thread (what the worker avoids): each
//     check is one stall of its full duration.
// Results: bench/extension/results/extension.json and .md; printed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { MemoCheckApi } from '../../src/extension/main';
import { openStore, Scanner } from '../../src/node/engine';

const ROOT = path.resolve(__dirname, '..', '..');
const INDEX = process.env.MEMOCHECK_BENCH_INDEX ?? path.join(ROOT, '.cache', 'bench-extension', 'index');
const SIZES = [100, 1000, 5000];
const EDITS = 40;
/** pause between a document's first check and its edits */
const SETTLE_MS = 2000;
const pct = (a: number[], p: number) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor((s.length - 1) * p))] ?? NaN; };
const r1 = (x: number) => Math.round(x * 10) / 10;

/** Samples event-loop lag with a 5 ms timer; returns the longest and p99 lateness. */
function lagMonitor() {
  const lags: number[] = [];
  const elu0 = performance.eventLoopUtilization();
  let expected = performance.now() + 5;
  const t = setInterval(() => {
    const now = performance.now();
    lags.push(Math.max(0, now - expected));
    expected = now + 5;
  }, 5);
  // utilization = share of the time the extension host's main thread was busy (not waiting): tells a
  // stall caused by work on this thread from one caused by the (shared) machine not scheduling it
  return { stop: () => { clearInterval(t); const u = performance.eventLoopUtilization(elu0); return { maxMs: r1(Math.max(0, ...lags)), p99Ms: r1(pct(lags, 0.99)), samples: lags.length, utilization: Math.round(u.utilization * 1000) / 1000 }; } };
}

/** Real JavaScript of `lines` lines (TypeScript's compiler, Apache-2.0, not in the index) with lodash's debounce planted in the middle. */
function makeFile(lines: number, ts: string[], debounce: string): string {
  const plant = debounce.split('\n');
  const own = lines - plant.length;
  const start = 20000;
  const half = Math.max(0, Math.floor(own / 2));
  return [...ts.slice(start, start + half), ...plant, ...ts.slice(start + half, start + Math.max(own, 0))].slice(0, lines).join('\n') + '\n';
}

async function waitUntil<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 600000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

export async function run(): Promise<void> {
  if (!fs.existsSync(path.join(INDEX, 'MANIFEST'))) throw new Error(`bench: no index at ${INDEX}; run node bench/extension/prepare.mjs`);
  const ext = vscode.extensions.getExtension<MemoCheckApi>('memocheck.memocheck');
  if (!ext) throw new Error('bench: the extension is not installed');
  const a = await ext.activate();
  const cfg = vscode.workspace.getConfiguration('memocheck');
  await cfg.update('index.location', INDEX, vscode.ConfigurationTarget.Workspace);
  await cfg.update('debounceMs', 0, vscode.ConfigurationTarget.Workspace);
  const info = await waitUntil('the large index', async () => { const i = await a.ctx.refreshInfo(); return i && i.location === INDEX && i; });
  console.log(`bench: index ${INDEX}: ${info.repos.length} repositories, ${info.units} units, ${(info.bytes / 1048576).toFixed(0)} MiB`);

  const require_ = (m: string) => path.join(ROOT, 'node_modules', m);
  const ts = fs.readFileSync(require_('typescript/lib/typescript.js'), 'utf8').split('\n');
  const lodash = fs.readFileSync(require_('lodash/debounce.js'), 'utf8').split('\n');
  const s = lodash.findIndex(l => l.startsWith('function debounce('));
  const e = lodash.findIndex((l, i) => i > s && l === '}');
  const debounce = lodash.slice(s, e + 1).join('\n');

  const loadBefore = os.loadavg()[0]!;
  const results: Record<string, unknown> = { cpus: os.cpus().length, index: { units: info.units, repos: info.repos.length, bytes: info.bytes }, edits: EDITS, sizes: {} as Record<string, unknown> };
  const sizes = results.sizes as Record<string, unknown>;
  // control: event-loop lag of the idle extension host on this (shared) machine, for comparison
  const idle = lagMonitor();
  await new Promise(r => setTimeout(r, 5000));
  results.idleHostLag = idle.stop();
  console.log(`bench: idle extension host lag: ${JSON.stringify(results.idleHostLag)}`);
  const texts = new Map<number, string>();
  for (const lines of SIZES) {
    const text = makeFile(lines, ts, debounce);
    texts.set(lines, text);
    // (a name of its own per size: untitled documents reuse names, and a closed one's results stay behind
    // under its name, which the next document would then seem to have been checked with)
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'untitled', path: `bench-${lines}.js` }));
    const editor = await vscode.window.showTextDocument(doc);
    const first = performance.now();
    await editor.edit(b => b.insert(new vscode.Position(0, 0), text));
    await waitUntil('the first check', () => a.ctx.results.get(doc.uri)?.version === doc.version);
    const firstMs = performance.now() - first;
    // (the edits start once the worker is done with the first check's aftermath, as a user's typing would:
    // the first check after activation finds the index opened in the background, whose garbage the worker
    // then collects for a second or two; the edits measure the steady state)
    await new Promise(r => setTimeout(r, SETTLE_MS));
    const findings = a.ctx.results.get(doc.uri)?.findings.length ?? 0;
    const lat: number[] = [];
    const lag = lagMonitor();
    const line = Math.floor(lines / 3);
    for (let i = 0; i < EDITS; i++) {
      let seen = 0;
      const sub = vscode.workspace.onDidChangeTextDocument(ev => { if (ev.document === doc && !seen) seen = performance.now(); });
      const published = new Promise<number>(resolve => {
        const d = a.ctx.results.onDidChange(uris => {
          const r = a.ctx.results.get(doc.uri);
          if (uris?.some(u => u.toString() === doc.uri.toString()) && r?.version === doc.version) { d.dispose(); resolve(performance.now()); }
        });
      });
      const end = doc.lineAt(line).range.end;
      await editor.edit(b => (i % 2 ? b.delete(new vscode.Range(end.translate(0, -1), end)) : b.insert(end, ' ')));
      const done = await published;
      sub.dispose();
      lat.push(done - seen);
    }
    const lagStats = lag.stop();
    sizes[lines] = {
      firstCheckMs: r1(firstMs), findings,
      editToDiagnostics: { p50Ms: r1(pct(lat, 0.5)), p95Ms: r1(pct(lat, 0.95)), maxMs: r1(Math.max(...lat)) },
      hostLagWhileChecking: lagStats,
    };
    console.log(`bench: ${lines} lines: ${JSON.stringify(sizes[lines])}`);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }

  // baseline: the same checks on this thread, over a scanner of the same index opened only now (opening a
  // 1M-unit reader on this thread, and collecting what that leaves, would otherwise land in the edits' times)
  const store = await openStore(INDEX);
  const inThread = await Scanner.open(store, {});
  for (const lines of SIZES) {
    const base: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await inThread.scanText(texts.get(lines)!, 'javascript', 'bench.js');
      base.push(performance.now() - t);
    }
    const size = sizes[lines] as Record<string, unknown>;
    size.baselineInThreadCheck = { p50Ms: r1(pct(base, 0.5)), p95Ms: r1(pct(base, 0.95)), note: 'each is a stall of the extension host of this length' };
    console.log(`bench: ${lines} lines in-thread: ${JSON.stringify(size.baselineInThreadCheck)}`);
  }
  await inThread.close();
  await store.close();

  // workspace scan in the worker: event-loop stalls of the extension host meanwhile
  const lag = lagMonitor();
  const t = performance.now();
  const scan = await a.scanWorkspace({});
  const scanMs = performance.now() - t;
  results.workspaceScan = { files: scan.files, findings: scan.findings.length, ms: Math.round(scanMs), hostLag: lag.stop() };
  console.log(`bench: workspace scan: ${JSON.stringify(results.workspaceScan)}`);

  await cfg.update('index.location', undefined, vscode.ConfigurationTarget.Workspace);
  await cfg.update('debounceMs', undefined, vscode.ConfigurationTarget.Workspace);
  results.vscode = vscode.version;
  results.loadAverage = { before: r1(loadBefore), after: r1(os.loadavg()[0]!) };
  results.date = new Date().toISOString();
  const outDir = path.join(ROOT, 'bench', 'extension', 'results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'extension.json'), JSON.stringify(results, null, 2) + '\n');
  const md = [
    `# Extension benchmark (VS Code ${vscode.version} extension host, index of ${info.units} units)`, '',
    `${os.cpus().length} cores, 1-minute load average ${r1(loadBefore)} before and ${r1(os.loadavg()[0]!)} after the run (the machine is shared: compare with the idle control below).`, '',
    '| file lines | first check | edit → diagnostics p50 | p95 | max | host lag max (worker) | host busy | same check in-thread p50 (= stall) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...SIZES.map(n => {
      const x = sizes[n] as { firstCheckMs: number; editToDiagnostics: { p50Ms: number; p95Ms: number; maxMs: number }; hostLagWhileChecking: { maxMs: number; utilization: number }; baselineInThreadCheck: { p50Ms: number } };
      return `| ${n} | ${x.firstCheckMs} ms | ${x.editToDiagnostics.p50Ms} ms | ${x.editToDiagnostics.p95Ms} ms | ${x.editToDiagnostics.maxMs} ms | ${x.hostLagWhileChecking.maxMs} ms | ${Math.round(x.hostLagWhileChecking.utilization * 100)}% | ${x.baselineInThreadCheck.p50Ms} ms |`;
    }),
    '', `Control: the idle extension host's longest event-loop lag over 5 s on this machine was ${(results.idleHostLag as { maxMs: number }).maxMs} ms.`,
    '', `Workspace scan in the worker: ${scan.files} files in ${Math.round(scanMs)} ms; longest extension-host event-loop stall meanwhile ${(results.workspaceScan as { hostLag: { maxMs: number } }).hostLag.maxMs} ms.`, '',
  ].join('\n');
  fs.writeFileSync(path.join(outDir, 'extension.md'), md);
  console.log(md);
}
