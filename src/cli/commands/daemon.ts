import { Command } from 'commander';
import { InputError } from '../../domain/errors.js';
import { ROLES, type Role } from '../../roles.js';
import { cliConfig, warn, type Cli } from '../cli.js';

export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InputError('flag_invalid', [`--port ${JSON.stringify(value)} must be a whole number from 0 to 65535`]);
  }
  return port;
}

function parseRoles(value: string | undefined): Role[] {
  if (value === undefined) return [...ROLES];
  const roles = value.split(',').map((r) => r.trim());
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0 || roles.length === 0) {
    throw new InputError('flag_invalid', [`--role ${JSON.stringify(value)}: use ${ROLES.join(', ')} or both (worker,web)`]);
  }
  return roles as Role[];
}

function parseDeadline(value: string | undefined): number {
  if (value === undefined) return 10_000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw new InputError('flag_invalid', [`--shutdown-timeout ${JSON.stringify(value)} must be a number of seconds >= 0`]);
  }
  return seconds * 1000;
}

async function daemon(cli: Cli, o: { role?: string; port?: string; shutdownTimeout?: string }): Promise<void> {
  const config = await cliConfig(cli);
  const roles = parseRoles(o.role);
  const port = parsePort(o.port, config.port);
  const shutdownDeadlineMs = parseDeadline(o.shutdownTimeout);
  // The start line is printed by runDaemonUntilSignal once it listens for signals: whoever waits for it may signal at once.
  const [{ runDaemonUntilSignal }, { createLogger }] = await Promise.all([import('../../daemon.js'), import('../../logger.js')]);
  const logger = createLogger(config.logLevel);
  await runDaemonUntilSignal(config, { roles, port, env: cli.env, shutdownDeadlineMs, logger }, () =>
    warn(cli, `postship daemon: ${roles.join(' + ')} on port ${port}; SIGTERM or Ctrl-C to stop`),
  );
}

export function daemonCommand(cli: Cli): Command {
  return new Command('daemon')
    .description('run the service: workers, webhooks, admin, health, metrics')
    .option('--role <roles>', 'worker, web, or both (default: worker,web); split them across processes sharing Redis and SQLite')
    .option('--port <port>', 'HTTP port (default: PORT or 3000); every role serves /healthz, /readyz and /metrics')
    .option('--shutdown-timeout <seconds>', 'how long in-flight sends may take to finish after SIGTERM (default 10)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ postship daemon\n  $ postship daemon --role worker --port 3001 &\n  $ postship daemon --role web --port 3000',
    )
    .action((options: { role?: string; port?: string; shutdownTimeout?: string }) => daemon(cli, options));
}
