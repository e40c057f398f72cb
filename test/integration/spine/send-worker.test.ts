import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../../src/domain/clock.js';
import { enterOrder } from '../../../src/services/orders.js';
import { type SendRow } from '../../../src/store/ledger.js';
import { tempDir, testConfig, type TempDir } from '../../helpers/env.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';
import { insertRows, tableRows, updateRows } from '../../helpers/ledgers.js';
import { testPipeline, type TestPipeline } from '../../helpers/worker.js';

const ALWAYS_OPEN = { defaults: { sendWindow: { start: '00:00', end: '24:00' } } };

function order(id: string, over: Record<string, unknown> = {}) {
  return {
    orderId: id, buyer: { name: 'Ana Souza', email: `${id.toLowerCase()}@example.com`, locale: 'en' }, country: 'BR',
    carrier: 'cainiao', trackingNumber: `LP${id.replace(/\W/g, '')}`, ...over,
  };
}

describe('the send worker', () => {
  let dir: TempDir;
  let smtp: SmtpSink;
  let pipeline: TestPipeline;

  function start(options: { clock?: FixedClock; env?: Record<string, string>; config?: object } = {}) {
    const configPath = dir.file('config.json');
    writeFileSync(configPath, JSON.stringify(options.config ?? ALWAYS_OPEN));
    const config = testConfig(dir, { SMTP_URL: smtp.url, POSTSHIP_CONFIG: configPath, ...options.env });
    pipeline = testPipeline(config, options.clock);
    return pipeline;
  }

  const row = async (id: number) => (await pipeline.runtime.ledger.getSend(id))!;
  const sendOf = async (orderId: string, milestone: string): Promise<SendRow> =>
    (await pipeline.runtime.ledger.sendsOfOrder(orderId)).find((s) => s.milestone === milestone)!;

  beforeEach(async () => {
    dir = tempDir();
    smtp = await startSmtpSink();
  });
  afterEach(async () => {
    await pipeline?.close();
    await smtp.stop();
    dir.remove();
  });

  it('sends a due message once through SMTP and records it', async () => {
    const { runtime } = start();
    await pipeline.startWorker();
    await enterOrder(runtime.orderDeps(), order('S-1'));
    await runtime.promote();
    const shipped = await sendOf('S-1', 'shipped');
    await expect.poll(async () => (await row(shipped.id)).status).toBe('sent');
    const sent = await row(shipped.id);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0].to).toEqual(['s-1@example.com']);
    expect(smtp.received[0].messageId).toBe(sent.messageId);
    expect(sent.messageId).toMatch(/^<shipped\.[0-9a-f]{24}@example\.com>$/);
    expect(sent).toMatchObject({ attempts: 1, template: 'templates/en/shipped', error: null });
    expect(sent.smtpResponse).toMatch(/^250/);
    expect(sent.subject).toContain('S-1');
  });

  it('records cancelled when the order was cancelled after its job was queued', async () => {
    const { runtime } = start();
    await enterOrder(runtime.orderDeps(), order('C-1'));
    await runtime.promote();
    await updateRows(runtime, 'orders', { state: 'cancelled', stateReason: 'dispute' });
    await pipeline.startWorker();
    const shipped = await sendOf('C-1', 'shipped');
    await expect.poll(async () => (await row(shipped.id)).status).toBe('cancelled');
    expect((await row(shipped.id)).reason).toBe('dispute');
    expect(smtp.received).toHaveLength(0);
  });

  it('skips superseded when a later stage was already sent', async () => {
    const { runtime } = start();
    // Shipped a day ago: day1 is due now.
    await enterOrder(runtime.orderDeps(), order('P-1', { shippedAt: DateTime.utc().minus({ days: 1, seconds: 1 }).toISO() }));
    const now = Date.now();
    await insertRows(runtime, 'sends', [{ orderId: 'P-1', milestone: 'customs', status: 'sent', dueAt: now, sentAt: now, createdAt: now, updatedAt: now }]);
    await updateRows(runtime, 'sends', { status: 'sent' }, (s) => eq(s.milestone, 'shipped'));
    await runtime.promote();
    await pipeline.startWorker();
    const day1 = await sendOf('P-1', 'day1');
    await expect.poll(async () => (await row(day1.id)).status).toBe('skipped');
    expect((await row(day1.id)).reason).toBe('superseded');
    expect(smtp.received).toHaveLength(0);
  });

  it('skips stale when the job runs past the staleness limit', async () => {
    const clock = new FixedClock(DateTime.utc());
    const { runtime } = start({ clock });
    await enterOrder(runtime.orderDeps(), order('T-1'));
    clock.advance({ days: 3 }); // e.g. the worker was down for three days
    await runtime.promote();
    await pipeline.startWorker();
    const shipped = await sendOf('T-1', 'shipped');
    await expect.poll(async () => (await row(shipped.id)).status).toBe('skipped');
    expect((await row(shipped.id)).reason).toBe('stale');
    expect(smtp.received).toHaveLength(0);
  });

  it('retries while the SMTP server is down and sends once it is back', async () => {
    await smtp.stop();
    const { runtime } = start({ env: { POSTSHIP_SEND_ATTEMPTS: '20', POSTSHIP_BACKOFF: 'PT0.1S' } });
    await pipeline.startWorker();
    await enterOrder(runtime.orderDeps(), order('R-1'));
    await runtime.promote();
    const shipped = await sendOf('R-1', 'shipped');
    await expect.poll(async () => (await row(shipped.id)).attempts, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    // Between attempts the row waits as queued (or is mid-attempt): never failed, never sent.
    expect(['queued', 'sending']).toContain((await row(shipped.id)).status);
    expect((await row(shipped.id)).error).toMatch(/ECONNECTION|ECONNREFUSED|ESOCKET/);
    await smtp.start();
    await expect.poll(async () => (await row(shipped.id)).status, { timeout: 20_000 }).toBe('sent');
    expect(smtp.received).toHaveLength(1);
  });

  it('fails at once on a permanent 5xx, suppresses the address and skips later messages to it', async () => {
    smtp.failWith(550);
    const { runtime } = start();
    await pipeline.startWorker();
    await enterOrder(runtime.orderDeps(), order('F-1', { buyer: { name: 'X', email: 'gone@example.com' } }));
    await runtime.promote();
    const shipped = await sendOf('F-1', 'shipped');
    await expect.poll(async () => (await row(shipped.id)).status).toBe('failed');
    expect((await row(shipped.id)).attempts).toBe(1);
    expect((await row(shipped.id)).error).toMatch(/550/);
    expect(await tableRows(runtime, 'suppressions')).toEqual([expect.objectContaining({ email: 'gone@example.com', scope: 'all' })]);

    smtp.failWith(null);
    await enterOrder(runtime.orderDeps(), order('F-2', { buyer: { name: 'X', email: 'gone@example.com' } }));
    await runtime.promote();
    const next = await sendOf('F-2', 'shipped');
    await expect.poll(async () => (await row(next.id)).status).toBe('skipped');
    expect((await row(next.id)).reason).toBe('suppressed');
    expect(smtp.received).toHaveLength(0);
  });

  it('fails without retrying when a template is broken', async () => {
    const storeTemplates = dir.file('acme-templates');
    mkdirSync(join(storeTemplates, 'en'), { recursive: true });
    writeFileSync(join(storeTemplates, 'en', 'shipped.subject.hbs'), 'Hello {{buyer.nickname}}');
    writeFileSync(join(storeTemplates, 'en', 'shipped.html.hbs'), '<p>hi</p>');
    writeFileSync(join(storeTemplates, 'en', 'shipped.text.hbs'), 'hi');
    const { runtime } = start({ config: { ...ALWAYS_OPEN, stores: { acme: { templates: storeTemplates } } } });
    await pipeline.startWorker();
    await enterOrder(runtime.orderDeps(), order('B-1', { store: 'acme' }));
    await runtime.promote();
    const shipped = await sendOf('B-1', 'shipped');
    await expect.poll(async () => (await row(shipped.id)).status).toBe('failed');
    expect((await row(shipped.id)).error).toMatch(/render failed: .*shipped\.subject\.hbs.*nickname/);
    expect((await row(shipped.id)).attempts).toBe(1);
    expect(smtp.received).toHaveLength(0);
  });
});
