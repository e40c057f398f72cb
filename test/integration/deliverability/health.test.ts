import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/domain/clock.js';
import { silentLogger } from '../../../src/logger.js';
import { outboxTransport } from '../../../src/mail/transport.js';
import { createMetrics } from '../../../src/metrics.js';
import { sendDigests } from '../../../src/services/digest.js';
import { enterOrder } from '../../../src/services/orders.js';
import { alwaysOpenConfig, tempDir, testConfig, type TempDir } from '../../helpers/env.js';

import { testPipeline, type TestPipeline } from '../../helpers/worker.js';

describe('deliverability health: 7 days per store and recipient domain, in /metrics and the digest', () => {
  let dir: TempDir;
  let pipeline: TestPipeline;
  const ids = Array.from({ length: 60 }, (_, i) => `M-${i}`);
  const emailOf = (i: number) => `buyer${i}@${i < 40 ? 'mail.example' : 'other.example'}`;

  beforeAll(async () => {
    dir = tempDir();
    pipeline = testPipeline(testConfig(dir, { POSTSHIP_CONFIG: alwaysOpenConfig(dir, {}, { stores: { acme: { name: 'Acme', sellerEmail: 'owner@acme.example' } } }) }));
    const worker = await pipeline.startWorker({ concurrency: 10 });
    const { runtime } = pipeline;
    const allSent = async () => (await Promise.all(ids.map(async (id) => (await runtime.ledger.sendsOfOrder(id))[0]?.status))).every((status) => status === 'sent');
    const done = new Promise<void>((resolve) => worker.on('completed', () => void allSent().then((all) => all && resolve())));
    for (const [i, id] of ids.entries()) await enterOrder(runtime.orderDeps(), { orderId: id, store: 'acme', buyer: { name: 'B', email: emailOf(i), locale: 'en' }, country: 'US', carrier: 'cainiao', trackingNumber: `LP${id.replace('-', '')}` });
    await runtime.promote();
    await done;
    const now = Date.now();
    // One complaint and two hard bounces at mail.example, one delivery and one deferral at other.example.
    await runtime.ledger.recordMailEvents([
      { source: 'postmark', dedupKey: 'c1', kind: 'complained', email: emailOf(0), occurredAt: now },
      { source: 'mailgun', dedupKey: 'b1', kind: 'bounced', bounceType: 'hard', email: emailOf(1), occurredAt: now },
      { source: 'mailgun', dedupKey: 'b2', kind: 'bounced', bounceType: 'hard', email: emailOf(2), occurredAt: now },
      { source: 'ses', dedupKey: 'd1', kind: 'delivered', email: emailOf(45), occurredAt: now },
      { source: 'ses', dedupKey: 'd2', kind: 'deferred', bounceType: 'soft', email: emailOf(46), occurredAt: now },
      // Older than 7 days: not counted.
      { source: 'ses', dedupKey: 'old', kind: 'complained', email: emailOf(3), occurredAt: now - 8 * 86_400_000 },
    ], now);
  });
  afterAll(async () => {
    await pipeline?.close();
    dir?.remove();
  });

  it('counts per store and per recipient domain, with rates', async () => {
    const health = await pipeline.runtime.ledger.deliverabilityHealth({ now: Date.now(), days: 7 });
    expect(health.stores).toEqual([{ store: 'acme', domain: '*', sent: 60, delivered: 1, bounced: 2, complained: 1, deferred: 1, bounceRate: 2 / 60, complaintRate: 1 / 60 }]);
    expect(health.domains.map((d) => [d.domain, d.sent, d.bounced, d.complained, d.delivered, d.deferred])).toEqual([
      ['mail.example', 40, 2, 1, 0, 0],
      ['other.example', 20, 0, 0, 1, 1],
    ]);
  });

  it('/metrics shows the same counts and rates beside Gmail\'s 0.3%', async () => {
    const metrics = createMetrics({ ledger: pipeline.runtime.ledger });
    try {
      const text = await metrics.registry.metrics();
      expect(text).toContain('postship_mail_7d{store="acme",domain="*",kind="sent"} 60');
      expect(text).toContain('postship_mail_7d{store="acme",domain="mail.example",kind="complained"} 1');
      expect(text).toContain('postship_mail_7d{store="acme",domain="other.example",kind="deferred"} 1');
      expect(text).toContain(`postship_mail_7d_rate{store="acme",domain="mail.example",rate="bounce"} ${2 / 40}`);
      expect(text).toContain('postship_mail_spam_rate_limit 0.003');
    } finally {
      await metrics.stop();
    }
  });

  it('the daily digest warns the seller whose complaint or bounce rate nears the limit', async () => {
    const outbox = dir.file('digest-outbox');
    const { runtime } = pipeline;
    const outcomes = await sendDigests({ ledger: runtime.ledger, config: runtime.config, clock: systemClock, transport: outboxTransport(outbox), logger: silentLogger() });
    expect(outcomes).toEqual([{ store: 'acme', result: 'sent', count: 0 }]);
    const mail = readFileSync(`${outbox}/${readdirSync(outbox)[0]}`, 'utf8').replace(/=\r?\n/g, '');
    expect(mail).toMatch(/Subject: bounce or complaint rates to look at \(Acme, /);
    expect(mail).toContain('Deliverability (last 7 days):');
    expect(mail).toContain('- all recipients: 1 spam complaint(s) for 60 letters in 7 days (1.67%): Gmail filters or rejects senders above 0.3%');
    expect(mail).toContain('- all recipients: 2 bounce(s) for 60 letters in 7 days (3.33%)');
    // 40 letters to mail.example are too few (under 50) for a rate of its own.
    expect(mail).not.toContain('- mail.example:');
  });
});
