import { DateTime } from 'luxon';
import { startSendWorker } from '../../jobs/worker.js';
import { sends } from '../../src/store/schema.js';
import { enterOrder } from '../../src/services/orders.js';
import { percentile, scratch, sleep, type BenchEnv, type Figure } from '../harness.js';
import type { BenchSink } from '../sink.js';
import { benchSmtpUrl } from './delivery.js';

/**
 * Due messages arrive at a steady 100/s (day1 of orders shipped one day ago,
 * due times spread 10 ms apart); lag = SMTP acceptance - due time.
 */
export async function timeliness(env: BenchEnv, sink: BenchSink): Promise<Figure> {
  const seconds = env.quick ? 5 : 20;
  const count = seconds * 100;
  // Only day1 is measured: the shipped notices of these day-old orders are turned off.
  const s = scratch(env, { milestones: { shipped: false } });
  const runtime = s.runtime(s.config({ SMTP_URL: benchSmtpUrl(sink), POSTSHIP_PROMOTE_EVERY: 'PT5S' }));
  // The worker is up and its SMTP thread loaded before the first message falls due: steady state, not start-up.
  const deps = await runtime.jobDeps();
  const worker = startSendWorker(deps, { connection: await runtime.redis(), concurrency: 50 });
  await worker.waitUntilReady();
  await deps.transport.verify();
  const start = DateTime.utc().plus({ seconds: 5 });
  for (let i = 0; i < count; i++) {
    // day1 = shipped-at + P1D: shipped exactly one day before the wanted due time.
    const due = start.plus({ milliseconds: i * 10 });
    await enterOrder(runtime.orderDeps(), {
      orderId: `L${i}`, buyer: { name: 'B', email: `l${i}@example.com` }, country: 'US', carrier: 'cainiao',
      trackingNumber: `LT${i}`, shippedAt: due.minus({ days: 1 }).toISO(),
    });
  }
  const leadMs = start.toMillis() - Date.now(); // what is left of the 5 s lead once the orders are in
  await sink.reset();
  await runtime.promote();
  const deadline = Date.now() + (seconds + 30) * 1000;
  while (sink.count < count && Date.now() < deadline) await sleep(50);
  const rows = runtime.ledger.sqlite!.select({ dueAt: sends.dueAt, messageId: sends.messageId, milestone: sends.milestone }).from(sends).all();
  const acceptedAt = await sink.acceptedAt();
  const lags = rows
    .filter((r) => r.milestone === 'day1' && r.messageId && acceptedAt.has(r.messageId))
    .map((r) => acceptedAt.get(r.messageId!)! - r.dueAt)
    .sort((a, b) => a - b);
  await worker.close();
  await (await runtime.sendQueue()).obliterate({ force: true });
  await runtime.close();
  s.remove();
  const p99 = percentile(lags, 99);
  return {
    id: 5, name: `timeliness at 100 due msg/s (${count} messages)`, unit: 'ms p99 lag', value: p99, limitName: '-', limit: null,
    target: '< 1000 ms', pass: lags.length === count && p99 < 1000,
    notes: `p50 ${percentile(lags, 50)} ms, max ${lags[lags.length - 1]} ms, ${lags.length}/${count} delivered; first due ${leadMs} ms after the orders were in`,
  };
}
