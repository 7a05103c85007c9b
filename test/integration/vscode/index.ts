// extensionTestsPath entry: the @vscode/test-electron contract (export run(): Promise<void>), so the same
// suite runs offline in code-server's extension host (.ci/run-integration.sh) and under test-electron.
// Which suites run comes from <workspace>/../suites ("all" or a comma list), written by the runner.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 60000, color: false, reporter: 'spec' });
  const ws = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const file = ws ? path.join(ws, '..', 'suites') : '';
  const wanted = file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : 'all';
  const available = fs.readdirSync(__dirname).filter(f => f.endsWith('.test.js')).map(f => f.slice(0, -'.test.js'.length));
  const suites = wanted === 'all' ? available.filter(s => s !== 'vsix').sort() : wanted.split(',');
  for (const s of suites) {
    if (!available.includes(s)) return Promise.reject(new Error(`unknown suite ${s} (have ${available.join(', ')})`));
    mocha.addFile(path.join(__dirname, `${s}.test.js`));
  }
  return new Promise((resolve, reject) => {
    try {
      mocha.run(failures => (failures > 0 ? reject(new Error(`${failures} tests failed.`)) : resolve()));
    } catch (err) {
      reject(err);
    }
  });
}
