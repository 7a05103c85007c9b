// The report's data and its exports (JSON, SARIF, standalone HTML). Pure (unit-tested): the caller passes
// the findings with their code text, and for HTML the webview script and style from media/.
import type { Finding, Verdict } from '../core/types';

export interface ReportItem {
  /** workspace-relative path (display) and absolute path (navigation) */
  readonly file: string;
  readonly path: string;
  readonly finding: Finding;
  /** the copied lines as they are in the file; shown escaped */
  readonly code: string;
}

export interface ReportData {
  readonly generatedAt: string;
  readonly index?: { location: string; repos: number; units: number };
  readonly items: readonly ReportItem[];
}

/** `scan --format json` shape of DESIGN.md, so both tools' outputs are interchangeable. */
export function toJson(data: ReportData): string {
  const findings = data.items.map(({ file, finding: f }) => ({
    file, startLine: f.startLine, endLine: f.endLine, similarity: round(f.similarity), kind: f.kind,
    source: { repo: f.source.repo, path: f.source.path, startLine: f.source.startLine, endLine: f.source.endLine, license: f.source.license,
      ...(f.source.commit ? { commit: f.source.commit } : {}), ...(f.source.url ? { url: f.source.url } : {}) },
    verdict: f.verdict, fingerprint: f.fingerprint, ...(f.insertion ? { insertion: true } : {}),
  }));
  return JSON.stringify({ findings }, null, 2) + '\n';
}

const SARIF_LEVEL: Record<Verdict, 'error' | 'warning' | 'note'> = { block: 'error', attribution: 'warning', unknown: 'warning', ok: 'note' };

export function toSarif(data: ReportData, version: string): string {
  const rules = (['block', 'attribution', 'unknown', 'ok'] as Verdict[]).map(v => ({
    id: `memocheck/${v}`,
    shortDescription: { text: `Code matches indexed open-source code (licence verdict: ${v})` },
    defaultConfiguration: { level: SARIF_LEVEL[v] },
  }));
  const results = data.items.map(({ file, finding: f }) => ({
    ruleId: `memocheck/${f.verdict}`,
    level: SARIF_LEVEL[f.verdict],
    message: { text: `Matches ${f.source.repo}/${f.source.path}:${f.source.startLine}-${f.source.endLine} (${f.source.license}), ${Math.round(f.similarity * 100)}% similar, ${f.kind}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: file }, region: { startLine: f.startLine, endLine: f.endLine } } }],
    partialFingerprints: { memocheck: f.fingerprint },
    properties: { similarity: round(f.similarity), kind: f.kind, license: f.source.license, source: f.source },
  }));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0',
    runs: [{ tool: { driver: { name: 'MemoCheck', version, informationUri: 'https://example.invalid/memocheck', rules } }, results }],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

/** JSON that is safe inside an HTML <script> element: no `<`, `>`, `&` or line separators survive. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A standalone HTML file: the webview's renderer and style inlined, data as inert JSON, strict CSP. */
export function toHtml(data: ReportData, script: string, style: string, nonce: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>MemoCheck report</title>
<style nonce="${nonce}">${style.replace(/<\/style/gi, '<\\/style')}</style>
</head><body class="standalone">
<div id="app"></div>
<script type="application/json" id="memocheck-data">${jsonForScript(data)}</script>
<script nonce="${nonce}">${script.replace(/<\/script/gi, '<\\/script')}</script>
</body></html>
`;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
