// Lists the source files of a folder: git's own view (tracked + untracked-not-ignored) when it is a git
// work tree, otherwise a glob walk honouring the root .gitignore. Dot-folders and node_modules-like
// folders are skipped by default.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import fg from 'fast-glob';
import ignore from 'ignore';

const run = promisify(execFile);

export const DEFAULT_EXCLUDES = ['**/node_modules/**', '**/.git/**', '**/bower_components/**', '**/.pc/**'];

export interface WalkOptions {
  /** extra glob patterns to leave out (relative to the folder) */
  exclude?: readonly string[];
  /** use git ls-files when the folder is a git work tree (default true) */
  useGit?: boolean;
}

/** Repository-relative paths with '/' separators, sorted. */
export async function listFiles(dir: string, opts: WalkOptions = {}): Promise<string[]> {
  const ig = ignore().add([...DEFAULT_EXCLUDES.map((p) => p.replace(/^\*\*\//, '').replace(/\/\*\*$/, '/')), ...(opts.exclude ?? [])]);
  let files: string[] | undefined;
  if (opts.useGit !== false && existsSync(path.join(dir, '.git'))) {
    try {
      const { stdout } = await run('git', ['-C', dir, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { maxBuffer: 256 * 1024 * 1024 });
      files = stdout.split('\0').filter(Boolean);
    } catch {
      files = undefined; // not a usable git checkout: fall back to the glob walk
    }
  }
  if (!files) {
    const gi = path.join(dir, '.gitignore');
    if (existsSync(gi)) ig.add(readFileSync(gi, 'utf8'));
    files = await fg('**/*', { cwd: dir, dot: false, onlyFiles: true, followSymbolicLinks: false, ignore: [...DEFAULT_EXCLUDES], suppressErrors: true });
  }
  return files.filter((f) => !ig.ignores(f)).sort();
}

export interface RepoProvenance { url?: string; commit?: string }

/** Remote URL (credentials stripped) and HEAD commit of a git checkout; empty for a plain folder. */
export async function gitProvenance(dir: string): Promise<RepoProvenance> {
  if (!existsSync(path.join(dir, '.git'))) return {};
  const out: RepoProvenance = {};
  try {
    out.commit = (await run('git', ['-C', dir, 'rev-parse', 'HEAD'])).stdout.trim() || undefined;
  } catch { /* no commits yet */ }
  try {
    const url = (await run('git', ['-C', dir, 'remote', 'get-url', 'origin'])).stdout.trim();
    if (url) out.url = url.replace(/\/\/[^/@]+@/, '//');
  } catch { /* no origin */ }
  return out;
}
