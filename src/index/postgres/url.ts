// Connection strings and error messages. Credentials never leave this module: `location` and every
// message are built from the redacted URL, and any message from the server or driver is scrubbed.
import { UserError } from '../store';

export interface PgTarget {
  /** the URL as given, credentials included: only ever handed to the driver */
  readonly connectionString: string;
  /** postgres://user@host:port/db, for messages */
  readonly location: string;
  readonly secrets: readonly string[];
  readonly host: string;
  readonly port: string;
  readonly database: string;
  readonly user: string;
}

export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s);
}

/** Removes anything that can be a password from a URL-ish string, even an unparseable one. */
export function redactUrl(s: string): string {
  return s.replace(/([a-z][a-z0-9+.-]*:\/\/)([^@/\s]*)@/gi, (_m, scheme: string, auth: string) => {
    const user = auth.split(':')[0];
    return `${scheme}${user ? `${user}@` : ''}`;
  }).replace(/([?&]password=)[^&]*/gi, '$1***');
}

export function parseTarget(url: string, env: NodeJS.ProcessEnv = process.env): PgTarget {
  if (!isPostgresUrl(url)) throw new UserError(`not a PostgreSQL URL: ${redactUrl(url)} (expected postgres://user@host:port/database)`);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`invalid PostgreSQL URL: ${redactUrl(url)} (expected postgres://user@host:port/database)`);
  }
  const port = u.port || env.PGPORT || '5432';
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    throw new UserError(`invalid port in PostgreSQL URL: ${redactUrl(url)}`);
  }
  const secrets: string[] = [];
  const password = u.password ? decodeURIComponent(u.password) : '';
  if (password) secrets.push(password, u.password);
  const qp = u.searchParams.get('password');
  if (qp) secrets.push(qp);
  if (env.PGPASSWORD) secrets.push(env.PGPASSWORD);
  const host = u.hostname || u.searchParams.get('host') || env.PGHOST || 'localhost';
  const user = decodeURIComponent(u.username) || env.PGUSER || env.USER || 'postgres';
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || env.PGDATABASE || user;
  const location = `postgres://${encodeURIComponent(user)}@${host}${u.port ? `:${u.port}` : ''}/${encodeURIComponent(database)}`;
  return { connectionString: url, location, secrets: secrets.filter((s) => s.length >= 1), host, port, database, user };
}

export function scrub(message: string, target: PgTarget): string {
  let m = redactUrl(message);
  for (const s of target.secrets) if (s.length >= 3) m = m.split(s).join('***');
  return m.replace(/\s*\n\s*/g, ' ').trim();
}

interface DriverError { code?: string; message?: string; errno?: number; syscall?: string }

/** Turns a driver or server error into a one-line UserError (or returns it scrubbed when unexpected). */
export function explain(err: unknown, target: PgTarget): Error {
  if (err instanceof UserError) return err;
  const e = (err ?? {}) as DriverError;
  const where = `${target.host}:${target.port}`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return new UserError(`cannot connect to PostgreSQL at ${where}: connection refused (is the server running?) [${target.location}]`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UserError(`cannot connect to PostgreSQL: unknown host ${target.host} [${target.location}]`);
    case 'ETIMEDOUT':
      return new UserError(`cannot connect to PostgreSQL at ${where}: timed out [${target.location}]`);
    case 'ECONNRESET':
      return new UserError(`PostgreSQL at ${where} closed the connection [${target.location}]`);
    case '28P01':
      return new UserError(`PostgreSQL rejected the password for user "${target.user}" at ${where} [${target.location}]`);
    case '28000':
      return new UserError(`PostgreSQL refused user "${target.user}" at ${where}: ${scrub(e.message ?? '', target)} [${target.location}]`);
    case '3D000':
      return new UserError(`PostgreSQL database "${target.database}" does not exist at ${where} (create it first) [${target.location}]`);
    case '42501':
      return new UserError(`PostgreSQL permission denied: ${scrub(e.message ?? '', target)} [${target.location}]`);
    case '57P03':
      return new UserError(`PostgreSQL at ${where} is starting up or shutting down [${target.location}]`);
  }
  const msg = e.message ?? String(err);
  if (/password authentication|no password supplied|client password must be a string|SASL/i.test(msg)) {
    return new UserError(`PostgreSQL needs a password for user "${target.user}" at ${where} (give it in the URL, PGPASSWORD or ~/.pgpass) [${target.location}]`);
  }
  const out = new Error(`PostgreSQL error at ${target.location}: ${scrub(msg, target)}`);
  (out as Error & { code?: string }).code = e.code;
  return out;
}
