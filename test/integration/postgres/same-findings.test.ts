// The file store and the PostgreSQL store give identical findings for the same repositories and inputs, also
// after a re-index that reuses unchanged files (each store hands them back its own way: IndexStore.previousFiles).
// Real code: the MIT packages semver and qs from node_modules; copies made at test time.
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { indexRepository, openStore, Scanner } from '../../../src/node/engine';
import type { Finding } from '../../../src/core/types';
import type { IndexStore } from '../../../src/index/store';
import { freshDatabase } from './helpers';

const NM = join(__dirname, '..', '..', '..', 'node_modules');
const work = mkdtempSync(join(tmpdir(), 'memocheck-same-'));
after(() => rmSync(work, { recursive: true, force: true }));

function makeRepos(): string[] {
  const semver = join(work, 'repos', 'semver');
  const qs = join(work, 'repos', 'qs');
  cpSync(join(NM, 'semver'), semver, { recursive: true });
  cpSync(join(NM, 'qs'), qs, { recursive: true });
  return [semver, qs];
}

/** A project with a verbatim copy, a renamed copy and a copy embedded in unrelated code. */
function makeProject(): string {
  const dir = join(work, 'project');
  mkdirSync(dir, { recursive: true });
  const range = readFileSync(join(NM, 'semver', 'classes', 'range.js'), 'utf8');
  writeFileSync(join(dir, 'range-copy.js'), range);
  const utils = readFileSync(join(NM, 'qs', 'lib', 'utils.js'), 'utf8');
  writeFileSync(join(dir, 'utils-renamed.js'), utils.replace(/\bobj\b/g, 'thing').replace(/\bsource\b/g, 'src2').replace(/\btarget\b/g, 'dst'));
  const parse = readFileSync(join(NM, 'qs', 'lib', 'parse.js'), 'utf8');
  const lines = parse.split('\n');
  writeFileSync(join(dir, 'embedded.js'), [
    'function unrelated(a, b) {', '  return a.map((x) => x * b).filter(Boolean);', '}', '',
    ...lines.slice(Math.floor(lines.length / 3), Math.floor((2 * lines.length) / 3)),
    '', 'module.exports = { unrelated };',
  ].join('\n'));
  writeFileSync(join(dir, 'own.js'), 'export function add(a, b) { return a + b; }\n');
  return dir;
}

/** Indexes (or re-indexes) the repositories and scans the project: the findings and the files reused. */
async function findingsOf(store: IndexStore, repos: string[], project: string): Promise<{ findings: Finding[]; reused: number }> {
  let reused = 0;
  for (const r of repos) reused += (await indexRepository(store, r, { workers: 0, license: 'MIT' })).reused;
  const scanner = await Scanner.open(store);
  try {
    const { findings } = await scanner.scanPaths([project], { workers: 0, projectLicense: 'Apache-2.0' });
    return { findings, reused };
  } finally {
    await scanner.close();
  }
}

const key = (f: Finding): string => JSON.stringify([f.file, f.startLine, f.endLine, f.source.repo, f.source.path, f.source.startLine]);

describe('file store and PostgreSQL store', () => {
  it('produce identical findings for the same repositories and inputs', async () => {
    const repos = makeRepos();
    const project = makeProject();
    const fileStore = await openStore(join(work, 'index'));
    const pgStore = await openStore(await freshDatabase('same'));
    let fromFile: Finding[], fromPg: Finding[];
    const sameIndex = async () => {
      const [fi, pi] = [await fileStore.info(), await pgStore.info()];
      const summary = (i: typeof fi) => i.repos.map((r) => [r.name, r.files, r.units, r.tokens, r.license]).sort();
      assert.deepEqual(summary(pi), summary(fi));
      assert.equal(pi.units, fi.units);
    };
    try {
      ({ findings: fromFile } = await findingsOf(fileStore, repos, project));
      ({ findings: fromPg } = await findingsOf(pgStore, repos, project));
      await sameIndex();
      // re-index after a change, a deletion and an addition: both stores reuse the other files alike
      appendFileSync(join(repos[1]!, 'lib', 'utils.js'), '\nfunction extra(a) { return a.filter(Boolean).map(String); }\n');
      rmSync(join(repos[0]!, 'functions', 'inc.js'));
      cpSync(join(NM, 'qs', 'lib', 'parse.js'), join(repos[0]!, 'parse-copy.js'));
      const [again, againPg] = [await findingsOf(fileStore, repos, project), await findingsOf(pgStore, repos, project)];
      assert.ok(again.reused > 0);
      assert.equal(againPg.reused, again.reused);
      assert.deepEqual(againPg.findings, again.findings);
      await sameIndex();
    } finally {
      await fileStore.close();
      await pgStore.close();
    }
    const files = new Set(fromFile.map((f) => f.file.replace(/.*\//, '')));
    assert.deepEqual([...files].sort(), ['embedded.js', 'range-copy.js', 'utils-renamed.js'], 'the planted copies are found');
    assert.ok(fromFile.some((f) => f.kind === 'verbatim') && fromFile.some((f) => f.kind !== 'verbatim'));
    const sort = (a: Finding[]) => [...a].sort((x, y) => key(x).localeCompare(key(y)));
    assert.deepEqual(sort(fromPg), sort(fromFile));
    assert.deepEqual(fromPg, fromFile, 'and in the same order');
  });
});
