// The `memocheck` command line (contract in DESIGN.md). Exit codes: 0 ok, 1 findings that block,
// 2 usage or input error (one line naming the problem), 130 interrupted.
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { LANGUAGES, type LanguageId } from '../core/types';
import { decodeHelperProblem } from '../index/file/decode-helper';
import { UserError } from '../index/store';
import { indexRepositories, openStore, Scanner, type IndexResult } from '../node/engine';
import { findingsJson, findingsText, skippedSummary } from './output';
import { FORMATS, render, type Format } from './reporters';
import { registerDb } from './db';
import { registerHook } from './hook';
import { progressLine } from './progress';
import { registerReview } from './review';
import { registerAccept } from './accept';
import { registerNotices } from './notices';

const VERSION = '0.1.0';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}
function fraction(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError('expected a number in (0, 1]');
  return n;
}
function indexOption(): Option {
  return new Option('--index <path>', 'index directory or postgres:// URL').env('MEMOCHECK_INDEX').makeOptionMandatory();
}

/** Aborts on Ctrl-C; a second Ctrl-C exits at once. */
function interruptSignal(): AbortSignal {
  const ac = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\ninterrupted: stopping (Ctrl-C again to quit at once)\n');
    ac.abort(new UserError('interrupted', 130));
    process.once('SIGINT', () => process.exit(130));
  });
  return ac.signal;
}

export function buildProgram(): Command {
  const program = new Command('memocheck')
    .description('Find code copied from licensed open-source repositories (verbatim, renamed or modified).')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();

  program.command('index')
    .description('fingerprint repositories (each <dir> is one repository) into the index')
    .argument('<dir...>', 'repository folders (git clones or plain folders)')
    .addOption(indexOption())
    .option('--name <name>', 'repository name (default: the folder name; only with one <dir>)')
    .option('--license <spdx>', 'SPDX licence expression of the repository (default: detected)')
    .option('--workers <n>', 'worker threads (default: one per core)', positiveInt)
    .option('--exclude <glob...>', 'more paths to leave out')
    .option('--json', 'print the result as JSON')
    .action(async (dirs: string[], o) => {
      if (o.name && dirs.length > 1) throw new UserError('--name applies to one repository; index the folders one at a time');
      const signal = interruptSignal();
      const store = await openStore(o.index);
      let results: IndexResult[] = [];
      try {
        // one progress line at a time: the next repository's fingerprinting starts while one is written
        let progress = progressLine(`indexing ${dirs[0]}`);
        let current = 0;
        results = await indexRepositories(store, dirs.map((dir) => ({ dir, name: o.name })), {
          license: o.license, workers: o.workers, exclude: o.exclude, signal,
          onProgress: (i, p) => {
            if (i === current) progress.update(p.done, p.total, p.phase === 'write' ? 'writing index' : p.file);
          },
          onIndexed: (i, r) => {
            progress.done();
            if (!o.json) {
              const { repo } = r;
              console.log(`${repo.name}: ${repo.files} files, ${repo.units} units, ${repo.tokens} tokens, licence ${repo.license}` +
                (repo.commit ? `, commit ${repo.commit.slice(0, 12)}` : '') +
                (r.reused ? `, ${r.reused} unchanged files reused` : ''));
              if (r.skipped.length) console.error(`  ${skippedSummary(r.skipped)}`);
              if (r.unknownLanguage) console.error(`  ${r.unknownLanguage} files of other languages ignored`);
              if (repo.files === 0) console.error(`  warning: no source files of the supported languages in ${dirs[i]}`);
            }
            current = i + 1;
            if (current < dirs.length) progress = progressLine(`indexing ${dirs[current]}`);
          },
        });
        progress.done();
      } finally {
        await store.close();
      }
      if (o.json) console.log(JSON.stringify(results, null, 2));
    });

  program.command('scan')
    .description('scan files or folders (or - for standard input) for copies of indexed code')
    .argument('<path...>', 'files or folders, or - to read standard input (with --language)')
    .addOption(indexOption())
    .addOption(new Option('--format <format>', 'output format').choices([...FORMATS]).default('text'))
    .option('--output <file>', 'write the report to a file instead of standard output')
    .option('--min-tokens <n>', 'smallest copy to report, in normalized tokens of the original; a modified copy matches at least 85% of them (default 50)', positiveInt)
    .option('--min-similarity <x>', 'lowest similarity to report, 0..1 (default 0.6; a modified finding needs at least 0.7)', fraction)
    .addOption(new Option('--language <lang>', 'language of standard input').choices([...LANGUAGES]))
    .option('--project-license <spdx>', 'licence of the scanned project, for verdicts (default: detected)')
    .option('--exclude <glob...>', 'paths to leave out')
    .option('--workers <n>', 'worker threads (default: one per core)', positiveInt)
    .option('--verbose', 'list every skipped file with its reason')
    .action(async (paths: string[], o) => {
      const signal = interruptSignal();
      const store = await openStore(o.index);
      let scanner: Scanner | undefined;
      try {
        scanner = await Scanner.open(store, { minTokens: o.minTokens, minSimilarity: o.minSimilarity });
        let findings, files = 0, skipped: { path: string; reason: string }[] = [], projectLicense = o.projectLicense ?? 'unknown';
        if (paths.length === 1 && paths[0] === '-') {
          if (!o.language) throw new UserError('scan -: reading standard input needs --language (one of ' + LANGUAGES.join(', ') + ')');
          const text = readFileSync(0, 'utf8');
          const { verdictFor } = await import('../node/licensing');
          findings = (await scanner.scanText(text, o.language as LanguageId, '<stdin>', signal))
            .map((m) => ({ ...m, file: '<stdin>', verdict: verdictFor(o.projectLicense, m.source.license) }));
          files = 1;
        } else {
          if (paths.includes('-')) throw new UserError('scan: - (standard input) cannot be combined with other paths');
          const progress = progressLine('scanning');
          const r = await scanner.scanPaths(paths, {
            signal, exclude: o.exclude, workers: o.workers, projectLicense: o.projectLicense,
            onProgress: (d, t, f) => progress.update(d, t, f),
          });
          progress.done();
          ({ findings, files, skipped, projectLicense } = r);
        }
        const emit = (text: string) => {
          if (o.output) writeFileSync(o.output, text.endsWith('\n') ? text : text + '\n');
          else console.log(text);
        };
        if (o.format === 'json') emit(findingsJson(findings, { files, skipped }));
        else if (o.format !== 'text') emit(render(o.format as Format, { findings, accepted: 0, projectLicense, files, skipped }));
        if (o.format !== 'text') {
          if (o.output) console.error(`${findings.length} finding(s); report written to ${o.output}`);
        } else {
          if (findings.length) emit(findingsText(findings));
          console.error(`${findings.length} finding${findings.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}` +
            (skipped.length ? `; ${skippedSummary(skipped)}` : ''));
          if (o.verbose) for (const s of skipped) console.error(`  skipped ${s.path}: ${s.reason}`);
          if (files === 0) console.error('warning: no source files of the supported languages were found');
        }
        process.exitCode = findings.some((f) => f.verdict === 'block') ? 1 : 0;
      } finally {
        await scanner?.close();
        await store.close();
      }
    });

  program.command('index-info')
    .description('show what the index holds: repositories, units, size, format version')
    .addOption(indexOption())
    .option('--json', 'print as JSON')
    .action(async (o) => {
      const store = await openStore(o.index);
      try {
        const info = await store.info();
        if (o.json) { console.log(JSON.stringify(info, null, 2)); return; }
        console.log(`index ${info.location} (format ${info.formatVersion}): ${info.repos.length} repositories, ` +
          `${info.files} files, ${info.units} units, ${(info.bytes / 1048576).toFixed(1)} MiB`);
        for (const r of info.repos) {
          console.log(`  ${r.name}  ${r.license}  ${r.files} files  ${r.units} units` +
            (r.commit ? `  ${r.commit.slice(0, 12)}` : '') + (r.url ? `  ${r.url}` : '') + (r.root ? `  ${r.root}` : ''));
        }
      } finally {
        await store.close();
      }
    });

  program.command('remove')
    .description('remove a repository from the index')
    .argument('<name>', 'repository name (see index-info)')
    .addOption(indexOption())
    .action(async (name: string, o) => {
      const store = await openStore(o.index);
      try {
        if (!(await store.removeRepo(name))) throw new UserError(`${name}: no such repository in ${store.location}`);
        console.log(`removed ${name}`);
      } finally {
        await store.close();
      }
    });

  // Commands contributed by other modules register here.
  registerReview(program);
  registerDb(program);
  registerAccept(program);
  registerNotices(program);
  registerHook(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    return failure(e);
  } finally {
    // (the findings are right without the helper; the user learns why checks were slow)
    const problem = decodeHelperProblem();
    if (problem) console.error(`memocheck: warning: ${problem}; checks ran without it, more slowly`);
  }
}

/** The exit code of a failed command, its one-line message printed. */
function failure(e: unknown): number {
  if (e instanceof CommanderError) {
    // help and version exit 0; usage errors were already printed by commander
    return e.exitCode === 0 ? 0 : 2;
  }
  const err = e as Error & { exitCode?: number };
  const cause = err instanceof UserError ? err : (err.name === 'AbortError' && err.cause instanceof UserError ? err.cause : undefined);
  if (cause) {
    console.error(`memocheck: ${cause.message}`);
    return cause.exitCode;
  }
  if (err instanceof UserError || err.name === 'UserError') {
    console.error(`memocheck: ${err.message}`);
    return err.exitCode ?? 2;
  }
  console.error(`memocheck: internal error: ${err.message}`);
  if (process.env.MEMOCHECK_DEBUG) console.error(err.stack);
  return 2;
}

/** Exits once everything written to stdout/stderr has been flushed (pipes are asynchronous in Node). */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

if (require.main === module) {
  main(process.argv).then(exitAfterFlush);
}
