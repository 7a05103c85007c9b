// Licence detection and verdicts for the engine: a seam over src/node/license.ts (repository and per-file
// licences) and the verdict rule (src/core/policy.ts once it lands; a conservative built-in rule until then).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { debianStanzaFor, parseDebianCopyright, type DebianCopyright } from '../core/license';
import { verdictFor } from '../core/policy';
import { detectRepoLicense, matchLicense } from './license';

export interface DetectedLicense {
  license: string;
  source: string;
  /** per-file licence from debian/copyright stanzas (an SPDX header in the file itself wins over it) */
  fileLicense?(relativePath: string): string | undefined;
}

export async function detectLicense(dir: string): Promise<DetectedLicense> {
  const repo = await detectRepoLicense(dir);
  let debian: DebianCopyright | undefined;
  const copyright = path.join(dir, 'debian', 'copyright');
  if (repo.files && existsSync(copyright)) {
    try {
      debian = parseDebianCopyright(readFileSync(copyright, 'utf8'), (t) => {
        const m = matchLicense(t);
        return m.license === 'unknown' ? undefined : m.license;
      });
    } catch {
      debian = undefined; // unreadable: the repository licence applies to every file
    }
  }
  const d = debian;
  return {
    license: repo.license,
    source: repo.source,
    ...(d ? { fileLicense: (rel: string) => {
      const l = debianStanzaFor(d, rel)?.license;
      return l && l !== repo.license ? l : undefined;
    } } : {}),
  };
}

export { verdictFor };
