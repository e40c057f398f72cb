import { resolve } from 'node:path';
import { Command } from 'commander';
import type { CopyReport } from '../../store/copy.js';
import { isPostgresUrl } from '../../store/pg/url.js';
import { print, printJson, warn, type Cli } from '../cli.js';

function printReport(cli: Cli, r: CopyReport): void {
  const width = Math.max(5, ...r.tables.map((t) => t.table.length));
  print(cli, `${'table'.padEnd(width)}  ${'from'.padStart(9)}  ${'to'.padStart(9)}`);
  for (const t of r.tables) print(cli, `${t.table.padEnd(width)}  ${String(t.from).padStart(9)}  ${String(t.to).padStart(9)}`);
  print(cli);
  print(cli, `copied ${r.rows} rows from ${r.from} to ${r.to} in ${r.ms} ms${r.replaced ? ' (replaced what was there)' : ''}`);
}

async function copy(cli: Cli, o: { from: string; to: string; replace?: boolean; json?: boolean }): Promise<void> {
  const from = isPostgresUrl(o.from) ? o.from : resolve(o.from);
  const to = isPostgresUrl(o.to) ? o.to : resolve(o.to);
  const progress = cli.stderr.isTTY && !o.json ? (table: string, rows: number) => warn(cli, `  ${table}: ${rows} rows`) : undefined;
  const { copyLedger } = await import('../../store/copy.js');
  const report = await copyLedger(from, to, { replace: o.replace, onTable: progress });
  if (o.json) printJson(cli, report);
  else printReport(cli, report);
}

/** Adds `db copy` to the `db` command. */
export function withDbCopy(db: Command, cli: Cli): Command {
  db.description('the ledger: backups, and copying it to PostgreSQL');
  db.command('copy')
    .description('copy every table of a SQLite ledger into PostgreSQL (or another SQLite file), ids and history kept')
    .requiredOption('--from <file>', 'the SQLite ledger to copy (it is only read)')
    .requiredOption('--to <target>', 'postgres://user:password@host:5432/db, or a SQLite file path')
    .option('--replace', 'empty a target that already holds rows, then copy (deletes every row there); without it such a target is refused')
    .option('--json', 'print JSON: {from, to, replaced, tables: [{table, from, to}], rows, ms}')
    .addHelpText(
      'after',
      '\nThe target database must exist; its tables are created (migrated) here.\n' +
        'Everything is copied in one transaction: a failed copy leaves the target as\n' +
        'it was, so run it again. Stop the daemon first, or rows it writes meanwhile\n' +
        'stay behind in SQLite.\n\n' +
        'Example:\n  $ postship db copy --from ./data/postship.db \\\n      --to postgres://postship:secret@db.internal:5432/postship',
    )
    .action((options: { from: string; to: string; replace?: boolean; json?: boolean }) => copy(cli, options));
  return db;
}
