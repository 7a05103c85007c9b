// `memocheck db migrate|status` and `memocheck index|index-info` against a postgres:// index, through the
// real command-line entry point (main()), capturing what it prints.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { registerDb } from '../../../src/cli/db';
import { buildProgram, main } from '../../../src/cli/main';
import { freshDatabase } from './helpers';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const log = console.log, error = console.error, write = process.stderr.write.bind(process.stderr);
  console.log = (...a: unknown[]) => { out += `${a.join(' ')}\n`; };
  console.error = (...a: unknown[]) => { err += `${a.join(' ')}\n`; };
  process.stderr.write = ((s: string) => { err += s; return true; }) as typeof process.stderr.write;
  const saved = process.exitCode;
  try {
    const code = await main(['node', 'memocheck', ...args]);
    return { code, out, err };
  } finally {
    console.log = log; console.error = error; process.stderr.write = write;
    process.exitCode = saved;
  }
}

const hasDb = buildProgram().commands.some((c) => c.name() === 'db');

describe('memocheck CLI with a postgres:// index', () => {
  it('registerDb adds db migrate and db status', async () => {
    const url = await freshDatabase('cli');
    const outs: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => { outs.push(a.join(' ')); };
    try {
      await buildProgramWithDb().parseAsync(['node', 'memocheck', 'db', 'status', '--index', url]);
      await buildProgramWithDb().parseAsync(['node', 'memocheck', 'db', 'migrate', '--index', url, '--to', '1']);
      await buildProgramWithDb().parseAsync(['node', 'memocheck', 'db', 'migrate', '--index', url]);
      await buildProgramWithDb().parseAsync(['node', 'memocheck', 'db', 'migrate', '--index', url]);
      await buildProgramWithDb().parseAsync(['node', 'memocheck', 'db', 'status', '--index', url]);
    } finally {
      console.log = log;
    }
    const password = new URL(url).password;
    assert.ok(outs.every((o) => !o.includes(password)), outs.join('\n'));
    assert.match(outs[0]!, /^postgres:\/\/memocheck@127\.0\.0\.1:\d+\/cli_\d+_\d+: schema v0, needs migration to v2 \(memocheck db migrate\)$/);
    assert.match(outs[1]!, /migrated schema v0 -> v1 \(applied 1\)$/);
    assert.match(outs[2]!, /migrated schema v1 -> v2 \(applied 2\)$/);
    assert.match(outs[3]!, /schema v2 is up to date$/);
    assert.match(outs[4]!, /schema v2, up to date$/);
  });

  it('db migrate refuses an index file', async () => {
    const file = join(tmpdir(), 'some-index');
    await assert.rejects(buildProgramWithDb().parseAsync(['node', 'memocheck', 'db', 'migrate', '--index', file]),
      (e: Error) => e.message.includes(`db commands need a postgres:// index; ${file} is an index file`));
  });

  it('index, index-info and scan work end to end with errors on one line', async () => {
    const url = await freshDatabase('cli');
    const work = mkdtempSync(join(tmpdir(), 'memocheck-pgcli-'));
    after(() => rmSync(work, { recursive: true, force: true }));
    cpSync(join(__dirname, '..', '..', '..', 'node_modules', 'semver'), join(work, 'semver'), { recursive: true });
    let r = await run(['index', join(work, 'semver'), '--index', url, '--workers', '0', '--license', 'MIT']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^semver: 50 files, \d+ units/);
    r = await run(['index-info', '--index', url]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /index postgres:\/\/memocheck@127\.0\.0\.1:\d+\/cli_\d+_\d+ \(format postgres schema v2\): 1 repositories, 50 files/);
    r = await run(['scan', join(work, 'semver', 'classes', 'range.js'), '--index', url, '--format', 'json', '--workers', '0']);
    assert.equal(r.code, 0, r.err);
    const findings = JSON.parse(r.out).findings as { source: { repo: string; path: string } }[];
    assert.ok(findings.some((f) => f.source.repo === 'semver' && f.source.path === 'classes/range.js'));

    const bad = new URL(url);
    bad.password = 'not-the-password';
    r = await run(['index-info', '--index', bad.toString()]);
    assert.equal(r.code, 2);
    assert.match(r.err, /^memocheck: PostgreSQL rejected the password for user "memocheck" at 127\.0\.0\.1:\d+ \[postgres:\/\/memocheck@127\.0\.0\.1:\d+\/cli_\d+_\d+\]\n$/);
    bad.pathname = '/nope';
    bad.password = new URL(url).password;
    r = await run(['index-info', '--index', bad.toString()]);
    assert.equal(r.code, 2);
    assert.match(r.err, /^memocheck: PostgreSQL database "nope" does not exist/);
    assert.ok(!r.err.includes(bad.password));
  });
});

function buildProgramWithDb() {
  const p = buildProgram();
  if (!hasDb) registerDb(p);
  return p;
}
