// Licence detection and verdicts for the engine. Thin seam over src/node/license.ts (repository licence
// detection) and src/core/policy.ts (verdicts); until those land, a conservative built-in rule applies.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Verdict } from '../core/types';

export interface DetectedLicense { license: string; source: string; files?: Record<string, string> }

export async function detectLicense(dir: string): Promise<DetectedLicense> {
  const pkg = path.join(dir, 'package.json');
  if (existsSync(pkg)) {
    try {
      const l = JSON.parse(readFileSync(pkg, 'utf8')).license;
      if (typeof l === 'string' && l && !/^SEE LICEN[CS]E IN/i.test(l)) return { license: l, source: 'package.json' };
    } catch { /* unreadable package.json: fall through */ }
  }
  return { license: 'unknown', source: 'none' };
}

const COPYLEFT = /\b(A?GPL|LGPL|MPL|EPL|CDDL|EUPL|OSL|CC-BY-SA)/i;

export function verdictFor(project: string | undefined, source: string): Verdict {
  if (!source || source === 'unknown') return 'unknown';
  if (COPYLEFT.test(source)) return project && project === source ? 'ok' : 'block';
  return 'attribution';
}
