// SPDX expressions: validation, canonical spelling, and joining. Parsing is spdx-expression-parse's job;
// this module only fixes the spelling people actually use (case, deprecated ids, `/` for OR) before it.
import parse, { type SpdxNode } from 'spdx-expression-parse';
import licenseIds from 'spdx-license-ids';
import deprecatedIds from 'spdx-license-ids/deprecated.json';

export const UNKNOWN = 'unknown';
/** Proprietary code (npm's `UNLICENSED`, "all rights reserved"). */
export const PROPRIETARY = 'LicenseRef-Proprietary';
/** Public domain dedications that are not an SPDX licence (Debian's `public-domain`). */
export const PUBLIC_DOMAIN = 'LicenseRef-Public-Domain';

const byLowerId = new Map<string, string>();
for (const id of [...deprecatedIds, ...licenseIds]) byLowerId.set(id.toLowerCase(), id);

const GNU_VERSIONED = /^(A?GPL|LGPL|GFDL)-\d\.\d$/;

/** Deprecated ids that have a precise replacement. */
function modernId(id: string, plus: boolean): string {
  if (GNU_VERSIONED.test(id)) return `${id}-${plus ? 'or-later' : 'only'}`;
  if (plus && /-only$/.test(id)) return id.replace(/-only$/, '-or-later');
  return plus ? `${id}+` : id;
}

function canonicalNode(node: SpdxNode): SpdxNode {
  if ('license' in node) {
    const license = modernId(node.license, node.plus === true);
    const plus = license.endsWith('+');
    const out: { license: string; plus?: true; exception?: string } = { license: plus ? license.slice(0, -1) : license };
    if (plus) out.plus = true;
    if (node.exception) out.exception = node.exception;
    return out;
  }
  return { left: canonicalNode(node.left), conjunction: node.conjunction, right: canonicalNode(node.right) };
}

export function renderExpression(node: SpdxNode, parent?: 'and' | 'or'): string {
  if ('license' in node) {
    return node.license + (node.plus ? '+' : '') + (node.exception ? ` WITH ${node.exception}` : '');
  }
  const text = `${renderExpression(node.left, node.conjunction)} ${node.conjunction.toUpperCase()} ${renderExpression(node.right, node.conjunction)}`;
  return parent && parent !== node.conjunction ? `(${text})` : text;
}

/** Fixes case of ids and operators, `/` as OR, and outer whitespace. Does not validate. */
function respell(expression: string): string {
  return expression
    .trim()
    .replace(/\s*\/\s*/g, ' OR ')
    .replace(/[A-Za-z0-9.+:-]+/g, (word) => {
      const lower = word.toLowerCase();
      if (lower === 'and' || lower === 'or' || lower === 'with') return lower.toUpperCase();
      if (lower.startsWith('licenseref-') || lower.startsWith('documentref-')) return word;
      const plus = lower.endsWith('+') && !byLowerId.has(lower);
      const id = byLowerId.get(plus ? lower.slice(0, -1) : lower);
      return id ? id + (plus ? '+' : '') : word;
    });
}

/** A valid SPDX expression in canonical spelling, or undefined when it does not parse. */
export function normalizeExpression(expression: string): string | undefined {
  if (!expression || !expression.trim()) return undefined;
  try {
    return renderExpression(canonicalNode(parse(respell(expression))));
  } catch {
    return undefined;
  }
}

export function isValidExpression(expression: string): boolean {
  try {
    parse(expression);
    return true;
  } catch {
    return false;
  }
}

/** The distinct licence ids (with `+`/exception) mentioned by an expression, left to right. */
export function licensesOf(expression: string): string[] {
  let node: SpdxNode;
  try {
    node = parse(expression);
  } catch {
    return [];
  }
  const out: string[] = [];
  const walk = (n: SpdxNode): void => {
    if ('license' in n) {
      const s = renderExpression(n);
      if (!out.includes(s)) out.push(s);
    } else {
      walk(n.left);
      walk(n.right);
    }
  };
  walk(node);
  return out;
}

/** Joins expressions with a conjunction, dropping duplicates; undefined when the list is empty. */
export function joinExpressions(parts: readonly string[], conjunction: 'AND' | 'OR'): string | undefined {
  const unique = [...new Set(parts.filter((p) => p && p !== UNKNOWN))];
  if (unique.length === 0) return undefined;
  if (unique.length === 1) return unique[0];
  const wrapped = unique.map((p) => (/\s(AND|OR)\s/.test(p) ? `(${p})` : p));
  return normalizeExpression(wrapped.join(` ${conjunction} `)) ?? unique.join(` ${conjunction} `);
}

export { parse as parseExpressionTree };
export type { SpdxNode };

/** Equal up to the order of operands of AND/OR (and spelling). Unparsable input compares as text. */
export function sameExpression(a: string, b: string): boolean {
  const canon = (e: string): string => {
    const n = normalizeExpression(e);
    if (!n) return e.trim();
    const flat = (node: SpdxNode): string => {
      if ('license' in node) return renderExpression(node);
      const parts: string[] = [];
      const collect = (x: SpdxNode) => {
        if (!('license' in x) && x.conjunction === node.conjunction) {
          collect(x.left);
          collect(x.right);
        } else parts.push(flat(x));
      };
      collect(node);
      return `(${parts.sort().join(` ${node.conjunction} `)})`;
    };
    return flat(parse(n));
  };
  return canon(a) === canon(b);
}
