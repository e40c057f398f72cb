import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSendWorker } from '../../../jobs/worker.js';
import { emailFromLink, verifyUnsubscribeToken } from '../../../src/domain/unsubscribe.js';
import { assertRedisFitForQueue } from '../../../src/queue/guards.js';
import { silentLogger } from '../../../src/logger.js';
import { enterOrder } from '../../../src/services/orders.js';
import { tableRows } from '../../helpers/ledgers.js';
import { alwaysOpenConfig, tempDir, testConfig, type TempDir } from '../../helpers/env.js';
import { header, startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';
import { testPipeline, type TestPipeline } from '../../helpers/worker.js';

describe('delivery guarantees', () => {
  let dir: TempDir;
  let smtp: SmtpSink;
  let pipeline: TestPipeline;

  beforeEach(async () => {
    dir = tempDir();
    smtp = await startSmtpSink();
    const configPath = alwaysOpenConfig(dir);
    pipeline = testPipeline(testConfig(dir, { SMTP_URL: smtp.url, POSTSHIP_CONFIG: configPath }));
  });
  afterEach(async () => {
    await pipeline.close();
    await smtp.stop();
    dir.remove();
  });

  const enter = (orderId: string, over: Record<string, unknown> = {}) =>
    enterOrder(pipeline.runtime.orderDeps(), {
      orderId, buyer: { name: 'Jan Kowalski', email: `${orderId.toLowerCase()}@example.com` }, country: 'PL',
      carrier: 'yanwen', trackingNumber: `UG${orderId.replace(/\W/g, '')}`, ...over,
    });
  const status = async (id: number) => (await pipeline.runtime.ledger.getSend(id))!.status;

  it('escapes buyer fields in HTML and keeps CR/LF out of the headers', async () => {
    // A store template that puts the buyer's name in the subject and the HTML, whatever the built-in copy says.
    const templates = dir.file('store-templates');
    mkdirSync(join(templates, 'en'), { recursive: true });
    writeFileSync(join(templates, 'en', 'shipped.subject.hbs'), 'For {{buyer.name}}: order {{order.id}}');
    writeFileSync(join(templates, 'en', 'shipped.html.hbs'), '<p>Hello {{buyer.name}}</p>');
    writeFileSync(join(templates, 'en', 'shipped.text.hbs'), 'Hello {{buyer.name}}');
    const configPath = dir.file('config-store.json');
    writeFileSync(configPath, JSON.stringify({ defaults: { sendWindow: { start: '00:00', end: '24:00' } }, stores: { acme: { templates } } }));
    await pipeline.close();
    pipeline = testPipeline(testConfig(dir, { SMTP_URL: smtp.url, POSTSHIP_CONFIG: configPath }));
    const { runtime } = pipeline;
    await pipeline.startWorker();
    const evil = '<img/src=x/onerror=alert(1)>\r\nBcc: victim@example.com';
    const { sends: rows } = await enter('X-1', { store: 'acme', buyer: { name: evil, email: 'eve@example.com', locale: 'en' } });
    await runtime.promote();
    const shipped = rows.find((r) => r.milestone === 'shipped')!;
    await expect.poll(() => status(shipped.id)).toBe('sent');
    const mail = await smtp.received[0].parse();
    expect(mail.headers.has('bcc')).toBe(false);
    expect(smtp.received[0].to).toEqual(['eve@example.com']);
    expect(mail.subject).toBe('For <img/src=x/onerror=alert(1)> Bcc: victim@example.com: order X-1');
    expect(mail.html).not.toContain('<img/src=x');
    expect(mail.html).toContain('&lt;img/src&#x3D;x/onerror&#x3D;alert(1)&gt;');
  });

  it('gives review requests RFC 8058 one-click unsubscribe headers with a valid signed link', async () => {
    const { runtime } = pipeline;
    await pipeline.startWorker();
    await enter('U-1', { shippedAt: DateTime.utc().minus({ days: 14 }).toISO() });
    await runtime.promote();
    const day14 = (await runtime.ledger.sendsOfOrder('U-1')).find((r) => r.milestone === 'day14')!;
    await expect.poll(() => status(day14.id)).toBe('sent');
    const day14MessageId = (await runtime.ledger.getSend(day14.id))!.messageId;
    const raw = smtp.received.find((m) => m.messageId === day14MessageId)!.raw;
    expect(header(raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    const link = header(raw, 'List-Unsubscribe')?.replace(/^<|>$/g, '');
    expect(link).toMatch(/^http:\/\/localhost:3000\/unsubscribe\?e=/);
    const url = new URL(link!);
    const deps = await runtime.jobDeps();
    expect(emailFromLink(url.searchParams.get('e')!)).toBe('u-1@example.com');
    expect(verifyUnsubscribeToken(deps.unsubscribe.secret, 'u-1@example.com', url.searchParams.get('t')!)).toBe(true);
    // Other milestones carry no unsubscribe header: they are transactional.
    const shippedMail = smtp.received.find((m) => m.messageId !== day14MessageId);
    expect(shippedMail?.raw ?? '').not.toMatch(/List-Unsubscribe/);
  });

  it('retries a throttled send (421) without using up its attempts', async () => {
    const { runtime } = pipeline;
    smtp.failWith(421);
    await pipeline.startWorker();
    const { sends: rows } = await enter('T-1');
    await runtime.promote();
    const shipped = rows.find((r) => r.milestone === 'shipped')!;
    await expect.poll(async () => (await runtime.ledger.getSend(shipped.id))!.error ?? '').toMatch(/421/);
    const queue = await runtime.sendQueue();
    const job = await queue.getJob(`send.${shipped.id}`);
    expect(job).toBeDefined();
    // The claim is released (the error recorded) a moment before the job moves to delayed.
    await expect.poll(() => job!.getState()).toBe('delayed');
    expect((await queue.getJob(`send.${shipped.id}`))!.attemptsMade).toBe(0);
    expect(await status(shipped.id)).toBe('queued');
  });

  it('sends once when two workers with a tiny lock duration process the same jobs', async () => {
    const { runtime } = pipeline;
    await pipeline.startWorker({ concurrency: 5, lockDurationMs: 50 });
    const second = startSendWorker(await runtime.jobDeps(), { connection: await runtime.redis(), concurrency: 5, lockDurationMs: 50 });
    for (let i = 0; i < 30; i++) await enter(`L-${i}`);
    await runtime.promote();
    await expect
      .poll(async () => (await tableRows(runtime, 'sends')).filter((r) => r.milestone === 'shipped' && r.status === 'sent').length, {
        timeout: 20_000,
      })
      .toBe(30);
    await second.close();
    const ids = smtp.received.map((m) => m.messageId);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });

  it('refuses a Redis that may evict keys', async () => {
    const redis = await pipeline.runtime.redis();
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      await expect(assertRedisFitForQueue(redis, silentLogger())).rejects.toThrow(/maxmemory-policy is "allkeys-lru"/);
    } finally {
      await redis.config('SET', 'maxmemory-policy', 'noeviction');
    }
    await expect(assertRedisFitForQueue(redis, silentLogger())).resolves.toBeUndefined();
  });
});
