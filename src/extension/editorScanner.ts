// Checks editor buffers in the worker. Same matcher and options as the engine's Scanner.scanText, over a
// CachingReader, so re-checking a document after an edit reuses the lookups of its unchanged units, and
// with the document's last parse kept, so its next version is parsed incrementally (grammars.ts tokenizeEdited).
import { Matcher } from '../core/match';
import { matchOptions } from '../core/options';
import type { LanguageId, Match, MatchOptions } from '../core/types';
import { UserError, type IndexStore } from '../index/store';
import { repoSourceInfo, tokenizeForScan, withLocalPaths } from '../node/engine';
import { tokenizeEdited, type ParsedText } from '../node/grammars';
import { CachingReader } from './cachingReader';

/** documents whose last parse is kept (trees live in the grammars' wasm memory, which never shrinks) */
const KEPT_PARSES = 4;

export class EditorScanner {
  private readonly matcher: Matcher;
  /** the last parse of recently checked documents, by document, least recently checked first */
  private readonly parses = new Map<string, ParsedText>();

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

  /** `document`: a key of the document (its URI), so that its next version is parsed from this one */
  async scanText(text: string, language: LanguageId, signal?: AbortSignal, document?: string): Promise<Match[]> {
    let doc;
    if (document === undefined) doc = await tokenizeForScan(text, language);
    else {
      // (taken out while in use: two checks of one document at once must not edit the same tree)
      const previous = this.parses.get(document);
      this.parses.delete(document);
      const r = await tokenizeEdited(text, language, previous);
      doc = r.doc;
      this.parses.get(document)?.tree.delete();
      this.parses.set(document, r.parsed);
      for (const [key, kept] of this.parses) {
        if (this.parses.size <= KEPT_PARSES) break;
        kept.tree.delete();
        this.parses.delete(key);
      }
    }
    signal?.throwIfAborted();
    return withLocalPaths(await this.matcher.match(doc, signal));
  }

  close(): Promise<void> {
    for (const kept of this.parses.values()) kept.tree.delete();
    this.parses.clear();
    return this.reader.close();
  }
}
