// Prepares the extension benchmark's large index once (cached in .cache/bench-extension/index, git-ignored):
// every repository of the real-code corpus (bash bench/corpus/fetch.sh) indexed with the real CLI, then
// indexed again under other names until the index holds at least --units units (default 1,000,000).
// Usage: node bench/extension/prepare.mjs [--units N]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? process.argv[i + 1] : d; };
const target = Number(arg('units', '1000000'));
const index = path.join(root, '.cache', 'bench-extension', 'index');
const corpus = path.join(root, '.cache', 'corpus', 'src');
const cli = path.join(root, 'dist', 'cli.js');
if (!existsSync(corpus)) { console.error(`prepare: no corpus in ${corpus}; run bash bench/corpus/fetch.sh first`); process.exit(2); }
mkdirSync(path.dirname(index), { recursive: true });

const info = () => {
  if (!existsSync(path.join(index, 'MANIFEST'))) return { units: 0, repos: [] };
  const r = JSON.parse(execFileSync(process.execPath, [cli, 'index-info', '--index', index, '--json'], { encoding: 'utf8' }));
  return { units: r.units, repos: r.repos.map(x => x.name) };
};
const dirs = readdirSync(corpus).map(d => path.join(corpus, d)).filter(d => statSync(d).isDirectory()).sort();
let { units, repos } = info();
for (let round = 0; units < target; round++) {
  const todo = dirs.filter(d => !repos.includes(round ? `${path.basename(d)}~${round}` : path.basename(d)));
  if (todo.length) {
    for (const d of todo) {
      const name = round ? `${path.basename(d)}~${round}` : path.basename(d);
      execFileSync(process.execPath, [cli, 'index', d, '--index', index, '--name', name], { stdio: ['ignore', 'ignore', 'inherit'] });
      ({ units, repos } = info());
      process.stdout.write(`\rprepare: ${repos.length} repositories, ${units} units `);
      if (units >= target) break;
    }
  }
}
console.log(`\nprepare: index ${index}: ${repos.length} repositories, ${units} units`);
