import { Command } from 'commander';
import { and, asc, eq, isNull, or } from 'drizzle-orm';
import { InputError } from '../../domain/errors.js';
import { entryName, timelineOf } from '../../report/timeline.js';
import type { Db } from '../../store/db.js';
import { getOrder, sendsOfOrder, type OrderRow } from '../../store/ledger.js';
import { trackingEvents } from '../../store/schema.js';
import { registrationOf } from '../../store/registrations.js';
import { feedOf, registrationView, type Feed } from '../../report/feed.js';
import { print, printJson, terminalWidth, withRuntime, type Cli } from '../cli.js';
import { fitTable, isoUtc, localTime, utcTime } from '../format.js';

/** Events linked to the order, plus ones for its tracking number still waiting for a match (never one matched to another order). */
export function eventsOf(db: Db, order: OrderRow) {
  // Two indexed lookups rather than one OR, which SQLite may answer with a scan of every event.
  const linked = db.select().from(trackingEvents).where(eq(trackingEvents.orderId, order.orderId)).all();
  const waiting = db
    .select()
    .from(trackingEvents)
    .where(and(eq(trackingEvents.trackingNumber, order.trackingNumber), isNull(trackingEvents.orderId)))
    .all();
  return [...linked, ...waiting]
    .sort((a, b) => (a.occurredAt ?? 0) - (b.occurredAt ?? 0) || a.id - b.id)
    .map((e) => ({
      id: e.id,
      provider: e.provider,
      providerStatus: e.providerStatus,
      milestone: e.milestone,
      occurredUtc: isoUtc(e.occurredAt),
      receivedUtc: isoUtc(e.receivedAt),
      outcome: e.outcome,
    }));
}

function orderView(o: OrderRow) {
  return {
    orderId: o.orderId,
    store: o.store,
    state: o.state,
    stateReason: o.stateReason,
    buyer: { name: o.buyerName, email: o.buyerEmail, locale: o.buyerLocale, timezone: o.buyerTimezone },
    country: o.country,
    carrier: o.carrier,
    trackingNumber: o.trackingNumber,
    shippedAtUtc: isoUtc(o.shippedAt),
  };
}

type TrackingView = { feed: Feed; registration: ReturnType<typeof registrationView> };

function trackingView(db: Db, order: OrderRow, events: ReturnType<typeof eventsOf>): TrackingView {
  const registration = registrationOf(db, order.orderId);
  return { feed: feedOf(registration, events.length > 0), registration: registrationView(registration) };
}

function printStatus(cli: Cli, order: OrderRow, timeline: ReturnType<typeof timelineOf>, events: ReturnType<typeof eventsOf>, tracking: TrackingView): void {
  const { bold, dim, red, green } = cli.colors;
  const zone = order.buyerTimezone;
  const state = order.state === 'active' ? order.state : `${order.state}${order.stateReason ? ` (${order.stateReason})` : ''}`;
  print(cli, `${bold(`order ${order.orderId}`)}  store ${order.store}  ${state}`);
  print(cli, `  buyer    ${order.buyerName} <${order.buyerEmail}>`);
  print(cli, `           ${order.buyerLocale}, ${zone}`);
  print(cli, `  parcel   ${order.country} ${order.carrier} ${order.trackingNumber}, shipped ${utcTime(order.shippedAt)}`);
  const r = tracking.registration;
  const detected = r?.detectedCarrier ? `; provider detected carrier ${r.detectedCarrier}` : '';
  const registration = r ? ` (${r.provider}: ${r.state}${r.lastError ? `, ${r.lastError}` : ''}${detected})` : '';
  print(cli, `  feed     ${tracking.feed === 'no feed' ? red(tracking.feed) : tracking.feed}${registration}`);
  print(cli);
  print(cli, bold('milestones') + dim('  (due: buyer local, then UTC; (re) = resend)'));
  for (const e of timeline) {
    const name = `${entryName(e)}${e.resendOf ? ' (re)' : ''}`.padEnd(16);
    const paint = e.status === 'sent' ? green : e.status === 'failed' ? red : (s: string) => s;
    const due = localTime(Date.parse(e.dueUtc), zone);
    print(cli, `  ${name} ${paint(e.status.padEnd(9))} due  ${due}  ${dim(utcTime(Date.parse(e.dueUtc)) ?? '')}`);
    const pad = ' '.repeat(29);
    if (e.sentUtc) print(cli, `${pad}sent ${localTime(Date.parse(e.sentUtc), zone)}  ${dim(utcTime(Date.parse(e.sentUtc)) ?? '')}`);
    if (e.messageId) print(cli, `      message-id ${e.messageId}`);
    if (e.reason) print(cli, `      reason     ${e.reason}`);
    if (e.error) print(cli, `      ${e.status === 'failed' ? 'failure' : 'last error'} ${e.error.slice(0, 60)}`);
  }
  print(cli);
  if (events.length === 0) {
    print(cli, `${bold('tracking events')}  none received`);
    return;
  }
  print(cli, bold('tracking events'));
  const rows = events.map((e) => [utcTime(Date.parse(e.occurredUtc ?? '')) ?? '-', e.milestone, e.provider, e.outcome]);
  print(cli, fitTable(['occurred (UTC)', 'status', 'provider', 'outcome'], rows, terminalWidth(cli)));
}

async function status(cli: Cli, orderId: string, o: { json?: boolean }): Promise<void> {
  await withRuntime(cli, (runtime) => {
    const order = getOrder(runtime.db, orderId);
    if (!order) {
      throw new InputError('order_unknown', [`order ${JSON.stringify(orderId)} is not known`], 'Check the id; `postship list` shows known orders.');
    }
    const timeline = timelineOf(order, sendsOfOrder(runtime.db, orderId));
    const events = eventsOf(runtime.db, order);
    const tracking = trackingView(runtime.db, order, events);
    if (o.json) printJson(cli, { order: orderView(order), timeline, trackingEvents: events, tracking });
    else printStatus(cli, order, timeline, events, tracking);
  });
}

export function statusCommand(cli: Cli): Command {
  return new Command('status')
    .description("an order's timeline of messages and tracking events")
    .argument('<order-id>', 'the order id')
    .option('--json', 'print JSON: {order, timeline, trackingEvents, tracking: {feed, registration}}')
    .addHelpText('after', '\nExample:\n  $ postship status AE-1001')
    .action((orderId: string, options: { json?: boolean }) => status(cli, orderId, options));
}
