// Files indexed in several repositories with the same bytes (vendored code, several versions of one project)
// are decoded once and aligned once per query; that must not change what a scan finds. Real code: the
// machine's Python standard library (PSF-2.0), its http package vendored into a second repository.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pythonStdlib, tmpDir } from '../../helpers/cli';
import { extractFunction, renamed } from '../../helpers/copies';
import { indexRepository, openStore, Scanner } from '../../../src/node/engine';
import type { IndexStore } from '../../../src/index/store';

const work = tmpDir();
/** only the http package / the http package vendored beside the json package, in two repositories */
let alone: IndexStore, vendored: IndexStore;
let query = '';

before(async () => {
  cpSync(path.join(pythonStdlib(), 'http'), path.join(work, 'web', 'http'), { recursive: true });
  cpSync(path.join(pythonStdlib(), 'json'), path.join(work, 'app', 'json'), { recursive: true });
  cpSync(path.join(pythonStdlib(), 'http'), path.join(work, 'app', 'third_party', 'http'), { recursive: true });
  alone = await openStore(path.join(work, 'idx-alone'));
  await indexRepository(alone, path.join(work, 'web'), { name: 'web', license: 'PSF-2.0' });
  vendored = await openStore(path.join(work, 'idx-vendored'));
  await indexRepository(vendored, path.join(work, 'web'), { name: 'web', license: 'PSF-2.0' });
  await indexRepository(vendored, path.join(work, 'app'), { name: 'app', license: 'MIT' });
  // a renamed copy of BaseCookie.__parse_string and a verbatim one of _unquote, in a file of their own
  const cookies = readFileSync(path.join(work, 'web', 'http', 'cookies.py'), 'utf8');
  const parse = await extractFunction(cookies, 'python', '__parse_string');
  const unquote = await extractFunction(cookies, 'python', '_unquote');
  query = `import re\n\n\n${unquote.text}\n\n\nclass Jar:\n${await renamed(parse.text, 'python')}\n`;
  writeFileSync(path.join(work, 'query.py'), query);
});
after(async () => { await alone.close(); await vendored.close(); rmSync(work, { recursive: true, force: true }); });

test('files of the same bytes in two repositories share one decoded token stream', async () => {
  const reader = await vendored.openReader();
  try {
    const byPath = new Map<string, number[]>();
    const units = await reader.units(Array.from({ length: reader.unitCount }, (_, i) => i));
    for (const fileId of new Set(units.map((u) => u.fileId))) {
      const f = await reader.file(fileId);
      const key = f.path.replace(/^third_party\//, '');
      byPath.set(key, [...(byPath.get(key) ?? []), fileId]);
    }
    const [a, b] = byPath.get('http/cookies.py') ?? [];
    assert.ok(a !== undefined && b !== undefined, 'cookies.py is in both repositories');
    const fa = await reader.file(a), fb = await reader.file(b);
    assert.notEqual(fa.repo, fb.repo);
    assert.equal(fa.codes, fb.codes, 'one decoded stream');
    assert.equal(fa.raw, fb.raw);
    const json = byPath.get('json/decoder.py') ?? [];
    assert.equal(json.length, 1);
    assert.notEqual((await reader.file(json[0]!)).codes, fa.codes, 'other content, another stream');
  } finally {
    await reader.close();
  }
});

test('a vendored copy changes only which repository a finding names, not what is found', async () => {
  const scan = async (store: IndexStore) => {
    const scanner = await Scanner.open(store);
    try {
      return await scanner.scanText(query, 'python', 'query.py');
    } finally {
      await scanner.close();
    }
  };
  const one = await scan(alone), two = await scan(vendored);
  assert.equal(one.length, 2, `both copied functions are found (${JSON.stringify(one.map((m) => [m.kind, m.startLine, m.endLine]))})`);
  assert.deepEqual(one.map((m) => m.kind).sort(), ['renamed', 'verbatim']);
  const strip = (ms: typeof one) => ms.map(({ source, fingerprint: _, ...m }) => ({ ...m, path: source.path.replace(/^third_party\//, ''), lines: [source.startLine, source.endLine] }));
  assert.deepEqual(strip(two), strip(one));
  for (const m of two) assert.ok(['web', 'app'].includes(m.source.repo));
});
