// Editor checks parse a document's next version from its last parse (grammars.ts tokenizeEdited). Whatever
// the edits, the tokens, units and syntax errors must be exactly those of parsing the text from scratch, as
// workspace scans and the CLI do: random edits and undos (layout, comments with non-ASCII text, letters in
// names, lines deleted or doubled, stray brackets that break the syntax) in the 12 grammars, on real code from
// pinned packages, the Python standard library and the benchmark corpus's small configuration (bash
// bench/corpus/fetch.sh; npm test fetches it), and on code of our own for C#, Ruby and PHP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { editBetween, tokenizeEdited, tokenizeText, type ParsedText } from '../../src/node/grammars';
import type { LanguageId } from '../../src/core/types';
import type { Tokenized } from '../../src/core/tokenize';
import { nodeModule, pythonStdlib, ROOT } from '../helpers/cli';
import { existsSync } from 'node:fs';

/** An edit of the text at a random place: mostly what keeps code valid (layout, comments with non-ASCII text, a
 * letter in a name, a line deleted or doubled), now and then a stray bracket that breaks it. */
function edit(text: string, r: () => number, comment: string): string {
  const at = Math.floor(r() * text.length);
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = text.indexOf('\n', at) < 0 ? text.length : text.indexOf('\n', at);
  const op = r();
  if (op < 0.2) return text.slice(0, lineStart) + `${comment} é😀ß\n` + text.slice(lineStart);
  if (op < 0.35) return text.slice(0, lineEnd) + ' ' + text.slice(lineEnd);
  if (op < 0.5) {
    // a letter in a name: after a letter
    const m = /[A-Za-z_]/.exec(text.slice(at));
    const i = m ? at + m.index + 1 : at;
    return text.slice(0, i) + 'q' + text.slice(i);
  }
  if (op < 0.65) return text.slice(0, lineStart) + text.slice(Math.min(text.length, lineEnd + 1));
  if (op < 0.8) return text.slice(0, lineEnd + 1) + text.slice(lineStart, lineEnd + 1) + text.slice(lineEnd + 1);
  if (op < 0.9) return text.slice(0, lineStart) + '\n' + text.slice(lineStart);
  return text.slice(0, at) + (r() < 0.5 ? '{' : ')') + text.slice(at);
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function plain(t: Tokenized) {
  const k = t.tokens;
  return {
    codes: Array.from(k.codes), raw: Array.from(k.raw), starts: Array.from(k.starts), ends: Array.from(k.ends),
    lines: Array.from(k.lines), endLines: Array.from(k.endLines), units: t.units, errors: t.errors ?? [],
  };
}

const sources: [string, LanguageId, () => string, string][] = [
  // (whole files: a slice cut inside a block has syntax errors in every version)
  ['lodash modules', 'javascript', () => ['debounce', 'template', '_baseUniq', 'merge', '_baseClone', 'throttle']
    .map((m) => readFileSync(path.join(nodeModule('lodash'), `${m}.js`), 'utf8')).join('\n'), '//'],
  ['lib.es2015.core.d.ts', 'typescript', () => readFileSync(path.join(nodeModule('typescript'), 'lib', 'lib.es2015.core.d.ts'), 'utf8'), '//'],
  ['json/decoder.py', 'python', () => readFileSync(path.join(pythonStdlib(), 'json', 'decoder.py'), 'utf8'), '#'],
  // (repositories of the small configuration, which every test run fetches)
  ...([
    ['cjson/cJSON_Utils.c', 'c'], ['yaml-cpp/src/singledocparser.cpp', 'cpp'],
    ['jsoup/src/test/java/org/jsoup/parser/CharacterReaderTest.java', 'java'],
    ['golang-github-spf13-cobra/args_test.go', 'go'],
    ['rust-serde/usr/share/cargo/registry/serde-1.0.152/src/de/ignored_any.rs', 'rust'],
    ['react-day-picker/src/DayPicker.tsx', 'tsx'],
  ] as [string, LanguageId][]).map(([rel, lang]): [string, LanguageId, () => string, string] => [rel, lang, () => corpusFile(rel), '//']),
  // (no repository of C#, Ruby or PHP is on every test machine: code of our own)
  ['own C#', 'csharp', () => OWN_CSHARP, '//'],
  ['own Ruby', 'ruby', () => OWN_RUBY, '#'],
  ['own PHP', 'php', () => OWN_PHP, '//'],
];

const OWN_CSHARP = `using System;
using System.Collections.Generic;

namespace Shelf
{
    public sealed class Inventory
    {
        private readonly Dictionary<string, int> counts = new Dictionary<string, int>();

        public int Total { get; private set; }

        public void Add(string item, int count)
        {
            if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count));
            counts.TryGetValue(item, out var had);
            counts[item] = had + count;
            Total += count;
        }

        public bool Take(string item, int count)
        {
            if (!counts.TryGetValue(item, out var had) || had < count) return false;
            if (had == count) counts.Remove(item); else counts[item] = had - count;
            Total -= count;
            return true;
        }

        public IEnumerable<string> Below(int limit)
        {
            foreach (var pair in counts)
            {
                if (pair.Value < limit) yield return pair.Key;
            }
        }

        public override string ToString() => $"{counts.Count} items, {Total} in all";
    }
}
`;

const OWN_RUBY = `module Shelf
  class Inventory
    attr_reader :total

    def initialize
      @counts = Hash.new(0)
      @total = 0
    end

    def add(item, count)
      raise ArgumentError, 'count must be positive' unless count.positive?
      @counts[item] += count
      @total += count
    end

    def take(item, count)
      return false if @counts[item] < count
      @counts[item] -= count
      @counts.delete(item) if @counts[item].zero?
      @total -= count
      true
    end

    def below(limit)
      @counts.select { |_, n| n < limit }.keys.sort
    end

    def to_s
      "#{@counts.size} items, #{@total} in all"
    end
  end
end
`;

const OWN_PHP = `<?php
namespace Shelf;

final class Inventory
{
    private array $counts = [];
    private int $total = 0;

    public function add(string $item, int $count): void
    {
        if ($count <= 0) {
            throw new \\InvalidArgumentException('count must be positive');
        }
        $this->counts[$item] = ($this->counts[$item] ?? 0) + $count;
        $this->total += $count;
    }

    public function take(string $item, int $count): bool
    {
        $had = $this->counts[$item] ?? 0;
        if ($had < $count) {
            return false;
        }
        if ($had === $count) {
            unset($this->counts[$item]);
        } else {
            $this->counts[$item] = $had - $count;
        }
        $this->total -= $count;
        return true;
    }

    public function below(int $limit): array
    {
        return array_keys(array_filter($this->counts, fn (int $n) => $n < $limit));
    }
}
`;

function corpusFile(rel: string): string {
  const file = path.join(ROOT, '.cache', 'corpus', 'src', rel);
  if (!existsSync(file)) throw new Error(`${file} is missing: run bash bench/corpus/fetch.sh (npm test does)`);
  return readFileSync(file, 'utf8');
}

for (const [name, language, read, comment] of sources) {
  test(`${name}: after random edits, parsing from the last parse tokenizes as parsing from scratch`, async () => {
    const r = rng(name.length * 7919);
    const versions = [read()];
    let parsed: ParsedText | undefined;
    let broken = 0;
    try {
      for (let step = 0; step < 60; step++) {
        // an edit, or now and then an undo (back to the version before)
        if (versions.length > 1 && r() < 0.4) versions.pop();
        else versions.push(edit(versions[versions.length - 1]!, r, comment));
        const text = versions[versions.length - 1]!;
        const got = await tokenizeEdited(text, language, parsed);
        parsed = got.parsed;
        const want = await tokenizeText(text, language, undefined, false);
        if (want.errors?.length) broken++;
        assert.deepEqual(plain(got.doc), plain(want), `${name}, edit ${step}`);
      }
    } finally {
      parsed?.tree.delete();
    }
    // (versions with syntax errors, where the parser's error recovery runs, are among them; several files
    // have some in every version, such as C++ with macros, while the JavaScript stays mostly clean)
    assert.ok(broken > 0, 'no version has syntax errors');
  });
}

test('an edit is the text between the common prefix and suffix, in UTF-16 units with rows and columns', () => {
  const e = editBetween('ab\ncdé😀f\ng', 'ab\ncdXYf\ng');
  assert.deepEqual([e.startIndex, e.oldEndIndex, e.newEndIndex], [5, 8, 7]);
  assert.deepEqual([e.startPosition, e.oldEndPosition, e.newEndPosition], [{ row: 1, column: 2 }, { row: 1, column: 5 }, { row: 1, column: 4 }]);
  const same = editBetween('abc', 'abc');
  assert.deepEqual([same.startIndex, same.oldEndIndex, same.newEndIndex], [3, 3, 3]);
});
