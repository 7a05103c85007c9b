// Checks editor buffers in the worker. Same matcher and options as the engine's Scanner.scanText, over a
// CachingReader, so re-checking a document after an edit reuses the lookups of its unchanged units.
import path from 'node:path';
import { Matcher } from '../core/match';
import { matchOptions } from '../core/options';
import type { LanguageId, Match, MatchOptions, SourceRef } from '../core/types';
import { UserError, type IndexStore } from '../index/store';
import { tokenizeText } from '../node/grammars';
import { CachingReader } from './cachingReader';

type SourceExtra = Omit<SourceRef, 'path' | 'startLine' | 'endLine' | 'license'>;

export class EditorScanner {
  private readonly repoInfo = new Map<string, Promise<SourceExtra | undefined>>();
  private readonly matcher: Matcher;

  private constructor(readonly reader: CachingReader, options: MatchOptions) {
    this.matcher = new Matcher(reader, options, repo => this.sourceExtra(repo));
  }

  static async open(store: IndexStore, opts: Partial<MatchOptions>): Promise<EditorScanner> {
    let options: MatchOptions;
    try {
      options = matchOptions(opts);
    } catch (e) {
      throw new UserError((e as Error).message);
    }
    return new EditorScanner(new CachingReader(await store.openReader()), options);
  }

  private sourceExtra(repo: string): Promise<SourceExtra | undefined> {
    let p = this.repoInfo.get(repo);
    if (!p) {
      p = this.reader.repo(repo).then(r => r && {
        repo,
        ...(r.commit ? { commit: r.commit } : {}),
        ...(r.url ? { url: r.url } : {}),
        ...(r.root ? { localPath: r.root } : {}),
      });
      this.repoInfo.set(repo, p);
    }
    return p;
  }

  async scanText(text: string, language: LanguageId, signal?: AbortSignal): Promise<Match[]> {
    const doc = await tokenizeText(text, language);
    signal?.throwIfAborted();
    const ms = await this.matcher.match(doc, signal);
    // like the engine: the original's absolute path, for opening and diffing it
    return ms.map(m => (m.source.localPath ? { ...m, source: { ...m.source, localPath: path.join(m.source.localPath, m.source.path) } } : m));
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
