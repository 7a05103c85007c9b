// Real git repositories and real licensed code for the review tests: GNU bc (GPL, Debian source package),
// lodash (MIT, pinned devDependency). Copies are generated at test time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, ROOT, tmpDir } from '../../helpers/cli';

/** Git with no user or system configuration, so the machine's settings cannot change the outcome. */
export function gitEnv(home: string): NodeJS.ProcessEnv {
  const global = path.join(home, 'gitconfig');
  if (!existsSync(global)) writeFileSync(global, '');
  return {
    GIT_CONFIG_GLOBAL: global, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z', MEMOCHECK_INDEX: undefined,
  };
}

export interface Run { code: number; stdout: string; stderr: string; out: string }

export function git(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Run {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, out: r.stdout + r.stderr };
}

export function gitOk(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): string {
  const r = git(cwd, env, ...args);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.out}`);
  return r.stdout.trim();
}

export function memocheck(cwd: string, env: NodeJS.ProcessEnv, ...args: string[]): Run {
  const r = cli(args, { cwd, env });
  return { ...r, out: r.stdout + r.stderr };
}

/** A new repository of an MIT project with one commit. */
export function mitProject(dir: string, env: NodeJS.ProcessEnv): string {
  mkdirSync(dir, { recursive: true });
  gitOk(dir, env, 'init', '-q', '-b', 'main');
  gitOk(dir, env, 'config', 'user.name', 'Test User');
  gitOk(dir, env, 'config', 'user.email', 'test@example.com');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'my-app', version: '1.0.0', license: 'MIT' }, null, 2) + '\n');
  writeFileSync(path.join(dir, 'app.js'), ownCode('app'));
  gitOk(dir, env, 'add', '.');
  gitOk(dir, env, 'commit', '-q', '-m', 'initial');
  return dir;
}

/** Code of our own (not in any index). */
export function ownCode(prefix: string, n = 12): string {
  return Array.from({ length: n }, (_, i) => `export const ${prefix}${i} = { path: '/${prefix}/${i}', title: '${prefix} ${i}' };`).join('\n') + '\n';
}

/**
 * GNU bc's source tree (GPL-3.0-or-later; lib/number.c is GPL-2.0-or-later in debian/copyright). Reuses the
 * quick start's or the benchmark corpus's copy, else fetches the Debian source package with apt-get source.
 */
export function bcSource(): string {
  for (const d of [path.join(ROOT, '.cache', 'demo', 'bc'), path.join(ROOT, '.cache', 'corpus', 'src', 'bc')]) {
    if (existsSync(path.join(d, 'lib', 'number.c'))) return d;
  }
  const demo = path.join(ROOT, '.cache', 'demo');
  const work = path.join(demo, 'bc-src');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const r = spawnSync('apt-get', ['source', '-qq', 'bc'], { cwd: work, encoding: 'utf8' });
  const dir = readdirSync(work).find((n) => /^bc-\d/.test(n));
  if (r.status !== 0 || !dir) {
    throw new Error(`cannot fetch Debian's bc source (apt-get source bc: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}); run npm run quickstart or bench/corpus/fetch.sh first`);
  }
  renameSync(path.join(work, dir), path.join(demo, 'bc'));
  rmSync(work, { recursive: true, force: true });
  return path.join(demo, 'bc');
}

/** An index of bc and lodash, built once per test file. */
export function buildIndex(work: string, lodash: string): { index: string; bc: string } {
  const index = path.join(work, 'idx');
  const bc = bcSource();
  for (const dir of [bc, lodash]) {
    const r = cli(['index', dir, '--index', index, '--workers', '1']);
    if (r.code !== 0) throw new Error(`indexing ${dir} failed: ${r.stderr}`);
  }
  return { index, bc };
}

export { tmpDir };
