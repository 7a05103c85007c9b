// Review reporters: one function per format, findings + summary in, text out.
import type { Finding } from '../../core/types';
import { findingsJson } from '../output';
import { renderHtml } from './html';

export const FORMATS = ['text', 'json', 'markdown', 'sarif', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export interface ReviewReport {
  findings: readonly Finding[];
  /** findings dropped because they were accepted (.memocheck-accepted.json) */
  accepted: number;
  projectLicense: string;
  files: number;
  /** changed files that could not be reviewed (do not parse) */
  skipped?: readonly { path: string; reason: string }[];
  /** the copied and original lines of each finding (parallel to findings), for reports that show code */
  excerpts?: readonly (Excerpt | undefined)[];
}

export interface Excerpt {
  copy: string;
  /** undefined when the original is not on this machine */
  original?: string;
}

const VERDICT_TEXT: Record<Finding['verdict'], string> = {
  block: 'BLOCKED: licence incompatible with the project',
  attribution: 'attribution required',
  ok: 'compatible',
  unknown: 'licence unknown: check by hand',
};

function where(f: Finding): string {
  const at = f.source.commit ? `@${f.source.commit.slice(0, 10)}` : '';
  return `${f.source.repo}${at}/${f.source.path}:${f.source.startLine}-${f.source.endLine}`;
}

export function renderText(r: ReviewReport): string {
  const lines = r.findings.map((f) =>
    `${f.file}:${f.startLine}-${f.endLine}: ${f.kind} copy (${(f.similarity * 100).toFixed(0)}%) of ${where(f)} ` +
    `licensed ${f.source.license} -> ${VERDICT_TEXT[f.verdict]} [${f.verdict}] (fingerprint ${f.fingerprint})`);
  const blocked = r.findings.filter((f) => f.verdict === 'block').length;
  lines.push(`memocheck review: ${r.files} file(s), ${r.findings.length} finding(s), ${blocked} blocking, ${r.accepted} accepted; project licence ${r.projectLicense}`);
  return lines.join('\n');
}

export function renderJson(r: ReviewReport): string {
  return findingsJson(r.findings, { projectLicense: r.projectLicense, accepted: r.accepted, files: r.files });
}

function md(s: string): string {
  return s.replace(/[|`*_<>[\]]/g, (c) => `\\${c}`);
}

/** Fits a pull-request comment. */
export function renderMarkdown(r: ReviewReport): string {
  const blocked = r.findings.filter((f) => f.verdict === 'block').length;
  const out = [`### MemoCheck licence review`, '',
    `${r.findings.length} finding(s) in ${r.files} file(s), **${blocked} blocking**, ${r.accepted} accepted. Project licence: \`${r.projectLicense}\`.`, ''];
  if (r.findings.length > 0) {
    out.push('| Verdict | File | Lines | Copy of | Licence | Similarity | Kind |', '|---|---|---|---|---|---|---|');
    for (const f of r.findings) {
      out.push(`| ${f.verdict === 'block' ? '⛔ block' : f.verdict} | ${md(f.file)} | ${f.startLine}–${f.endLine} | ${md(where(f))} | ${md(f.source.license)} | ${(f.similarity * 100).toFixed(0)}% | ${f.kind} |`);
    }
  }
  return out.join('\n');
}

const RULES: Record<Finding['verdict'], { id: string; level: 'error' | 'warning' | 'note'; text: string }> = {
  block: { id: 'memocheck/license-block', level: 'error', text: 'Copied code under a licence incompatible with the project' },
  attribution: { id: 'memocheck/license-attribution', level: 'warning', text: 'Copied permissively licensed code: attribution required' },
  unknown: { id: 'memocheck/license-unknown', level: 'warning', text: 'Copied code whose licence is unknown' },
  ok: { id: 'memocheck/license-ok', level: 'note', text: 'Copied code under a compatible licence' },
};

/** SARIF 2.1.0: one rule per verdict, the original as a related location. */
export function renderSarif(r: ReviewReport, toolVersion = '0.1.0'): string {
  const verdicts = Object.keys(RULES) as Finding['verdict'][];
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: {
        name: 'MemoCheck', version: toolVersion, informationUri: 'https://example.invalid/memocheck',
        rules: verdicts.map((v) => ({ id: RULES[v].id, shortDescription: { text: RULES[v].text }, defaultConfiguration: { level: RULES[v].level } })),
      } },
      results: r.findings.map((f) => ({
        ruleId: RULES[f.verdict].id,
        ruleIndex: verdicts.indexOf(f.verdict),
        level: RULES[f.verdict].level,
        message: { text: `${f.kind} copy (${(f.similarity * 100).toFixed(0)}%) of ${where(f)}, licensed ${f.source.license}: ${VERDICT_TEXT[f.verdict]}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: f.file.split('\\').join('/') }, region: { startLine: f.startLine, endLine: f.endLine } } }],
        relatedLocations: [{
          id: 1,
          message: { text: `original in ${f.source.repo} (${f.source.license})` },
          physicalLocation: {
            artifactLocation: { uri: f.source.url ?? `${f.source.repo}/${f.source.path}` },
            region: { startLine: f.source.startLine, endLine: f.source.endLine },
          },
        }],
        partialFingerprints: { memocheckFingerprint: f.fingerprint },
        properties: { similarity: f.similarity, kind: f.kind, license: f.source.license, verdict: f.verdict },
      })),
    }],
  };
  return JSON.stringify(log, null, 2);
}

export function render(format: Format, r: ReviewReport): string {
  switch (format) {
    case 'json': return renderJson(r);
    case 'markdown': return renderMarkdown(r);
    case 'sarif': return renderSarif(r);
    case 'html': return renderHtml(r, { generated: new Date() });
    default: return renderText(r);
  }
}
