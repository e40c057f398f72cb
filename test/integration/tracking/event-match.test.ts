import { createHmac } from 'node:crypto';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf } from '../../../src/report/order-status.js';
import { startDaemon, type RunningDaemon } from '../../../src/daemon.js';
import { silentLogger } from '../../../src/logger.js';
import { enterOrder } from '../../../src/services/orders.js';
import { tempDir, testConfig, type TempDir } from '../../helpers/env.js';
import { tableRows } from '../../helpers/ledgers.js';

const SECRET = 'event-match-secret';
const ADMIN = { POSTSHIP_ADMIN_USER: 'seller', POSTSHIP_ADMIN_PASSWORD: 'a-long-admin-password' };
const DAY = 86_400_000;

/** Stale and shared tracking numbers, through a running daemon's signed webhook. */
describe('tracking events: stale ones ignored, a shared number matched to one order', () => {
  let dir: TempDir;
  let daemon: RunningDaemon;
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();

  async function post(event: object): Promise<number> {
    const body = JSON.stringify(event);
    const sig = createHmac('sha256', SECRET).update(body).digest('hex');
    const res = await fetch(`${daemon.url}/webhooks/generic`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-postship-signature': `sha256=${sig}` }, body });
    return res.status;
  }
  const outcomeOf = (eventId: string) => async () => (await tableRows(daemon.runtime, 'trackingEvents')).find((e) => e.dedupKey === eventId)?.outcome ?? null;

  beforeAll(async () => {
    dir = tempDir();
    daemon = await startDaemon(testConfig(dir, { POSTSHIP_PROMOTE_EVERY: 'PT1S' }), { roles: ['worker', 'web'], port: 0, logger: silentLogger(), env: { POSTSHIP_WEBHOOK_SECRET: SECRET, ...ADMIN } });
    const deps = daemon.runtime.orderDeps();
    const order = (orderId: string, store: string, trackingNumber: string, shippedAt: number) =>
      enterOrder(deps, { orderId, store, buyer: { email: `${orderId.toLowerCase()}@example.com` }, country: 'ES', carrier: 'china-post', trackingNumber, shippedAt: iso(shippedAt) });
    await order('STALE-1', 'acme', 'RR100000001CN', now - 2 * DAY);
    await order('OLD-1', 'acme', 'RR200000002CN', now - 40 * DAY);
    await order('NEW-1', 'zeta', 'RR200000002CN', now - 3 * DAY);
  });
  afterAll(async () => {
    await daemon?.stop();
    dir.remove();
  });

  it('ignores an event 23 months older than shipped-at and says why; no customs email', async () => {
    expect(await post({ event_id: 'stale-1', tracking_number: 'RR100000001CN', status: 'customs', occurred_at: DateTime.fromMillis(now).minus({ months: 23 }).toISO() })).toBe(202);
    await expect.poll(outcomeOf('stale-1'), { timeout: 10_000 }).toMatch(/^ignored: stale event, \d+ days before the order shipped$/);
    expect((await daemon.runtime.ledger.sendsOfOrder('STALE-1')).map((s) => s.milestone)).not.toContain('customs');
    expect((await daemon.runtime.ledger.getOrder('STALE-1'))?.stageRank).toBe(0);
  });

  it('a number two stores share: the event goes to the order shipped nearest before it, shown as ambiguous, on that order only', async () => {
    expect(await post({ event_id: 'shared-new', tracking_number: 'RR200000002CN', carrier: 'china-post', status: 'customs', occurred_at: iso(now - DAY) })).toBe(202);
    expect(await post({ event_id: 'shared-old', tracking_number: 'RR200000002CN', status: 'post_office', occurred_at: iso(now - 30 * DAY) })).toBe(202);
    await expect.poll(outcomeOf('shared-new'), { timeout: 10_000 }).toMatch(/^scheduled customs \(ambiguous: tracking number shared with OLD-1; matched to the order shipped nearest before the event\)$/);
    await expect.poll(outcomeOf('shared-old'), { timeout: 10_000 }).toMatch(/^scheduled post_office \(ambiguous: tracking number shared with NEW-1;/);
    const { ledger } = daemon.runtime;
    const milestonesOf = async (orderId: string) => (await ledger.sendsOfOrder(orderId)).map((s) => s.milestone);
    expect(await milestonesOf('NEW-1')).toContain('customs');
    expect(await milestonesOf('NEW-1')).not.toContain('post_office');
    expect(await milestonesOf('OLD-1')).toContain('post_office');
    expect(await milestonesOf('OLD-1')).not.toContain('customs');
    // `status` and /admin show each event on its own order only.
    expect((await eventsOf(daemon.runtime.ledger, (await ledger.getOrder('NEW-1'))!)).map((e) => e.milestone)).toEqual(['customs']);
    expect((await eventsOf(daemon.runtime.ledger, (await ledger.getOrder('OLD-1'))!)).map((e) => e.milestone)).toEqual(['post_office']);
    const auth = `Basic ${Buffer.from(`${ADMIN.POSTSHIP_ADMIN_USER}:${ADMIN.POSTSHIP_ADMIN_PASSWORD}`).toString('base64')}`;
    const page = await (await fetch(`${daemon.url}/admin?q=NEW-1`, { headers: { authorization: auth } })).text();
    expect(page).toMatch(/ambiguous: tracking number shared with OLD-1/);
    expect(page).not.toMatch(/post_office \(ambiguous/);
  });
});
