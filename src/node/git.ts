// Git plumbing for the review: which files a commit (or a range) adds, their new contents, and the added
// line numbers. Runs the real `git`; paths are repository-relative with '/'.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { UserError } from '../index/store';

const run = promisify(execFile);

export async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    const first = (err.stderr ?? err.message).trim().split('\n')[0];
    throw new UserError(`git ${args[0]}: ${first}`);
  }
}

export async function repoRoot(cwd: string): Promise<string> {
  return (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
}

/** The folder git runs hooks from (honours core.hooksPath), absolute. */
export async function hooksDir(cwd: string): Promise<string> {
  const p = (await git(cwd, ['rev-parse', '--path-format=absolute', '--git-path', 'hooks'])).trim();
  return p;
}

export interface ChangedFile {
  path: string;
  /** 1-based line numbers added by the change */
  added: Set<number>;
}

/** What is reviewed: the index (`staged`) against HEAD, or `from..to`. */
export type ReviewTarget = { kind: 'staged' } | { kind: 'range'; from: string; to: string };

export function parseRange(range: string): ReviewTarget {
  const m = /^([^.\s]+)\.\.\.?([^.\s]+)$/.exec(range);
  if (!m) throw new UserError(`--range ${range}: expected A..B`);
  return { kind: 'range', from: m[1], to: m[2] };
}

/** Parses `git diff -U0` output into added line numbers per new path. */
export function addedLines(diff: string): ChangedFile[] {
  const out: ChangedFile[] = [];
  let current: ChangedFile | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const p = line.slice(4);
      current = p === '/dev/null' ? undefined : { path: p.replace(/^b\//, ''), added: new Set() };
      if (current) out.push(current);
      continue;
    }
    const h = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (h && current) {
      const start = Number(h[1]);
      const count = h[2] === undefined ? 1 : Number(h[2]);
      for (let i = 0; i < count; i++) current.added.add(start + i);
    }
  }
  return out.filter((f) => f.added.size > 0);
}

export async function changedFiles(root: string, target: ReviewTarget): Promise<ChangedFile[]> {
  const args = target.kind === 'staged'
    ? ['diff', '--cached', '-U0', '--no-color', '--no-ext-diff', '--diff-filter=AMRC', '-M']
    : ['diff', '-U0', '--no-color', '--no-ext-diff', '--diff-filter=AMRC', '-M', target.from, target.to];
  return addedLines(await git(root, args));
}

/** The new content of a changed file: the staged blob or the file at the range's end. */
export async function newContent(root: string, target: ReviewTarget, file: string): Promise<string> {
  return git(root, ['show', target.kind === 'staged' ? `:${file}` : `${target.to}:${file}`]);
}

export async function userName(root: string): Promise<string> {
  try {
    const name = (await git(root, ['config', 'user.name'])).trim();
    const email = (await git(root, ['config', 'user.email'])).trim();
    return email ? `${name} <${email}>` : name || 'unknown';
  } catch {
    return 'unknown';
  }
}
