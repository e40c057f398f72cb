import { RuntimeError } from '../../domain/errors.js';
import { redactPgUrl } from './url.js';

/**
 * The one line for what only a SQLite file has (a file backup, a file path
 * opened directly): PostgreSQL has its own tools for those.
 */
export function sqliteOnlyError(url: string, what = 'this command', instead = 'use PostgreSQL\'s own tools (pg_dump) for this'): RuntimeError {
  return new RuntimeError(
    'db_engine_unsupported',
    `${what} works on a SQLite file, and POSTSHIP_DB is a PostgreSQL URL (${redactPgUrl(url)})`,
    `On PostgreSQL, ${instead}.`,
  );
}
