// Which editor documents and workspace files the extension looks at. Kept free of web-tree-sitter so the
// extension host's main bundle stays small; the worker decides the exact grammar (src/node/grammars.ts).
import type { LanguageId } from '../core/types';

const EDITOR_IDS: Record<string, LanguageId> = {
  javascript: 'javascript', javascriptreact: 'javascript', typescript: 'typescript', typescriptreact: 'tsx',
  python: 'python', java: 'java', c: 'c', cpp: 'cpp', csharp: 'csharp', go: 'go', rust: 'rust', ruby: 'ruby',
  php: 'php',
};

/** VS Code language ids the extension activates on and checks. */
export const EDITOR_LANGUAGE_IDS = Object.keys(EDITOR_IDS);

export function languageForEditorId(id: string): LanguageId | undefined {
  return EDITOR_IDS[id];
}

/** File extensions a workspace scan collects (the worker skips what it cannot parse and says why). */
export const SOURCE_EXTENSIONS = [
  'js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx', 'py', 'pyw', 'pyi', 'java', 'c', 'h', 'cc', 'cpp', 'cxx',
  'hh', 'hpp', 'hxx', 'ipp', 'inl', 'cs', 'go', 'rs', 'rb', 'rake', 'gemspec', 'php', 'phtml',
];
