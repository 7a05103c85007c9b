// Texts the extension shows for a finding: the diagnostic message, the attribution notice, links to the
// original. Pure (unit-tested).
import type { Finding, SourceRef, Verdict } from '../core/types';

const VERDICT_TEXT: Record<Verdict, string> = {
  block: 'licence incompatible: remove or rewrite',
  attribution: 'attribution required',
  unknown: 'licence unknown: check before shipping',
  ok: 'licence allows reuse',
};

export function sourceLabel(s: SourceRef): string {
  return `${s.repo}/${s.path}:${s.startLine}-${s.endLine}`;
}

export function findingMessage(f: Finding): string {
  const pct = Math.round(f.similarity * 100);
  const inserted = f.insertion ? ' It arrived in one insertion (completion, chat edit or paste).' : '';
  return `Matches ${sourceLabel(f.source)} (${f.source.license}), ${pct}% similar, ${f.kind}: ${VERDICT_TEXT[f.verdict]}.${inserted}`;
}

/** Link to the original lines at the indexed commit, for hosts whose URL scheme we know. */
export function originalWebUrl(s: SourceRef): string | undefined {
  if (!s.url) return undefined;
  const base = s.url.replace(/\.git$/, '').replace(/^git@([^:]+):/, 'https://$1/').replace(/\/$/, '');
  if (!/^https?:\/\//.test(base)) return undefined;
  const ref = s.commit ?? 'HEAD';
  if (/github\.com|gitea|codeberg\.org/.test(base)) return `${base}/blob/${ref}/${s.path}#L${s.startLine}-L${s.endLine}`;
  if (/gitlab/.test(base)) return `${base}/-/blob/${ref}/${s.path}#L${s.startLine}-${s.endLine}`;
  if (/bitbucket\.org/.test(base)) return `${base}/src/${ref}/${s.path}#lines-${s.startLine}:${s.endLine}`;
  return base;
}

export function attributionNotice(f: Finding): string {
  const s = f.source;
  const where = originalWebUrl(s) ?? s.url ?? s.repo;
  const lines = [
    `Portions of this file are derived from ${s.repo} (${where}),`,
    `file ${s.path}, lines ${s.startLine}-${s.endLine}${s.commit ? `, commit ${s.commit.slice(0, 12)}` : ''}.`,
    `Licensed under ${s.license}${s.license === 'unknown' ? ' (licence not determined: check the original)' : ''}; see the original repository for the full licence text and copyright notice.`,
  ];
  return lines.join('\n');
}
