// Scores one tool's findings against the ground truth. A finding is reduced to: the workspace file and line
// range it flags, and (when the tool says) the indexed repo, path and licence it attributes the code to.
import { sameExpression } from '../../src/core/license/expression';
import { bucketOf, type PlantedCopy, type Truth } from './generate';

export interface ToolFinding {
  /** workspace-relative */
  file: string;
  startLine: number;
  endLine: number;
  repo?: string;
  path?: string;
  license?: string;
}

export interface Rate { hit: number; total: number; rate: number }
export interface Metrics {
  /** copies of at least TARGET_TOKENS normalized tokens (the targets apply to these) */
  recall: Record<'T1' | 'T2' | 'T3' | 'all', Rate>;
  recallBySize: Record<string, Rate>;
  recallByLanguage: Record<string, Rate>;
  recallByPlacement: Record<string, Rate>;
  /** all copies including those below TARGET_TOKENS, by type */
  recallAllSizes: Record<string, Rate>;
  fpFilesPer1000: number;
  fpFiles: number;
  negatives: number;
  precision: Rate;
  meanIoU: number;
  /** detected copies whose best finding names the right repo and licence; null when the tool does not attribute */
  attribution: Rate | null;
  findings: number;
  misses: { id: string; language: string; tokens: number; file: string; lines: string; source: string }[];
}

export const TARGET_TOKENS = 50;

function rate(hit: number, total: number): Rate {
  return { hit, total, rate: total ? hit / total : NaN };
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0) + 1);
}

function iou(ranges: [number, number][], p0: number, p1: number): number {
  const lines = new Set<number>();
  for (const [s, e] of ranges) for (let l = s; l <= e; l++) lines.add(l);
  let inter = 0;
  for (const l of lines) if (l >= p0 && l <= p1) inter++;
  const union = lines.size + (p1 - p0 + 1) - inter;
  return union ? inter / union : 0;
}

function licenceRight(found: string | undefined, expected: string): boolean {
  if (!found) return false;
  try {
    return sameExpression(found, expected);
  } catch {
    return found.toLowerCase() === expected.toLowerCase();
  }
}

export function score(truth: Truth, findings: ToolFinding[], attributes: boolean): Metrics {
  const byFile = new Map<string, ToolFinding[]>();
  for (const f of findings) {
    let xs = byFile.get(f.file);
    if (!xs) byFile.set(f.file, (xs = []));
    xs.push(f);
  }
  const right = (f: ToolFinding, c: PlantedCopy) => f.repo === undefined || f.repo === c.source.repo;
  const tally = new Map<string, [number, number]>();
  const add = (key: string, hit: boolean) => {
    const t = tally.get(key) ?? [0, 0];
    t[0] += hit ? 1 : 0; t[1]++;
    tally.set(key, t);
  };
  const truePositives = new Set<ToolFinding>();
  let iouSum = 0, detectedN = 0, attrOk = 0;
  const misses: Metrics['misses'] = [];
  for (const c of truth.copies) {
    const over = (byFile.get(c.file) ?? []).filter((f) => overlap(f.startLine, f.endLine, c.startLine, c.endLine) > 0);
    for (const f of over) if (right(f, c)) truePositives.add(f);
    const detected = over.length > 0;
    add(`all/${c.type}`, detected);
    if (c.tokens < TARGET_TOKENS) continue;
    add(`type/${c.type}`, detected);
    add('type/all', detected);
    add(`size/${bucketOf(c.tokens)}`, detected);
    add(`lang/${c.language}`, detected);
    add(`place/${c.placement}`, detected);
    if (!detected) {
      misses.push({ id: c.id, language: c.language, tokens: c.tokens, file: c.file, lines: `${c.startLine}-${c.endLine}`,
        source: `${c.source.repo}/${c.source.path}:${c.source.startLine}-${c.source.endLine}` });
      continue;
    }
    detectedN++;
    iouSum += iou(over.map((f) => [f.startLine, f.endLine]), c.startLine, c.endLine);
    const best = [...over].sort((a, b) => overlap(b.startLine, b.endLine, c.startLine, c.endLine) - overlap(a.startLine, a.endLine, c.startLine, c.endLine))[0]!;
    if (best.repo === c.source.repo && [c.source.license, ...(c.source.alsoAccept ?? [])].some((l) => licenceRight(best.license, l))) attrOk++;
  }
  const negFiles = new Set(truth.negatives.map((n) => n.file));
  const fpFiles = new Set(findings.filter((f) => negFiles.has(f.file)).map((f) => f.file)).size;
  const pick = (prefix: string) => Object.fromEntries([...tally].filter(([k]) => k.startsWith(prefix))
    .map(([k, [h, t]]) => [k.slice(prefix.length), rate(h, t)]).sort());
  const types = pick('type/');
  return {
    recall: { T1: types.T1 ?? rate(0, 0), T2: types.T2 ?? rate(0, 0), T3: types.T3 ?? rate(0, 0), all: types.all ?? rate(0, 0) },
    recallBySize: pick('size/'),
    recallByLanguage: pick('lang/'),
    recallByPlacement: pick('place/'),
    recallAllSizes: pick('all/'),
    fpFilesPer1000: truth.negatives.length ? (fpFiles / truth.negatives.length) * 1000 : NaN,
    fpFiles,
    negatives: truth.negatives.length,
    precision: rate(truePositives.size, findings.length),
    meanIoU: detectedN ? iouSum / detectedN : NaN,
    attribution: attributes ? rate(attrOk, detectedN) : null,
    findings: findings.length,
    misses,
  };
}
