import { Command } from 'commander';
import type { Config } from '../../config/config.js';
import type { MigrationState } from '../../store/db.js';
import { ledgerMissing } from '../../store/ledger-file.js';
import { redactPgUrl } from '../../store/pg/url.js';
import { cliConfig, print, printJson, type Cli } from '../cli.js';

interface Outcome {
  database: string;
  engine: Config['dbEngine'];
  created: boolean;
  before: MigrationState;
  after: MigrationState;
}

/** better-sqlite3 for a file, the pg driver for a URL: each engine's modules only when it is the one migrated. */
async function migrateSqlite(path: string): Promise<Outcome> {
  const { closeDb, migrationState, openDb } = await import('../../store/db.js');
  const created = ledgerMissing(path);
  const before = migrationState(path);
  closeDb(openDb(path)); // openDb applies whatever is pending
  return { database: path, engine: 'sqlite', created, before, after: migrationState(path) };
}

async function migratePostgres(url: string): Promise<Outcome> {
  const { migratePgLedger } = await import('../../store/pg/migration-state.js');
  const { before, after } = await migratePgLedger(url);
  return { database: redactPgUrl(url), engine: 'postgres', created: before.applied.length === 0, before, after };
}

async function migrate(cli: Cli, o: { json?: boolean }): Promise<void> {
  const config = await cliConfig(cli);
  const r = config.dbEngine === 'postgres' ? await migratePostgres(config.dbPath) : await migrateSqlite(config.dbPath);
  const applied = r.before.pending.filter((t) => r.after.applied.includes(t));
  if (o.json) {
    printJson(cli, { database: r.database, engine: r.engine, created: r.created, applied, current: r.after.applied });
    return;
  }
  if (r.created) print(cli, `${r.database}: created a new ${r.engine === 'postgres' ? 'ledger in the database' : 'database'}`);
  if (applied.length === 0) print(cli, `${r.database}: up to date (${r.after.applied.length} migrations)`);
  else print(cli, `${r.database}: applied ${applied.length} migration(s): ${applied.join(', ')}`);
}

export function migrateCommand(cli: Cli): Command {
  return new Command('migrate')
    .description('create the database or bring it up to date (safe to run any time); SQLite or PostgreSQL, as POSTSHIP_DB says')
    .option('--json', 'print JSON: {database, engine, created, applied, current}')
    .addHelpText(
      'after',
      '\nPOSTSHIP_DB is a file path (SQLite) or a postgres://user:password@host:5432/db URL\n(PostgreSQL 13+; the database must exist, its tables are created here).\n\n' +
        'Example:\n  $ POSTSHIP_DB=/var/lib/postship/postship.db postship migrate\n  $ POSTSHIP_DB=postgres://postship:secret@db.internal:5432/postship postship migrate',
    )
    .action((options: { json?: boolean }) => migrate(cli, options));
}
