// The engine worker (dist/extension-worker.js): opens the index and answers scan, index and management
// requests, so parsing, fingerprinting and lookups never run on the extension host's main thread.
// One request = one AbortController; the client cancels superseded or user-cancelled work.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parentPort } from 'node:worker_threads';
import type { Finding, MatchOptions } from '../core/types';
import { decodeHelperProblem } from '../index/file/decode-helper';
import { UserError, type IndexStore } from '../index/store';
import { indexRepository, openStore, Scanner } from '../node/engine';
import { CONFIG_FILE, parseConfig, verdictFor, type Policy } from '../core/policy';
import { detectLicense } from '../node/licensing';
import { EditorScanner } from './editorScanner';
import type { FromWorker, Progress, Request, Results, ToWorker } from './protocol';

if (!parentPort) throw new Error('extension-worker must run in a worker thread');
const port = parentPort;

let location = '';
let options: Partial<MatchOptions> = {};
/** the workspace's own licence, for verdicts (a GPL project may reuse GPL code) */
let projectLicense: string | undefined;
/** the project's licence policy from its committed .memocheck.json (allowed, denied, projectLicense) */
let policy: Policy = {};
let store: Promise<IndexStore> | undefined;
let scanner: Promise<Scanner | undefined> | undefined;
let editorScanner: Promise<EditorScanner | undefined> | undefined;
const running = new Map<number, AbortController>();

const isDatabase = (loc: string) => /^postgres(ql)?:\/\//.test(loc);

function getStore(): Promise<IndexStore> {
  if (!store) {
    if (!isDatabase(location)) mkdirSync(path.dirname(location), { recursive: true });
    store = openStore(location);
    store.catch(() => (store = undefined));
  }
  return store;
}

let indexed: Promise<boolean> | undefined;

/** Is there an index with at least one repository? (Nothing indexed yet: checks find nothing, quietly.) */
function hasIndex(): Promise<boolean> {
  if (!indexed) {
    indexed = (async () => {
      if (!isDatabase(location) && !existsSync(location)) return false;
      return (await (await getStore()).info()).repos.length > 0;
    })();
    indexed.catch(() => (indexed = undefined));
  }
  return indexed;
}

/** The scanner of workspace scans (files read and parsed by the engine's worker pool). */
function getScanner(): Promise<Scanner | undefined> {
  if (!scanner) {
    scanner = (async () => ((await hasIndex()) ? Scanner.open(await getStore(), options) : undefined))();
    scanner.catch(() => (scanner = undefined));
  }
  return scanner;
}

/** The scanner of editor buffers: its reader caches lookups between checks of a document. */
function getEditorScanner(): Promise<EditorScanner | undefined> {
  if (!editorScanner) {
    editorScanner = (async () => ((await hasIndex()) ? EditorScanner.open(await getStore(), options) : undefined))();
    editorScanner.catch(() => (editorScanner = undefined));
  }
  return editorScanner;
}

/**
 * Opens the index for editor checks in the background once configured (a reader of a 1M-unit index takes
 * ~1 s to open and its document frequencies ~0.2 s to merge), so that the first check after the extension
 * starts does not wait for it. Failures are left to the first check, which reports them.
 */
function warmUp(): void {
  // (not before an index with repositories exists: the first check would then remember that there is none)
  if (!isDatabase(location) && !existsSync(path.join(location, 'MANIFEST'))) return;
  hasIndex().then((yes) => {
    if (!yes) { indexed = undefined; return undefined; }
    return getEditorScanner().then((s) => s?.reader.documentFrequency(new Uint32Array(1)));
  }).catch(() => undefined);
}

/** Drops the scanners (their readers are snapshots) so the next scan sees the index as it is now. */
async function refreshScanner(): Promise<void> {
  const old = [scanner, editorScanner];
  scanner = undefined;
  editorScanner = undefined;
  indexed = undefined;
  for (const o of old) await (await o?.catch(() => undefined))?.close();
}

async function reset(): Promise<void> {
  await refreshScanner();
  const old = store;
  store = undefined;
  await (await old?.catch(() => undefined))?.close();
}

async function handle(req: Request, signal: AbortSignal, progress: (p: Progress) => void): Promise<Results[keyof Results]> {
  switch (req.op) {
    case 'configure': {
      await reset();
      location = req.location;
      options = req.options;
      projectLicense = req.projectRoot ? (await detectLicense(req.projectRoot)).license : undefined;
      if (projectLicense === 'unknown') projectLicense = undefined;
      policy = {};
      const config = req.projectRoot ? path.join(req.projectRoot, CONFIG_FILE) : undefined;
      if (config && existsSync(config)) {
        const c = parseConfig(readFileSync(config, 'utf8'), config); // a broken file: the error names it
        policy = { ...(c.projectLicense ? { projectLicense: c.projectLicense } : {}), ...(c.allowed ? { allowed: c.allowed } : {}), ...(c.denied ? { denied: c.denied } : {}) };
      }
      warmUp();
      return { location };
    }
    case 'scanText': {
      const s = await getEditorScanner();
      if (!s) return [];
      const matches = await s.scanText(req.text, req.language, signal, req.file);
      reportHelperProblem();
      return matches.map((m): Finding => ({ ...m, file: req.file, verdict: verdictFor(projectLicense, m.source.license, policy) }));
    }
    case 'scanPaths': {
      const s = await getScanner();
      if (!s) return { findings: [], files: 0, skipped: [], cancelled: false };
      let files = 0;
      try {
        const r = await s.scanPaths(req.paths, {
          signal,
          ...(projectLicense ? { projectLicense } : {}),
          onProgress: (done, total, file) => { files = done; progress({ done, total, file }); },
        });
        // verdicts under the project's policy, as `memocheck review` gives them
        const findings = r.findings.map(f => ({ ...f, verdict: verdictFor(projectLicense, f.source.license, policy) }));
        return { ...r, findings, cancelled: signal.aborted };
      } catch (e) {
        if (signal.aborted) return { findings: [], files, skipped: [], cancelled: true };
        throw e;
      }
    }
    case 'index': {
      const s = await getStore();
      const opts = {
        signal,
        onProgress: (p: { phase: string; done: number; total: number; file?: string }) => progress(p),
        ...(req.name ? { name: req.name } : {}),
        ...(req.license ? { license: req.license } : {}),
      };
      const r = await indexRepository(s, req.dir, opts);
      await refreshScanner();
      return r;
    }
    case 'removeRepo': {
      const removed = await (await getStore()).removeRepo(req.name);
      await refreshScanner();
      return removed;
    }
    case 'info': {
      if (!isDatabase(location) && !existsSync(location)) return undefined;
      return (await getStore()).info();
    }
  }
}

function post(m: FromWorker) {
  port.postMessage(m);
}

let helperProblemReported = false;
/** Tells the output channel, once, why editor checks run without the decode helper thread. */
function reportHelperProblem(): void {
  const problem = decodeHelperProblem();
  if (!problem || helperProblemReported) return;
  helperProblemReported = true;
  post({ log: `${problem}; editor checks run without it, more slowly` });
}

port.on('message', (m: ToWorker) => {
  if ('cancel' in m) {
    running.get(m.cancel)?.abort();
    return;
  }
  const ac = new AbortController();
  running.set(m.id, ac);
  let last = 0;
  const progress = (p: Progress) => {
    // at most ~20 progress messages a second: they cross to the extension host's main thread
    const now = Date.now();
    if (now - last < 50 && p.done < p.total) return;
    last = now;
    post({ id: m.id, progress: p });
  };
  handle(m.req, ac.signal, progress).then(
    result => post({ id: m.id, ok: true, result }),
    (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      post({ id: m.id, ok: false, error: err.message, user: err instanceof UserError || err.name === 'UserError', cancelled: ac.signal.aborted });
    },
  ).finally(() => running.delete(m.id));
});
