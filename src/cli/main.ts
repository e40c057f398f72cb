import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { InputError, PostshipError } from '../domain/errors.js';
import { redactUserinfo } from '../domain/redact.js';
import { PACKAGE_ROOT } from '../paths.js';
import { createCli, type Cli } from './cli.js';
type CommandFactory = (cli: Cli) => Command;

/**
 * Every command, in `--help` order, loaded on demand: `postship import` should
 * not pay for the web server's modules (a third of a second at every start).
 * Adding one is a line here.
 */
const COMMANDS: Array<[name: string, load: () => Promise<CommandFactory>]> = [
  ['enqueue', async () => (await import('./commands/enqueue.js')).enqueueCommand],
  ['import', async () => (await import('./commands/import.js')).importCommand],
  ['status', async () => (await import('./commands/status.js')).statusCommand],
  ['list', async () => (await import('./commands/list.js')).listCommand],
  ['at-risk', async () => (await import('./commands/at-risk.js')).atRiskCommand],
  ['transit', async () => (await import('./commands/transit.js')).transitCommand],
  ['export', async () => (await import('./commands/export.js')).exportCommand],
  ['cancel', async () => (await import('./commands/cancel.js')).cancelCommand],
  ['resend', async () => (await import('./commands/resend.js')).resendCommand],
  ['preview', async () => (await import('./commands/preview.js')).previewCommand],
  ['simulate', async () => (await import('./commands/simulate.js')).simulateCommand],
  ['dispute', async () => (await import('./commands/dispute.js')).disputeCommand],
  ['feedback', async () => (await import('./commands/feedback.js')).feedbackCommand],
  ['bounces', async () => (await import('./commands/bounces.js')).bouncesCommand],
  ['tokens', async () => (await import('./commands/tokens.js')).tokensCommand],
  ['tracking', async () => (await import('./commands/tracking.js')).trackingCommand],
  ['doctor', async () => (await import('./commands/doctor.js')).doctorCommand],
  ['templates', async () => (await import('./commands/templates.js')).templatesCommand],
  ['migrate', async () => (await import('./commands/migrate.js')).migrateCommand],
  ['prune', async () => (await import('./commands/prune.js')).pruneCommand],
  ['db', async () => {
    const [{ dbCommand }, { withDbCopy }] = await Promise.all([import('./commands/db-backup.js'), import('./commands/db-copy.js')]);
    return (cli: Cli) => withDbCopy(dbCommand(cli), cli);
  }],
  ['reconcile', async () => (await import('./commands/reconcile.js')).reconcileCommand],
  ['worker', async () => (await import('./commands/worker.js')).workerCommand],
  ['serve', async () => (await import('./commands/serve.js')).serveCommand],
  ['daemon', async () => (await import('./commands/daemon.js')).daemonCommand],
];

/**
 * The command argv names, when it is one we know; otherwise all are loaded (help, suggestions).
 * `--version` first needs none: commander prints it before it looks at any command.
 */
function requestedCommands(argv: string[]): Array<[name: string, load: () => Promise<CommandFactory>]> {
  const name = argv[2]; // `postship --help import` shows the program's help: every command then
  if (name === '--version' || name === '-V') return [];
  const only = COMMANDS.filter(([n]) => n === name);
  return only.length > 0 ? only : COMMANDS;
}

function version(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export async function buildProgram(cli: Cli, argv: string[] = []): Promise<Command> {
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
      --carrier cainiao --tracking LP00123456789012
  $ postship status AE-1001`,
    );
  const factories = await Promise.all(requestedCommands(argv).map(([, load]) => load()));
  for (const make of factories) program.addCommand(make(cli));
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
  // Whatever produced the message, no URL's password reaches the terminal.
  const line = (text: string) => cli.stderr.write(`${redactUserinfo(text)}\n`);
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
    await (await buildProgram(cli, argv)).parseAsync(argv);
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
