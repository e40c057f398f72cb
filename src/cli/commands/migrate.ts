import { Command } from 'commander';
import { closeDb, openDb } from '../../store/db.js';
import { ledgerMissing } from '../../store/ledger-file.js';
import { cliConfig, print, printJson, type Cli } from '../cli.js';
import { migrationState } from '../migrations.js';

async function migrate(cli: Cli, o: { json?: boolean }): Promise<void> {
  const config = cliConfig(cli);
  const created = ledgerMissing(config.dbPath);
  const before = migrationState(config.dbPath);
  closeDb(openDb(config.dbPath)); // openDb applies whatever is pending
  if (created && !o.json) print(cli, `${config.dbPath}: created a new database`);
  const after = migrationState(config.dbPath);
  const applied = before.pending.filter((t) => after.applied.includes(t));
  if (o.json) printJson(cli, { database: config.dbPath, created, applied, current: after.applied });
  else if (applied.length === 0) print(cli, `${config.dbPath}: up to date (${after.applied.length} migrations)`);
  else print(cli, `${config.dbPath}: applied ${applied.length} migration(s): ${applied.join(', ')}`);
}

export function migrateCommand(cli: Cli): Command {
  return new Command('migrate')
    .description('create the database or bring it up to date (safe to run any time)')
    .option('--json', 'print JSON: {database, applied, current}')
    .addHelpText('after', '\nExample:\n  $ POSTSHIP_DB=/var/lib/postship/postship.db postship migrate')
    .action((options: { json?: boolean }) => migrate(cli, options));
}
