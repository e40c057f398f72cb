import { Command } from 'commander';
import { InputError } from '../../domain/errors.js';
import type { Ledger } from '../../store/ledger-api.js';
import { DEFAULT_AT_RISK_DAYS } from '../../domain/protection.js';
import type { AtRiskOrder, TrackingAttention } from '../../services/at-risk.js';
import { print, printJson, terminalWidth, withLedger, type Cli } from '../cli.js';
import { fitTable as fitTable, isoUtc, utcTime } from '../format.js';

interface AtRiskOptions {
  days?: string;
  store?: string;
  limit?: string;
  json?: boolean;
}

/** Default rows: the most urgent hundred answer at once on a million-order ledger; --limit 0 lists them all. */
const DEFAULT_LIMIT = 100;

function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return DEFAULT_LIMIT;
  if (!/^\d{1,7}$/.test(value.trim())) throw new InputError('bad_limit', [`--limit: ${JSON.stringify(value)} is not a whole number (0 for all)`]);
  const n = Number(value);
  return n === 0 ? undefined : n;
}

function parseDays(value: string | undefined): number {
  if (value === undefined) return DEFAULT_AT_RISK_DAYS;
  if (!/^\d{1,3}$/.test(value.trim())) {
    throw new InputError('bad_days', [`--days: ${JSON.stringify(value)} is not a whole number of days (0-999)`], 'e.g. --days 10');
  }
  return Number(value);
}

export function atRiskView(o: AtRiskOrder) {
  return {
    orderId: o.orderId,
    store: o.store,
    country: o.country,
    carrier: o.carrier,
    trackingNumber: o.trackingNumber,
    buyerEmail: o.buyerEmail,
    shippedAtUtc: isoUtc(o.shippedAt),
    stage: o.stage,
    lastEvent: o.lastEvent && { ...o.lastEvent, occurredAt: isoUtc(o.lastEvent.occurredAt) },
    deadlineUtc: isoUtc(o.protection.deadline),
    daysLeft: o.protection.daysLeft,
    expired: o.protection.expired,
  };
}

function lastEventText(o: AtRiskOrder): string {
  if (!o.lastEvent) return 'no tracking';
  const when = utcTime(o.lastEvent.occurredAt)?.slice(0, 10) ?? '?';
  return `${o.lastEvent.milestone ?? o.lastEvent.providerStatus ?? 'event'} ${when}`;
}

/** A store is known when the config names it or an order carries it; a typo should not read as "all clear". */
async function assertKnownStore(runtime: { ledger: Ledger; config: { file: { stores: Record<string, unknown> } } }, store: string): Promise<void> {
  const inConfig = Object.keys(runtime.config.file.stores);
  if (inConfig.includes(store)) return;
  if (await runtime.ledger.storeHasOrders(store)) return;
  const known = [...new Set([...inConfig, ...(await runtime.ledger.storesWithOrders(50))])].sort();
  throw new InputError(
    'store_unknown',
    [`--store: ${JSON.stringify(store)} is not a store postship knows (known: ${known.length ? known.join(', ') : 'none yet'})`],
    'Store names are the `store` of enqueued orders or a key of "stores" in the config file.',
  );
}

async function atRisk(cli: Cli, o: AtRiskOptions): Promise<void> {
  const withinDays = parseDays(o.days);
  const limit = parseLimit(o.limit);
  // Loaded here, not at the top: `--help` lists this command without them.
  const [{ listAtRisk, trackingAttention }, { lowRatingAttention, protectionExtensions }, { LOW_RATING_DAYS }] = await Promise.all([
    import('../../services/at-risk.js'),
    import('../../services/reply-attention.js'),
    import('../../domain/replies.js'),
  ]);
  await withLedger(cli, async (runtime) => {
    if (o.store !== undefined) await assertKnownStore(runtime, o.store);
    const now = runtime.clock.now().toMillis();
    const rows = await listAtRisk(runtime.ledger, runtime.config.file, { now, withinDays, store: o.store, limit: limit === undefined ? undefined : limit + 1 });
    const more = limit !== undefined && rows.length > limit;
    if (more) rows.length = limit;
    const tracking = await trackingAttention(runtime.ledger, { now, store: o.store });
    const extensions = await protectionExtensions(runtime.ledger, runtime.config.file, { store: o.store });
    const lowRatings = await lowRatingAttention(runtime.ledger, { now, since: now - LOW_RATING_DAYS * 86_400_000, store: o.store });
    if (o.json) {
      printJson(cli, { withinDays, store: o.store ?? null, count: rows.length, more, orders: rows.map(atRiskView), tracking, extensions, lowRatings });
      return;
    }
    printLines(cli, 'disputes: not received', extensions.map((e) => e.line));
    printLines(cli, `low ratings (last ${LOW_RATING_DAYS} days)`, lowRatings.map((l) => l.line));
    printTracking(cli, tracking);
    if (rows.length === 0) {
      print(cli, `no undelivered order's protection ends within ${withinDays} days`);
      return;
    }
    const table = rows.map((r) => [
      r.orderId,
      r.store,
      `${r.country} ${r.carrier}`,
      r.stage,
      lastEventText(r),
      utcTime(r.protection.deadline)?.slice(0, 10) ?? '-',
      r.protection.expired ? 'ended' : `${r.protection.daysLeft}d`,
    ]);
    const headers = ['order', 'store', 'lane', 'stage', 'last event', 'deadline', 'left'];
    print(cli, fitTable(headers, table, terminalWidth(cli)));
    print(cli, cli.colors.dim(`${rows.length}${more ? ' most urgent' : ''} order(s)${more ? ` (more: --limit ${limit! * 10} or --limit 0)` : ''}; extend buyer protection before the deadline to avoid a dispute`));
  });
}

function printLines(cli: Cli, title: string, lines: string[]): void {
  if (lines.length === 0) return;
  print(cli, cli.colors.bold(`${title} (${lines.length})`));
  for (const line of lines) print(cli, `  ${line}`);
  print(cli);
}

function printTracking(cli: Cli, tracking: TrackingAttention[]): void {
  if (tracking.length === 0) return;
  print(cli, cli.colors.bold(`tracking needs attention (${tracking.length})`));
  for (const t of tracking) print(cli, `  ${t.orderId}  ${t.trackingNumber}  ${t.detail}`);
  print(cli);
}

export function atRiskCommand(cli: Cli): Command {
  return new Command('at-risk')
    .description('undelivered orders whose buyer protection ends soon, most urgent first')
    .option('--days <n>', `deadline within this many days, or already passed (default ${DEFAULT_AT_RISK_DAYS})`)
    .option('--store <id>', 'only this store')
    .option('--limit <n>', `the most urgent n orders (default ${DEFAULT_LIMIT}; 0: all)`)
    .option('--json', 'print JSON: {withinDays, store, count, orders, tracking, extensions, lowRatings}')
    .addHelpText(
      'after',
      `
The protection deadline is shipped-at + the store's protectionDays (default 60).
Parcels the tracking provider refused, and parcels registered 3 business days
ago without a first scan, are listed first ("tracking needs attention").

Examples:
  $ postship at-risk
  $ postship at-risk --days 5 --store acme --json`,
    )
    .action((options: AtRiskOptions) => atRisk(cli, options));
}
