import { DateTime } from 'luxon';
import nodemailer from 'nodemailer';
import { validateOrder } from '../../src/domain/order.js';
import { DEFAULT_PROFILE } from '../../src/domain/profile.js';
import { composeMessage } from '../../src/mail/compose.js';
import { buildContext } from '../../src/mail/context.js';
import { renderMessage } from '../../src/mail/render.js';
import { TemplateSet } from '../../src/mail/templates.js';
import { startSendWorker } from '../../jobs/worker.js';
import { pooledUrl } from '../../src/mail/transport.js';
import { enterOrder } from '../../src/services/orders.js';
import { profiled, scratch, sleep, type BenchEnv, type Figure } from '../harness.js';
import type { BenchSink } from '../sink.js';

/** The SMTP pool both sides use: same connections, same sink. */
export function benchSmtpUrl(sink: BenchSink): string {
  return `${sink.url}/?pool=true&maxConnections=5&maxMessages=1000000`;
}

const COUNTRIES = ['US', 'ES', 'BR', 'FR'];
const CARRIERS = ['china-post', 'cainiao', 'yanwen'];

function sampleOrder(i: number) {
  return {
    orderId: `D${i}`, store: 'default', buyer: { name: `Buyer ${i}`, email: `b${i}@example.com` },
    country: COUNTRIES[i % 4], carrier: CARRIERS[i % 3], trackingNumber: `TN${i}`,
  };
}

/**
 * The limit: the very messages the pipeline sends (same templates, same orders),
 * rendered beforehand and handed straight to a pooled nodemailer transport.
 */
async function nodemailerLimit(sink: BenchSink, count: number): Promise<number> {
  const templates = new TemplateSet();
  const now = DateTime.utc();
  const messages = Array.from({ length: count }, (_, i) => {
    const validation = validateOrder(sampleOrder(i), now);
    if (!validation.ok) throw new Error(validation.problems.join('; '));
    const order = validation.order;
    const context = buildContext({ order, milestone: 'shipped', profile: DEFAULT_PROFILE, store: undefined });
    const rendered = renderMessage(templates, 'shipped', context);
    const { fileStem: _stem, ...mail } = composeMessage({
      order, milestone: 'shipped', sendId: i, resendOf: null, rendered, store: undefined, defaultFrom: 'Customer Care <care@example.com>',
    });
    return mail;
  });
  const transport = nodemailer.createTransport(pooledUrl(benchSmtpUrl(sink)));
  await sink.reset();
  const started = performance.now();
  let next = 0;
  // 50 messages in flight, like the worker's concurrency.
  await profiled('delivery-limit', () =>
    Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < count) await transport.sendMail(messages[next++]);
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  transport.close();
  return count / seconds;
}

async function pipelineRate(env: BenchEnv, sink: BenchSink, count: number): Promise<number> {
  const s = scratch(env);
  const runtime = s.runtime(s.config({ SMTP_URL: benchSmtpUrl(sink), POSTSHIP_CONCURRENCY: '50' }));
  for (let i = 0; i < count; i++) enterOrder(runtime.orderDeps(), sampleOrder(i));
  const deps = await runtime.jobDeps();
  const worker = startSendWorker(deps, { connection: await runtime.redis(), concurrency: 50 });
  await worker.waitUntilReady();
  await sink.reset();
  const started = performance.now();
  await profiled('delivery-pipeline', async () => {
    await runtime.promote(); // claim, render, SMTP, record: all of it is inside the measurement
    while (sink.count < count) await sleep(20);
  });
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await (await runtime.sendQueue()).obliterate({ force: true });
  await runtime.close();
  s.remove();
  return count / seconds;
}

export async function deliveryThroughput(env: BenchEnv, sink: BenchSink): Promise<Figure> {
  const count = env.quick ? 2000 : 20_000;
  const limit = await nodemailerLimit(sink, count);
  const value = await pipelineRate(env, sink, count);
  return {
    id: 1, name: `delivery throughput (${count} due messages)`, unit: 'msg/s', value, limitName: 'nodemailer pooled, no queue/db',
    limit, target: '>= 0.8 x limit', pass: value >= 0.8 * limit,
  };
}
