import { resolve } from 'node:path';
import { Command } from 'commander';
import { cliConfig, print, printJson, type Cli } from '../cli.js';

async function backup(cli: Cli, file: string, o: { json?: boolean }): Promise<void> {
  const config = await cliConfig(cli, { sqliteOnly: '`postship db backup`' });
  const { backupDb } = await import('../../store/backup.js');
  const result = backupDb(config.dbPath, resolve(file));
  if (o.json) printJson(cli, result);
  else print(cli, `${result.path}: ${result.bytes} bytes in ${result.ms} ms`);
}

export function dbCommand(cli: Cli): Command {
  const db = new Command('db').description('the SQLite ledger: backups');
  db.command('backup')
    .description('write a consistent copy of the ledger, safe while the daemon runs')
    .argument('<file>', 'where to write it (must not exist yet)')
    .option('--json', 'print JSON: {path, bytes, ms}')
    .addHelpText(
      'after',
      '\nRestore: stop the daemon, copy the backup over POSTSHIP_DB, delete the old -wal and\n-shm files beside it, start the daemon.\n\n' +
        'Example:\n  $ postship db backup /var/backups/postship/postship-$(date +%F).db',
    )
    .action((file: string, options: { json?: boolean }) => backup(cli, file, options));
  return db;
}
