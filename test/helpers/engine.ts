/**
 * Which ledger engine this test run uses: SQLite files (the default) or, with
 * POSTSHIP_TEST_DB=postgres, a fresh PostgreSQL database per ledger on the
 * run's server, cloned from a template global setup migrated once.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { TempDir } from './env.js';

export type TestEngine = 'sqlite' | 'postgres';

/** The template global setup migrates; every test database is a copy of it. */
export const TEMPLATE_DATABASE = 'postship_template';

export function testEngine(env: NodeJS.ProcessEnv = process.env): TestEngine {
  const value = env.POSTSHIP_TEST_DB ?? 'sqlite';
  if (value !== 'sqlite' && value !== 'postgres') throw new Error(`POSTSHIP_TEST_DB=${value}: say sqlite (the default) or postgres`);
  return value;
}

export const onPostgres = (): boolean => testEngine() === 'postgres';

/**
 * Where a test's ledger lives, as POSTSHIP_DB takes it: a file in the test's
 * folder, or the URL of a new migrated PostgreSQL database. Synchronous
 * (`createdb` from the server's own folder), so env objects stay plain values.
 */
export function ledgerLocation(dir: TempDir, file = 'postship.db'): string {
  if (!onPostgres()) return dir.file(file);
  // One folder, one ledger: a second config for the same folder (a restart, a second process) opens the same database.
  const key = dir.file(file);
  let url = databases.get(key);
  if (!url) {
    url = createTestDatabase();
    databases.set(key, url);
  }
  return url;
}

const databases = new Map<string, string>();

export function createTestDatabase(template = TEMPLATE_DATABASE): string {
  const server = new URL(inject('postgresUrl'));
  const database = `t_${randomBytes(5).toString('hex')}`;
  const result = spawnSync(join(inject('postgresBin'), 'createdb'), ['-T', template, database], {
    encoding: 'utf8',
    env: { ...process.env, PGHOST: server.hostname, PGPORT: server.port, PGUSER: decodeURIComponent(server.username), PGPASSWORD: decodeURIComponent(server.password) },
  });
  if (result.status !== 0) throw new Error(`createdb ${database} failed (exit ${result.status}): ${result.stderr || result.error?.message}`);
  server.pathname = `/${database}`;
  return server.toString();
}
