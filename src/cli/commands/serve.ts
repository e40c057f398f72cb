import { Command } from 'commander';
import { cliConfig, warn, type Cli } from '../cli.js';
import { parsePort } from './daemon.js';

async function serve(cli: Cli, o: { port?: string }): Promise<void> {
  const config = await cliConfig(cli);
  const port = parsePort(o.port, config.port);
  // As in `daemon`: the start line comes once the signal handlers are in place.
  const [{ runDaemonUntilSignal }, { createLogger }] = await Promise.all([import('../../daemon.js'), import('../../logger.js')]);
  const logger = createLogger(config.logLevel);
  await runDaemonUntilSignal(config, { roles: ['web'], port, env: cli.env, logger }, () =>
    warn(cli, `postship serve: webhooks and admin pages on port ${port}; Ctrl-C to stop`),
  );
}

export function serveCommand(cli: Cli): Command {
  return new Command('serve')
    .description('run the webhook receiver alone, without send workers')
    .option('--port <port>', 'port to listen on (default: PORT or 3000)')
    .addHelpText(
      'after',
      '\nSecrets: AFTERSHIP_WEBHOOK_SECRET, SEVENTEENTRACK_API_KEY,\nEASYPOST_WEBHOOK_SECRET, POSTSHIP_WEBHOOK_SECRET. A route whose secret is\n' +
        'unset answers 503. Events are stored, then applied by a worker.\n\n' +
        'Example:\n  $ AFTERSHIP_WEBHOOK_SECRET=... postship serve --port 8080',
    )
    .action((options: { port?: string }) => serve(cli, options));
}
