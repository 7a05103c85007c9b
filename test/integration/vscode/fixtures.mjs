// Makes the integration-test fixtures in <work>/ at test time (nothing third-party is committed):
//   upstream/lodash/  a licensed "upstream repository": lodash's real sources from node_modules (MIT),
//                     indexed with the real CLI (dist/cli.js) into <work>/index before VS Code starts
//   upstream/pystd/   a second one from the Python standard library on this machine (PSF-2.0); the suite
//                     indexes it through the extension's command
//   ws/               the workspace VS Code opens: planted renamed copies at known lines, copies that must
//                     be skipped (.gitignore, node_modules, files.exclude), a bulk folder for cancellation
//   fixture.json      what the tests need to know (paths, planted line ranges)
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(path.join(root, 'package.json'));
if (!process.argv[2]) { console.error('usage: node fixtures.mjs <work dir>'); process.exit(2); }
const work = path.resolve(process.argv[2]);
const ws = path.join(work, 'ws');
const lodashDir = path.dirname(require.resolve('lodash/package.json'));
const write = (file, text) => { mkdirSync(path.dirname(file), { recursive: true }); writeFileSync(file, text); };

/** Renames identifiers (whole words) — the kind of change an assistant makes when it reproduces code. */
function rename(text, map) {
  return text.replace(/[A-Za-z_$][\w$]*/g, w => map[w] ?? w);
}

/** Plants `copy` between lines of unrelated own code; returns the text and the copy's 1-based lines. */
function plant(copy, before, after) {
  const head = before.join('\n') + '\n';
  const startLine = before.length + 1;
  const endLine = startLine + copy.split('\n').length - 1;
  return { text: head + copy + '\n' + after.join('\n') + '\n', startLine, endLine };
}

// --- upstream repositories -------------------------------------------------------------------------
const up = path.join(work, 'upstream', 'lodash');
mkdirSync(up, { recursive: true });
// the per-function modules only: the monolithic builds (lodash.js, core.js) hold the same functions again,
// and the tests want one original per planted copy
for (const f of readdirSync(lodashDir)) if (f.endsWith('.js') && !['lodash.js', 'core.js'].includes(f) && !f.endsWith('.min.js')) copyFileSync(path.join(lodashDir, f), path.join(up, f));
copyFileSync(path.join(lodashDir, 'package.json'), path.join(up, 'package.json'));
copyFileSync(path.join(lodashDir, 'LICENSE'), path.join(up, 'LICENSE'));

const pyLib = ['/usr/lib/python3.11', '/usr/lib/python3'].find(d => existsSync(path.join(d, 'heapq.py')));
if (!pyLib) throw new Error('fixtures: the Python standard library (heapq.py) is not on this machine');
const py = path.join(work, 'upstream', 'pystd');
mkdirSync(py, { recursive: true });
for (const f of ['heapq.py', 'bisect.py', 'textwrap.py', 'shlex.py', 'fnmatch.py']) copyFileSync(path.join(pyLib, f), path.join(py, f));

// --- the workspace ---------------------------------------------------------------------------------
const debounceSrc = readFileSync(path.join(lodashDir, 'debounce.js'), 'utf8').split('\n');
const fnStart = debounceSrc.findIndex(l => l.startsWith('function debounce('));
const fnEnd = debounceSrc.findIndex((l, i) => i > fnStart && l === '}');
const debounceFn = debounceSrc.slice(fnStart, fnEnd + 1).join('\n');
const renamedDebounce = rename(debounceFn, {
  debounce: 'rateLimit', func: 'callback', wait: 'delayMs', options: 'settings', lastArgs: 'pendingArgs',
  lastThis: 'pendingThis', maxWait: 'maxDelay', result: 'lastResult', timerId: 'handle', lastCallTime: 'calledAt',
  lastInvokeTime: 'invokedAt', leading: 'atStart', maxing: 'capped', trailing: 'atEnd', invokeFunc: 'fire',
  leadingEdge: 'onStart', remainingWait: 'timeLeft', shouldInvoke: 'due', timerExpired: 'onTimer',
  trailingEdge: 'onEnd', cancel: 'abort', flush: 'drain', debounced: 'limited', time: 'now',
});
const ownBefore = [
  "'use strict';",
  '// Small helpers for the settings screen (own code).',
  "const { EventEmitter } = require('events');",
  '',
  'function clamp(value, low, high) {',
  '  return Math.min(high, Math.max(low, value));',
  '}',
  '',
  "const DEFAULT_THEME = 'dark';",
  'const listeners = new EventEmitter();',
  "listeners.on('theme', (name) => console.log(`theme: ${name}`));",
  '',
];
const ownAfter = ['', 'module.exports = { clamp, rateLimit };'];
const planted = plant(renamedDebounce, ownBefore, ownAfter);
write(path.join(ws, 'src', 'settings.js'), planted.text);

// a second, verbatim copy for the scan (lodash's chunk.js body, own wrapper around it)
const chunk = readFileSync(path.join(lodashDir, 'chunk.js'), 'utf8').split('\n');
const cStart = chunk.findIndex(l => l.startsWith('function chunk('));
const cEnd = chunk.findIndex((l, i) => i > cStart && l === '}');
const chunkCopy = plant(chunk.slice(cStart, cEnd + 1).join('\n'), ['// paging helpers', "const baseSlice = (a, s, e) => a.slice(s, e);", 'const toInteger = Math.trunc;', 'const nativeCeil = Math.ceil;', ''], ['', 'module.exports = { chunk };']);
write(path.join(ws, 'src', 'paging.js'), chunkCopy.text);

// copies the workspace scan must skip: .gitignore'd, node_modules, files.exclude
write(path.join(ws, '.gitignore'), 'ignored-by-git/\n');
write(path.join(ws, 'ignored-by-git', 'copy.js'), planted.text);
write(path.join(ws, 'node_modules', 'dep', 'copy.js'), planted.text);
write(path.join(ws, 'excluded-by-setting', 'copy.js'), planted.text);

// own code without copies
write(path.join(ws, 'src', 'clean.js'), ownBefore.join('\n') + '\nmodule.exports = { clamp };\n');
write(path.join(ws, 'package.json'), JSON.stringify({ name: 'fixture-app', version: '1.0.0', license: 'MIT', private: true }, null, 2));

// the Python copy, found only after the suite indexes upstream/pystd through the command
const heapq = readFileSync(path.join(pyLib, 'heapq.py'), 'utf8').split('\n');
const hStart = heapq.findIndex(l => l.startsWith('def merge('));
let hEnd = hStart + 1;
while (hEnd < heapq.length && (heapq[hEnd] === '' || heapq[hEnd].startsWith(' '))) hEnd++;
while (heapq[hEnd - 1] === '') hEnd--;
const pyCopy = plant(rename(heapq.slice(hStart, hEnd).join('\n'), { merge: 'combine_sorted', iterables: 'sources', key: 'keyfunc', reverse: 'descending', h: 'heap', h_append: 'push_entry' }),
  ['"""Report merging (own code)."""', 'import sys', 'VERSION = "1.0"', ''], ['', '', 'def main():', '    print(list(combine_sorted([1, 3], [2, 4])))']);
write(path.join(ws, 'py', 'report.py'), pyCopy.text);

// many files, so a scan runs long enough to be cancelled halfway
const bulk = readdirSync(lodashDir).filter(f => f.endsWith('.js') && !f.endsWith('.min.js') && !f.startsWith('_')).sort().slice(0, 100);
mkdirSync(path.join(ws, 'bulk'), { recursive: true });
for (const f of bulk) copyFileSync(path.join(lodashDir, f), path.join(ws, 'bulk', f));

// hostile code for the report webview: HTML and a script break-out in the copied lines
const HOSTILE = '</script><script>document.body.dataset.pwned = 1</script><img src=x onerror="alert(1)"><b>bold</b>';
const [sig, ...body] = renamedDebounce.split('\n');
const hostile = plant([sig, `  // ${HOSTILE}`, ...body].join('\n'), ['// hostile'], ['']);
write(path.join(ws, 'hostile', 'evil.js'), hostile.text);

const index = path.join(work, 'index');
write(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({
  'memocheck.index.location': index,
  'memocheck.debounceMs': 150,
  'files.exclude': { '**/excluded-by-setting': true },
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
}, null, 2));

// the workspace is a git repository (review of staged changes, the pre-commit hook)
const git = (...args) => execFileSync('git', args, { cwd: ws, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: work } });
git('init', '-q', '-b', 'main');
git('config', 'user.email', 'dev@example.invalid');
git('config', 'user.name', 'Fixture Dev');
git('add', '-A');
git('commit', '-q', '-m', 'fixture');

// index lodash with the real CLI (the suite indexes pystd itself, through the extension's command)
execFileSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'index', up, '--index', index, '--name', 'lodash'], { stdio: ['ignore', 'ignore', 'pipe'] });

writeFileSync(path.join(work, 'fixture.json'), JSON.stringify({
  work, ws, index, upstream: { lodash: up, pystd: py },
  planted: { file: 'src/settings.js', startLine: planted.startLine, endLine: planted.endLine, source: 'debounce.js', sourceStartLine: fnStart + 1, sourceEndLine: fnEnd + 1 },
  chunk: { file: 'src/paging.js', startLine: chunkCopy.startLine, endLine: chunkCopy.endLine },
  python: { file: 'py/report.py', startLine: pyCopy.startLine, endLine: pyCopy.endLine },
  hostile: { file: 'hostile/evil.js' },
  bulk: { folder: 'bulk', files: bulk.length },
}, null, 2));
