// `memocheck review --staged | --range A..B`: only lines the change adds produce findings, but each file is
// fingerprinted whole (a copy that spans old and new lines is still found). Exit 1 when a finding blocks.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import ignore from 'ignore';
import { ACCEPTED_FILE, acceptedFingerprints, CONFIG_FILE, parseAccepted, parseConfig, verdictFor, type MemocheckConfig } from '../core/policy';
import type { Finding, MatchOptions } from '../core/types';
import { UserError } from '../index/store';
import { languageForPath, openStore, ParseFailure, Scanner } from '../node/engine';
import { changedFiles, newContent, parseRange, repoRoot, type ReviewTarget } from '../node/git';
import { detectRepoLicense } from '../node/license';
import { FORMATS, render, type Excerpt, type Format, type ReviewReport } from './reporters';

export interface ReviewOptions {
  cwd: string;
  index: string;
  target: ReviewTarget;
  signal?: AbortSignal;
  /** keep accepted findings in the result (for `memocheck accept`, which looks a fingerprint up) */
  keepAccepted?: boolean;
}

const MAX_EXCERPT_LINES = 200;

function lines(text: string, start: number, end: number): string {
  const all = text.split(/\r?\n/);
  const last = Math.min(end, start + MAX_EXCERPT_LINES - 1);
  return all.slice(start - 1, last).join('\n') + (last < end ? '\n…' : '');
}

function originalLines(localPath: string | undefined, start: number, end: number): string | undefined {
  if (!localPath) return undefined;
  try {
    return lines(readFileSync(localPath, 'utf8'), start, end);
  } catch {
    return undefined; // the indexed folder moved or is on another machine
  }
}

export function loadConfig(root: string): MemocheckConfig {
  const file = path.join(root, CONFIG_FILE);
  if (!existsSync(file)) return {};
  try {
    return parseConfig(readFileSync(file, 'utf8'), file);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}

export function loadAccepted(root: string, config: MemocheckConfig): Set<string> {
  const file = path.join(root, config.acceptedFile ?? ACCEPTED_FILE);
  if (!existsSync(file)) return new Set();
  try {
    return acceptedFingerprints(parseAccepted(readFileSync(file, 'utf8'), file));
  } catch (e) {
    throw new UserError((e as Error).message);
  }
}

export async function review(opts: ReviewOptions): Promise<ReviewReport> {
  const root = await repoRoot(opts.cwd);
  const config = loadConfig(root);
  const accepted = loadAccepted(root, config);
  const projectLicense = config.projectLicense ?? (await detectRepoLicense(root)).license;
  const ignored = ignore().add([...(config.ignorePaths ?? [])]);
  const ignoredRepos = new Set(config.ignoreRepos ?? []);
  const files = (await changedFiles(root, opts.target)).filter((f) => languageForPath(f.path) && !ignored.ignores(f.path));
  const matchOpts: Partial<MatchOptions> = {
    ...(config.minTokens !== undefined ? { minTokens: config.minTokens } : {}),
    ...(config.minSimilarity !== undefined ? { minSimilarity: config.minSimilarity } : {}),
  };
  const store = await openStore(opts.index);
  const findings: Finding[] = [];
  const excerpts: Excerpt[] = [];
  const skipped: { path: string; reason: string }[] = [];
  let acceptedCount = 0;
  try {
    const scanner = await Scanner.open(store, matchOpts);
    try {
      for (const f of files) {
        opts.signal?.throwIfAborted();
        const text = await newContent(root, opts.target, f.path);
        let matches;
        try {
          matches = await scanner.scanText(text, languageForPath(f.path)!, f.path, opts.signal);
        } catch (e) {
          // a file that does not parse is reported, not fatal: the rest of the commit is still reviewed
          if ((e as Error).name !== 'ParseFailure' && !(e instanceof ParseFailure)) throw e;
          skipped.push({ path: f.path, reason: (e as Error).message });
          continue;
        }
        for (const m of matches) {
          let touchesAdded = false;
          for (let line = m.startLine; line <= m.endLine && !touchesAdded; line++) touchesAdded = f.added.has(line);
          if (!touchesAdded || ignoredRepos.has(m.source.repo)) continue;
          if (accepted.has(m.fingerprint)) {
            acceptedCount++;
            if (!opts.keepAccepted) continue;
          }
          findings.push({ ...m, file: f.path, verdict: verdictFor(projectLicense, m.source.license, config) });
          excerpts.push({ copy: lines(text, m.startLine, m.endLine), original: originalLines(m.source.localPath, m.source.startLine, m.source.endLine) });
        }
      }
    } finally {
      await scanner.close();
    }
  } finally {
    await store.close();
  }
  return { findings, accepted: acceptedCount, projectLicense, files: files.length, skipped, excerpts };
}

export function registerReview(program: Command): void {
  program.command('review')
    .description('check what a commit (--staged) or a branch (--range A..B) adds against the index and the licence policy')
    .option('--staged', 'review the staged changes (what the next commit adds)')
    .option('--range <A..B>', 'review what commits A..B add (CI, pull requests)')
    .addOption(new Option('--index <path>', 'index directory or postgres:// URL').env('MEMOCHECK_INDEX').makeOptionMandatory())
    .addOption(new Option('--format <format>', 'output format').choices([...FORMATS]).default('text'))
    .option('--output <file>', 'write the report to a file instead of standard output')
    .action(async (o: { staged?: boolean; range?: string; index: string; format: Format; output?: string }) => {
      if (!!o.staged === !!o.range) throw new UserError('review: give exactly one of --staged or --range A..B');
      const target: ReviewTarget = o.staged ? { kind: 'staged' } : parseRange(o.range!);
      const report = await review({ cwd: process.cwd(), index: o.index, target });
      const out = render(o.format, report);
      if (o.output) {
        writeFileSync(o.output, out.endsWith('\n') ? out : out + '\n');
        const blocked = report.findings.filter((f) => f.verdict === 'block').length;
        console.error(`memocheck review: ${report.findings.length} finding(s), ${blocked} blocking; report written to ${o.output}`);
      } else console.log(out);
      for (const s of report.skipped ?? []) console.error(`memocheck review: skipped ${s.path}: ${s.reason}`);
      process.exitCode = report.findings.some((f) => f.verdict === 'block') ? 1 : 0;
    });
}
