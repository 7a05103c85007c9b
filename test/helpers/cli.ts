// Runs the built CLI (dist/cli.js) as a real process.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export function requireBuild(): void {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
}

export interface RunResult { code: number; stdout: string; stderr: string }

export function cli(args: string[], opts: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}): RunResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    input: opts.input ?? '', cwd: opts.cwd ?? ROOT, encoding: 'utf8', env: { ...process.env, ...opts.env }, maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function cliAsync(args: string[]) {
  return spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function tmpDir(prefix = 'memocheck-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The Python standard library of this machine (real PSF-licensed code). */
export function pythonStdlib(): string {
  const r = spawnSync('python3', ['-c', 'import sysconfig;print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' });
  const dir = r.stdout.trim();
  if (!dir || !existsSync(dir)) throw new Error('cannot locate the Python standard library (python3 is required)');
  return dir;
}

/** A package directory in node_modules (pinned devDependency). */
export function nodeModule(name: string): string {
  const dir = path.join(ROOT, 'node_modules', name);
  if (!existsSync(dir)) throw new Error(`node_modules/${name} is missing: run npm ci`);
  return dir;
}
