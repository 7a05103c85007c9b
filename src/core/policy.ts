// Licence policy: the project's licence against the licence of matched code gives a verdict, and the
// committed `.memocheck.json` configures it. Pure (text in, records out); src/node reads the files.
import satisfies from 'spdx-satisfies';
import type { Finding, Verdict } from './types';
import { licensesOf, normalizeExpression, parseExpressionTree, PROPRIETARY, PUBLIC_DOMAIN, UNKNOWN, type SpdxNode } from './license/expression';

export interface Policy {
  /** overrides the detected project licence (SPDX expression) */
  readonly projectLicense?: string;
  /** source licences accepted without blocking (SPDX ids, `+` ranges allowed) */
  readonly allowed?: readonly string[];
  /** source licences that always block */
  readonly denied?: readonly string[];
}

export interface MemocheckConfig extends Policy {
  /** findings smaller than this (normalized tokens) are dropped */
  readonly minTokens?: number;
  /** findings below this similarity (0..1) are dropped */
  readonly minSimilarity?: number;
  /** globs of project paths never reviewed (gitignore syntax) */
  readonly ignorePaths?: readonly string[];
  /** indexed repositories whose matches are ignored (by name) */
  readonly ignoreRepos?: readonly string[];
  /** file with accepted findings, relative to the config; default .memocheck-accepted.json */
  readonly acceptedFile?: string;
}

export const CONFIG_FILE = '.memocheck.json';
export const ACCEPTED_FILE = '.memocheck-accepted.json';

export type LicenseClass = 'public-domain' | 'permissive' | 'weak-copyleft' | 'copyleft' | 'proprietary' | 'unknown';

// Public-domain-like: no notice needed.
const PUBLIC_DOMAIN_LIKE = new Set(['0BSD', 'Unlicense', 'CC0-1.0', 'WTFPL', 'MIT-0', 'PDDL-1.0', 'CC-PDDC', 'SAX-PD', PUBLIC_DOMAIN]);
// Copyleft that reaches the whole work a copied snippet lands in.
const STRONG = /^(A?GPL|SSPL|OSL|EUPL|CECILL(?!-[BC])|RPL|Sleepycat|QPL|CPAL|RPSL|Watcom|Parity|CC-BY(-NC)?-SA|GFDL)/;
// Copyleft per file or per library: copied code keeps its licence in the file it lands in.
const WEAK = /^(LGPL|MPL|EPL|CDDL|CPL|IPL|Ms-RL|APSL|ErlPL|LPL|SPL|NPL|CECILL-C|MS-RL)/;
// Licences that forbid some uses (non-commercial, no derivatives): never ok for copied code.
const RESTRICTED = /-(NC|ND)(-|$)|^(BUSL|Commons-Clause|SSPL|Elastic)/;

function baseId(id: string): string {
  return id.replace(/\s+WITH\s+.*$/, '').replace(/\+$/, '');
}

/** The class of one licence id (no expression). */
export function classify(id: string): LicenseClass {
  const base = baseId(id);
  if (!base || base === UNKNOWN) return 'unknown';
  if (base === PROPRIETARY || RESTRICTED.test(base)) return 'proprietary';
  if (PUBLIC_DOMAIN_LIKE.has(base)) return 'public-domain';
  if (STRONG.test(base)) return 'copyleft';
  if (WEAK.test(base)) return 'weak-copyleft';
  if (base.startsWith('LicenseRef-')) return 'unknown';
  return 'permissive';
}

const RANK: Record<Verdict, number> = { ok: 0, attribution: 1, unknown: 2, block: 3 };

function worst(a: Verdict, b: Verdict): Verdict {
  return RANK[a] >= RANK[b] ? a : b;
}
function best(a: Verdict, b: Verdict): Verdict {
  return RANK[a] <= RANK[b] ? a : b;
}

function safeSatisfies(expression: string, approved: string[]): boolean {
  if (approved.length === 0) return false;
  try {
    return satisfies(expression, approved);
  } catch {
    return false;
  }
}

/** Verdict for one source licence id against the project's ids. */
function verdictForId(id: string, projectIds: string[], policy: Policy): Verdict {
  const cls = classify(id);
  const denied = (policy.denied ?? []).filter((d) => normalizeExpression(d));
  if (denied.length > 0 && safeSatisfies(id, denied.map((d) => normalizeExpression(d)!))) return 'block';
  const allowed = (policy.allowed ?? []).map((a) => normalizeExpression(a)).filter((a): a is string => !!a);
  const isAllowed = allowed.length > 0 && safeSatisfies(id, allowed);
  if (cls === 'unknown') return isAllowed ? 'attribution' : 'unknown';
  if (cls === 'public-domain') return 'ok';
  if (cls === 'permissive') return 'attribution';
  if (isAllowed) return cls === 'proprietary' ? 'attribution' : 'ok';
  if (cls === 'proprietary') return 'block';
  // Copyleft: fine when the project is under the same terms (or a licence the source's range covers).
  const compatible = projectIds.length > 0 && projectIds.every((p) => classify(p) !== 'unknown' && safeSatisfies(id, [p]));
  return compatible ? 'ok' : 'block';
}

function walk(node: SpdxNode, projectIds: string[], policy: Policy): Verdict {
  if ('license' in node) {
    const id = (node.license + (node.plus ? '+' : '') + (node.exception ? ` WITH ${node.exception}` : ''));
    return verdictForId(id, projectIds, policy);
  }
  const l = walk(node.left, projectIds, policy);
  const r = walk(node.right, projectIds, policy);
  // OR: the user may pick the most favourable alternative; AND: every term applies.
  return node.conjunction === 'or' ? best(l, r) : worst(l, r);
}

/**
 * Verdict for code under `sourceLicense` copied into a project under `projectLicense`:
 * - block: copyleft the project's licence cannot absorb (GPL into MIT or proprietary), restricted or
 *   denied licences;
 * - attribution: permissive, a notice is required;
 * - ok: public-domain-like, or copyleft the project is already under (GPL-2.0-or-later into GPL-3.0);
 * - unknown: the source licence is not known.
 * A project without a known licence is treated as proprietary (code without a licence is all rights reserved).
 */
export function verdictFor(projectLicense: string | undefined, sourceLicense: string, policy: Policy = {}): Verdict {
  const project = normalizeExpression(policy.projectLicense ?? projectLicense ?? '') ?? PROPRIETARY;
  const source = normalizeExpression(sourceLicense);
  if (!source || source === UNKNOWN) return 'unknown';
  // For an OR project licence any alternative may be the one the code ships under: the strictest reading.
  const projectIds = project === UNKNOWN ? [PROPRIETARY] : licensesOf(project);
  return walk(parseExpressionTree(source), projectIds, policy);
}

// ---- .memocheck.json

const KEYS: Record<keyof MemocheckConfig | '$schema', 'string' | 'number' | 'strings'> = {
  $schema: 'string', projectLicense: 'string', allowed: 'strings', denied: 'strings', minTokens: 'number',
  minSimilarity: 'number', ignorePaths: 'strings', ignoreRepos: 'strings', acceptedFile: 'string',
};

/** Parses `.memocheck.json`. Collects every problem and throws one line naming the file. */
export function parseConfig(text: string, fileName = CONFIG_FILE): MemocheckConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${fileName}: invalid JSON (${(err as Error).message})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${fileName}: expected a JSON object`);
  const problems: string[] = [];
  const obj = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(obj)) {
    const kind = (KEYS as Record<string, string>)[key];
    if (!kind) problems.push(`unknown key "${key}"`);
    else if (kind === 'string' && typeof v !== 'string') problems.push(`"${key}" must be a string`);
    else if (kind === 'number' && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) problems.push(`"${key}" must be a non-negative number`);
    else if (kind === 'strings' && (!Array.isArray(v) || v.some((s) => typeof s !== 'string'))) problems.push(`"${key}" must be an array of strings`);
  }
  if (typeof obj.minSimilarity === 'number' && obj.minSimilarity > 1) problems.push('"minSimilarity" must be between 0 and 1');
  if (typeof obj.projectLicense === 'string' && !normalizeExpression(obj.projectLicense)) problems.push(`"projectLicense" is not an SPDX expression: ${obj.projectLicense}`);
  for (const key of ['allowed', 'denied'] as const) {
    const list = obj[key];
    if (Array.isArray(list)) for (const s of list) if (typeof s === 'string' && !normalizeExpression(s)) problems.push(`"${key}" has an invalid SPDX id: ${s}`);
  }
  if (problems.length > 0) throw new Error(`${fileName}: ${problems.join('; ')}`);
  const { $schema: _schema, ...config } = obj;
  void _schema;
  return config as MemocheckConfig;
}

// ---- accepted findings

export interface Acceptance {
  /** Finding.fingerprint: stable across line moves */
  readonly fingerprint: string;
  readonly justification: string;
  readonly author: string;
  /** ISO date */
  readonly date: string;
  /** for humans reading the file */
  readonly file?: string;
  readonly source?: string;
  readonly license?: string;
}

export interface AcceptedFile {
  readonly accepted: readonly Acceptance[];
}

/** The record `memocheck accept` and the editor's "accept" action write for a finding. */
export function acceptanceRecord(f: Finding, file: string, justification: string, author: string, date: string, copyright: readonly string[] = []): Acceptance & Record<string, unknown> {
  return {
    fingerprint: f.fingerprint, justification, author, date,
    file,
    source: `${f.source.repo}/${f.source.path}:${f.source.startLine}-${f.source.endLine}`,
    license: f.source.license,
    repo: f.source.repo,
    verdict: f.verdict,
    ...(f.source.url ? { url: f.source.url } : {}),
    ...(f.source.commit ? { commit: f.source.commit } : {}),
    ...(copyright.length ? { copyright } : {}),
  };
}

export function parseAccepted(text: string, fileName = ACCEPTED_FILE): AcceptedFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${fileName}: invalid JSON (${(err as Error).message})`);
  }
  const list = (value as { accepted?: unknown })?.accepted;
  if (!Array.isArray(list)) throw new Error(`${fileName}: expected {"accepted": [...]}`);
  list.forEach((a, i) => {
    const r = a as Record<string, unknown>;
    for (const k of ['fingerprint', 'justification', 'author', 'date']) {
      if (typeof r?.[k] !== 'string' || !(r[k] as string).trim()) throw new Error(`${fileName}: accepted[${i}] needs a non-empty "${k}"`);
    }
  });
  return { accepted: list as Acceptance[] };
}

export function acceptedFingerprints(file: AcceptedFile | undefined): Set<string> {
  return new Set((file?.accepted ?? []).map((a) => a.fingerprint));
}
