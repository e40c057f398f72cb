import nodemailer from 'nodemailer';
import { startSendWorker } from '../../jobs/worker.js';
import { pooledUrl } from '../../src/mail/transport.js';
import { enterOrder } from '../../src/services/orders.js';
import { scratch, sleep, type BenchEnv, type Figure } from '../harness.js';
import type { BenchSink } from '../sink.js';

/** The SMTP pool both sides use: same connections, same sink. */
export function benchSmtpUrl(sink: BenchSink): string {
  return `${sink.url}/?pool=true&maxConnections=5&maxMessages=1000000`;
}

async function nodemailerLimit(sink: BenchSink, count: number): Promise<number> {
  const transport = nodemailer.createTransport(pooledUrl(benchSmtpUrl(sink)));
  const message = {
    from: 'Acme <care@acme.example>', to: 'buyer@example.com', subject: 'Your order has shipped',
    text: 'x'.repeat(1200), html: `<p>${'x'.repeat(2400)}</p>`,
  };
  sink.reset();
  const started = performance.now();
  let next = 0;
  // 50 messages in flight, like the worker's concurrency.
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (next < count) {
        const i = next++;
        await transport.sendMail({ ...message, messageId: `<limit.${i}@acme.example>` });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  transport.close();
  return count / seconds;
}

async function pipelineRate(env: BenchEnv, sink: BenchSink, count: number): Promise<number> {
  const s = scratch(env);
  const runtime = s.runtime(s.config({ SMTP_URL: benchSmtpUrl(sink), POSTSHIP_CONCURRENCY: '50' }));
  for (let i = 0; i < count; i++) {
    enterOrder(runtime.orderDeps(), {
      orderId: `D${i}`, store: 'default', buyer: { name: `Buyer ${i}`, email: `b${i}@example.com` },
      country: ['US', 'ES', 'BR', 'FR'][i % 4], carrier: ['china-post', 'cainiao', 'yanwen'][i % 3], trackingNumber: `TN${i}`,
    });
  }
  const deps = await runtime.jobDeps();
  const worker = startSendWorker(deps, { connection: await runtime.redis(), concurrency: 50 });
  await worker.waitUntilReady();
  sink.reset();
  const started = performance.now();
  await runtime.promote(); // claim, render, SMTP, record: all of it is inside the measurement
  while (sink.count < count) await sleep(20);
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
