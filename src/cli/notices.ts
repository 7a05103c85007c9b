// `memocheck notices`: writes or updates THIRD_PARTY_NOTICES.md from the accepted permissive findings
// (repository, licence, copyright lines, licence text from spdx-license-list). Only the part between the
// markers is generated; anything written by hand around it is kept.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { licensesOf, normalizeExpression } from '../core/license';
import { ACCEPTED_FILE, classify, parseAccepted } from '../core/policy';
import { UserError } from '../index/store';
import { repoRoot } from '../node/git';
import type { AcceptanceRecord } from './accept';
import { loadConfig } from './review';

export const NOTICES_FILE = 'THIRD_PARTY_NOTICES.md';
const BEGIN = '<!-- memocheck notices: generated from the accepted findings by `memocheck notices`; edit that file, not this block -->';
const END = '<!-- end of memocheck notices -->';

interface LicenseEntry { name: string; licenseText: string }

function spdxTexts(): Record<string, LicenseEntry> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('spdx-license-list/full') as Record<string, LicenseEntry>;
}

/** Accepted findings that need a notice: a permissive licence is (one of the options) in their expression. */
export function needsNotice(a: AcceptanceRecord): boolean {
  const expr = a.license && normalizeExpression(a.license);
  if (!expr) return false;
  return licensesOf(expr).some((id) => classify(id) === 'permissive');
}

interface RepoNotice {
  repo: string;
  license: string;
  url?: string;
  commit?: string;
  copyright: string[];
  uses: string[];
}

export function groupNotices(accepted: readonly AcceptanceRecord[]): RepoNotice[] {
  const byRepo = new Map<string, RepoNotice>();
  for (const a of accepted) {
    if (!needsNotice(a)) continue;
    const repo = a.repo ?? a.source?.split('/')[0] ?? 'unknown';
    const key = `${repo}\u0000${a.license}`;
    const n = byRepo.get(key) ?? { repo, license: a.license!, copyright: [], uses: [] };
    if (a.url && !n.url) n.url = a.url;
    if (a.commit && !n.commit) n.commit = a.commit;
    for (const c of a.copyright ?? []) if (!n.copyright.includes(c)) n.copyright.push(c);
    const use = `${a.file ?? '(file not recorded)'}${a.source ? ` (from ${a.source})` : ''}`;
    if (!n.uses.includes(use)) n.uses.push(use);
    byRepo.set(key, n);
  }
  return [...byRepo.values()].sort((a, b) => a.repo.localeCompare(b.repo) || a.license.localeCompare(b.license));
}

function fence(text: string): string {
  let f = '```';
  while (text.includes(f)) f += '`';
  return `${f}text\n${text.trim()}\n${f}`;
}

/** The generated block (between the markers). */
export function renderNotices(accepted: readonly AcceptanceRecord[], texts: Record<string, LicenseEntry> = spdxTexts()): string {
  const notices = groupNotices(accepted);
  const out = [BEGIN, ''];
  if (notices.length === 0) out.push('No accepted third-party code needs a notice.', '');
  const licences = new Set<string>();
  for (const n of notices) {
    out.push(`## ${n.repo}`, '', `- Licence: ${n.license}`);
    if (n.url) out.push(`- Source: ${n.url}${n.commit ? ` (commit ${n.commit})` : ''}`);
    else if (n.commit) out.push(`- Commit: ${n.commit}`);
    out.push(`- Used in: ${n.uses.join('; ')}`, '');
    if (n.copyright.length) out.push(...n.copyright.map((c) => `    ${c}`), '');
    else out.push('Copyright: see the original repository (no copyright line was found).', '');
    for (const id of licensesOf(normalizeExpression(n.license)!)) licences.add(id);
  }
  const ids = [...licences].filter((id) => classify(id) === 'permissive' || texts[id]).sort();
  if (ids.length) out.push('# Licence texts', '');
  for (const id of ids) {
    const entry = texts[id.replace(/\+$/, '')];
    out.push(`## ${id}${entry ? `: ${entry.name}` : ''}`, '', entry ? fence(entry.licenseText) : `The text of ${id} is not in the SPDX licence list; see the original repository.`, '');
  }
  out.push(END);
  return out.join('\n');
}

/** Replaces the generated block in an existing notices file, or makes a new file. */
export function updateNoticesFile(existing: string | undefined, block: string): string {
  if (existing) {
    const b = existing.indexOf(BEGIN), e = existing.indexOf(END);
    if (b >= 0 && e > b) return existing.slice(0, b) + block + existing.slice(e + END.length);
    return existing.replace(/\s*$/, '\n\n') + block + '\n';
  }
  return `# Third-party notices\n\nThis project contains code from the projects below, used under their licences.\n\n${block}\n`;
}

export async function writeNotices(cwd: string, output?: string): Promise<{ file: string; repos: number; changed: boolean }> {
  const root = await repoRoot(cwd);
  const config = loadConfig(root);
  const acceptedFile = path.join(root, config.acceptedFile ?? ACCEPTED_FILE);
  let accepted: AcceptanceRecord[] = [];
  if (existsSync(acceptedFile)) {
    try {
      accepted = parseAccepted(readFileSync(acceptedFile, 'utf8'), acceptedFile).accepted as AcceptanceRecord[];
    } catch (e) {
      throw new UserError((e as Error).message);
    }
  }
  const file = path.resolve(root, output ?? NOTICES_FILE);
  const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const after = updateNoticesFile(before, renderNotices(accepted));
  if (after !== before) writeFileSync(file, after);
  return { file, repos: groupNotices(accepted).length, changed: after !== before };
}

export function registerNotices(program: Command): void {
  program.command('notices')
    .description(`write or update ${NOTICES_FILE} for the accepted permissive findings (repository, licence, copyright, licence text)`)
    .option('--output <file>', `notices file, relative to the repository root (default ${NOTICES_FILE})`)
    .action(async (o: { output?: string }) => {
      const r = await writeNotices(process.cwd(), o.output);
      console.log(`${r.changed ? 'wrote' : 'unchanged:'} ${path.relative(process.cwd(), r.file) || r.file} (${r.repos} repositor${r.repos === 1 ? 'y' : 'ies'})`);
    });
}
