// The MANIFEST: which segment holds which repository, and the index's fingerprint params.
import * as path from 'node:path';
import type { FingerprintParams } from '../../core/types';
import { requireKnownParams, type RepoSummary } from '../store';
import { ContainerReader, ContainerWriter, publish } from './container';
import { Kind, MANIFEST_MAGIC, MANIFEST_NAME, errors } from './format';
import { tmpPath } from './io';

export interface ManifestRepo {
  readonly name: string;
  /** segment file name inside the index directory */
  readonly segment: string;
  readonly summary: RepoSummary;
}

export interface Manifest {
  readonly params: FingerprintParams;
  /** number for the next segment file; only grows, so a segment name is never reused by a live manifest */
  readonly nextSegment: number;
  readonly repos: readonly ManifestRepo[];
}

const PARAM_KEYS = ['k', 'bands', 'rows', 'windowSize', 'indexStride', 'queryStride', 'minUnitTokens', 'seed'] as const;

function parseJson(bytes: Uint8Array, file: string, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    throw errors.corrupted(file, `section ${what} is not valid JSON`);
  }
}

export function checkParams(v: unknown, file: string): FingerprintParams {
  const o = v as Record<string, unknown> | null;
  for (const k of PARAM_KEYS) {
    if (!o || typeof o[k] !== 'number' || !Number.isInteger(o[k])) throw errors.corrupted(file, `params lack ${k}`);
  }
  if ((o!.bands as number) < 1) throw errors.corrupted(file, 'params have no bands');
  // (absent in format 4 indexes: their band keys are not salted)
  if (o!.familyKeys !== undefined && o!.familyKeys !== 0 && o!.familyKeys !== 1) throw errors.corrupted(file, 'params have an unknown familyKeys');
  requireKnownParams(o!, file);
  return Object.freeze(o as unknown as FingerprintParams);
}

/** Reads the manifest; undefined when there is none (ENOENT). */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  const file = path.join(dir, MANIFEST_NAME);
  let c: ContainerReader;
  try {
    c = await ContainerReader.open(file, MANIFEST_MAGIC);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') throw errors.notIndexFile(file);
    throw e;
  }
  try {
    const params = checkParams(parseJson(await c.section(Kind.PARAMS), file, 'PARAMS'), file);
    const r = parseJson(await c.section(Kind.REPOS), file, 'REPOS') as { nextSegment?: unknown; repos?: unknown };
    if (typeof r?.nextSegment !== 'number' || !Array.isArray(r.repos)) throw errors.corrupted(file, 'section REPOS is malformed');
    for (const x of r.repos as ManifestRepo[]) {
      if (typeof x?.name !== 'string' || typeof x.segment !== 'string' || typeof x.summary !== 'object') {
        throw errors.corrupted(file, 'section REPOS is malformed');
      }
    }
    return { params, nextSegment: r.nextSegment, repos: r.repos as ManifestRepo[] };
  } finally {
    await c.close();
  }
}

/** Writes a new manifest to a fsynced temp file and returns its path; `publishManifest` renames it into place. */
export async function prepareManifest(dir: string, m: Manifest): Promise<string> {
  const w = new ContainerWriter(tmpPath(dir), MANIFEST_MAGIC, 2);
  try {
    w.add(Kind.PARAMS, Buffer.from(JSON.stringify(m.params)), false);
    w.add(Kind.REPOS, Buffer.from(JSON.stringify({ nextSegment: m.nextSegment, repos: m.repos })), false);
    await w.finish();
  } catch (e) {
    w.abort();
    throw e;
  }
  return w.tmp;
}

export const publishManifest = (dir: string, tmp: string): Promise<void> => publish(tmp, dir, path.join(dir, MANIFEST_NAME));
