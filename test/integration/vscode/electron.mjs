// The same suite under @vscode/test-electron (downloads VS Code; for machines with internet access):
//   npm run build && node test/integration/vscode/build.mjs && node test/integration/vscode/electron.mjs [--version 1.90.0]
// Offline, use .ci/run-integration.sh (code-server's VS Code, no download).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const i = process.argv.indexOf('--version');
const version = i > 0 ? process.argv[i + 1] : 'stable';
const work = mkdtempSync(path.join(os.tmpdir(), 'memocheck-electron-'));
try {
  execFileSync(process.execPath, [path.join(here, 'fixtures.mjs'), work], { stdio: 'inherit' });
  writeFileSync(path.join(work, 'suites'), 'all');
  await runTests({
    version,
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out', 'test-vscode', 'index.js'),
    launchArgs: [path.join(work, 'ws'), '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${path.join(work, 'ud')}`],
  });
} catch (e) {
  console.error(`test-electron: ${e instanceof Error ? e.message : e}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
