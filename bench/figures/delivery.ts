import { DateTime } from 'luxon';
import nodemailer from 'nodemailer';
import { validateOrder } from '../../src/domain/order.js';
import { DEFAULT_PROFILE } from '../../src/domain/profile.js';
import { composeMessage } from '../../src/mail/compose.js';
import { buildContext } from '../../src/mail/context.js';
import { renderMessage } from '../../src/mail/render.js';
import { TemplateSet } from '../../src/mail/templates.js';
import { startSendWorker } from '../../jobs/worker.js';
import { pooledUrl } from '../../src/mail/smtp-url.js';
import { enterOrder } from '../../src/services/orders.js';
import { ledgerScratch, profiled, sleep, type BenchEnv, type Figure } from '../harness.js';
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

/** Wall time and this process's CPU time (all threads, the sink's included) over one measured stretch. */
class Meter {
  seconds = 0;
  cpuMicros = 0;
  count = 0;
  async measure(count: number, fn: () => Promise<void>): Promise<void> {
    const started = performance.now();
    const cpu = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(cpu);
    this.seconds += (performance.now() - started) / 1000;
    this.cpuMicros += used.user + used.system;
    this.count += count;
  }
  get perSecond(): number {
    return this.count / this.seconds;
  }
  get cpuPerMessage(): number {
    return this.cpuMicros / this.count;
  }
}

/**
 * The limit: the very messages the pipeline sends (same templates, same orders),
 * rendered beforehand and handed straight to a pooled nodemailer transport,
 * 50 in flight like the worker's concurrency.
 */
async function startLimit(sink: BenchSink, count: number) {
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
  let next = 0;
  return {
    async send(n: number): Promise<void> {
      const end = next + n;
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          while (next < end) await transport.sendMail(messages[next++]);
        }),
      );
    },
    close: () => transport.close(),
  };
}

/** The pipeline: orders entered in the ledger; promote, claim, render, SMTP and record are what is timed. */
async function startPipeline(env: BenchEnv, sink: BenchSink) {
  const s = await ledgerScratch(env);
  const runtime = s.runtime(s.config({ SMTP_URL: benchSmtpUrl(sink), POSTSHIP_CONCURRENCY: '50' }));
  const deps = await runtime.jobDeps();
  const worker = startSendWorker(deps, { connection: await runtime.redis(), concurrency: 50 });
  await worker.waitUntilReady();
  let entered = 0;
  return {
    /** Outside the measurement: the orders whose shipped notices the next round sends. */
    async enter(n: number): Promise<void> {
      for (let i = entered; i < entered + n; i++) await enterOrder(runtime.orderDeps(), sampleOrder(i));
      entered += n;
    },
    async send(n: number): Promise<void> {
      await runtime.promote();
      while (sink.count < n) await sleep(10);
    },
    async close(): Promise<void> {
      await worker.close();
      await (await runtime.sendQueue()).obliterate({ force: true });
      await runtime.close();
      await s.remove();
    },
  };
}

/**
 * Measured in alternating rounds (limit, pipeline, limit, ...), each figure the
 * total of its rounds: on a shared machine whose speed drifts by the minute,
 * both sides then see the same stretches of it.
 */
export async function deliveryThroughput(env: BenchEnv, sink: BenchSink): Promise<Figure> {
  const count = env.quick ? 2000 : 20_000;
  const rounds = env.quick ? 1 : 4;
  const perRound = count / rounds;
  const warmup = env.quick ? 200 : 1000;
  const limit = await startLimit(sink, count + warmup);
  const pipeline = await startPipeline(env, sink);
  const limitMeter = new Meter();
  const pipelineMeter = new Meter();
  try {
    // Not measured: the first messages of each side run while V8 compiles their code.
    await sink.reset();
    await limit.send(warmup);
    await pipeline.enter(warmup);
    await sink.reset();
    await pipeline.send(warmup);
    for (let round = 0; round < rounds; round++) {
      await sink.reset();
      await limitMeter.measure(perRound, () => profiled(`delivery-limit-${round + 1}`, () => limit.send(perRound)));
      await pipeline.enter(perRound);
      await sink.reset();
      await pipelineMeter.measure(perRound, () => profiled(`delivery-pipeline-${round + 1}`, () => pipeline.send(perRound)));
    }
  } finally {
    limit.close();
    await pipeline.close();
  }
  const value = pipelineMeter.perSecond;
  return {
    id: 1, name: `delivery throughput (${count} due messages)`, unit: 'msg/s', value, limitName: 'nodemailer pooled, no queue/db',
    limit: limitMeter.perSecond, target: '>= 0.8 x limit', pass: value >= 0.8 * limitMeter.perSecond,
    notes:
      `${rounds} alternating round(s) of ${perRound} after ${warmup} unmeasured; process CPU per message: pipeline ${pipelineMeter.cpuPerMessage.toFixed(0)} us, ` +
      `limit ${limitMeter.cpuPerMessage.toFixed(0)} us (both include the sink's thread)`,
  };
}
