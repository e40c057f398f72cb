import { RuntimeError } from '../../domain/errors.js';
import { redactPgUrl } from './url.js';

/** What runs on PostgreSQL today; everything else still needs a SQLite POSTSHIP_DB. */
export const POSTGRES_COMMANDS = ['migrate', 'db copy', 'doctor'] as const;

/**
 * The one line for a command that cannot run on PostgreSQL yet: no half-working
 * paths until the runtime is ported (issue 17).
 */
export function sqliteOnlyError(url: string, what = 'this command'): RuntimeError {
  return new RuntimeError(
    'db_engine_unsupported',
    `${what} runs on SQLite only for now, and POSTSHIP_DB is a PostgreSQL URL (${redactPgUrl(url)}): on PostgreSQL today only ${POSTGRES_COMMANDS.join(', ')} work; point POSTSHIP_DB at the SQLite file for the rest (README "PostgreSQL")`,
  );
}
