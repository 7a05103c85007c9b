// Messages between the extension host (client.ts) and the engine worker (worker.ts). Plain records only:
// they cross a worker_threads boundary (structured clone).
import type { Finding, LanguageId, MatchOptions } from '../core/types';
import type { IndexInfo, RepoSummary } from '../index/store';

export interface SkippedFile {
  path: string;
  reason: string;
}

export type Request =
  | { op: 'configure'; location: string; options: Partial<MatchOptions>; projectRoot?: string }
  | { op: 'scanText'; text: string; language: LanguageId; file: string }
  | { op: 'scanPaths'; paths: string[] }
  | { op: 'index'; dir: string; name?: string; license?: string }
  | { op: 'removeRepo'; name: string }
  | { op: 'info' };

export interface Results {
  configure: { location: string };
  scanText: Finding[];
  scanPaths: { findings: Finding[]; files: number; skipped: SkippedFile[]; cancelled: boolean };
  index: { repo: RepoSummary; skipped: SkippedFile[] };
  removeRepo: boolean;
  info: IndexInfo | undefined;
}

export interface Progress {
  done: number;
  total: number;
  file?: string;
  phase?: string;
}

export type ToWorker = { id: number; req: Request } | { cancel: number };

export type FromWorker =
  /** a line for the extension's output channel (the engine is degraded: checks stay right, only slower) */
  | { log: string }
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string; user: boolean; cancelled?: boolean }
  | { id: number; progress: Progress };
