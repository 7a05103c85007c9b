import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PgStore } from '../../../src/index/postgres';
import { UserError } from '../../../src/index/store';
import { PARAMS, freshDatabase, pgServer } from './helpers';

/** Expects a one-line UserError matching `re` that does not leak `secret`. */
async function failsWith(p: Promise<unknown>, re: RegExp, secret?: string): Promise<void> {
  await assert.rejects(p, (e: Error) => {
    assert.ok(e instanceof UserError, `not a UserError: ${e.stack}`);
    assert.match(e.message, re);
    assert.doesNotMatch(e.message, /\n/);
    if (secret) assert.ok(!e.message.includes(secret), `message leaks the password: ${e.message}`);
    return true;
  });
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const old: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(vars)) {
    old[k] = process.env[k];
    if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
  return fn().finally(() => {
    for (const [k, v] of Object.entries(old)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  });
}

describe('PostgreSQL store: connection errors are clear and never show credentials', () => {
  it('rejects malformed URLs', async () => {
    await failsWith(PgStore.open('mysql://u:hunter22@h/db'), /^not a PostgreSQL URL: mysql:\/\/u@h\/db/, 'hunter22');
    await failsWith(PgStore.open('postgres://u:hunter22@[bad/db'), /^invalid PostgreSQL URL: postgres:\/\/u@\[bad\/db/, 'hunter22');
    await failsWith(PgStore.open('postgres://u:hunter22@localhost:0/db'), /invalid port in PostgreSQL URL: postgres:\/\/u@localhost:0\/db/, 'hunter22');
  });

  it('reports an unreachable server and an unknown host', async () => {
    const port = await closedPort();
    await failsWith(PgStore.open(`postgres://u:hunter22@127.0.0.1:${port}/db`),
      new RegExp(`cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port}: connection refused .*\\[postgres://u@127\\.0\\.0\\.1:${port}/db\\]`), 'hunter22');
    await failsWith(PgStore.open('postgres://u:hunter22@no-such-host.invalid/db'), /unknown host no-such-host\.invalid/, 'hunter22');
  });

  it('reports a wrong password without showing either password', async () => {
    const url = new URL(await pgServer());
    const right = url.password;
    url.password = 'wrong-secret-123';
    await failsWith(PgStore.open(url.toString()), /PostgreSQL rejected the password for user "memocheck" at 127\.0\.0\.1:\d+ \[postgres:\/\/memocheck@127\.0\.0\.1:\d+\/postgres\]/, 'wrong-secret-123');
    url.password = '';
    await withEnv({ PGPASSWORD: undefined, PGPASSFILE: '/nonexistent' }, () =>
      failsWith(PgStore.open(url.toString()), /password/, right));
  });

  it('reports a missing database', async () => {
    const url = new URL(await pgServer());
    url.pathname = '/no_such_db';
    await failsWith(PgStore.open(url.toString()), /PostgreSQL database "no_such_db" does not exist at 127\.0\.0\.1:\d+ \(create it first\)/, url.password);
  });

  it('takes the password from PGPASSWORD or a .pgpass file, and keeps it out of location', async () => {
    const full = new URL(await freshDatabase());
    const password = decodeURIComponent(full.password);
    const bare = new URL(full.toString());
    bare.password = '';
    await withEnv({ PGPASSWORD: password }, async () => {
      const s = await PgStore.open(bare.toString());
      await s.init(PARAMS);
      assert.equal(s.location, `postgres://memocheck@127.0.0.1:${full.port}${full.pathname}`);
      await s.close();
    });
    const dir = mkdtempSync(join(tmpdir(), 'pgpass-'));
    try {
      const file = join(dir, 'pgpass');
      writeFileSync(file, `127.0.0.1:${full.port}:*:memocheck:${password}\n`);
      chmodSync(file, 0o600);
      await withEnv({ PGPASSWORD: undefined, PGPASSFILE: file }, async () => {
        const s = await PgStore.open(bare.toString());
        assert.equal((await s.info()).repos.length, 0);
        await s.close();
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const s = await PgStore.open(full.toString());
    assert.ok(!s.location.includes(password));
    assert.ok(!JSON.stringify(await s.info()).includes(password));
    await s.close();
  });
});
