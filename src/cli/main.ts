import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { InputError, PostshipError } from '../domain/errors.js';
import { PACKAGE_ROOT } from '../paths.js';
import { createCli, type Cli } from './cli.js';
import { cancelCommand } from './commands/cancel.js';
import { doctorCommand } from './commands/doctor.js';
import { enqueueCommand } from './commands/enqueue.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { listCommand } from './commands/list.js';
import { migrateCommand } from './commands/migrate.js';
import { previewCommand } from './commands/preview.js';
import { resendCommand } from './commands/resend.js';
import { statusCommand } from './commands/status.js';
import { workerCommand } from './commands/worker.js';
import { daemonCommand } from './commands/daemon.js';
import { reconcileCommand } from './commands/reconcile.js';
import { serveCommand } from './commands/serve.js';
import { templatesCommand } from './commands/templates.js';
import { simulateCommand } from './commands/simulate.js';
import { disputeCommand } from './commands/dispute.js';
import { atRiskCommand } from './commands/at-risk.js';
import { transitCommand } from './commands/transit.js';

/** Every command, in `--help` order. Adding one is an import and a line here. */
const COMMANDS: Array<(cli: Cli) => Command> = [
  enqueueCommand,
  importCommand,
  statusCommand,
  listCommand,
  atRiskCommand,
  transitCommand,
  exportCommand,
  cancelCommand,
  resendCommand,
  previewCommand,
  simulateCommand,
  disputeCommand,
  doctorCommand,
  templatesCommand,
  migrateCommand,
  reconcileCommand,
  workerCommand,
  serveCommand,
  daemonCommand,
];

function version(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export function buildProgram(cli: Cli): Command {
  const program = new Command('postship')
    .description('post-shipment buyer notifications: the seller\'s control panel')
    .version(version())
    .addHelpText(
      'after',
      `
Configuration comes from the environment: POSTSHIP_DB, REDIS_URL, SMTP_URL,
POSTSHIP_OUTBOX, POSTSHIP_CONFIG, ... (see README "Configuration").
Exit codes: 0 ok, 1 runtime failure (Redis, SMTP, database), 2 bad input.

Example:
  $ postship enqueue --order-id AE-1001 --email ana@example.com --country BR \\
      --carrier cainiao --tracking LP00123456789
  $ postship status AE-1001`,
    );
  for (const make of COMMANDS) program.addCommand(make(cli));
  // Commander must not exit by itself: main() is the one place that does.
  const configure = (command: Command) => {
    command
      .exitOverride()
      .showHelpAfterError('(add --help for usage)')
      // Commander stops wrapping below 40 columns of description; our long command names leave ~37.
      .configureHelp({ minWidthToWrap: 20 })
      .configureOutput({
        writeOut: (s) => cli.stdout.write(s),
        writeErr: (s) => cli.stderr.write(s),
        // Wrap help to 80 columns (or a narrower terminal), piped or not.
        getOutHelpWidth: () => Math.min(80, cli.stdout.columns ?? 80),
        getErrHelpWidth: () => 80,
      });
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** Translates any failure into one exit code and a message without a stack trace. */
export function reportError(cli: Cli, err: unknown): 0 | 1 | 2 {
  const { red, dim } = cli.colors;
  const line = (text: string) => cli.stderr.write(`${text}\n`);
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2; // commander already printed why
  if (err instanceof InputError) for (const problem of err.problems) line(`${red('error:')} ${problem}`);
  else if (err instanceof PostshipError) line(`${red('error:')} ${err.message}`);
  else line(`${red('error:')} unexpected failure: ${err instanceof Error ? err.message : String(err)}`);
  if (err instanceof PostshipError && err.hint) line(dim(`hint: ${err.hint}`));
  if (!(err instanceof PostshipError) && cli.env.POSTSHIP_DEBUG && err instanceof Error) line(err.stack ?? '');
  return err instanceof PostshipError && err.kind === 'input' ? 2 : 1;
}

export async function run(argv: string[], cli: Cli = createCli()): Promise<0 | 1 | 2> {
  try {
    await buildProgram(cli).parseAsync(argv);
    return cli.exitCode;
  } catch (err) {
    return reportError(cli, err);
  }
}

/** The CLI entry point: the only place postship calls process.exit. */
export async function main(argv: string[] = process.argv): Promise<never> {
  // `postship export | head` closes the pipe early: that is the reader's choice, not a failure.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  const code = await run(argv);
  // Let piped output drain before exiting.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}
