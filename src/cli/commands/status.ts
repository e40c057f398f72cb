import { Command } from 'commander';
import { InputError } from '../../domain/errors.js';
import { orderStatus, type OrderEvents, type TrackingView } from '../../report/order-status.js';
import { entryName } from '../../report/timeline.js';
import type { OrderRow } from '../../store/ledger.js';
import { print, printJson, terminalWidth, withLedger, type Cli } from '../cli.js';
import { fitTable, localTime, utcTime } from '../format.js';

type Timeline = NonNullable<Awaited<ReturnType<typeof orderStatus>>>['json']['timeline'];

function printStatus(cli: Cli, order: OrderRow, timeline: Timeline, events: OrderEvents, tracking: TrackingView): void {
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
    // After acceptance: what the email service or a bounce said (delivered, bounced, complained, deferred).
    const after = e.afterAcceptance;
    const word = after ? `${e.status}, ${after.kind}` : e.status;
    const afterPaint = after?.kind === 'bounced' || after?.kind === 'complained' ? red : paint;
    print(cli, `  ${name} ${afterPaint(word.padEnd(9))} due  ${due}  ${dim(utcTime(Date.parse(e.dueUtc)) ?? '')}`);
    if (after?.detail && after.kind !== 'delivered') print(cli, `      ${after.kind.padEnd(10)} ${after.source}: ${after.detail.slice(0, 60)}`);
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
  await withLedger(cli, async (runtime) => {
    const status = await orderStatus(runtime.ledger, orderId);
    if (!status) {
      throw new InputError('order_unknown', [`order ${JSON.stringify(orderId)} is not known`], 'Check the id; `postship list` shows known orders.');
    }
    if (o.json) printJson(cli, status.json);
    else printStatus(cli, status.row, status.json.timeline, status.json.trackingEvents, status.json.tracking);
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
