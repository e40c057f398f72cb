import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { DateTime } from 'luxon';
import type { Config } from '../../config/config.js';
import { InputError } from '../../domain/errors.js';
import type { SimEvent } from '../../services/simulate.js';
import { cliConfig, print, printJson, type Cli } from '../cli.js';
import { fitTable, wrap } from '../format.js';
import { asFlagProblem } from '../order-flags.js';

interface SimulateOptions {
  carrier?: string;
  country?: string;
  events?: string;
  locale?: string;
  store?: string;
  shippedAt?: string;
  until?: string;
  feed?: string;
  json?: boolean;
}

function readEvents(file: string | undefined): SimEvent[] {
  if (!file) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError('events_unreadable', [`--events ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InputError('events_invalid', [`--events ${file}: not JSON (${(err as Error).message})`]);
  }
  if (!Array.isArray(parsed)) throw new InputError('events_invalid', [`--events ${file}: expected a JSON array of {at, status}`]);
  return parsed as SimEvent[];
}

/** Order problems name the flag that set the field (`--country "XX" is not...`). */
async function withFlagNames<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof InputError) throw new InputError(err.code, err.problems.map(asFlagProblem));
    throw err;
  }
}

function parseFeed(value: string | undefined, config: Config, store: string, providerForStore: (config: Config, store: string) => unknown): 'registered' | 'none' {
  if (value === undefined) return providerForStore(config, store) ? 'registered' : 'none';
  if (value === 'registered' || value === 'none') return value;
  throw new InputError('flag_invalid', [`--feed ${JSON.stringify(value)}: use registered or none`]);
}

async function simulate(cli: Cli, o: SimulateOptions): Promise<void> {
  const problems: string[] = [];
  if (!o.carrier) problems.push('--carrier is required');
  if (!o.country) problems.push('--country is required');
  if (problems.length > 0) throw new InputError('simulate_invalid', problems);
  const config = await cliConfig(cli);
  // The simulation's modules (the planner, profiles, the tracking providers), not loaded for `--help`.
  const [{ providerForStore }, { profileResolver }, { simulateTimeline }] = await Promise.all([
    import('../../tracking/index.js'),
    import('../../services/profiles.js'),
    import('../../services/simulate.js'),
  ]);
  const result = await withFlagNames(() => simulateTimeline({
    carrier: o.carrier!,
    country: o.country!.toUpperCase(),
    locale: o.locale,
    store: o.store,
    shippedAt: o.shippedAt ?? DateTime.utc().startOf('hour').toISO()!,
    until: o.until,
    events: readEvents(o.events),
    profiles: profileResolver(config.file),
    file: config.file,
    feed: parseFeed(o.feed, config, o.store ?? 'default', providerForStore),
  }));
  if (o.json) {
    const { order } = result;
    printJson(cli, {
      order: { carrier: order.carrier, country: order.country, locale: order.buyerLocale, timezone: order.buyerTimezone, store: order.store, shippedAt: order.shippedAt.toISO(), feed: result.feed },
      events: result.events,
      timeline: result.rows,
    });
    return;
  }
  const { order } = result;
  const { bold, dim } = cli.colors;
  print(cli, bold(`Simulated ${order.carrier} parcel to ${order.country} (${order.buyerLocale}, ${order.buyerTimezone})`));
  print(cli, dim(`shipped ${order.shippedAt.setZone(order.buyerTimezone).toFormat('yyyy-MM-dd HH:mm ZZZZ')}; nothing is sent`));
  print(cli, dim(result.feed === 'registered' ? 'tracking feed: registered with a provider (--feed none: without one)' : 'no tracking feed: no notice claims "no update" (--feed registered: with one)'));
  if (result.events.length > 0) {
    print(cli);
    print(cli, fitTable(['event (UTC)', 'status', 'effect'], result.events.map((e) => [e.at.slice(0, 16), e.status, e.applied])));
  }
  print(cli);
  print(cli, fitTable(['message', 'status', 'buyer local time'], result.rows.map((r) => [r.seq ? `${r.milestone} #${r.seq + 1}` : r.milestone, r.status, r.atLocal])));
  print(cli);
  for (const r of result.rows) print(cli, wrap(`${r.seq ? `${r.milestone} #${r.seq + 1}` : r.milestone}: ${r.why}`, 78, '    '));
}

export function simulateCommand(cli: Cli): Command {
  return new Command('simulate')
    .description('show the messages a hypothetical order would get, without sending')
    .option('--carrier <code>', 'carrier code')
    .option('--country <CC>', 'destination country')
    .option('--events <file>', 'JSON array of {at, status} (generic webhook statuses)')
    .option('--locale <bcp47>', "buyer language (default: the country's)")
    .option('--store <store>', 'store id, for its profile')
    .option('--shipped-at <iso>', 'when it shipped (default: now)')
    .option('--until <iso>', 'simulate up to (default: 60 days, or 30 after the last event)')
    .option('--feed <feed>', 'registered (a provider tracks it) or none (no feed); default: registered when the store tracks through a provider')
    .option('--json', 'print JSON: {order, events, timeline}')
    .addHelpText(
      'after',
      '\nStatuses: generic webhook ones (customs, available_for_pickup, delivered...)\nplus dispute_open / dispute_close.\n\nExample:\n  $ postship simulate --carrier china-post --country ES \\\n      --shipped-at 2026-03-02T10:00:00Z --events history.json',
    )
    .action((options: SimulateOptions) => simulate(cli, options));
}
