// Plain-text and JSON rendering of scan results for the terminal.
import type { Finding } from '../core/types';
import type { SkippedFile } from '../node/source';

/** The stable JSON contract of `scan --format json` (DESIGN.md), plus additive fields. */
export function findingsJson(findings: readonly Finding[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    findings: findings.map((f) => ({
      file: f.file, startLine: f.startLine, endLine: f.endLine, similarity: f.similarity, kind: f.kind,
      source: {
        repo: f.source.repo, path: f.source.path, startLine: f.source.startLine, endLine: f.source.endLine,
        license: f.source.license, commit: f.source.commit ?? null, url: f.source.url ?? null,
      },
      verdict: f.verdict, tokens: f.tokens, rarity: f.rarity, fingerprint: f.fingerprint,
    })),
    ...extra,
  }, null, 2);
}

export function findingsText(findings: readonly Finding[]): string {
  const lines = findings.map((f) => {
    const at = f.source.commit ? `@${f.source.commit.slice(0, 10)}` : '';
    return `${f.file}:${f.startLine}-${f.endLine}  ${f.kind} ${(f.similarity * 100).toFixed(0)}%  ` +
      `${f.source.repo}${at} ${f.source.path}:${f.source.startLine}-${f.source.endLine}  (${f.source.license})  [${f.verdict}]`;
  });
  return lines.join('\n');
}

/** "3 skipped: 2 binary file, 1 invalid UTF-8" */
export function skippedSummary(skipped: readonly SkippedFile[]): string {
  const by = new Map<string, number>();
  for (const s of skipped) {
    const key = s.reason.replace(/\s*\(.*\)$/, '');
    by.set(key, (by.get(key) ?? 0) + 1);
  }
  return `${skipped.length} skipped: ` + [...by].map(([r, n]) => `${n} ${r}`).join(', ');
}
