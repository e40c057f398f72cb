import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigFile } from '../../../src/config/config-file.js';
import { FixedClock } from '../../../src/domain/clock.js';
import { DEFAULT_PROFILE, type StoreIdentity } from '../../../src/domain/profile.js';
import { buildContext } from '../../../src/mail/context.js';
import { renderMessage } from '../../../src/mail/render.js';
import { TemplateSet } from '../../../src/mail/templates.js';
import { renderDigest } from '../../../src/services/digest-render.js';
import { closeDispute, openDispute } from '../../../src/services/disputes.js';
import { recordFeedback } from '../../../src/services/feedback.js';
import { cancelOrder, enterOrder, type OrderServiceDeps } from '../../../src/services/orders.js';
import { lowRatingAttention, protectionExtensions } from '../../../src/services/reply-attention.js';
import { replyFactsFor } from '../../../src/services/reply-facts.js';
import { applyStoredEvent } from '../../../src/services/tracking.js';
import { recordTrackingEvent } from '../../../src/store/tracking.js';
import { closeDb, openDb, type Db } from '../../../src/store/db.js';
import { sqliteLedger } from '../../../src/store/sqlite-ledger.js';
import type { OpenLedger } from '../../../src/store/ledger-api.js';
import { getOrder, orderFromRow, sendsOfOrder } from '../../../src/store/ledger.js';
import { tempDir, type TempDir } from '../../helpers/env.js';

// Monday 2 March 2026, 10:00 in Madrid.
const SHIPPED = '2026-03-02T09:00:00Z';
const templates = new TemplateSet();

describe('feedback and dispute replies on a real ledger (fixed clock)', () => {
  let dir: TempDir;
  let db: Db;
  let ledger: OpenLedger;
  let clock: FixedClock;
  let file: Pick<ConfigFile, 'stores'>;
  let deps: OrderServiceDeps & { file: Pick<ConfigFile, 'stores'> };
  let n = 0;

  beforeEach(() => {
    dir = tempDir();
    db = openDb(dir.file('ledger.db'));
    ledger = sqliteLedger(db);
    clock = new FixedClock(SHIPPED);
    file = { stores: { picky: { feedbackThreshold: 5 }, night: { disputeReplyAnyHour: true } } };
    deps = { ledger, clock, profiles: () => DEFAULT_PROFILE, file };
  });
  afterEach(() => {
    closeDb(db);
    dir.remove();
  });

  async function enter(id: string, extra: { store?: string; country?: string; locale?: string; timezone?: string } = {}) {
    await enterOrder(deps, {
      orderId: id, store: extra.store, country: extra.country ?? 'ES', carrier: 'china-post', trackingNumber: `LX${id.replace(/\W/g, '')}CN`, shippedAt: SHIPPED,
      buyer: { name: 'Ana Souza', email: `${id.toLowerCase()}@example.com`, locale: extra.locale ?? 'es', timezone: extra.timezone },
    });
  }
  async function scan(id: string, status: string, outcome: 'customs' | 'post_office' | 'delivered' | 'returned' | null, at: string, location?: string) {
    n += 1;
    clock.set(DateTime.max(clock.now(), DateTime.fromISO(at, { setZone: true }).toUTC())); // storage clamps events from the future
    const raw = JSON.stringify({ event_id: `e${n}`, tracking_number: `LX${id.replace(/\W/g, '')}CN`, status, occurred_at: at, location });
    const stored = recordTrackingEvent(db, { provider: 'generic', dedupKey: `e${n}`, trackingNumber: `LX${id.replace(/\W/g, '')}CN`, carrier: null, providerStatus: status, outcome, occurredAt: new Date(at).toISOString() }, raw, clock.now().toMillis());
    if (!stored.stored) throw new Error('duplicate');
    return await applyStoredEvent(deps, stored.id);
  }
  const sendOf = (id: string, milestone: string, seq = 0) => sendsOfOrder(db, id).find((s) => s.milestone === milestone && s.seq === seq);
  const utc = (ms: number) => new Date(ms).toISOString();

  it('a rating at or above the threshold schedules one thanks, inside the buyer\'s send window', async () => {
    await enter('F-1');
    clock.set('2026-03-25T22:30:00Z'); // 23:30 in Madrid: the letter waits for 09:00
    expect((await recordFeedback(deps, { orderId: 'F-1', rating: 5, comment: 'Perfecto', source: 'cli' })).outcome).toBe('thanks_scheduled');
    expect(utc(sendOf('F-1', 'feedback_thanks')!.dueAt)).toBe('2026-03-26T08:00:00.000Z');
    expect((await recordFeedback(deps, { orderId: 'F-1', rating: 4, source: 'cli' })).outcome).toBe('already_thanked');
    expect(sendsOfOrder(db, 'F-1').filter((s) => s.milestone === 'feedback_thanks')).toHaveLength(1);
  });

  it('below the store\'s threshold, low ratings, cancelled and returned orders get no thanks', async () => {
    await enter('F-2', { store: 'picky' });
    await enter('F-3');
    await enter('F-4');
    await enter('F-5');
    clock.set('2026-03-19T12:00:00Z');
    await scan('F-5', 'returned', 'returned', '2026-03-19T10:00:00Z');
    clock.set('2026-03-20T10:00:00Z');
    expect((await recordFeedback(deps, { orderId: 'F-2', rating: 4, source: 'cli' })).outcome).toBe('below_threshold');
    expect((await recordFeedback(deps, { orderId: 'F-3', rating: 2, comment: 'Roto', source: 'cli' })).outcome).toBe('low_rating');
    await cancelOrder(deps, 'F-4', 'refund');
    expect((await recordFeedback(deps, { orderId: 'F-4', rating: 5, source: 'cli' })).outcome).toBe('order_cancelled');
    expect((await recordFeedback(deps, { orderId: 'F-5', rating: 5, source: 'cli' })).outcome).toBe('order_returned');
    for (const id of ['F-2', 'F-3', 'F-4', 'F-5']) expect(sendOf(id, 'feedback_thanks')).toBeUndefined();
    // A platform's retry is stored once.
    const first = await recordFeedback(deps, { orderId: 'F-3', rating: 1, source: 'webhook', externalId: 'rev-9' });
    expect(await recordFeedback(deps, { orderId: 'F-3', rating: 1, source: 'webhook', externalId: 'rev-9' })).toMatchObject({ outcome: 'duplicate', feedbackId: first.feedbackId });
    await expect(recordFeedback(deps, { orderId: 'F-3', rating: 6, source: 'cli' })).rejects.toThrow(/whole number from 1 to 5/);
    await expect(recordFeedback(deps, { orderId: 'NOPE', rating: 5, source: 'cli' })).rejects.toThrow(/not known/);

    const low = await lowRatingAttention(ledger, { now: clock.now().toMillis(), since: clock.now().toMillis() - 86_400_000 });
    expect(low.map((l) => [l.orderId, l.rating])).toEqual([['F-3', 1], ['F-3', 2]]);
    expect(low[1]!.line).toBe('order F-3 rated 2/5 by Ana Souza on 2026-03-20: "Roto" — write to the buyer: apologise, offer to make it right, ask what went wrong and for photos');
  });

  it('not_received replies now (in the window, or at any hour when the store allows it); a second dispute while open sends nothing', async () => {
    await enter('D-1');
    await enter('D-2', { store: 'night' });
    clock.set('2026-03-30T21:00:00Z'); // 23:00 in Madrid
    const first = await openDispute(deps, 'D-1', 'not_received');
    expect(first).toMatchObject({ alreadyOpen: false, seq: 0, reason: 'not_received' });
    expect(utc(first.reply!.dueAt)).toBe('2026-03-31T07:00:00.000Z');
    expect(utc((await openDispute(deps, 'D-2', 'not_received')).reply!.dueAt)).toBe('2026-03-30T21:00:00.000Z');
    expect(getOrder(db, 'D-1')!.disputedAt).not.toBeNull(); // the review request is held, as before
    expect(await openDispute(deps, 'D-1', 'not_as_described')).toMatchObject({ alreadyOpen: true, reason: 'not_received', reply: null });
    expect(sendsOfOrder(db, 'D-1').filter((s) => s.milestone === 'dispute_reply')).toHaveLength(1);

    // Closing before the reply went out cancels it; a dispute opened later is answered again (seq 1).
    expect((await closeDispute(deps, 'D-1')).repliesCancelled).toHaveLength(1);
    expect(sendOf('D-1', 'dispute_reply')!.status).toBe('cancelled');
    clock.set('2026-04-06T10:00:00Z');
    const second = await openDispute(deps, 'D-1', 'not_as_described');
    expect(second).toMatchObject({ seq: 1, alreadyOpen: false });
    expect(sendOf('D-1', 'dispute_reply', 1)!.status).toBe('scheduled');
    // `other` holds the review request as `dispute --open` always did, and sends nothing by itself.
    await enter('D-3');
    expect((await openDispute(deps, 'D-3', 'other')).reply).toBeNull();
    expect((await openDispute(deps, 'D-3', 'other')).alreadyOpen).toBe(true);
  });

  it('the digest asks to extend protection for open not-received disputes, until the deadline pushed out by the lane\'s p90', async () => {
    await enter('X-1');
    await enter('X-2');
    clock.set('2026-04-01T10:00:00Z');
    await openDispute(deps, 'X-1', 'not_received');
    await openDispute(deps, 'X-2', 'not_as_described');
    const ext = await protectionExtensions(ledger, file);
    // Built-in china-post x ES window ends at its max; the 60-day deadline (Fri 1 May) pushed out by that many business days.
    expect(ext.map((e) => e.orderId)).toEqual(['X-1']);
    expect(ext[0]!.basis).toBe('built-in');
    expect(ext[0]!.line).toMatch(/^extend protection for order X-1 until 2026-0[56]-\d\d \(buyer says not received, dispute opened 2026-04-01; ES china-post p90 \d+ business days, built-in\)$/);
    const digest = renderDigest('Acme', '2026-04-02', 10, [], [], [], { extensions: ext.map((e) => e.line), lowRatings: ['order Z rated 1/5'] });
    expect(digest.subject).toBe('1 protection extension(s) to make, 1 low rating(s) (Acme, 2026-04-02)');
    expect(digest.text).toContain(`- ${ext[0]!.line}`);
    expect(digest.html).toContain('<h3>Low ratings</h3>');
    clock.set('2026-04-03T10:00:00Z');
    await scan('X-1', 'delivered', 'delivered', '2026-04-03T10:00:00Z');
    expect(await protectionExtensions(ledger, file)).toEqual([]);
  });

  it('renders the timeline in the buyer\'s zone and language, newest last, with places, from providers in other zones', async () => {
    await enter('T-1', { country: 'BR', locale: 'pt-BR' });
    await enter('T-2', { country: 'ES', locale: 'es' });
    await enter('T-3', { country: 'US', locale: 'en', timezone: 'America/New_York' });
    for (const id of ['T-1', 'T-2']) {
      scan(id, 'in_transit', null, '2026-03-05T10:00:00+08:00', 'Shenzhen, CN');
      // 02:30 UTC on 19 March is still 18 March in São Paulo, already 19 March in Madrid.
      scan(id, 'customs', 'customs', '2026-03-19T03:30:00+01:00', 'Curitiba');
    }
    clock.set('2026-03-25T12:00:00Z');
    await openDispute(deps, 'T-1', 'not_received');
    await openDispute(deps, 'T-2', 'not_received');
    await openDispute(deps, 'T-3', 'not_received');
    const render = async (id: string) => {
      const order = orderFromRow(getOrder(db, id)!);
      const context = buildContext({ order, milestone: 'dispute_reply', profile: DEFAULT_PROFILE, store: undefined, momentAt: clock.now(), reply: await replyFactsFor(ledger, id, 'dispute_reply', 0) });
      return renderMessage(templates, 'dispute_reply', context).text;
    };
    const pt = await render('T-1');
    // 10:00 in Shenzhen on 5 March is 23:00 on 4 March in São Paulo.
    expect(pt).toContain('- 4 de março de 2026, Shenzhen, CN: a caminho\n- 18 de março de 2026, Curitiba: na alfândega');
    expect(pt).toContain('Onde ele está agora, segundo a última movimentação: na alfândega (Curitiba).');
    expect(pt).toContain('cancele a disputa');
    const es = await render('T-2');
    expect(es).toContain('- 5 de marzo de 2026, Shenzhen, CN: en camino\n- 19 de marzo de 2026, Curitiba: en la aduana');
    const en = await render('T-3');
    expect(en).toContain('it shows no scans yet');
    expect(en).not.toContain('newest last');
    expect(en).toMatch(/Shipping to United States usually takes \d+–\d+ business days/);
  });

  it('a not_as_described reply offers only the store\'s configured options; none configured, no sum at all', async () => {
    const store: StoreIdentity = { name: 'Acme', disputeOptions: [{ type: 'partial_refund', amount: 3, currency: 'USD' }, { type: 'next_order_discount', percent: 15 }] };
    await enter('N-1', { locale: 'en', country: 'US' });
    clock.set('2026-03-25T12:00:00Z');
    await openDispute(deps, 'N-1', 'not_as_described');
    const order = orderFromRow(getOrder(db, 'N-1')!);
    const render = async (s: StoreIdentity | undefined) =>
      renderMessage(templates, 'dispute_reply', buildContext({ order, milestone: 'dispute_reply', profile: DEFAULT_PROFILE, store: s, reply: await replyFactsFor(ledger, 'N-1', 'dispute_reply', 0) }));
    const withOptions = await render(store);
    expect(withOptions.subject).toBe('Your order N-1: we are sorry, let us put it right');
    expect(withOptions.text).toContain('could you reply with a few photos');
    expect(withOptions.text).toContain('- a partial refund of $3.00\n- 15% off your next order');
    expect(withOptions.text).not.toContain('replacement');
    const without = await render(undefined);
    expect(without.text).not.toMatch(/\$|refund|% off/);
    expect(without.text).toContain('we will come back to you with a solution within one business day');
    expect(without.text).toContain('Please send them by March 28, 2026');
  });
});
