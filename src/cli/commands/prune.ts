import { Command } from 'commander';
import { DateTime, Duration } from 'luxon';
import { InputError } from '../../domain/errors.js';
import { print, printJson, withLedger, type Cli } from '../cli.js';

interface PruneOptions {
  before?: string;
  batch?: string;
  dryRun?: boolean;
  json?: boolean;
}

function parseBefore(value: string | undefined, now: DateTime): number {
  if (!value) throw new InputError('flag_missing', ['--before is required: a date (2026-06-01) or an age (P180D)'], 'e.g. postship prune --before P180D');
  const text = value.trim();
  const at = /^P/i.test(text) ? now.minus(Duration.fromISO(text.toUpperCase())) : DateTime.fromISO(text, { zone: 'utc' });
  if (!at.isValid) throw new InputError('flag_invalid', [`--before ${JSON.stringify(value)} is not an ISO-8601 date or duration (e.g. "2026-06-01" or "P180D")`]);
  if (at.toMillis() > now.minus({ days: 30 }).toMillis()) {
    throw new InputError('flag_invalid', [`--before ${JSON.stringify(value)} is less than 30 days ago: recent orders still answer disputes and teach transit times`]);
  }
  return at.toMillis();
}

function parseBatch(value: string | undefined): number {
  if (value === undefined) return 1000;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 50_000) throw new InputError('flag_invalid', [`--batch ${JSON.stringify(value)} must be a whole number from 1 to 50000`]);
  return n;
}

/** Between batches the event loop and other processes get the database: workers are never held up long. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

async function prune(cli: Cli, o: PruneOptions): Promise<void> {
  // Bad flags are reported before the ledger is opened.
  const before = parseBefore(o.before, DateTime.utc());
  const batch = parseBatch(o.batch);
  await withLedger(cli, async (runtime) => {
    const total = { orders: 0, sends: 0, events: 0, batches: 0 };
    if (o.dryRun) {
      const n = (await runtime.ledger.prunableOrders(before, 100_000)).length;
      if (o.json) printJson(cli, { before: new Date(before).toISOString(), dryRun: true, orders: n, capped: n === 100_000 });
      else print(cli, `${n === 100_000 ? 'at least ' : ''}${n} finished order(s) shipped before ${new Date(before).toISOString().slice(0, 10)} would be removed (nothing removed: --dry-run)`);
      return;
    }
    for (;;) {
      const ids = await runtime.ledger.prunableOrders(before, batch);
      if (ids.length === 0) break;
      const removed = await runtime.ledger.pruneOrders(ids);
      total.orders += removed.orders;
      total.sends += removed.sends;
      total.events += removed.events;
      total.batches += 1;
      await pause();
    }
    if (o.json) printJson(cli, { before: new Date(before).toISOString(), ...total });
    else print(cli, `removed ${total.orders} finished order(s) shipped before ${new Date(before).toISOString().slice(0, 10)}, with ${total.sends} send(s) and ${total.events} tracking event(s), in ${total.batches} batch(es)`);
  });
}

export function pruneCommand(cli: Cli): Command {
  return new Command('prune')
    .description('remove finished orders (delivered, returned, cancelled) shipped before a date, in batches')
    .option('--before <date|age>', 'an ISO date (2026-06-01) or an age (P180D); at least 30 days ago')
    .option('--batch <n>', 'orders per transaction (default 1000)')
    .option('--dry-run', 'count what would be removed, remove nothing')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Orders with anything still to send are kept, and so is the suppression list.
Keep what you remove: \`postship export --until DATE\` or \`postship db backup FILE\` first.

Examples:
  $ postship prune --before P180D --dry-run
  $ postship prune --before 2026-06-01`,
    )
    .action((options: PruneOptions) => prune(cli, options));
}
