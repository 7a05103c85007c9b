// Standalone HTML report: one file, no network, a strict CSP (inline style and script allowed only by their
// sha256 hashes), every piece of user or indexed text escaped, charts as inline SVG built here.
import { createHash } from 'node:crypto';
import type { Finding, Verdict } from '../../core/types';
import type { ReviewReport } from './index';

const VERDICTS: readonly Verdict[] = ['block', 'attribution', 'unknown', 'ok'];
const COLOR: Record<Verdict, string> = { block: '#c62828', attribution: '#e65100', unknown: '#616161', ok: '#2e7d32' };
const LABEL: Record<Verdict, string> = { block: 'blocks', attribution: 'attribution', unknown: 'unknown licence', ok: 'compatible' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#1d1d1f;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
.summary{color:#444;margin-bottom:12px}.summary b.block{color:#c62828}
.charts{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}.chart{border:1px solid #ddd;border-radius:6px;padding:8px 12px}
svg text{font:12px system-ui,sans-serif;fill:#333}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e5e5e5;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f6f6f6}td.num{text-align:right;font-variant-numeric:tabular-nums}td.nowrap{white-space:nowrap}
.verdict{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px}
.v-block{background:#c62828}.v-attribution{background:#e65100}.v-unknown{background:#616161}.v-ok{background:#2e7d32}
.code{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:8px;max-width:60vw}.code pre{margin:4px 0;padding:8px;background:#f7f7f7;border:1px solid #e3e3e3;overflow:auto;max-height:360px;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
.code h3{font-size:12px;margin:4px 0;color:#555}
.filters label{margin-right:12px}
body.hide-block tr.f-block,body.hide-attribution tr.f-attribution,body.hide-unknown tr.f-unknown,body.hide-ok tr.f-ok{display:none}
.muted{color:#777}
`;

// Verdict filters: hide rows of unticked verdicts (CSS does the hiding).
const SCRIPT = `
for (const box of document.querySelectorAll('input[data-verdict]')) {
  box.addEventListener('change', () => document.body.classList.toggle('hide-' + box.dataset.verdict, !box.checked));
}
`;

function sha256(s: string): string {
  return `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
}

function where(f: Finding): string {
  return `${f.source.repo}/${f.source.path}:${f.source.startLine}-${f.source.endLine}`;
}

/** Horizontal bars, one per licence, stacked by verdict. */
export function licenceChart(findings: readonly Finding[]): string {
  const byLicence = new Map<string, Record<Verdict, number>>();
  for (const f of findings) {
    const row = byLicence.get(f.source.license) ?? { block: 0, attribution: 0, unknown: 0, ok: 0 };
    row[f.verdict]++;
    byLicence.set(f.source.license, row);
  }
  const rows = [...byLicence].sort((a, b) => total(b[1]) - total(a[1]) || a[0].localeCompare(b[0]));
  const max = Math.max(1, ...rows.map(([, r]) => total(r)));
  const labelW = 170, barW = 260, rowH = 24, top = 8, legendH = 24;
  const h = top + rows.length * rowH + legendH + 8;
  const parts: string[] = [];
  rows.forEach(([licence, r], i) => {
    const y = top + i * rowH;
    parts.push(`<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${escapeHtml(truncate(licence, 26))}</text>`);
    let x = labelW;
    for (const v of VERDICTS) {
      if (!r[v]) continue;
      const w = (r[v] / max) * barW;
      parts.push(`<rect x="${x.toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${COLOR[v]}"><title>${escapeHtml(licence)}: ${r[v]} ${LABEL[v]}</title></rect>`);
      x += w;
    }
    parts.push(`<text x="${(x + 4).toFixed(1)}" y="${y + 15}">${total(r)}</text>`);
  });
  parts.push(legend(8, top + rows.length * rowH + 16));
  return svg(labelW + barW + 40, h, 'Findings by licence and verdict', parts);
}

/** Similarity in 5% bins from 50% to 100% (lower values fall into the first bin). */
export function similarityHistogram(findings: readonly Finding[]): string {
  const bins = 10, lo = 0.5;
  const counts = VERDICTS.map(() => new Array<number>(bins).fill(0));
  for (const f of findings) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor((f.similarity - lo) / 0.05 + 1e-9)));
    counts[VERDICTS.indexOf(f.verdict)]![b]!++;
  }
  const totals = Array.from({ length: bins }, (_, b) => counts.reduce((s, c) => s + c[b]!, 0));
  const max = Math.max(1, ...totals);
  const left = 32, barW = 34, gap = 4, plotH = 140, top = 20, w = left + bins * (barW + gap) + 10, h = top + plotH + 60;
  const parts: string[] = [
    `<line x1="${left}" y1="${top + plotH}" x2="${w - 6}" y2="${top + plotH}" stroke="#999"/>`,
    `<text x="${left - 6}" y="${top + 10}" text-anchor="end">${max}</text>`,
    `<text x="${left - 6}" y="${top + plotH}" text-anchor="end">0</text>`,
  ];
  for (let b = 0; b < bins; b++) {
    const x = left + b * (barW + gap);
    let y = top + plotH;
    VERDICTS.forEach((v, vi) => {
      const n = counts[vi]![b]!;
      if (!n) return;
      const bh = (n / max) * plotH;
      y -= bh;
      parts.push(`<rect x="${x}" y="${y.toFixed(1)}" width="${barW}" height="${bh.toFixed(1)}" fill="${COLOR[v]}"><title>${50 + b * 5}–${55 + b * 5}%: ${n} ${LABEL[v]}</title></rect>`);
    });
    if (totals[b]) parts.push(`<text x="${x + barW / 2}" y="${(y - 3).toFixed(1)}" text-anchor="middle">${totals[b]}</text>`);
    if (b % 2 === 0) parts.push(`<text x="${x}" y="${top + plotH + 14}">${50 + b * 5}%</text>`);
  }
  parts.push(`<text x="${w - 8}" y="${top + plotH + 14}" text-anchor="end">100%</text>`);
  parts.push(legend(8, top + plotH + 40));
  return svg(w, h, 'Similarity histogram', parts);
}

function total(r: Record<Verdict, number>): number {
  return r.block + r.attribution + r.unknown + r.ok;
}
function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}
function legend(x: number, y: number): string {
  let lx = x;
  return VERDICTS.map((v) => {
    const item = `<rect x="${lx}" y="${y - 10}" width="10" height="10" fill="${COLOR[v]}"/><text x="${lx + 14}" y="${y}">${LABEL[v]}</text>`;
    lx += 26 + LABEL[v].length * 6.5;
    return item;
  }).join('');
}
function svg(w: number, h: number, title: string, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${parts.join('')}</svg>`;
}

function codeBlock(title: string, text: string | undefined): string {
  if (text === undefined) return `<div><h3>${escapeHtml(title)}</h3><p class="muted">not available</p></div>`;
  return `<div><h3>${escapeHtml(title)}</h3><pre><code>${escapeHtml(text)}</code></pre></div>`;
}

export function renderHtml(r: ReviewReport, opts: { title?: string; generated?: Date } = {}): string {
  const title = opts.title ?? 'MemoCheck licence review';
  const blocked = r.findings.filter((f) => f.verdict === 'block').length;
  const rows = r.findings.map((f, i) => {
    const ex = r.excerpts?.[i];
    const source = f.source.url
      ? `<a href="${escapeHtml(f.source.url)}" rel="noreferrer">${escapeHtml(where(f))}</a>`
      : escapeHtml(where(f));
    return `<tr class="finding f-${f.verdict}">` +
      `<td><span class="verdict v-${f.verdict}">${escapeHtml(f.verdict)}</span></td>` +
      `<td class="nowrap">${escapeHtml(f.file)}:${f.startLine}–${f.endLine}</td>` +
      `<td>${source}${f.source.commit ? ` <span class="muted">@${escapeHtml(f.source.commit.slice(0, 10))}</span>` : ''}</td>` +
      `<td class="nowrap">${escapeHtml(f.source.license)}</td>` +
      `<td class="num">${(f.similarity * 100).toFixed(0)}%</td><td>${escapeHtml(f.kind)}</td>` +
      `<td><details><summary>compare</summary><div class="code">${codeBlock(`${f.file}:${f.startLine}-${f.endLine}`, ex?.copy)}` +
      `${codeBlock(`original ${where(f)}`, ex?.original)}</div><p class="muted">fingerprint <code>${escapeHtml(f.fingerprint)}</code></p></details></td></tr>`;
  });
  const filters = VERDICTS.map((v) =>
    `<label><input type="checkbox" data-verdict="${v}" checked> ${LABEL[v]} (${r.findings.filter((f) => f.verdict === v).length})</label>`).join('');
  const csp = `default-src 'none'; style-src ${sha256(STYLE)}; script-src ${sha256(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="summary">${r.findings.length} finding(s) in ${r.files} file(s), <b class="block">${blocked} blocking</b>, ${r.accepted} accepted. Project licence: <code>${escapeHtml(r.projectLicense)}</code>.${opts.generated ? ` Generated ${escapeHtml(opts.generated.toISOString())}.` : ''}</p>
<div class="charts"><div class="chart"><h2>Findings by licence</h2>${licenceChart(r.findings)}</div>
<div class="chart"><h2>Similarity</h2>${similarityHistogram(r.findings)}</div></div>
<h2>Findings</h2>
<p class="filters">${filters}</p>
${r.findings.length === 0 ? '<p>No findings.</p>' : `<table><thead><tr><th>Verdict</th><th>File</th><th>Copy of</th><th>Licence</th><th>Similarity</th><th>Kind</th><th></th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`}
${(r.skipped ?? []).length ? `<h2>Not reviewed</h2><ul>${r.skipped!.map((s) => `<li>${escapeHtml(s.path)}: ${escapeHtml(s.reason)}</li>`).join('')}</ul>` : ''}
<script>${SCRIPT}</script>
</body></html>
`;
}
