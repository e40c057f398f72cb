import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT as ROOT } from '../../../src/paths.js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type RunningDaemon } from '../../../src/daemon.js';
import { unsubscribeUrl } from '../../../src/domain/unsubscribe.js';
import { enterOrder } from '../../../src/services/orders.js';
import { tempDir, testConfig, type TempDir } from '../../helpers/env.js';
import { tableRows } from '../../helpers/ledgers.js';

const SECRET = 'identifiers-webhook-secret';
const UNSUB = 'identifiers-unsubscribe-secret';
const AFTERSHIP = 'identifiers-aftership-secret';

describe('identifiers on the webhook and unsubscribe routes', () => {
  let dir: TempDir;
  let daemon: RunningDaemon;
  beforeAll(async () => {
    dir = tempDir();
    daemon = await startDaemon(testConfig(dir, { POSTSHIP_UNSUBSCRIBE_SECRET: UNSUB }), { roles: ['web'], port: 0, logger: pino({ level: 'silent' }), env: { POSTSHIP_WEBHOOK_SECRET: SECRET, AFTERSHIP_WEBHOOK_SECRET: AFTERSHIP } });
    await enterOrder(daemon.runtime.orderDeps(), { orderId: 'K-1', buyer: { email: 'kate@example.com' }, country: 'US', carrier: 'dhl', trackingNumber: 'SS123ISS', shippedAt: new Date().toISOString() });
  });
  afterAll(async () => {
    await daemon?.stop();
    dir.remove();
  });
  const post = async (event: object) => {
    const body = JSON.stringify(event);
    const sig = createHmac('sha256', SECRET).update(body).digest('hex');
    const res = await fetch(`${daemon.url}/webhooks/generic`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-postship-signature': `sha256=${sig}` }, body });
    return { status: res.status, body: await res.json() };
  };
  const event = (id: string, tracking: string) => ({ event_id: id, tracking_number: tracking, status: 'customs', occurred_at: new Date().toISOString() });

  it('refuses a tracking number outside the ASCII rule (no case folding onto another parcel, no 500,000 characters stored)', async () => {
    for (const [id, number] of [['fold', 'ß123ıſſ'], ['long', 'X'.repeat(500_000)]]) {
      const r = await post(event(id, number));
      expect(r.status, id).toBe(400);
      expect(`${r.body.message} ${JSON.stringify(r.body.problems ?? [])}`).toMatch(/must be 1-64 ASCII letters, digits or dashes|tracking_number/);
    }
    // AfterShip's format takes any string: the same rule applies after its adapter.
    const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/webhooks/aftership-2025-07-customs.json'), 'utf8'));
    for (const number of ['ß123ıſſ', 'Y'.repeat(500_000)]) {
      fixture.msg.tracking_number = number;
      const body = JSON.stringify(fixture);
      const sig = createHmac('sha256', AFTERSHIP).update(body).digest('base64');
      const res = await fetch(`${daemon.url}/webhooks/aftership`, { method: 'POST', headers: { 'content-type': 'application/json', 'aftership-hmac-sha256': sig }, body });
      expect(res.status).toBe(400);
      expect((await res.json()).message).toMatch(/must be 1-64 ASCII letters, digits or dashes/);
    }
    expect(await tableRows(daemon.runtime, 'trackingEvents')).toEqual([]);
  });

  it('an unsubscribe of the Kelvin-sign address does not unsubscribe kate@example.com', async () => {
    const kelvin = '\u212Aate@example.com';
    expect((await fetch(unsubscribeUrl(daemon.url, UNSUB, kelvin), { method: 'POST' })).status).toBe(200);
    expect(await daemon.runtime.ledger.isSuppressed(kelvin, 'day14')).toBe(true);
    expect(await daemon.runtime.ledger.isSuppressed('kate@example.com', 'day14')).toBe(false);
    expect(await daemon.runtime.ledger.isSuppressed('Kate@Example.com', 'day14')).toBe(false);
  });
});
