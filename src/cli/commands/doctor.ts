import { Command } from 'commander';
import type { Config } from '../../config/config.js';
import { print, printJson, terminalWidth, type Cli } from '../cli.js';
import type { CheckResult } from '../doctor-checks.js';
import { wrap } from '../format.js';

async function runChecks(cli: Cli): Promise<CheckResult[]> {
  // Every check's modules (Redis, the database drivers, SMTP, templates, providers), loaded when doctor runs.
  const [{ DEFAULT_REDIS_URL, loadConfig }, { checkConfig, checkDatabase, checkDkim, checkMail, checkRedis, checkTemplates, checkTracking }] =
    await Promise.all([import('../../config/config.js'), import('../doctor-checks.js')]);
  let config: Config | null = null;
  let error: unknown = null;
  try {
    config = loadConfig(cli.env);
  } catch (err) {
    error = err;
  }
  const rows = [checkConfig(config, error)];
  // A broken config file should not hide the state of Redis, the database or SMTP.
  const base = config ?? (() => {
    try {
      return loadConfig({ ...cli.env, POSTSHIP_CONFIG: undefined });
    } catch {
      return null;
    }
  })();
  if (!base) return rows;
  rows.push(...(await checkRedis(base.redisUrl ?? DEFAULT_REDIS_URL)));
  rows.push(...(await checkDatabase(base.dbPath)));
  rows.push(await checkMail(base));
  rows.push(...checkDkim(base));
  rows.push(...checkTemplates(base));
  rows.push(...(await checkTracking(base)));
  return rows;
}

function printTable(cli: Cli, rows: CheckResult[]): void {
  const { green, yellow, red, bold } = cli.colors;
  const width = Math.min(terminalWidth(cli), 100);
  const indent = ' '.repeat(24);
  print(cli, bold(`${'check'.padEnd(14)}  ${'result'}  detail`));
  for (const row of rows) {
    const paint = row.result === 'ok' ? green : row.result === 'warn' ? yellow : red;
    const result = paint(row.result.toUpperCase().padEnd(6));
    print(cli, `${row.check.slice(0, 14).padEnd(14)}  ${result}  ${wrap(row.detail, width - indent.length, indent)}`);
    if (row.fix && row.result !== 'ok') print(cli, `${indent}${wrap(`fix: ${row.fix}`, width - indent.length, indent)}`);
  }
}

async function doctor(cli: Cli, o: { json?: boolean }): Promise<void> {
  const rows = await runChecks(cli);
  const failed = rows.filter((r) => r.result === 'fail').length;
  if (o.json) printJson(cli, { ok: failed === 0, checks: rows });
  else {
    printTable(cli, rows);
    print(cli);
    print(cli, failed === 0 ? 'all checks passed' : `${failed} check(s) failed`);
  }
  if (failed > 0) cli.exitCode = 1;
}

export function doctorCommand(cli: Cli): Command {
  return new Command('doctor')
    .description('check Redis, the database, SMTP or outbox, the config file, every template and the tracking providers\' keys')
    .option('--json', 'print JSON: {ok, checks: [{check, result, detail, fix}]}')
    .addHelpText('after', '\nExit code 1 when any check fails (warnings do not fail).\n\nExample:\n  $ postship doctor')
    .action((options: { json?: boolean }) => doctor(cli, options));
}
