/**
 * POSTSHIP_DB names the ledger: a file path (SQLite) or a `postgres://` /
 * `postgresql://` URL (PostgreSQL). These helpers tell them apart and name a
 * PostgreSQL target in messages without its password.
 */
import { PERCENT_ENCODE_HINT, redactUserinfo } from '../../domain/redact.js';

export type DbEngine = 'sqlite' | 'postgres';

export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value.trim());
}

export function engineOf(value: string): DbEngine {
  return isPostgresUrl(value) ? 'postgres' : 'sqlite';
}

export interface PgTarget {
  host: string;
  port: number;
  database: string;
  user: string;
}

/** Host, port, database and user of a PostgreSQL URL (a `?host=/socket/dir` counts as the host). */
export function pgTarget(url: string): PgTarget {
  const parsed = new URL(url);
  const socket = parsed.searchParams.get('host');
  return {
    host: socket || parsed.hostname || 'localhost',
    port: parsed.port ? Number(parsed.port) : 5432,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    user: decodeURIComponent(parsed.username),
  };
}

/** `postgres://user:***@host:5432/db`: the URL as safe to print (the password, if any, hidden). */
export function redactPgUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return redactUserinfo(url);
  }
}

/** How a ledger is named in output: a path as is, a URL without its password. */
export function describeDb(value: string): string {
  return isPostgresUrl(value) ? redactPgUrl(value) : value;
}

/**
 * Problems with a PostgreSQL URL, for config validation (empty when fine):
 * it must parse and name a database.
 */
export function pgUrlProblems(name: string, url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [`${name}: ${JSON.stringify(redactPgUrl(url))} is not a valid PostgreSQL URL: use postgres://user:password@host:5432/database (${PERCENT_ENCODE_HINT})`];
  }
  if (parsed.pathname.replace(/^\//, '') === '') {
    return [`${name}: ${JSON.stringify(redactPgUrl(url))} names no database: add it after the host (${parsed.host || 'host:5432'}/postship)`];
  }
  return [];
}
