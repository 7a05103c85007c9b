// Normalization across the 12 grammars: comments and layout vanish, identifiers and literals are
// abstracted, keywords/operators keep their codes, positions map back to lines. Snippets are our own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenizeText } from '../../src/node/grammars';
import { CODE_IDENTIFIER, CODE_NUMBER, CODE_STRING } from '../../src/core/vocabulary';
import type { LanguageId } from '../../src/core/types';

// [original, the same code reformatted + renamed + other literals + other comments]
const SAMPLES: Record<LanguageId, [string, string]> = {
  javascript: ['// sum\nfunction total(items) {\n  let acc = 0;\n  for (const it of items) acc += it.price * 2;\n  return acc + "x";\n}\n',
    'function   sum(list){ /* c */ let s=0; for(const e of list) s+=e.price*3; return s+"y";}'],
  typescript: ['function total(items: number[]): number {\n  let acc = 0; // c\n  for (const it of items) { acc += it; }\n  return acc;\n}\n',
    'function sum(xs: number[]): number { let s = 1; for (const x of xs) { s += x; } return s; }'],
  tsx: ['export function Row(props: { label: string }) {\n  return <div className="row">{props.label}</div>;\n}\n',
    'export function Line(p: { text: string }) { return <div className="line">{p.text}</div>; }'],
  python: ['def total(items):\n    # sum\n    acc = 0\n    for it in items:\n        acc += it * 2\n    return acc\n',
    'def s(xs):\n    a = 5  # other\n    for x in xs:\n        a += x * 9\n    return a\n'],
  java: ['class A {\n  int total(int[] items) {\n    int acc = 0; // c\n    for (int it : items) acc += it;\n    return acc;\n  }\n}\n',
    'class B { int sum(int[] xs) { int s = 1; for (int x : xs) s += x; return s; } }'],
  c: ['int total(int *items, int n) {\n  int acc = 0; /* c */\n  for (int i = 0; i < n; i++) acc += items[i];\n  return acc;\n}\n',
    'int sum(int *xs, int len){int s=1;for(int j=0;j<len;j++)s+=xs[j];return s;}'],
  cpp: ['int total(std::vector<int>& items) {\n  int acc = 0;\n  for (auto it : items) acc += it; // c\n  return acc;\n}\n',
    'int sum(std::vector<int>& xs){int s=3;for(auto x:xs)s+=x;return s;}'],
  csharp: ['class A {\n  int Total(int[] items) {\n    var acc = 0;\n    foreach (var it in items) acc += it;\n    return acc;\n  }\n}\n',
    'class B { int Sum(int[] xs) { var s = 2; foreach (var x in xs) s += x; return s; } }'],
  go: ['func total(items []int) int {\n\tacc := 0 // c\n\tfor _, it := range items {\n\t\tacc += it\n\t}\n\treturn acc\n}\n',
    'func sum(xs []int) int {\n\ts := 7\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}\n'],
  rust: ['fn total(items: &[i32]) -> i32 {\n    let mut acc = 0; // c\n    for it in items { acc += it; }\n    acc\n}\n',
    'fn sum(xs: &[i32]) -> i32 { let mut s = 4; for x in xs { s += x; } s }'],
  ruby: ['def total(items)\n  acc = 0 # c\n  items.each { |it| acc += it }\n  acc\nend\n',
    'def sum(xs)\n  s = 8\n  xs.each { |x| s += x }\n  s\nend\n'],
  php: ['<?php\nfunction total($items) {\n  $acc = 0; // c\n  foreach ($items as $it) { $acc += $it; }\n  return $acc;\n}\n',
    '<?php function sum($xs) { $s = 3; foreach ($xs as $x) { $s += $x; } return $s; }'],
};

for (const [lang, [a, b]] of Object.entries(SAMPLES) as [LanguageId, [string, string]][]) {
  test(`${lang}: renaming, literals, comments and layout do not change the normalized stream`, async () => {
    const ta = await tokenizeText(a, lang);
    const tb = await tokenizeText(b, lang);
    assert.ok(ta.tokens.codes.length >= 10, `${lang}: too few tokens`);
    assert.deepEqual(Array.from(ta.tokens.codes), Array.from(tb.tokens.codes));
    assert.notDeepEqual(Array.from(ta.tokens.raw), Array.from(tb.tokens.raw), 'raw hashes tell the renamed copy apart');
    assert.ok(ta.tokens.codes.includes(CODE_IDENTIFIER));
    // no token text contains a comment
    for (let i = 0; i < ta.tokens.codes.length; i++) {
      const text = a.slice(ta.tokens.starts[i], ta.tokens.ends[i]);
      assert.ok(!/^(\/\/|\/\*|#(?!\[))/.test(text) || text === '#', `${lang}: comment token ${text}`);
      assert.equal(ta.tokens.lines[i], a.slice(0, ta.tokens.starts[i]).split('\n').length - 1);
    }
    assert.ok(ta.units.some((u) => u.kind === 'function'), `${lang}: the function is a unit`);
  });
}

test('string and number literals become their own classes', async () => {
  const t = await tokenizeText('x = "a" + 1.5 + `b${c}`;', 'javascript');
  const codes = Array.from(t.tokens.codes);
  assert.equal(codes.filter((c) => c === CODE_STRING).length, 2);
  assert.equal(codes.filter((c) => c === CODE_NUMBER).length, 1);
});

test('deeply nested code tokenizes without overflowing the stack', async () => {
  const depth = 5000;
  const text = 'x = ' + '('.repeat(depth) + '1' + ')'.repeat(depth) + ';';
  const t = await tokenizeText(text, 'javascript');
  assert.ok(t.tokens.codes.length >= 2 * depth);
});

test('CRLF and non-ASCII text map to the right lines and offsets', async () => {
  const text = 'const s = "héllo";\r\nconst t = 1;\r\n';
  const t = await tokenizeText(text, 'javascript');
  const i = Array.from(t.tokens.codes).lastIndexOf(CODE_NUMBER);
  assert.equal(t.tokens.lines[i], 1);
  assert.equal(text.slice(t.tokens.starts[i], t.tokens.ends[i]), '1');
});

test('code cut inside a block (unbalanced braces while typing) is still tokenized around the syntax error', async () => {
  // the first 200 lines of lodash.js end inside its wrapping function: the root becomes an ERROR node
  const { readFileSync } = await import('node:fs');
  const { nodeModule } = await import('../helpers/cli');
  const whole = readFileSync(`${nodeModule('lodash')}/lodash.js`, 'utf8');
  const cut = whole.split('\n').slice(0, 200).join('\n');
  const complete = await tokenizeText(whole.split('\n').slice(0, 200).join('\n') + '\n}.call(this));\n', 'javascript', undefined, false);
  const partial = await tokenizeText(cut, 'javascript', undefined, false);
  assert.ok(partial.tokens.codes.length > 400, `only ${partial.tokens.codes.length} tokens`);
  assert.ok(partial.tokens.codes.length >= 0.9 * complete.tokens.codes.length);
  // every token has a code from the vocabulary (none of the error-region tokens is left at 0)
  assert.ok(partial.tokens.codes.every((c) => c !== 0));
});

test('declarations without a body (extern, abstract, interface, native methods) are not function units', async () => {
  // [code, the names of the functions it has]
  const cases: [LanguageId, string, string[]][] = [
    ['csharp', 'class A {\n  [DllImport("k")] static extern int Beep(int f, int d);\n  abstract void Draw();\n  int Twice(int x) { return 2 * x; }\n  int Half(int x) => x / 2;\n  A() { }\n}\n',
      ['Twice', 'Half', 'A']],
    ['java', 'abstract class A {\n  native int peek(long a);\n  abstract void draw();\n  int twice(int x) { return 2 * x; }\n  A() { }\n}\ninterface B { void run(); default int one() { return 1; } }\n',
      ['twice', 'A', 'one']],
    ['php', '<?php\nabstract class A {\n  abstract function draw($c);\n  function twice($x) { return 2 * $x; }\n}\ninterface B { function run(); }\n', ['twice']],
    ['go', 'package p\n\nfunc peek(a uintptr) int\n\nfunc twice(x int) int { return 2 * x }\n', ['twice']],
    // (declarations that always have a body are untouched)
    ['typescript', 'function twice(x: number) { return 2 * x; }\nclass C { half(x: number) { return x / 2; } }\n', ['twice', 'half']],
  ];
  for (const [lang, text, names] of cases) {
    const t = await tokenizeText(text, lang);
    const fns = t.units.filter((u) => u.kind === 'function');
    const named = fns.map((u) => names.find((n) => text.slice(t.tokens.starts[u.start], t.tokens.ends[u.end - 1]).includes(`${n}(`)));
    assert.deepEqual(named, names, `${lang}: functions ${fns.map((u) => text.slice(t.tokens.starts[u.start], t.tokens.ends[u.end - 1])).join(' | ')}`);
  }
});
