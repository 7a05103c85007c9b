// Quick-start demo: index real licensed code, plant copies in a workspace, scan, print the findings.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { extractFunction, renamed } from '../test/helpers/copies';
import { CLI, nodeModule, pythonStdlib } from '../test/helpers/cli';

const demo = path.resolve(process.argv[2] ?? '.cache/demo');
const index = path.join(demo, 'index');
const ws = path.join(demo, 'workspace');

function run(args: string[], show = true): number {
  if (show) console.log(`\n$ memocheck ${args.map((a) => (a.includes(' ') ? JSON.stringify(a) : path.relative(process.cwd(), a) || a)).join(' ')}`);
  const r = spawnSync(process.execPath, [CLI, ...args], { stdio: 'inherit' });
  return r.status ?? 2;
}

(async () => {
  rmSync(index, { recursive: true, force: true });
  rmSync(ws, { recursive: true, force: true });
  mkdirSync(ws, { recursive: true });
  const lodash = nodeModule('lodash');
  const pyjson = path.join(demo, 'cpython-json');
  if (!existsSync(pyjson)) cpSync(path.join(pythonStdlib(), 'json'), pyjson, { recursive: true });
  const bc = path.join(demo, 'bc');

  if (run(['index', lodash, '--index', index])) process.exit(2);
  if (run(['index', pyjson, '--index', index, '--license', 'PSF-2.0'])) process.exit(2);
  if (existsSync(bc) && run(['index', bc, '--index', index])) process.exit(2);

  // the user's project (MIT) with an AI-written module containing planted copies
  writeFileSync(path.join(ws, 'package.json'), JSON.stringify({ name: 'my-app', version: '1.0.0', license: 'MIT' }, null, 2));
  const host = Array.from({ length: 12 }, (_, i) => `export const route${i} = { path: '/page/${i}', title: 'Page ${i}' };`).join('\n');
  const uniq = await extractFunction(readFileSync(path.join(lodash, '_baseUniq.js'), 'utf8'), 'javascript', 'baseUniq');
  writeFileSync(path.join(ws, 'utils.js'), host + '\n\n' + (await renamed(uniq.text, 'javascript')) + '\n');
  const scan = await extractFunction(readFileSync(path.join(pyjson, 'decoder.py'), 'utf8'), 'python', 'py_scanstring');
  writeFileSync(path.join(ws, 'parse.py'), 'import re\n\n\n' + (await renamed(scan.text, 'python')) + '\n');
  if (existsSync(bc)) {
    const numberC = path.join(bc, 'lib', 'number.c');
    if (existsSync(numberC)) {
      const fn = await extractFunction(readFileSync(numberC, 'utf8'), 'c', 'bc_sub');
      writeFileSync(path.join(ws, 'power.c'), '#include <stdio.h>\n\n' + fn.text + '\n');
    }
  }
  writeFileSync(path.join(ws, 'clean.js'), host.replace(/route/g, 'menu'));

  const code = run(['scan', ws, '--index', index]);
  console.log(code === 1
    ? '\nexit code 1: a finding blocks (copyleft code in an MIT project), as planted. Try --format json, or memocheck index-info.'
    : `\nexit code ${code}`);
  run(['index-info', '--index', index]);
  process.exit(code === 1 || code === 0 ? 0 : code);
})().catch((e) => { console.error(e); process.exit(2); });
