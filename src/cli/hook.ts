// `memocheck hook install | uninstall`: a pre-commit hook that runs `memocheck review --staged`. An existing
// hook is kept and chained (moved to pre-commit.memocheck-previous and run first); installing twice changes
// nothing; uninstall restores the previous hook. Honours core.hooksPath via `git rev-parse --git-path hooks`.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { hooksDir } from '../node/git';

const BEGIN = '# >>> memocheck pre-commit >>>';
const PREVIOUS = 'pre-commit.memocheck-previous';

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** How the hook calls memocheck: this very CLI when run from a file, else `memocheck` on PATH. */
export function defaultCommand(): string {
  const script = process.argv[1];
  return script && /\.(c?js|mjs)$/.test(script) ? `${shellQuote(process.execPath)} ${shellQuote(path.resolve(script))}` : 'memocheck';
}

function hookScript(command: string, index: string | undefined): string {
  return [
    '#!/bin/sh',
    BEGIN,
    '# Installed by `memocheck hook install`; `memocheck hook uninstall` restores the previous hook.',
    `hook_dir=$(dirname "$0")`,
    `if [ -x "$hook_dir/${PREVIOUS}" ]; then "$hook_dir/${PREVIOUS}" "$@" || exit $?; fi`,
    index ? `MEMOCHECK_INDEX=\${MEMOCHECK_INDEX:-${shellQuote(index)}}; export MEMOCHECK_INDEX` : '',
    `${command} review --staged`,
    '',
  ].filter((l) => l !== '').join('\n') + '\n';
}

export async function installHook(cwd: string, opts: { command?: string; index?: string } = {}): Promise<{ hook: string; changed: boolean; chained: boolean }> {
  const dir = await hooksDir(cwd);
  mkdirSync(dir, { recursive: true });
  const hook = path.join(dir, 'pre-commit');
  const script = hookScript(opts.command ?? defaultCommand(), opts.index);
  if (existsSync(hook)) {
    const current = readFileSync(hook, 'utf8');
    if (current.includes(BEGIN)) {
      if (current === script) return { hook, changed: false, chained: existsSync(path.join(dir, PREVIOUS)) };
      writeFileSync(hook, script, { mode: 0o755 });
      return { hook, changed: true, chained: existsSync(path.join(dir, PREVIOUS)) };
    }
    renameSync(hook, path.join(dir, PREVIOUS));
  }
  writeFileSync(hook, script, { mode: 0o755 });
  chmodSync(hook, 0o755);
  return { hook, changed: true, chained: existsSync(path.join(dir, PREVIOUS)) };
}

export async function uninstallHook(cwd: string): Promise<{ hook: string; changed: boolean }> {
  const dir = await hooksDir(cwd);
  const hook = path.join(dir, 'pre-commit');
  if (!existsSync(hook) || !readFileSync(hook, 'utf8').includes(BEGIN)) return { hook, changed: false };
  rmSync(hook);
  const previous = path.join(dir, PREVIOUS);
  if (existsSync(previous)) renameSync(previous, hook);
  return { hook, changed: true };
}

export function registerHook(program: Command): void {
  const hook = program.command('hook').description('install or remove the git pre-commit hook that runs `memocheck review --staged`');
  hook.command('install')
    .option('--index <path>', 'index the hook uses when MEMOCHECK_INDEX is not set')
    .option('--command <cmd>', 'how the hook runs memocheck (default: this CLI)')
    .action(async (o: { index?: string; command?: string }) => {
      const r = await installHook(process.cwd(), { ...(o.index ? { index: path.resolve(o.index) } : {}), ...(o.command ? { command: o.command } : {}) });
      console.log(r.changed ? `installed ${r.hook}${r.chained ? ' (chained to the previous hook)' : ''}` : `already installed: ${r.hook}`);
    });
  hook.command('uninstall').action(async () => {
    const r = await uninstallHook(process.cwd());
    console.log(r.changed ? `removed the memocheck hook from ${r.hook}` : `no memocheck hook in ${r.hook}`);
  });
}
