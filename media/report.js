// MemoCheck report renderer. Runs in the report webview (data arrives by postMessage) and in exported
// HTML files (data in the application/json script element #memocheck-data). Everything is built with
// createElement/textContent, so code text from findings is always shown as text, never parsed as HTML.
(function () {
  'use strict';
  const vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  const SVG = 'http://www.w3.org/2000/svg';
  const VERDICTS = ['block', 'attribution', 'unknown', 'ok'];
  const app = document.getElementById('app');

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, String(v));
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  /** Horizontal stacked bars: one row per licence, segments per verdict. */
  function licenceChart(items) {
    const rows = new Map();
    for (const it of items) {
      const l = it.finding.source.license;
      const r = rows.get(l) || { block: 0, attribution: 0, unknown: 0, ok: 0, total: 0 };
      r[it.finding.verdict]++;
      r.total++;
      rows.set(l, r);
    }
    const entries = [...rows].sort((a, b) => b[1].total - a[1].total);
    const max = Math.max(1, ...entries.map(([, r]) => r.total));
    const rowH = 24, labelW = 170, barW = 320, h = entries.length * rowH + 30;
    const s = svg('svg', { width: labelW + barW + 50, height: h, role: 'img', 'aria-label': 'Findings by licence and verdict', class: 'chart' });
    entries.forEach(([licence, r], i) => {
      const y = i * rowH + 4;
      s.append(svg('text', { x: labelW - 6, y: y + 14, 'text-anchor': 'end', class: 'label' }, licence));
      let x = labelW;
      for (const v of VERDICTS) {
        if (!r[v]) continue;
        const w = (r[v] / max) * barW;
        const rect = svg('rect', { x, y, width: Math.max(w, 1), height: rowH - 8, class: `bar ${v}` });
        rect.append(svg('title', {}, `${licence}: ${r[v]} ${v}`));
        s.append(rect);
        x += w;
      }
      s.append(svg('text', { x: x + 6, y: y + 14, class: 'label' }, r.total));
    });
    let lx = labelW;
    for (const v of VERDICTS) {
      s.append(svg('rect', { x: lx, y: h - 18, width: 10, height: 10, class: `bar ${v}` }));
      s.append(svg('text', { x: lx + 14, y: h - 9, class: 'label small' }, v));
      lx += 80;
    }
    return s;
  }

  /** Similarity histogram, 10 bins over 0..100 %. */
  function histogram(items) {
    const bins = new Array(10).fill(0);
    for (const it of items) bins[Math.min(9, Math.floor(it.finding.similarity * 10))]++;
    const max = Math.max(1, ...bins), w = 36, hMax = 120, top = 10;
    const s = svg('svg', { width: bins.length * w + 20, height: hMax + top + 36, role: 'img', 'aria-label': 'Similarity histogram', class: 'chart' });
    bins.forEach((n, i) => {
      const bh = (n / max) * hMax;
      const rect = svg('rect', { x: 10 + i * w, y: top + hMax - bh, width: w - 4, height: Math.max(bh, n ? 1 : 0), class: 'bar hist' });
      rect.append(svg('title', {}, `${i * 10}-${i * 10 + 10}%: ${n}`));
      s.append(rect);
      if (n) s.append(svg('text', { x: 10 + i * w + (w - 4) / 2, y: top + hMax - bh - 3, 'text-anchor': 'middle', class: 'label small' }, n));
      s.append(svg('text', { x: 10 + i * w + (w - 4) / 2, y: top + hMax + 14, 'text-anchor': 'middle', class: 'label small' }, `${i * 10}`));
    });
    s.append(svg('text', { x: 10, y: top + hMax + 30, class: 'label small' }, 'similarity (%)'));
    return s;
  }

  function render(data) {
    app.textContent = '';
    const items = data.items || [];
    const header = el('header', {},
      el('h1', {}, 'MemoCheck report'),
      el('p', { class: 'meta' }, `${items.length} finding${items.length === 1 ? '' : 's'}`,
        data.index ? ` · index: ${data.index.repos} repositories, ${data.index.units} units` : '',
        ` · ${data.generatedAt}`));
    if (vscode) {
      const bar = el('div', { class: 'actions' });
      for (const f of ['html', 'json', 'sarif']) bar.append(el('button', { onclick: () => vscode.postMessage({ command: 'export', format: f }) }, `Export ${f.toUpperCase()}`));
      header.append(bar);
    }
    app.append(header);
    if (!items.length) {
      app.append(el('p', { class: 'empty' }, 'No findings.'));
    } else {
      app.append(el('section', { class: 'charts' },
        el('figure', {}, el('figcaption', {}, 'Findings by licence and verdict'), licenceChart(items)),
        el('figure', {}, el('figcaption', {}, 'Similarity'), histogram(items))));
      const list = el('section', { class: 'findings' });
      items.forEach((it, i) => {
        const f = it.finding, s = f.source;
        const title = el('a', { href: '#', class: 'file', onclick: (e) => { e.preventDefault(); vscode && vscode.postMessage({ command: 'open', index: i }); } },
          `${it.file}:${f.startLine}-${f.endLine}`);
        list.append(el('article', { class: `finding ${f.verdict}` },
          el('h2', {}, title, ' ', el('span', { class: `verdict ${f.verdict}` }, f.verdict)),
          el('p', {}, `${Math.round(f.similarity * 100)}% similar, ${f.kind}${f.insertion ? ', from one insertion' : ''} · source `,
            el('code', {}, `${s.repo}/${s.path}:${s.startLine}-${s.endLine}`), ` · licence ${s.license}`),
          el('pre', { class: 'code' }, el('code', {}, it.code))));
      });
      app.append(list);
    }
    if (vscode) {
      vscode.setState(data);
      // lets the extension (and its tests) verify what was rendered: code blocks as text, no injected elements
      vscode.postMessage({
        command: 'rendered', findings: items.length, scripts: [...document.scripts].map(s => s.src || 'inline'),
        pwned: document.body.dataset.pwned || null,
        codeTexts: [...document.querySelectorAll('pre.code')].map(p => p.textContent),
        injected: document.querySelectorAll('article script, article img, article iframe, article b').length,
      });
    }
  }

  if (vscode) {
    window.addEventListener('message', (e) => { if (e.data && e.data.command === 'data') render(e.data.data); });
    const state = vscode.getState();
    if (state) render(state);
    vscode.postMessage({ command: 'ready' });
  } else {
    const node = document.getElementById('memocheck-data');
    render(node ? JSON.parse(node.textContent) : { items: [], generatedAt: '' });
  }
})();
