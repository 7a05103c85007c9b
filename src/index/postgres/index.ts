// Loaded lazily (`await import('../index/postgres')`) so `pg` is only required for postgres:// indexes.
export { PgStore, type PgStoreOptions } from './store';
export { MIGRATIONS, LATEST_VERSION, BAND_PARTITIONS, SCHEMA, type MigrateResult } from './migrations';
export { isPostgresUrl, redactUrl } from './url';
