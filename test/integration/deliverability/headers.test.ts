import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enterOrder } from '../../../src/services/orders.js';
import { alwaysOpenConfig, tempDir, testConfig, type TempDir } from '../../helpers/env.js';

import { header, startSmtpSink, type SmtpSink } from '../../helpers/smtp.js';
import { testPipeline, type TestPipeline } from '../../helpers/worker.js';

describe('headers and the visible unsubscribe link', () => {
  let dir: TempDir;
  let smtp: SmtpSink;
  let pipeline: TestPipeline;
  beforeEach(async () => {
    dir = tempDir();
    smtp = await startSmtpSink();
    pipeline = testPipeline(testConfig(dir, { SMTP_URL: smtp.url, POSTSHIP_CONFIG: alwaysOpenConfig(dir, {}, { stores: { acme: { name: 'Acme', from: 'Acme <care@acme.example>' } } }), POSTSHIP_PUBLIC_URL: 'https://postship.acme.example', POSTSHIP_POSTMARK_REVIEW_STREAM: 'reviews' }));
    await pipeline.startWorker();
  });
  afterEach(async () => {
    await pipeline.close();
    await smtp.stop();
    dir.remove();
  });

  const mailFor = (address: string, milestone: string) => smtp.received.find((m) => m.to.includes(address) && header(m.raw, 'X-Postship-Milestone') === milestone);

  it('a review request has List-Unsubscribe (one-click), Feedback-ID and a link the buyer can see, in their language; a shipping update has no unsubscribe', async () => {
    const { runtime } = pipeline;
    const shippedAt = new Date(Date.now() - 15 * 86_400_000).toISOString();
    await enterOrder(runtime.orderDeps(), { orderId: 'H-1', store: 'acme', shippedAt, buyer: { name: 'Jonas Weber', email: 'jonas@example.de', locale: 'de-DE' }, country: 'DE', carrier: 'cainiao', trackingNumber: 'LPH1' });
    await enterOrder(runtime.orderDeps(), { orderId: 'H-2', store: 'acme', buyer: { name: 'Ann Lee', email: 'ann@example.com', locale: 'en-US' }, country: 'US', carrier: 'cainiao', trackingNumber: 'LPH2' });
    await runtime.promote();
    await expect.poll(async () => (await runtime.ledger.sendsOfOrder('H-1')).find((s) => s.milestone === 'day14')?.status, { timeout: 15_000 }).toBe('sent');
    await expect.poll(() => mailFor('ann@example.com', 'shipped'), { timeout: 15_000 }).toBeDefined();

    const review = mailFor('jonas@example.de', 'day14')!;
    const link = /^<(https:\/\/postship\.acme\.example\/unsubscribe\?e=[^>]+)>$/.exec(header(review.raw, 'List-Unsubscribe') ?? '')?.[1];
    expect(link).toBeDefined();
    expect(header(review.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(header(review.raw, 'Feedback-ID')).toBe('acme:day14:postship');
    expect(header(review.raw, 'X-PM-Message-Stream')).toBe('reviews');
    const parsed = await review.parse();
    const visible = /<a href="([^"]+)"[^>]*>Von diesen E-Mails abmelden<\/a>/.exec(String(parsed.html))?.[1];
    expect(visible?.replaceAll('&#x3D;', '=').replaceAll('&amp;', '&')).toBe(link);
    expect(parsed.text!.trimEnd().endsWith(`Von diesen E-Mails abmelden: ${link}`)).toBe(true);

    const shipped = mailFor('ann@example.com', 'shipped')!;
    expect(header(shipped.raw, 'List-Unsubscribe')).toBeNull();
    expect(header(shipped.raw, 'X-PM-Message-Stream')).toBeNull();
    expect(header(shipped.raw, 'Feedback-ID')).toBe('acme:shipped:postship');
    expect((await shipped.parse()).html).not.toContain('/unsubscribe');
  });
});
