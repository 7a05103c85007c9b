// The tokenizer walks trees with a raw cursor over web-tree-sitter's wasm functions (node/rawCursor.ts);
// it must give exactly what the public TreeCursor gives, in every grammar, on messy code too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadLanguage, parserFor, tokenizeParsed, tokenizeText, usesRawCursor } from '../../src/node/grammars';
import type { LanguageId } from '../../src/core/types';

const ROOT = path.join(__dirname, '..', '..');
// nested units, strings with escapes and interpolation, comments, a syntax error, non-ASCII text
const SAMPLES: [LanguageId, string][] = [
  ['javascript', 'class A { m() { const f = (x) => `a${x}\\n`; return [f(1), /re+/g, "é😀"]; } }\nfunction g( { return 1 }\n'],
  ['typescript', 'namespace N { export class C<T> { f(x: T): T[] { /* c */ return [x]; } } }\n'],
  ['tsx', 'const App = () => <div a="1">{items.map((i) => <span key={i}>ü {i}</span>)}</div>;\n'],
  ['python', 'class A:\n    def f(self):\n        def g():\n            return f"x{1}y"  # c\n        return g\n'],
  ['java', 'class A { class B { int f() { return "s".length() + \'c\'; } } void g( }'],
  ['c', '#define X 1\nstruct s { int a; };\nint f(void) { return X + sizeof(struct s); }\n'],
  ['cpp', 'template <class T> struct V { T f() const { return T{}; } };\nnamespace n { int g() { return 0; } }\n'],
  ['csharp', 'class A { int P { get; set; } void M() { var s = $"x{P}"; } }\n'],
  ['go', 'package p\nfunc f() func() int { return func() int { return len("é") } }\n'],
  ['rust', 'impl A { fn f(&self) -> String { format!("{}", r#"raw"#) } }\nfn g() {}\n'],
  ['ruby', 'class A\n  def f\n    [1].map { |x| "#{x}" }\n  end\nend\n'],
  ['php', '<?php class A { function f() { return "x{$this->y}" . <<<EOT\nhere\nEOT; } }\n'],
];

test('the raw cursor and TreeCursor give the same tokens and units in every grammar', async () => {
  const texts: [LanguageId, string][] = [
    ...SAMPLES,
    ['typescript', readFileSync(path.join(ROOT, 'src', 'core', 'tokenize.ts'), 'utf8')],
    ['typescript', readFileSync(path.join(ROOT, 'src', 'node', 'grammars.ts'), 'utf8')],
  ];
  await tokenizeText('', 'javascript'); // initializes web-tree-sitter
  for (const [id, text] of texts) {
    const parser = await parserFor(id);
    const lang = await loadLanguage(id);
    const tree = parser.parse(text)!;
    try {
      const viaRaw = tokenizeParsed(tree, text, lang, id, true);
      const viaTreeCursor = tokenizeParsed(tree, text, lang, id, false);
      assert.deepEqual(viaRaw, viaTreeCursor, id);
      assert.ok(viaRaw.tokens.codes.length > 5, id);
    } finally {
      tree.delete();
    }
  }
  assert.equal(usesRawCursor(), true, 'the raw cursor was retired: it differed from TreeCursor');
});
