// The worker's editor scanner over the caching reader finds exactly what the engine's Scanner finds, and a
// re-check after a small edit is answered mostly from the cache. Real lodash code, a real file index.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, readdirSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { indexRepository, openStore, Scanner } from '../../src/node/engine';
import { EditorScanner } from '../../src/extension/editorScanner';

const require = createRequire(__filename);
const lodash = path.dirname(require.resolve('lodash/package.json'));

test('editor scanner = engine scanner, and re-checks hit the cache', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'memocheck-cache-'));
  try {
    const repo = path.join(dir, 'lodash');
    mkdirSync(repo);
    for (const f of readdirSync(lodash).filter(f => /^[a-d].*\.js$/.test(f))) cpSync(path.join(lodash, f), path.join(repo, f));
    const store = await openStore(path.join(dir, 'index'));
    await indexRepository(store, repo, { name: 'lodash', license: 'MIT', workers: 0 });
    const own = 'function clamp(v, lo, hi) {\n  return Math.min(hi, Math.max(lo, v));\n}\n';
    const text = own + readFileSync(path.join(lodash, 'debounce.js'), 'utf8').replace(/\bdebounce\b/g, 'rateLimit').replace(/\blastArgs\b/g, 'pending');
    const engine = await Scanner.open(store, {});
    const editor = await EditorScanner.open(store, {});
    const a = await engine.scanText(text, 'javascript', 'x.js');
    const b = await editor.scanText(text, 'javascript');
    assert.ok(a.length >= 1);
    assert.deepEqual(b, a);
    const misses = editor.reader.misses;
    // an edit in the own code at the top: the copy's units are unchanged
    const edited = text.replace('Math.min(hi', 'Math.min( hi');
    const c = await editor.scanText(edited, 'javascript');
    assert.deepEqual(c.map(m => [m.startLine, m.endLine, m.source.path, m.fingerprint]), a.map(m => [m.startLine, m.endLine, m.source.path, m.fingerprint]));
    assert.equal(editor.reader.misses, misses, 'no new lookups for unchanged units');
    assert.ok(editor.reader.hits > 0);
    await engine.close();
    await editor.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
