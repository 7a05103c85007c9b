// Tree-sitter helpers for the generator: per-language function and statement node types, wrappers that
// make a method a valid file of its own, and the leaf tokens (with the whitespace between them) of a range.
import type { Node, Tree } from 'web-tree-sitter';
import type { LanguageId } from '../../src/core/types';
import { parserFor } from '../../src/node/grammars';

export const FUNCTION_TYPES: Record<LanguageId, string[]> = {
  javascript: ['function_declaration', 'generator_function_declaration', 'method_definition'],
  typescript: ['function_declaration', 'generator_function_declaration', 'method_definition'],
  tsx: ['function_declaration', 'generator_function_declaration', 'method_definition'],
  python: ['function_definition'],
  java: ['method_declaration', 'constructor_declaration'],
  c: ['function_definition'],
  cpp: ['function_definition'],
  csharp: ['method_declaration', 'constructor_declaration'],
  go: ['function_declaration', 'method_declaration'],
  rust: ['function_item'],
  ruby: ['method', 'singleton_method'],
  php: ['function_definition', 'method_declaration'],
};

/** Parent node types whose children are statements (one per line in ordinary code). */
export const BLOCK_TYPES = new Set([
  'block', 'statement_block', 'compound_statement', 'body_statement', 'statement_list', 'constructor_body',
  'switch_block_statement_group', 'switch_section', 'then', 'else', 'do', 'begin', 'ensure',
]);

export const LINE_COMMENT: Record<LanguageId, string> = {
  javascript: '//', typescript: '//', tsx: '//', python: '#', java: '//', c: '//', cpp: '//', csharp: '//',
  go: '//', rust: '//', ruby: '#', php: '//',
};

/** Member functions need a container to be a valid file or top-level item on their own. */
export function wrapperFor(language: LanguageId, isMember: boolean, id: string): { open: string; close: string } {
  const name = `Gen${id.replace(/[^A-Za-z0-9]/g, '')}`;
  if (!isMember) return { open: '', close: '' };
  switch (language) {
    case 'javascript': case 'typescript': case 'tsx': case 'java': case 'csharp': case 'php':
      return { open: `class ${name} {\n`, close: `}\n` };
    case 'cpp':
      return { open: `struct ${name} {\n`, close: `};\n` };
    case 'rust':
      return { open: `impl ${name} {\n`, close: `}\n` };
    default:
      return { open: '', close: '' };
  }
}

export function isMemberFunction(node: Node, language: LanguageId): boolean {
  if (language === 'python' || language === 'ruby' || language === 'go' || language === 'c') return false;
  const p = node.parent;
  if (!p) return false;
  // in C++ a declaration_list is a namespace body; only a class body needs a wrapper
  if (language === 'cpp') return p.type === 'field_declaration_list';
  return ['class_body', 'field_declaration_list', 'declaration_list', 'object'].includes(p.type);
}

export async function parse(text: string, language: LanguageId): Promise<Tree> {
  const parser = await parserFor(language);
  const tree = parser.parse(text);
  if (!tree) throw new Error(`could not parse ${language} text`);
  return tree;
}

/** Number of ERROR and MISSING nodes: the generator keeps a transformed copy only if this does not grow. */
export function errorCount(tree: Tree): number {
  if (!tree.rootNode.hasError) return 0;
  let n = 0;
  const c = tree.walk();
  let done = false;
  while (!done) {
    const node = c.currentNode;
    if (node.isError || node.isMissing) n++;
    if (node.hasError && c.gotoFirstChild()) continue;
    while (!c.gotoNextSibling()) {
      if (!c.gotoParent()) { done = true; break; }
    }
  }
  c.delete();
  return n;
}

export type LeafKind = 'comment' | 'identifier' | 'string' | 'number' | 'other';
export interface Leaf { start: number; end: number; text: string; kind: LeafKind; type: string; named: boolean }

const ATOMIC = /string|char_literal|character_literal|template|heredoc|nowdoc|regex|rune|encapsed|symbol|lifetime|variable_name|shell_command|comment|preproc_arg/;

function kindOf(node: Node): LeafKind {
  const t = node.type;
  if (/comment/.test(t)) return 'comment';
  if (!node.isNamed) return 'other';
  if (/string|template|heredoc|nowdoc|encapsed/.test(t) && !/char/.test(t)) return 'string';
  if (/number|integer|float|real_literal|int_literal/.test(t) && /^[0-9]/.test(node.text)) return 'number';
  if (/identifier$|^name$|^constant$|^variable_name$|^field_identifier$/.test(t)) return 'identifier';
  return 'other';
}

/** Leaves (atomic literals and comments count as one) that start inside [from, to), in text order. */
export function leaves(tree: Tree, text: string, from: number, to: number): Leaf[] {
  const out: Leaf[] = [];
  const c = tree.walk();
  let done = false;
  while (!done) {
    const node = c.currentNode;
    const overlaps = node.endIndex > from && node.startIndex < to;
    const atomic = node.childCount === 0 || (node.isNamed && ATOMIC.test(node.type));
    if (overlaps && atomic) {
      if (node.startIndex >= from && node.endIndex > node.startIndex) {
        out.push({ start: node.startIndex, end: node.endIndex, text: text.slice(node.startIndex, node.endIndex), kind: kindOf(node), type: node.type, named: node.isNamed });
      }
    } else if (overlaps && c.gotoFirstChild()) {
      continue;
    }
    while (!c.gotoNextSibling()) {
      if (!c.gotoParent()) { done = true; break; }
    }
  }
  c.delete();
  out.sort((a, b) => a.start - b.start || b.end - a.end);
  // drop leaves nested in an earlier one (MISSING nodes, zero-width artefacts)
  const clean: Leaf[] = [];
  for (const l of out) if (!clean.length || l.start >= clean[clean.length - 1]!.end) clean.push(l);
  return clean;
}

/** Statement nodes inside [from, to) that sit alone on one line: targets for T3 edits and donor statements. */
export function statementLines(tree: Tree, text: string, from: number, to: number): { start: number; end: number; node: Node }[] {
  const out: { start: number; end: number; node: Node }[] = [];
  const visit = (node: Node): void => {
    for (const child of node.namedChildren) {
      if (!child || child.endIndex <= from || child.startIndex >= to) continue;
      if (BLOCK_TYPES.has(node.type) && child.startPosition.row === child.endPosition.row && !/comment/.test(child.type)
        && child.startIndex >= from && child.endIndex <= to) {
        const lineStart = text.lastIndexOf('\n', child.startIndex - 1) + 1;
        let lineEnd = text.indexOf('\n', child.endIndex);
        if (lineEnd < 0) lineEnd = text.length;
        const before = text.slice(lineStart, child.startIndex);
        const after = text.slice(child.endIndex, lineEnd);
        if (/^\s*$/.test(before) && /^;?\s*$/.test(after)) out.push({ start: lineStart, end: lineEnd, node: child });
      }
      visit(child);
    }
  };
  visit(tree.rootNode);
  return out;
}
