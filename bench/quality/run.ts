// The quality benchmark: generates the workspace (generate.ts), runs MemoCheck, Dolos and jscpd (default and
// tuned) on the same data in one run, scores them (metrics.ts) and writes bench/results/quality-<config>.json
// and .md. Usage: node --import tsx bench/quality/run.ts --config small|full|heldout [--tools memocheck,dolos,jscpd]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIGS, ROOT, type BenchConfig } from './corpus';
import { generate, type Truth } from './generate';
import { score, TARGET_TOKENS, type Metrics } from './metrics';
import { runDolos, runJscpd, runMemoCheck, type ToolRun } from './tools';

export const TARGETS = { T1: 0.99, T2: 0.97, T3: 0.9, fpPer1000: 5, precision: 0.95, iou: 0.85, attribution: 0.99 };

export interface ToolResult { tool: string; seconds: number; notes: string[]; metrics: Metrics }
export interface QualityResult {
  config: BenchConfig;
  date: string;
  node: string;
  copies: number;
  negatives: number;
  rejected: Truth['rejected'];
  indexed: string[];
  tools: ToolResult[];
}

const pct = (x: number) => (Number.isNaN(x) ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const num = (x: number, d = 2) => (Number.isNaN(x) ? 'n/a' : x.toFixed(d));

export function markdown(r: QualityResult): string {
  const t = r.tools;
  const row = (label: string, f: (m: Metrics) => string) => `| ${label} | ${t.map((x) => f(x.metrics)).join(' | ')} |`;
  const lines = [
    `### Quality benchmark (\`--config ${r.config.name}\`): ${r.copies} planted copies, ${r.negatives} negative files, ${r.indexed.length} indexed repos`,
    '',
    `Targets apply to copies of at least ${TARGET_TOKENS} normalized tokens. Generated ${r.date.slice(0, 10)}, Node ${r.node}.`,
    '',
    `| metric | ${t.map((x) => x.tool).join(' | ')} |`,
    `|---|${t.map(() => '---').join('|')}|`,
    row(`recall T1 (target ≥ ${TARGETS.T1 * 100}%)`, (m) => pct(m.recall.T1.rate)),
    row(`recall T2 (target ≥ ${TARGETS.T2 * 100}%)`, (m) => pct(m.recall.T2.rate)),
    row(`recall T3 (target ≥ ${TARGETS.T3 * 100}%)`, (m) => pct(m.recall.T3.rate)),
    row(`false-positive files per 1,000 negatives (target ≤ ${TARGETS.fpPer1000})`, (m) => num(m.fpFilesPer1000, 1)),
    row(`precision (target ≥ ${TARGETS.precision * 100}%)`, (m) => pct(m.precision.rate)),
    row(`mean IoU of line ranges (target ≥ ${TARGETS.iou})`, (m) => num(m.meanIoU)),
    row(`repo + licence right (target ≥ ${TARGETS.attribution * 100}%)`, (m) => (m.attribution ? pct(m.attribution.rate) : 'n/a (no licences)')),
    row('findings', (m) => String(m.findings)),
    `| seconds (index + scan) | ${t.map((x) => x.seconds.toFixed(0)).join(' | ')} |`,
    '',
  ];
  const keys = (f: (m: Metrics) => Record<string, unknown>) => [...new Set(t.flatMap((x) => Object.keys(f(x.metrics))))];
  for (const [title, f] of [['size (normalized tokens)', (m: Metrics) => m.recallBySize], ['language', (m: Metrics) => m.recallByLanguage],
    ['placement', (m: Metrics) => m.recallByPlacement], ['type, all sizes incl. < 50 tokens', (m: Metrics) => m.recallAllSizes]] as const) {
    lines.push(`| recall by ${title} | ${t.map((x) => x.tool).join(' | ')} |`, `|---|${t.map(() => '---').join('|')}|`);
    for (const k of keys(f)) {
      lines.push(`| ${k} | ${t.map((x) => { const v = f(x.metrics)[k]; return v ? `${pct(v.rate)} (${v.hit}/${v.total})` : 'n/a'; }).join(' | ')} |`);
    }
    lines.push('');
  }
  for (const x of t) if (x.notes.length) lines.push(`Notes (${x.tool}): ${x.notes.join('; ')}`, '');
  return lines.join('\n');
}

export async function runQuality(config: BenchConfig, tools: string[], log: (s: string) => void): Promise<QualityResult> {
  const outDir = path.join(ROOT, '.cache', 'quality', config.name);
  mkdirSync(outDir, { recursive: true });
  const truth = await generate(config, outDir, log);
  log(`generated ${truth.copies.length} copies, ${truth.negatives.length} negatives`);
  const results: ToolResult[] = [];
  const add = (tool: string, run: ToolRun) => {
    results.push({ tool, seconds: run.seconds, notes: run.notes, metrics: score(truth, run.findings, run.attributes) });
    writeFileSync(path.join(outDir, `findings-${tool.replace(/\W+/g, '_')}.json`), JSON.stringify(run.findings));
  };
  if (tools.includes('memocheck')) add('MemoCheck', await runMemoCheck(truth, outDir, log));
  if (tools.includes('dolos')) add('Dolos 3.5.1', await runDolos(truth, log));
  if (tools.includes('jscpd')) {
    add('jscpd 4.3.0', await runJscpd(truth, 50, 5, log));
    add('jscpd tuned (20 tokens, 3 lines)', await runJscpd(truth, 20, 3, log));
  }
  return {
    config, date: new Date().toISOString(), node: process.version, copies: truth.copies.length, negatives: truth.negatives.length,
    rejected: truth.rejected, indexed: truth.indexed.map((r) => r.name), tools: results,
  };
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const ci = argv.indexOf('--config');
  const config = CONFIGS[ci >= 0 ? argv[ci + 1] ?? '' : 'small'];
  const ti = argv.indexOf('--tools');
  const tools = ti >= 0 ? (argv[ti + 1] ?? '').split(',') : ['memocheck', 'dolos', 'jscpd'];
  if (!config) { console.error(`run: --config must be one of ${Object.keys(CONFIGS).join(', ')}`); process.exit(2); }
  runQuality(config, tools, (s) => console.error(`quality: ${s}`)).then((r) => {
    const dir = path.join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `quality-${config.name}.json`), JSON.stringify(r, null, 1));
    const md = markdown(r);
    writeFileSync(path.join(dir, `quality-${config.name}.md`), md);
    console.log(md);
  }).catch((e: Error) => { console.error(`run: ${e.stack ?? e.message}`); process.exit(2); });
}
