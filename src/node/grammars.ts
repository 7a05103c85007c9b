// Loads web-tree-sitter and the grammar .wasm files. In the bundles they sit beside dist/*.js
// (dist/web-tree-sitter.wasm, dist/grammars/*.wasm); when running from sources (tests, tsx) they come
// from node_modules. Grammars are loaded on first use and cached.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Edit, Language, Parser, type Point, type Tree } from 'web-tree-sitter';
import type { LanguageId } from '../core/types';
import { tokenizeWith, type Tokenized } from '../core/tokenize';
import { rawCursorSupport, walkTrace, walkTree, type RawCursorSupport } from './rawCursor';

const GRAMMAR_FILES: Record<LanguageId, [pkg: string, file: string]> = {
  javascript: ['tree-sitter-javascript', 'tree-sitter-javascript.wasm'],
  typescript: ['tree-sitter-typescript', 'tree-sitter-typescript.wasm'],
  tsx: ['tree-sitter-typescript', 'tree-sitter-tsx.wasm'],
  python: ['tree-sitter-python', 'tree-sitter-python.wasm'],
  java: ['tree-sitter-java', 'tree-sitter-java.wasm'],
  c: ['tree-sitter-c', 'tree-sitter-c.wasm'],
  cpp: ['tree-sitter-cpp', 'tree-sitter-cpp.wasm'],
  csharp: ['tree-sitter-c-sharp', 'tree-sitter-c_sharp.wasm'],
  go: ['tree-sitter-go', 'tree-sitter-go.wasm'],
  rust: ['tree-sitter-rust', 'tree-sitter-rust.wasm'],
  ruby: ['tree-sitter-ruby', 'tree-sitter-ruby.wasm'],
  php: ['tree-sitter-php', 'tree-sitter-php.wasm'],
};

const EXTENSIONS: Record<string, LanguageId> = {
  '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascript',
  '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript',
  '.tsx': 'tsx',
  '.py': 'python', '.pyw': 'python', '.pyi': 'python',
  '.java': 'java',
  '.c': 'c', '.h': 'c',
  '.cc': 'cpp', '.cpp': 'cpp', '.cxx': 'cpp', '.c++': 'cpp', '.hh': 'cpp', '.hpp': 'cpp', '.hxx': 'cpp', '.h++': 'cpp', '.ipp': 'cpp', '.inl': 'cpp',
  '.cs': 'csharp',
  '.go': 'go',
  '.rs': 'rust',
  '.rb': 'ruby', '.rake': 'ruby', '.gemspec': 'ruby',
  '.php': 'php', '.phtml': 'php',
};

/** Language of a file by its extension; undefined for anything else (skipped and counted, never an error). */
export function languageForPath(file: string): LanguageId | undefined {
  const base = path.basename(file).toLowerCase();
  if (base.endsWith('.d.ts')) return 'typescript';
  if (base === 'rakefile' || base === 'gemfile') return 'ruby';
  return EXTENSIONS[path.extname(base)];
}

/** Maps VS Code language ids (and our own) to ours. */
export function languageForEditorId(id: string): LanguageId | undefined {
  const m: Record<string, LanguageId> = {
    javascript: 'javascript', javascriptreact: 'javascript', typescript: 'typescript', typescriptreact: 'tsx',
    tsx: 'tsx', python: 'python', java: 'java', c: 'c', cpp: 'cpp', csharp: 'csharp', go: 'go', rust: 'rust',
    ruby: 'ruby', php: 'php',
  };
  return m[id];
}

function findWasm(candidates: string[]): string {
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`cannot find ${path.basename(candidates[0]!)} (looked in ${candidates.map((c) => path.dirname(c)).join(', ')}); run npm run build`);
}

/** The file inside an installed package, when running from sources (the bundles carry their own copies). */
function fromNodeModules(pkg: string, file: string): string[] {
  const req = require;
  const out: string[] = [];
  for (const spec of [`${pkg}/${file}`, `${pkg}/package.json`]) {
    try {
      out.push(path.join(path.dirname(req.resolve(spec)), file));
    } catch {
      // not exported or not installed
    }
  }
  out.push(path.join(__dirname, '..', '..', 'node_modules', pkg, file));
  return out;
}

let init: Promise<void> | undefined;
const languages = new Map<LanguageId, Promise<Language>>();

/** The raw cursor of rawCursor.ts, while it is trusted; undefined: web-tree-sitter's TreeCursor. */
let raw: RawCursorSupport | undefined;
/** nodes checked so far by tracing the same trees with both cursors (see tokenizeParsed) */
let rawChecked = 0;
const RAW_CHECK_NODES = 2000;

function initParser(): Promise<void> {
  // emscripten turns this object into the wasm Module (it receives the exports): keep it for the raw cursor
  const moduleObject = {
    locateFile: () => findWasm([
      path.join(__dirname, 'web-tree-sitter.wasm'),
      path.join(__dirname, '..', 'web-tree-sitter.wasm'),
      ...fromNodeModules('web-tree-sitter', 'web-tree-sitter.wasm'),
    ]),
  };
  init ??= Parser.init(moduleObject).then(() => { raw = rawCursorSupport(moduleObject); });
  return init;
}

/**
 * Tokenizes a parsed tree with the raw cursor when it is available. The first trees (until RAW_CHECK_NODES
 * nodes) are first traced with both cursors; any difference retires the raw cursor.
 */
export function tokenizeParsed(tree: Tree, text: string, lang: Language, id: LanguageId, useRaw = true): Tokenized {
  if (useRaw && raw && rawChecked < RAW_CHECK_NODES) {
    const viaRaw = walkTree(tree, raw, (c) => walkTrace(c, RAW_CHECK_NODES));
    const viaTreeCursor = walkTree(tree, undefined, (c) => walkTrace(c, RAW_CHECK_NODES));
    if (viaRaw.length === viaTreeCursor.length && viaRaw.every((v, i) => v === viaTreeCursor[i])) rawChecked += viaRaw.length / 4;
    else raw = undefined;
  }
  return walkTree(tree, useRaw ? raw : undefined, (c) => tokenizeWith(c, text, lang, id));
}

/** Whether tokenizing uses the raw cursor (false before the first parse, or after it was retired). */
export function usesRawCursor(): boolean {
  return raw !== undefined;
}

function grammarPath(id: LanguageId): string {
  const [pkg, file] = GRAMMAR_FILES[id];
  return findWasm([path.join(__dirname, 'grammars', file), path.join(__dirname, '..', 'grammars', file), ...fromNodeModules(pkg, file)]);
}

export async function loadLanguage(id: LanguageId): Promise<Language> {
  let p = languages.get(id);
  if (!p) {
    p = initParser().then(() => Language.load(grammarPath(id)));
    languages.set(id, p);
  }
  return p;
}

/** A parser per language, reused (parsers are cheap to keep, expensive to re-create). */
const parsers = new Map<LanguageId, Parser>();

export async function parserFor(id: LanguageId): Promise<Parser> {
  let p = parsers.get(id);
  if (!p) {
    const lang = await loadLanguage(id);
    p = new Parser();
    p.setLanguage(lang);
    parsers.set(id, p);
  }
  return p;
}

export const DEFAULT_PARSE_TIMEOUT_MS = 20_000;

/** Why a file could not be tokenized: reported as a skip reason, never thrown at the user as a crash. */
export class ParseFailure extends Error {}

/**
 * Parses and tokenizes source text. The tree is deleted before returning (the wasm heap never shrinks).
 * Throws ParseFailure when parsing times out or (with rejectSyntaxErrors) the text is mostly syntax errors.
 * Scans keep such files: tree-sitter still yields their tokens, and C/C++ full of macros often parses badly.
 */
export async function tokenizeText(text: string, id: LanguageId, timeoutMs = DEFAULT_PARSE_TIMEOUT_MS, rejectSyntaxErrors = true): Promise<Tokenized> {
  const parser = await parserFor(id);
  const lang = await loadLanguage(id);
  const tree = parseWithin(parser, id, text, null, timeoutMs);
  try {
    const root = tree.rootNode;
    if (rejectSyntaxErrors && (root.type === 'ERROR' || (root.hasError && text.length > 0 && errorShare(tree) > 0.5))) {
      throw new ParseFailure(`does not parse as ${id} (mostly syntax errors)`);
    }
    return tokenizeParsed(tree, text, lang, id);
  } finally {
    tree.delete();
  }
}

/** A document's last parse, kept to parse its next version incrementally (tokenizeEdited). */
export interface ParsedText {
  readonly text: string;
  readonly language: LanguageId;
  readonly tree: Tree;
}

/**
 * tokenizeText for the next version of a document (syntax errors kept, as scans keep them), parsed from
 * `previous` when it is of the same language: tree-sitter reuses what the edit (the text between the
 * longest common prefix and suffix) left alone, ~1 ms instead of ~20 for 5,000 lines of JavaScript. A
 * version with syntax errors is parsed from scratch (error recovery after an edit can differ from a parse
 * from scratch: test/unit/incremental-parse.test.ts found such versions in C, Java and C#). `previous` is
 * consumed: its tree is edited, then deleted; the caller deletes the returned `parsed.tree` when it drops it.
 */
export async function tokenizeEdited(text: string, id: LanguageId, previous?: ParsedText): Promise<{ doc: Tokenized; parsed: ParsedText }> {
  const parser = await parserFor(id);
  const lang = await loadLanguage(id);
  // (a previous parse with syntax errors is not used: the next version would likely have some too, and be
  // parsed twice)
  const old = previous && previous.language === id && !previous.tree.rootNode.hasError ? previous : undefined;
  if (previous && !old) previous.tree.delete();
  let tree: Tree | undefined;
  if (old) {
    old.tree.edit(editBetween(old.text, text));
    try {
      tree = parseWithin(parser, id, text, old.tree, DEFAULT_PARSE_TIMEOUT_MS);
    } finally {
      old.tree.delete();
    }
    // (error recovery may go another way after an edit than from scratch: a result with syntax errors is
    // parsed again, so a check finds what a scan of the same text finds)
    if (tree.rootNode.hasError) { tree.delete(); tree = undefined; }
  }
  tree ??= parseWithin(parser, id, text, null, DEFAULT_PARSE_TIMEOUT_MS);
  try {
    return { doc: tokenizeParsed(tree, text, lang, id), parsed: { text, language: id, tree } };
  } catch (e) {
    tree.delete();
    throw e;
  }
}

/** A parse (from `old`, edited, when given); ParseFailure when the parser fails or takes longer than timeoutMs (the parser is reset then). */
function parseWithin(parser: Parser, id: LanguageId, text: string, old: Tree | null, timeoutMs: number): Tree {
  const started = Date.now();
  let tree: Tree | null;
  try {
    tree = parser.parse(text, old, { progressCallback: () => Date.now() - started > timeoutMs });
  } catch (e) {
    parser.reset();
    throw new ParseFailure(`the ${id} parser failed (${(e as Error).message})`);
  }
  if (!tree) {
    parser.reset();
    throw new ParseFailure(`parsing as ${id} took longer than ${timeoutMs / 1000} s`);
  }
  return tree;
}

/** The edit from `before` to `after` for Tree.edit: the text between their common prefix and suffix replaced (indexes and columns in UTF-16 units, as web-tree-sitter counts). */
export function editBetween(before: string, after: string): Edit {
  const max = Math.min(before.length, after.length);
  let p = 0;
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let q = 0;
  while (q < max - p && before.charCodeAt(before.length - 1 - q) === after.charCodeAt(after.length - 1 - q)) q++;
  const oldEnd = before.length - q, newEnd = after.length - q;
  const start = pointAfter(before, 0, p, { row: 0, column: 0 });
  return new Edit({
    startIndex: p, oldEndIndex: oldEnd, newEndIndex: newEnd,
    // (the ends from the start: only the changed text is scanned again)
    startPosition: start, oldEndPosition: pointAfter(before, p, oldEnd, start), newEndPosition: pointAfter(after, p, newEnd, start),
  });
}

/** The row and column (UTF-16 units) of index `to`, from those of index `from` (`at`). */
function pointAfter(text: string, from: number, to: number, at: Point): Point {
  let row = at.row, lineStart = from - at.column;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) { row++; lineStart = i + 1; }
  return { row, column: to - lineStart };
}

/** Share of the text covered by ERROR nodes (nested ones count once: they come in document order). */
function errorShare(tree: import('web-tree-sitter').Tree): number {
  const root = tree.rootNode;
  let bad = 0, covered = 0;
  for (const n of root.descendantsOfType('ERROR')) {
    const start = Math.max(n.startIndex, covered);
    if (n.endIndex > start) { bad += n.endIndex - start; covered = n.endIndex; }
  }
  return bad / Math.max(1, root.endIndex - root.startIndex);
}
