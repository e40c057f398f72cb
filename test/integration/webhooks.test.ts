import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  aftershipPayload, easyPostPayload, genericPayload, seventeenTrackPayload, sign17track, signAftership, signEasyPost, signGeneric,
  signTrackingMore, trackingMorePayload,
  type Scan,
} from '../fixtures/webhooks/payloads.js';
import { SECRETS, startWebhookStack, type WebhookStack } from '../fixtures/webhooks/harness.js';


const now = () => DateTime.utc().minus({ minutes: 30 });

/** Each provider's body for a status, signed as that provider signs. */
const PROVIDERS = {
  aftership: {
    path: '/webhooks/aftership',
    body: (tn: string, status: [string, string], extra: { eventId?: string; scans?: Scan[] } = {}) =>
      JSON.stringify(aftershipPayload({
        trackingNumber: tn, eventId: extra.eventId,
        scans: extra.scans ?? [{ tag: 'InTransit', subtag: 'InTransit_002', at: now().minus({ days: 3 }) }, { tag: status[0], subtag: status[1], at: now() }],
      })),
    sign: (body: string) => signAftership(body, SECRETS.AFTERSHIP_WEBHOOK_SECRET),
  },
  '17track': {
    path: '/webhooks/17track',
    body: (tn: string, status: [string, string]) =>
      JSON.stringify(seventeenTrackPayload({
        number: tn, status: status[0], subStatus: status[1],
        events: [{ subStatus: status[1], at: now() }, { subStatus: 'InTransit_PickedUp', at: now().minus({ days: 3 }) }],
      })),
    sign: (body: string) => sign17track(body, SECRETS.SEVENTEENTRACK_API_KEY),
  },
  trackingmore: {
    path: '/webhooks/trackingmore',
    body: (tn: string, status: [string, string]) =>
      JSON.stringify(trackingMorePayload({ trackingNumber: tn, subStatus: status[1], at: now(), earlier: [{ subStatus: 'transit001', at: now().minus({ days: 3 }) }] })),
    sign: (body: string) => signTrackingMore(body, SECRETS.TRACKINGMORE_WEBHOOK_SECRET),
  },
  generic: {
    path: '/webhooks/generic',
    body: (tn: string, status: [string, string]) => JSON.stringify(genericPayload({ trackingNumber: tn, status: status[1], at: now() })),
    sign: (body: string) => signGeneric(body, SECRETS.POSTSHIP_WEBHOOK_SECRET),
  },
  easypost: {
    path: '/webhooks/easypost',
    body: (tn: string, status: [string, string]) => JSON.stringify(easyPostPayload({ trackingCode: tn, status: status[1], at: now() })),
    sign: (body: string) => signEasyPost(body, SECRETS.EASYPOST_WEBHOOK_SECRET),
  },
} as const;
type ProviderName = keyof typeof PROVIDERS;

const MILESTONE_CASES: [ProviderName, [string, string], string][] = [
  ['aftership', ['InTransit', 'InTransit_006'], 'customs'],
  ['aftership', ['Exception', 'Exception_004'], 'customs'],
  ['aftership', ['OutForDelivery', 'OutForDelivery_001'], 'post_office'],
  ['aftership', ['AvailableForPickup', 'AvailableForPickup_001'], 'post_office'],
  ['aftership', ['Delivered', 'Delivered_001'], 'delivered'],
  ['aftership', ['AttemptFail', 'AttemptFail_001'], 'exception'],
  ['aftership', ['Exception', 'Exception_011'], 'returned'],
  ['17track', ['InTransit', 'InTransit_CustomsProcessing'], 'customs'],
  ['17track', ['InTransit', 'InTransit_CustomsRequiringInformation'], 'customs'],
  ['17track', ['OutForDelivery', 'OutForDelivery_Other'], 'post_office'],
  ['17track', ['AvailableForPickup', 'AvailableForPickup_Other'], 'post_office'],
  ['17track', ['Delivered', 'Delivered_Other'], 'delivered'],
  ['17track', ['DeliveryFailure', 'DeliveryFailure_NoBody'], 'exception'],
  ['17track', ['Exception', 'Exception_Returned'], 'returned'],
  ['trackingmore', ['transit', 'transit005'], 'customs'],
  ['trackingmore', ['exception', 'exception006'], 'customs'],
  ['trackingmore', ['pickup', 'pickup001'], 'post_office'],
  ['trackingmore', ['pickup', 'pickup002'], 'post_office'],
  ['trackingmore', ['delivered', 'delivered001'], 'delivered'],
  ['trackingmore', ['undelivered', 'undelivered002'], 'exception'],
  ['trackingmore', ['exception', 'exception011'], 'returned'],
  ['generic', ['', 'customs'], 'customs'],
  ['generic', ['', 'available_for_pickup'], 'post_office'],
  ['generic', ['', 'delivered'], 'delivered'],
  ['generic', ['', 'failed_attempt'], 'exception'],
  ['generic', ['', 'returned'], 'returned'],
  ['easypost', ['', 'out_for_delivery'], 'post_office'],
  ['easypost', ['', 'available_for_pickup'], 'post_office'],
  ['easypost', ['', 'delivered'], 'delivered'],
  ['easypost', ['', 'failure'], 'exception'],
  ['easypost', ['', 'return_to_sender'], 'returned'],
];

describe('tracking webhooks over real HTTP', () => {
  let stack: WebhookStack;
  beforeEach(async () => {
    stack = await startWebhookStack();
  });
  afterEach(async () => {
    await stack.close();
  });

  async function send(provider: ProviderName, body: string) {
    const p = PROVIDERS[provider];
    return stack.post(p.path, body, p.sign(body));
  }

  const applied = async (tn: string) => (await stack.events(tn)).every((e) => e.processedAt !== null) && (await stack.events(tn)).length > 0;

  it.each(MILESTONE_CASES)('%s %s → %s', async (provider, status, expected) => {
    await stack.enter('ORD-1', 'LX100CN');
    const reply = await send(provider, PROVIDERS[provider].body('LX100CN', status));
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ status: 'accepted', stored: 1 });
    await expect.poll(() => applied('LX100CN'), { timeout: 10_000 }).toBe(true);
    if (expected === 'customs' || expected === 'post_office') {
      // The job promoted it at once: the message really goes out.
      await expect
        .poll(async () => (await stack.sendsOf('ORD-1')).find((s) => s.milestone === expected)?.status, { timeout: 15_000 })
        .toBe('sent');
      expect(stack.smtp.received.some((m) => m.to.includes('ord-1@example.com'))).toBe(true);
    } else if (expected === 'exception') {
      expect((await stack.events('LX100CN')).at(-1)!.outcome).toBe('recorded: exception');
      expect((await stack.order('ORD-1'))!.state).toBe('active');
    } else {
      expect((await stack.order('ORD-1'))!.state).toBe(expected);
      if (expected === 'returned') {
        expect((await stack.sendsOf('ORD-1')).find((s) => s.milestone === 'day14')).toMatchObject({ status: 'cancelled', reason: 'returned' });
      }
    }
  });

  it('acknowledges a duplicate delivery (same event_id) with 200 and stores it once', async () => {
    await stack.enter('ORD-2', 'LX200CN');
    const body = PROVIDERS.aftership.body('LX200CN', ['InTransit', 'InTransit_006']);
    expect((await send('aftership', body)).status).toBe(202);
    const again = await send('aftership', body);
    expect(again).toEqual({ status: 200, body: { status: 'duplicate', events: 1 } });
    expect(await stack.events('LX200CN')).toHaveLength(1);
    await expect.poll(() => applied('LX200CN')).toBe(true);
    expect((await stack.sendsOf('ORD-2')).filter((s) => s.milestone === 'customs')).toHaveLength(1);
  });

  it('dedups a legacy 4.x delivery without event_id by tracking number, tag/subtag and scan time', async () => {
    await stack.enter('ORD-2L', 'LX250CN');
    const legacy = JSON.stringify(aftershipPayload({
      legacy: true, eventId: null, trackingNumber: 'LX250CN',
      scans: [{ tag: 'AvailableForPickup', subtag: 'AvailableForPickup_001', at: now() }],
    }));
    expect((await send('aftership', legacy)).status).toBe(202);
    expect((await send('aftership', legacy)).body.status).toBe('duplicate');
    await expect.poll(async () => (await stack.sendsOf('ORD-2L')).find((s) => s.milestone === 'post_office')?.status, { timeout: 15_000 }).toBe('sent');
    expect(await stack.events('LX250CN')).toHaveLength(1);
  });

  it('acknowledges an AfterShip edd_revise with 200 and stores nothing', async () => {
    const body = JSON.stringify(aftershipPayload({ trackingNumber: 'LX260CN', event: 'edd_revise', scans: [{ tag: 'InTransit', subtag: 'InTransit_001', at: now() }] }));
    const reply = await send('aftership', body);
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('ignored');
    expect(await stack.events()).toHaveLength(0);
  });

  it('ignores a 17TRACK push repeating number, latest event time and sub-status', async () => {
    await stack.enter('ORD-3', 'RR300CN');
    const body = PROVIDERS['17track'].body('RR300CN', ['InTransit', 'InTransit_CustomsProcessing']);
    expect((await send('17track', body)).status).toBe(202);
    // Same update pushed again, re-serialized with other whitespace: a new body, the same key.
    const reformatted = JSON.stringify(JSON.parse(body), null, 2);
    expect((await send('17track', reformatted)).body.status).toBe('duplicate');
    expect(await stack.events('RR300CN')).toHaveLength(1);
  });

  it('never moves an order back when an older event arrives after a newer one', async () => {
    await stack.enter('ORD-4', 'LX400CN');
    const t = now();
    const early: Scan = { tag: 'InTransit', subtag: 'InTransit_006', at: t.minus({ days: 2 }) };
    const late: Scan = { tag: 'OutForDelivery', subtag: 'OutForDelivery_001', at: t };
    expect((await send('aftership', PROVIDERS.aftership.body('LX400CN', ['', ''], { scans: [late] }))).status).toBe(202);
    await expect.poll(() => applied('LX400CN')).toBe(true);
    expect((await send('aftership', PROVIDERS.aftership.body('LX400CN', ['', ''], { scans: [early] }))).status).toBe(202);
    await expect.poll(() => applied('LX400CN')).toBe(true);
    expect((await stack.events('LX400CN')).map((e) => e.outcome)).toEqual(['scheduled post_office', 'ignored: order already past customs']);
    expect((await stack.sendsOf('ORD-4')).map((s) => s.milestone)).not.toContain('customs');
    expect((await stack.order('ORD-4'))!.stageRank).toBe(3);
  });

  it('re-triggers nothing when a payload replays the whole history', async () => {
    await stack.enter('ORD-5', 'LX500CN');
    const t = now();
    const history: Scan[] = [
      { tag: 'InTransit', subtag: 'InTransit_002', at: t.minus({ days: 6 }) },
      { tag: 'InTransit', subtag: 'InTransit_006', at: t.minus({ days: 2 }) },
      { tag: 'InTransit', subtag: 'InTransit_007', at: t.minus({ days: 1 }) },
    ];
    // The customs scan arrived in one batch with a later departure: still announced.
    expect((await send('aftership', PROVIDERS.aftership.body('LX500CN', ['', ''], { scans: history }))).body.stored).toBe(2);
    await expect.poll(() => applied('LX500CN')).toBe(true);
    expect((await stack.sendsOf('ORD-5')).filter((s) => s.milestone === 'customs')).toHaveLength(1);
    // AfterShip sends the same history again under a new event_id (e.g. a manual re-trigger).
    const replay = await send('aftership', PROVIDERS.aftership.body('LX500CN', ['', ''], { scans: history }));
    expect(replay.body).toMatchObject({ status: 'accepted', stored: 1, duplicates: 1 });
    await expect.poll(() => applied('LX500CN')).toBe(true);
    expect((await stack.events('LX500CN')).filter((e) => e.milestone === 'customs')).toHaveLength(1);
    expect((await stack.sendsOf('ORD-5')).filter((s) => s.milestone === 'customs')).toHaveLength(1);
  });

  it('stores an unknown tracking number as unmatched and applies it when the order is entered', async () => {
    const body = PROVIDERS.generic.body('LX600CN', ['', 'customs']);
    expect((await send('generic', body)).status).toBe(202);
    await expect.poll(async () => (await stack.events('LX600CN'))[0]?.outcome).toBe('unmatched');
    await stack.enter('ORD-6', 'LX600CN');
    const { applyUnmatchedEvents } = await import('../../src/services/tracking.js');
    const { orderFromRow } = await import('../../src/store/ledger.js');
    const order = orderFromRow((await stack.pipeline.runtime.ledger.getOrder('ORD-6'))!);
    expect(await applyUnmatchedEvents(stack.pipeline.runtime.orderDeps(), order)).toBe(1);
    expect((await stack.events('LX600CN'))[0]).toMatchObject({ orderId: 'ORD-6', outcome: 'scheduled customs' });
    expect((await stack.sendsOf('ORD-6')).map((s) => s.milestone)).toContain('customs');
  });

  it('uses the carrier to choose between two orders sharing a tracking number', async () => {
    await stack.enter('ORD-7A', 'DUP700', 'dhl');
    await stack.enter('ORD-7B', 'DUP700', 'cainiao');
    const body = JSON.stringify(genericPayload({ trackingNumber: 'DUP700', carrier: 'cainiao', status: 'customs', at: now() }));
    expect((await send('generic', body)).status).toBe(202);
    await expect.poll(async () => (await stack.events('DUP700'))[0]?.orderId).toBe('ORD-7B');
    expect((await stack.sendsOf('ORD-7A')).map((s) => s.milestone)).not.toContain('customs');
  });

  it.each(Object.keys(PROVIDERS) as ProviderName[])('%s: refuses a bad or missing signature with 401 and stores nothing', async (provider) => {
    const p = PROVIDERS[provider];
    const status = { aftership: 'InTransit_006', '17track': 'InTransit_CustomsProcessing', trackingmore: 'transit005', generic: 'customs', easypost: 'out_for_delivery' }[provider];
    const body = p.body('LX800CN', ['InTransit', status]);
    // TrackingMore signs the timestamp, not the body: its forgery is a signature made with another secret.
    const forged = provider === 'trackingmore' ? signTrackingMore(body, 'not-the-secret') : p.sign(body.replace('LX800CN', 'LX801CN'));
    const bad = await stack.post(p.path, body, forged);
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('bad_signature');
    expect((await stack.post(p.path, body, {})).status).toBe(401);
    expect(await stack.events()).toHaveLength(0);
  });

  it('answers 400 to signed malformed JSON, 413 to a body over 1 MB, 415 to another content type, 404 elsewhere', async () => {
    const malformed = '{"event":"tracking_update",';
    const bad = await stack.post('/webhooks/aftership', malformed, signAftership(malformed, SECRETS.AFTERSHIP_WEBHOOK_SECRET));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('malformed_json');
    expect(bad.body.message).toMatch(/not valid JSON/);

    const huge = JSON.stringify({ pad: 'x'.repeat(1024 * 1024) });
    const tooBig = await stack.post('/webhooks/aftership', huge, signAftership(huge, SECRETS.AFTERSHIP_WEBHOOK_SECRET));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error).toBe('payload_too_large');

    const form = 'tracking_number=LX1';
    const wrongType = await stack.post('/webhooks/generic', form, signGeneric(form, SECRETS.POSTSHIP_WEBHOOK_SECRET), 'application/x-www-form-urlencoded');
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.message).toMatch(/application\/json/);

    expect((await stack.post('/webhooks/nope', '{}', {})).status).toBe(404);
    expect(await stack.events()).toHaveLength(0);
  });

  it('answers 400 with every problem to a signed body that is not a tracking webhook', async () => {
    const body = JSON.stringify({ event_id: 'e1', tracking_number: 'LX1', status: 'teleported', occurred_at: 'yesterday' });
    const reply = await stack.post('/webhooks/generic', body, signGeneric(body, SECRETS.POSTSHIP_WEBHOOK_SECRET));
    expect(reply.status).toBe(400);
    expect(reply.body.problems).toHaveLength(2);
    expect(await stack.events()).toHaveLength(0);
  });
});

describe('a route without its secret', () => {
  let stack: WebhookStack;
  beforeEach(async () => {
    stack = await startWebhookStack({ secrets: { AFTERSHIP_WEBHOOK_SECRET: SECRETS.AFTERSHIP_WEBHOOK_SECRET, SEVENTEENTRACK_API_KEY: '  ' }, worker: false });
  });
  afterEach(async () => {
    await stack.close();
  });

  it('refuses with 503 naming the env variable, even when signed, and the others keep working', async () => {
    const body = JSON.stringify(genericPayload({ trackingNumber: 'LX900CN', status: 'customs', at: now() }));
    const generic = await stack.post('/webhooks/generic', body, signGeneric(body, ''));
    expect(generic.status).toBe(503);
    expect(generic.body.message).toContain('POSTSHIP_WEBHOOK_SECRET');
    const seventeen = await stack.post('/webhooks/17track', body, sign17track(body, '  '));
    expect(seventeen.status).toBe(503);
    expect(seventeen.body.message).toContain('SEVENTEENTRACK_API_KEY');
    const aftership = PROVIDERS.aftership.body('LX900CN', ['InTransit', 'InTransit_006']);
    expect((await stack.post('/webhooks/aftership', aftership, signAftership(aftership, SECRETS.AFTERSHIP_WEBHOOK_SECRET))).status).toBe(202);
    expect(await stack.events()).toHaveLength(1);
  });
});

describe('the HTTP app beyond webhooks', () => {
  let stack: WebhookStack;
  afterEach(async () => {
    await stack.close();
  });

  it('lets the caller register more routes, which keep fastify\'s JSON parsing (raw bodies stay inside /webhooks)', async () => {
    stack = await startWebhookStack({
      worker: false,
      configure: (app) => {
        app.post('/echo', async (request) => ({ parsed: typeof request.body === 'object' && !Buffer.isBuffer(request.body), body: request.body }));
      },
    });
    const echo = await stack.post('/echo', '{"a":1}', {});
    expect(echo).toEqual({ status: 200, body: { parsed: true, body: { a: 1 } } });
    const missing = await stack.post('/nowhere', '{}', {});
    expect(missing).toEqual({ status: 404, body: { error: 'not_found', message: 'no route for POST /nowhere' } });
  });
});
