// Collects the files a workspace scan checks: source files by extension, minus `files.exclude`, the
// extension's own `memocheck.exclude` (node_modules-like folders by default) and every .gitignore.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import * as vscode from 'vscode';
import { SOURCE_EXTENSIONS } from './languages';

export function excludeGlob(folder: vscode.WorkspaceFolder | undefined, own: readonly string[]): string | undefined {
  const filesExclude = vscode.workspace.getConfiguration('files', folder?.uri).get<Record<string, boolean>>('exclude') ?? {};
  const globs = [...Object.entries(filesExclude).filter(([, on]) => on === true).map(([g]) => g), ...own].flatMap(expandBraces);
  if (globs.length === 0) return undefined;
  // brace groups cannot nest in VS Code globs, hence the expansion above
  return `{${[...new Set(globs)].join(',')}}`;
}

/** The .gitignore rules of a folder tree, each applied relative to its own directory. */
async function gitignores(folder: vscode.WorkspaceFolder, exclude: string | undefined, token?: vscode.CancellationToken): Promise<{ dir: string; ig: Ignore }[]> {
  const files = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/.gitignore'), exclude, undefined, token);
  const out: { dir: string; ig: Ignore }[] = [];
  for (const f of files) {
    try {
      out.push({ dir: path.dirname(f.fsPath), ig: ignore().add(await fs.readFile(f.fsPath, 'utf8')) });
    } catch {
      // unreadable .gitignore: nothing to apply
    }
  }
  return out;
}

function ignoredBy(rules: { dir: string; ig: Ignore }[], file: string): boolean {
  for (const r of rules) {
    const rel = path.relative(r.dir, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    if (r.ig.ignores(rel.split(path.sep).join('/'))) return true;
  }
  return false;
}

/** Files to scan under `scope` (a folder or file URI) or, without one, in every workspace folder. */
export async function collectFiles(own: readonly string[], scope?: vscode.Uri, token?: vscode.CancellationToken): Promise<string[]> {
  const pattern = `**/*.{${SOURCE_EXTENSIONS.join(',')}}`;
  const out: string[] = [];
  const folders = scope
    ? [vscode.workspace.getWorkspaceFolder(scope)].filter((f): f is vscode.WorkspaceFolder => !!f)
    : [...(vscode.workspace.workspaceFolders ?? [])];
  if (scope && folders.length === 0) {
    // a folder outside the workspace: no files.exclude applies, only our own excludes
    folders.push({ uri: scope, name: path.basename(scope.fsPath), index: -1 });
  }
  for (const folder of folders) {
    if (folder.uri.scheme !== 'file') continue;
    const exclude = excludeGlob(folder, own);
    const base = scope && (await isDirectory(scope)) ? scope : folder.uri;
    if (scope && !(await isDirectory(scope))) {
      out.push(scope.fsPath);
      continue;
    }
    const found = await vscode.workspace.findFiles(new vscode.RelativePattern(base, pattern), exclude ?? null, undefined, token);
    const rules = await gitignores(folder, exclude, token);
    for (const f of found) if (!ignoredBy(rules, f.fsPath)) out.push(f.fsPath);
  }
  return [...new Set(out)].sort();
}

async function isDirectory(uri: vscode.Uri): Promise<boolean> {
  try {
    return (await vscode.workspace.fs.stat(uri)).type === vscode.FileType.Directory;
  } catch {
    return false;
  }
}

/** `a/{b,c}/d` -> [`a/b/d`, `a/c/d`] (one level), so patterns can be joined into one brace group. */
export function expandBraces(glob: string): string[] {
  const m = /\{([^{}]*)\}/.exec(glob);
  if (!m) return [glob];
  return m[1]!.split(',').flatMap(alt => expandBraces(glob.slice(0, m.index) + alt + glob.slice(m.index + m[0].length)));
}
