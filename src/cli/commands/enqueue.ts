import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { InputError } from '../../domain/errors.js';
import type { OrderInput } from '../../domain/order.js';
import { checkTrackingNumber, type TrackingWarning } from '../../domain/tracking-number.js';
import { enteredView } from '../../report/entered.js';
import { print, printJson, promoteAfterWrite, warn, withRuntime, type Cli } from '../cli.js';
import { fitTable, utcTime } from '../format.js';
import { asFlagProblem } from '../order-flags.js';
import { readStdin } from '../stdin.js';

interface EnqueueOptions {
  orderId?: string;
  email?: string;
  name?: string;
  country?: string;
  carrier?: string;
  tracking?: string;
  store?: string;
  locale?: string;
  timezone?: string;
  shippedAt?: string;
  json?: string | true;
}

function fromFlags(o: EnqueueOptions): OrderInput {
  return {
    orderId: o.orderId,
    store: o.store,
    buyer: { name: o.name, email: o.email, locale: o.locale, timezone: o.timezone },
    country: o.country,
    carrier: o.carrier,
    trackingNumber: o.tracking,
    shippedAt: o.shippedAt,
  };
}

async function readJsonInput(cli: Cli, source: string): Promise<unknown[]> {
  let text: string;
  try {
    text = source === '-' ? await readStdin(cli.stdin) : readFileSync(source, 'utf8');
  } catch (err) {
    throw new InputError('json_unreadable', [`--json ${source}: cannot read: ${(err as Error).message}`]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError('json_invalid', [`--json ${source}: not valid JSON: ${(err as Error).message}`]);
  }
  const list = Array.isArray(data) ? data : [data];
  if (list.length === 0) throw new InputError('json_empty', [`--json ${source}: the array holds no orders`]);
  return list;
}

function hasOrderFlags(o: EnqueueOptions): boolean {
  const flags = [o.orderId, o.email, o.name, o.country, o.carrier, o.tracking, o.store, o.locale, o.timezone, o.shippedAt];
  return flags.some((v) => v !== undefined);
}

async function ordersFrom(cli: Cli, o: EnqueueOptions): Promise<{ inputs: unknown[]; labelled: (i: number, p: string) => string }> {
  if (typeof o.json === 'string') {
    if (hasOrderFlags(o)) {
      throw new InputError('input_ambiguous', ['give the order either as flags or as --json FILE, not both']);
    }
    const inputs = await readJsonInput(cli, o.json);
    return { inputs, labelled: (i, p) => (inputs.length > 1 ? `[${i}].${p}` : p) };
  }
  return { inputs: [fromFlags(o)], labelled: (_i, p) => asFlagProblem(p) };
}

/** What was entered, with a warning when the number fits no format of its carrier (accepted anyway). */
function describe(result: Parameters<typeof enteredView>[0]): ReturnType<typeof enteredView> & { warnings: TrackingWarning[] } {
  const warning = checkTrackingNumber(result.order.carrier, result.order.trackingNumber);
  return { ...enteredView(result), warnings: warning ? [warning] : [] };
}

async function enqueue(cli: Cli, o: EnqueueOptions): Promise<void> {
  const { inputs, labelled } = await ordersFrom(cli, o);
  // Validation (zod) and order entry, loaded when an order is entered; BullMQ waits for the queueing (promoteAfterWrite).
  const [{ validateOrder }, { enterOrder }, { applyUnmatchedEvents }] = await Promise.all([
    import('../../domain/order.js'),
    import('../../services/orders.js'),
    import('../../services/tracking.js'),
  ]);
  await withRuntime(cli, async (runtime) => {
    // Every order is checked before any is written: bad input writes nothing.
    const now = runtime.clock.now();
    const problems = inputs.flatMap((input, i) => {
      const v = validateOrder(input, now);
      return v.ok ? [] : v.problems.map((p) => labelled(i, p));
    });
    if (problems.length > 0) throw new InputError('order_invalid', problems, 'Fix the values above; nothing was recorded.');
    const results: Array<ReturnType<typeof describe>> = [];
    for (const input of inputs) {
      const result = await enterOrder(runtime.orderDeps(), input);
      if (result.created) await applyUnmatchedEvents(runtime.orderDeps(), result.order);
      results.push(describe(result));
    }
    // The orders are durable now; print what was scheduled even if queueing fails.
    let queued: number | null = null;
    let failure: unknown = null;
    try {
      queued = await promoteAfterWrite(runtime, inputs.length === 1 ? 'the order is' : `${inputs.length} orders are`);
    } catch (err) {
      failure = err;
    }
    if (o.json !== undefined) printJson(cli, { orders: results, queued });
    else printText(cli, results);
    if (failure) throw failure;
  }, undefined, { createLedger: true });
}

function printText(cli: Cli, results: ReturnType<typeof describe>[]): void {
  const { bold, dim } = cli.colors;
  for (const r of results) {
    for (const w of r.warnings) warn(cli, `${r.orderId}: warning: ${w.message}`);
    print(cli, `${bold(r.orderId)}  ${r.created ? 'scheduled' : dim('already known: nothing new scheduled')}  (${r.buyerTimezone})`);
    print(
      cli,
      fitTable(
        ['milestone', 'status', 'due (buyer local)', 'due (UTC)'],
        r.sends.map((s) => [s.milestone, s.reason ? `${s.status}: ${s.reason}` : s.status, s.dueLocal, utcTime(Date.parse(s.dueUtc!))]),
      ),
    );
    print(cli);
  }
}

export function enqueueCommand(cli: Cli): Command {
  return new Command('enqueue')
    .description('record one shipped order (or a JSON list) and schedule its messages')
    .option('--order-id <id>', 'your order id (unique per order)')
    .option('--email <email>', "buyer's email address")
    .option('--name <name>', "buyer's name")
    .option('--country <CC>', 'destination, ISO 3166-1 alpha-2 (e.g. US, GB, BR)')
    .option('--carrier <code>', 'carrier code or alias (e.g. china-post, epacket, cainiao)')
    .option('--tracking <number>', 'tracking number')
    .option('--store <store>', 'store id from the config file (default: "default")')
    .option('--locale <bcp47>', "buyer's language (default: the country's)")
    .option('--timezone <zone>', "buyer's IANA time zone (default: the country's)")
    .option('--shipped-at <iso>', 'when the parcel left, ISO-8601 (default: now)')
    .option('--json [file]', 'read orders from a JSON file (- for stdin; one object or an array) and print JSON; alone: print JSON')
    .addHelpText(
      'after',
      `
JSON fields: orderId, store, buyer {name, email, locale, timezone}, country,
carrier, trackingNumber, shippedAt. Entering a known order schedules nothing
new.

Examples:
  $ postship enqueue --order-id AE-1001 --email ana@example.com \\
      --name "Ana Souza" --country BR --carrier cainiao --tracking LP00412345678901
  $ postship enqueue --json orders.json
  $ cat order.json | postship enqueue --json -`,
    )
    .action((options: EnqueueOptions) => enqueue(cli, options));
}
