// Checks editor buffers in the worker. Same matcher and options as the engine's Scanner.scanText, over a
// CachingReader, so re-checking a document after an edit reuses the lookups of its unchanged units.
import { Matcher } from '../core/match';
import { matchOptions } from '../core/options';
import type { LanguageId, Match, MatchOptions } from '../core/types';
import { UserError, type IndexStore } from '../index/store';
import { repoSourceInfo, tokenizeForScan, withLocalPaths } from '../node/engine';
import { CachingReader } from './cachingReader';

export class EditorScanner {
  private readonly matcher: Matcher;

  private constructor(readonly reader: CachingReader, options: MatchOptions) {
    this.matcher = new Matcher(reader, options, repoSourceInfo(reader));
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

  async scanText(text: string, language: LanguageId, signal?: AbortSignal): Promise<Match[]> {
    const doc = await tokenizeForScan(text, language);
    signal?.throwIfAborted();
    return withLocalPaths(await this.matcher.match(doc, signal));
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
