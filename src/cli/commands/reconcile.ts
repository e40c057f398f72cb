import { Command } from 'commander';
import { print, printJson, withRuntime, type Cli } from '../cli.js';

async function reconcile(cli: Cli, o: { json?: boolean }): Promise<void> {
  const report = await withRuntime(cli, (runtime) => runtime.reconcile());
  if (o.json) return printJson(cli, report);
  print(
    cli,
    `reconciled: ${report.requeued} job(s) re-created, ${report.expiredClaims} expired claim(s) released, ` +
      `${report.eventsApplied} tracking event(s) applied, ${report.promoted} send(s) promoted`,
  );
}

export function reconcileCommand(cli: Cli): Command {
  return new Command('reconcile')
    .description('re-create queue jobs from the ledger (after Redis loss or a crash)')
    .option('--json', 'print JSON: {requeued, expiredClaims, eventsApplied, promoted}')
    .addHelpText(
      'after',
      '\nSafe to run any time: job ids are deterministic, so a job that exists is\nnever duplicated. ' +
        'The daemon runs it at start and every 5 minutes.\n\nExample:\n  $ postship reconcile --json',
    )
    .action((options: { json?: boolean }) => reconcile(cli, options));
}
