// A cheaper tree cursor for the tokenizer's walk. web-tree-sitter's TreeCursor keeps its state (four words)
// in JavaScript and copies it into the wasm transfer buffer and back around every call, through emscripten's
// setValue/getValue; that copying cost more than the tree-sitter calls themselves. This cursor puts the state
// into the transfer buffer once, calls the same exported wasm functions (ts_tree_cursor_*_wasm read the
// cursor from the buffer and the goto functions write it back), and copies the state back to the
// TreeCursor at the end so that TreeCursor.delete frees it. Nothing else may use the transfer buffer
// during the walk, so the walk must only move the cursor and read type ids and offsets.
//
// It relies on web-tree-sitter internals (the Module object given to Parser.init gets the wasm exports,
// a Tree and a TreeCursor keep their handles at [0], [0..3]). rawCursorSupport checks them once; the first
// trees are also traced with TreeCursor (walkTrace), and any difference falls back to TreeCursor for the process.
import type { Tree, TreeCursor } from 'web-tree-sitter';
import type { WalkCursor } from '../core/tokenize';

/** The parts of web-tree-sitter's emscripten Module this cursor calls. */
interface WasmModule {
  _ts_init(): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  getValue(ptr: number, type: 'i32'): number;
  setValue(ptr: number, value: number, type: 'i32'): void;
}

const FUNCTIONS = [
  '_ts_init', '_ts_tree_cursor_goto_first_child_wasm', '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm', '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_start_index_wasm', '_ts_tree_cursor_end_index_wasm', 'getValue', 'setValue',
] as const;

/** The wasm module and its transfer buffer, when the internals look as expected. */
export interface RawCursorSupport { readonly module: WasmModule; readonly buffer: number }

/** Checks the Module object that was given to Parser.init (emscripten fills it with the exports). */
export function rawCursorSupport(moduleObject: object): RawCursorSupport | undefined {
  const m = moduleObject as Record<string, unknown>;
  if (!FUNCTIONS.every((f) => typeof m[f] === 'function')) return undefined;
  const module = moduleObject as WasmModule;
  const buffer = module._ts_init(); // returns the static transfer buffer (and rewrites two version words there)
  return typeof buffer === 'number' && buffer > 0 ? { module, buffer } : undefined;
}

type Handle = Record<0 | 1 | 2 | 3, number>;

class RawCursor implements WalkCursor {
  constructor(private readonly m: WasmModule, private readonly tree: number) {}
  get nodeTypeId(): number { return this.m._ts_tree_cursor_current_node_type_id_wasm(this.tree); }
  get startIndex(): number { return this.m._ts_tree_cursor_start_index_wasm(this.tree); }
  get endIndex(): number { return this.m._ts_tree_cursor_end_index_wasm(this.tree); }
  gotoFirstChild(): boolean { return this.m._ts_tree_cursor_goto_first_child_wasm(this.tree) === 1; }
  gotoNextSibling(): boolean { return this.m._ts_tree_cursor_goto_next_sibling_wasm(this.tree) === 1; }
  gotoParent(): boolean { return this.m._ts_tree_cursor_goto_parent_wasm(this.tree) === 1; }
}

const isHandle = (x: unknown, words: number): boolean => {
  for (let i = 0; i < words; i++) if (typeof (x as Handle)[i as 0] !== 'number') return false;
  return true;
};

/**
 * Runs fn with a cursor on the tree's root. With support, the cursor is a RawCursor; fn must not call
 * anything else of web-tree-sitter while it runs. Without support, or when the handles do not look as
 * expected, it is the TreeCursor itself.
 */
export function walkTree<T>(tree: Tree, support: RawCursorSupport | undefined, fn: (c: WalkCursor) => T): T {
  const cursor: TreeCursor = tree.walk();
  try {
    if (!support || !isHandle(tree, 1) || !isHandle(cursor, 4)) return fn(cursor);
    const { module: m, buffer } = support;
    const h = cursor as unknown as Handle;
    for (let i = 0; i < 4; i++) m.setValue(buffer + 4 * i, h[i as 0], 'i32');
    try {
      return fn(new RawCursor(m, (tree as unknown as Handle)[0]));
    } finally {
      // the walk may have grown (re-allocated) the cursor's stack: hand the current state back for delete()
      for (let i = 0; i < 4; i++) h[i as 0] = m.getValue(buffer + 4 * i, 'i32');
    }
  } finally {
    cursor.delete();
  }
}

/**
 * What a walk sees, node by node in pre-order: depth, type id, start and end, for at most `limit` nodes.
 * Comparing the traces of both cursors checks the raw one; the tokenizer itself then only ever meets one
 * kind of cursor (its call sites stay monomorphic).
 */
export function walkTrace(c: WalkCursor, limit: number): number[] {
  const out: number[] = [];
  let depth = 0;
  for (let visited = 0; visited < limit; visited++) {
    out.push(depth, c.nodeTypeId, c.startIndex, c.endIndex);
    if (c.gotoFirstChild()) { depth++; continue; }
    while (!c.gotoNextSibling()) {
      if (!c.gotoParent()) return out;
      depth--;
    }
  }
  return out;
}
