import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { postgresLedger } from '../../src/store/pg/pg-ledger.js';
import { TEMPLATE_DATABASE } from './engine.js';
import { startEphemeralRedis, type EphemeralRedis } from '../../src/queue/ephemeral-redis.js';
import { startEphemeralPostgres, type EphemeralPostgres } from './postgres.js';
import { findBrowser, findCompose, findDkimVerify, findPostgres, findRedisServer, missingPrerequisites } from './prerequisites.js';

let redis: EphemeralRedis | undefined;
let postgres: EphemeralPostgres | undefined;

/** A failure that is its message: vitest prints it without a stack trace to dig through. */
class MissingPrerequisite extends Error {
  constructor(lines: string[]) {
    super(`postship tests: missing prerequisite${lines.length > 1 ? 's' : ''}:\n  ${lines.join('\n  ')}`);
    this.name = 'MissingPrerequisite';
    this.stack = this.message;
  }
}

/**
 * Checks every external program the suite starts before any test runs, then
 * starts one real redis-server and one throw-away PostgreSQL for the whole
 * run; each test isolates itself with its own queue prefix (and database).
 */
export async function setup(project: TestProject): Promise<void> {
  await startWith(project, { full: true });
}

/** The fault scenarios start no browser and read no compose file: they need Redis only. */
export async function startWith(project: TestProject, needs: { full: boolean }): Promise<void> {
  const browser = needs.full ? findBrowser() : { name: 'browser', path: '', looked: '', fix: '' };
  const redisServer = findRedisServer();
  const compose = needs.full ? findCompose() : { name: 'compose', path: '', looked: '', fix: '' };
  const postgresBin = findPostgres();
  const dkimVerify = needs.full ? findDkimVerify() : { name: 'dkimverify', path: '', looked: '', fix: '' };
  const missing = missingPrerequisites([redisServer, postgresBin, browser, compose, dkimVerify]);
  if (missing.length > 0) {
    process.stderr.write(`\n${missing.map((l) => `postship tests: ${l}`).join('\n')}\n\n`);
    throw new MissingPrerequisite(missing);
  }
  redis = await startEphemeralRedis({ binary: redisServer.path! });
  project.provide('redisUrl', redis.url);
  postgres = await startEphemeralPostgres(postgresBin.path!);
  project.provide('postgresUrl', postgres.url);
  project.provide('postgresBin', postgresBin.path!);
  await migrateTemplate(postgres.url);
  project.provide('browserPath', browser.path!);
}

/** One migrated database each test's PostgreSQL ledger is cloned from (test/helpers/engine.ts). */
async function migrateTemplate(serverUrl: string): Promise<void> {
  const server = new pg.Client({ connectionString: serverUrl });
  await server.connect();
  try {
    await server.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await server.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${TEMPLATE_DATABASE}`;
  const ledger = postgresLedger(url.toString());
  await ledger.check();
  await ledger.close();
}

export async function teardown(): Promise<void> {
  await redis?.stop();
  postgres?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    /** The run's PostgreSQL superuser URL (test/helpers/postgres.ts). */
    postgresUrl: string;
    /** The folder holding initdb, pg_ctl and createdb. */
    postgresBin: string;
    browserPath: string;
  }
}
