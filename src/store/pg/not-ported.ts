import { RuntimeError } from '../../domain/errors.js';

/** Placeholder for a query module not yet written for PostgreSQL: each call fails with one clear error. */
export function notPorted<T extends object>(module: string, _db: unknown): T {
  return new Proxy({} as T, { get: (_t, name) => () => notPortedCall(`${module}.${String(name)}`) });
}

export function notPortedCall(what: string): Promise<never> {
  return Promise.reject(
    new RuntimeError('db_engine_unsupported', `${what} is not available on PostgreSQL yet`, 'Use a SQLite ledger (a file path in POSTSHIP_DB) for this command.'),
  );
}
