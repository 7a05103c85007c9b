// `memocheck db migrate|status --index postgres://…`: schema management of a shared PostgreSQL index.
// (`memocheck index` migrates too; this command lets an administrator do it ahead of time.)
import { Option, type Command } from 'commander';
import { UserError } from '../index/store';

async function openPg(location: string) {
  const pg = await import('../index/postgres');
  if (!pg.isPostgresUrl(location)) {
    throw new UserError(`db commands need a postgres:// index; ${pg.redactUrl(location)} is an index file, which has no schema to migrate`);
  }
  return pg;
}

function indexOption(): Option {
  return new Option('--index <url>', 'postgres:// URL of the shared index').env('MEMOCHECK_INDEX').makeOptionMandatory();
}

export function registerDb(program: Command): void {
  const db = program.command('db').description('manage a shared PostgreSQL index');

  db.command('migrate')
    .description('create or upgrade the MemoCheck schema (idempotent; safe to run concurrently)')
    .addOption(indexOption())
    .option('--to <version>', 'stop at this schema version', (v) => {
      if (!/^\d+$/.test(v)) throw new UserError(`--to: expected a schema version number, got ${v}`);
      return Number(v);
    })
    .option('--json', 'print the result as JSON')
    .action(async (o: { index: string; to?: number; json?: boolean }) => {
      const { PgStore, LATEST_VERSION } = await openPg(o.index);
      const store = await PgStore.open(o.index);
      try {
        const r = await store.migrate(o.to);
        if (o.json) console.log(JSON.stringify({ location: store.location, ...r, latest: LATEST_VERSION }));
        else if (r.applied.length === 0) console.log(`${store.location}: schema v${r.to} is up to date`);
        else console.log(`${store.location}: migrated schema v${r.from} -> v${r.to} (applied ${r.applied.join(', ')})`);
      } finally {
        await store.close();
      }
    });

  db.command('status')
    .description('show the schema version of a shared PostgreSQL index')
    .addOption(indexOption())
    .action(async (o: { index: string }) => {
      const { PgStore, LATEST_VERSION } = await openPg(o.index);
      const store = await PgStore.open(o.index);
      try {
        const v = await store.schemaVersion();
        const state = v === LATEST_VERSION ? 'up to date' : v < LATEST_VERSION ? `needs migration to v${LATEST_VERSION} (memocheck db migrate)` : `newer than this MemoCheck (v${LATEST_VERSION})`;
        console.log(`${store.location}: schema v${v}, ${state}`);
      } finally {
        await store.close();
      }
    });
}
