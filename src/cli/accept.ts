// `memocheck accept <fingerprint> --reason "..."`: records a justified acceptance in the committed accepted
// file (.memocheck-accepted.json), keyed by the finding's fingerprint, with author (git config) and date.
// With an index, the fingerprint is looked up among the findings of the staged changes (or --range) so the
// record names the file, the original, its licence and copyright lines (`memocheck notices` uses them).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { copyrightLines } from '../core/license';
import { ACCEPTED_FILE, acceptanceRecord, parseAccepted, type Acceptance } from '../core/policy';
import type { Finding } from '../core/types';
import { UserError } from '../index/store';
import { parseRange, repoRoot, userName, type ReviewTarget } from '../node/git';
import { loadConfig, review } from './review';

/** What `accept` stores beyond the required fields. */
export interface AcceptanceRecord extends Acceptance {
  repo?: string;
  verdict?: string;
  url?: string;
  commit?: string;
  copyright?: string[];
}

const LICENSE_FILE = /^(LICEN[CS]E|COPYING|NOTICE|COPYRIGHT)([.-].*)?$/i;

/** Copyright lines of the original: its file header, then the repository's licence and notice files. */
export function originalCopyright(f: Finding): string[] {
  const local = f.source.localPath;
  if (!local) return [];
  const texts: string[] = [];
  try {
    texts.push(readFileSync(local, 'utf8').split('\n').slice(0, 80).join('\n'));
  } catch { /* the original moved: the repository files may still be there */ }
  const root = local.endsWith(f.source.path) ? local.slice(0, local.length - f.source.path.length) : path.dirname(local);
  try {
    for (const name of readdirSync(root).filter((n) => LICENSE_FILE.test(n)).sort()) {
      try { texts.push(readFileSync(path.join(root, name), 'utf8')); } catch { /* a folder named LICENSE */ }
    }
  } catch { /* root gone */ }
  return copyrightLines(texts.join('\n'));
}

export function recordFor(f: Finding, justification: string, author: string, date: string): AcceptanceRecord {
  return acceptanceRecord(f, f.file, justification, author, date, originalCopyright(f));
}

export interface AcceptOptions {
  cwd: string;
  fingerprint: string;
  reason: string;
  index?: string;
  target?: ReviewTarget;
  /** default: now */
  date?: Date;
}

export async function accept(o: AcceptOptions): Promise<{ file: string; record: AcceptanceRecord; added: boolean }> {
  const reason = o.reason.trim();
  if (!reason) throw new UserError('accept: --reason must say why the finding is acceptable');
  const fingerprint = o.fingerprint.trim();
  if (!/^[0-9a-zA-Z:_-]{4,128}$/.test(fingerprint)) throw new UserError(`accept: "${o.fingerprint}" is not a finding fingerprint (see review --format json)`);
  const root = await repoRoot(o.cwd);
  const config = loadConfig(root);
  const file = path.join(root, config.acceptedFile ?? ACCEPTED_FILE);
  let doc: { $schema?: string; accepted: AcceptanceRecord[] } = { accepted: [] };
  if (existsSync(file)) {
    const text = readFileSync(file, 'utf8');
    try {
      parseAccepted(text, file);
    } catch (e) {
      throw new UserError((e as Error).message);
    }
    doc = JSON.parse(text);
  }
  const existing = doc.accepted.find((a) => a.fingerprint === fingerprint);
  if (existing) return { file, record: existing, added: false };

  const author = await userName(root);
  const date = (o.date ?? new Date()).toISOString();
  let record: AcceptanceRecord = { fingerprint, justification: reason, author, date };
  if (o.index) {
    const target = o.target ?? { kind: 'staged' };
    const report = await review({ cwd: root, index: o.index, target, keepAccepted: true });
    const finding = report.findings.find((f) => f.fingerprint === fingerprint);
    if (!finding) {
      const where = target.kind === 'staged' ? 'the staged changes' : `${target.from}..${target.to}`;
      throw new UserError(`accept: no finding with fingerprint ${fingerprint} in ${where} (memocheck review lists the fingerprints)`);
    }
    record = recordFor(finding, reason, author, date);
  }
  doc.accepted.push(record);
  writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  return { file, record, added: true };
}

export function registerAccept(program: Command): void {
  program.command('accept')
    .description('accept a finding with a written justification (recorded in the committed accepted file)')
    .argument('<fingerprint>', 'the finding\'s fingerprint (shown by memocheck review)')
    .requiredOption('--reason <text>', 'why the copy is acceptable (licence obtained, attribution added, ...)')
    .addOption(new Option('--index <path>', 'index to look the finding up in (fills in source, licence and copyright)').env('MEMOCHECK_INDEX'))
    .option('--range <A..B>', 'look the finding up in what commits A..B add instead of the staged changes')
    .action(async (fingerprint: string, o: { reason: string; index?: string; range?: string }) => {
      const r = await accept({
        cwd: process.cwd(), fingerprint, reason: o.reason,
        ...(o.index ? { index: o.index } : {}),
        ...(o.range ? { target: parseRange(o.range) } : {}),
      });
      const rel = path.relative(process.cwd(), r.file) || r.file;
      if (!r.added) console.log(`already accepted in ${rel} by ${r.record.author} on ${r.record.date.slice(0, 10)}`);
      else {
        console.log(`accepted ${fingerprint}${r.record.source ? ` (${r.record.source}, ${r.record.license})` : ''} in ${rel}; commit that file`);
        if (!o.index) console.error('memocheck accept: no --index, so the record names only the fingerprint (notices cannot list it)');
      }
    });
}
