import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailEventInput } from '../../../src/store/mail-events.js';
import { contractPair, DAY, order, send, T0, type ContractPair } from './contract-pair.js';

const sent = (at: number, messageId: string | null, o: Record<string, unknown> = {}) => ({ status: 'sent', sentAt: at, messageId, ...o });

describe('mail events (deliverability) on PostgreSQL, as on SQLite', () => {
  let pair: ContractPair;
  beforeEach(async () => {
    pair = await contractPair();
    await pair.seed('orders', [
      order('A1'),
      order('A2', { store: 'eu', buyerEmail: 'Bo@Example.DE' }),
      order('A3', { buyerEmail: 'cy@BÜCHER.de' }),
    ]);
    await pair.seed('sends', [
      send('A1', 'shipped', sent(T0, '<m1@postship.example>')), // 1
      send('A1', 'day1', sent(T0 + DAY, '<0100abc@eu-west-1.amazonses.com>')), // 2
      send('A2', 'shipped', sent(T0, '<ses1@z.example>')), // 3
      send('A2', 'day1', sent(T0, '<ses1@a.example>')), // 4
      send('A2', 'customs', sent(T0 + 2 * DAY, '<a1c@x.example>', { dueAt: T0 + 3 * DAY })), // 5
      send('A2', 'post_office', sent(T0 + 2 * DAY, '<po@x.example>', { dueAt: T0 + 2 * DAY })), // 6: same sentAt as 5, due earlier
      send('A3', 'shipped', sent(T0, null)), // 7
      send('A1', 'day14', { status: 'scheduled' }), // 8
    ]);
  });
  afterEach(() => pair.close());

  const event = (o: Partial<MailEventInput>): MailEventInput => ({ source: 'ses', dedupKey: 'k', kind: 'delivered', email: 'ana@example.com', occurredAt: T0 + 3 * DAY, ...o });
  const stored = () =>
    pair.same(async (l) => {
      const ids = [1, 2, 3, 4, 5, 6, 7, 8, 99];
      return [...(await l.mailOutcomes(ids)).entries()];
    });

  it('matches by send id, Message-ID (brackets or not), a service id prefix (first by Message-ID bytes), else the recipient\'s latest letter', async () => {
    const result = await pair.same((l) =>
      l.recordMailEvents(
        [
          event({ dedupKey: 'e1', sendId: 1, messageIds: ['<unrelated@x>'] }),
          event({ dedupKey: 'e2', sendId: 999, messageIds: ['m1@postship.example'], kind: 'bounced', bounceType: 'soft' }),
          event({ dedupKey: 'e3', messageIds: ['0100abc'], occurredAt: T0 }), // SES id: prefix of send 2's Message-ID
          event({ dedupKey: 'e4', messageIds: ['ses1'], email: 'bo@example.de' }), // sends 3 and 4: '<ses1@a' sorts first
          // LIKE's wildcards in an id are plain characters: 'a_c' is not 'a1c', '%' is nothing.
          event({ dedupKey: 'e5', messageIds: ['a_c', '%', '<missing@x>'], email: 'Bo@Example.DE', occurredAt: T0 + 2 * DAY + 5 }),
          event({ dedupKey: 'e6', email: 'nobody@example.com', messageIds: ['<gone@x>'], kind: 'deferred' }),
          event({ dedupKey: 'e7', email: 'ana@example.com', occurredAt: T0 + 40 * DAY }), // past the 30-day window
        ],
        T0 + 4 * DAY,
      ),
    );
    expect(result).toEqual({ stored: 7, duplicates: 0, unmatched: 2, suppressed: 0 });
    const rows = await pair.same(async (l) => {
      const outcomes = await l.mailOutcomes([1, 2, 3, 4, 5, 6]);
      return [...outcomes.entries()].sort((a, b) => a[0] - b[0]);
    });
    expect(rows).toEqual([
      [1, { kind: 'bounced', source: 'ses', detail: null, occurredAt: T0 + 3 * DAY }],
      [2, { kind: 'delivered', source: 'ses', detail: null, occurredAt: T0 }],
      [4, { kind: 'delivered', source: 'ses', detail: null, occurredAt: T0 + 3 * DAY }],
      // Sends 5 and 6 went out at the same millisecond: the one due first, as SQLite reads its (status, due_at) index.
      [6, { kind: 'delivered', source: 'ses', detail: null, occurredAt: T0 + 2 * DAY + 5 }],
    ]);
    const events = await pair.pg.pool.query('SELECT dedup_key, send_id, store, message_id, email, recipient_domain FROM mail_events ORDER BY id');
    expect(events.rows).toEqual([
      { dedup_key: 'e1', send_id: 1, store: 'default', message_id: '<m1@postship.example>', email: 'ana@example.com', recipient_domain: 'example.com' },
      { dedup_key: 'e2', send_id: 1, store: 'default', message_id: '<m1@postship.example>', email: 'ana@example.com', recipient_domain: 'example.com' },
      { dedup_key: 'e3', send_id: 2, store: 'default', message_id: '<0100abc@eu-west-1.amazonses.com>', email: 'ana@example.com', recipient_domain: 'example.com' },
      { dedup_key: 'e4', send_id: 4, store: 'eu', message_id: '<ses1@a.example>', email: 'bo@example.de', recipient_domain: 'example.de' },
      { dedup_key: 'e5', send_id: 6, store: 'eu', message_id: '<po@x.example>', email: 'bo@example.de', recipient_domain: 'example.de' },
      // Unmatched: no store, the first candidate as the Message-ID.
      { dedup_key: 'e6', send_id: null, store: null, message_id: '<gone@x>', email: 'nobody@example.com', recipient_domain: 'example.com' },
      { dedup_key: 'e7', send_id: null, store: null, message_id: null, email: 'ana@example.com', recipient_domain: 'example.com' },
    ]);
  });

  it('a retried event is a duplicate (per source); hard bounces and complaints suppress, replacing a review-only suppression', async () => {
    await pair.seed('suppressions', [{ email: 'bo@example.de', scope: 'review', reason: 'unsubscribed', createdAt: T0 - 1 }]);
    const first = await pair.same((l) =>
      l.recordMailEvents(
        [
          event({ dedupKey: 'b1', kind: 'bounced', bounceType: 'hard', sendId: 2, detail: '550 5.1.1 no such user' }),
          event({ dedupKey: 'b1', kind: 'bounced', bounceType: 'hard', sendId: 2 }), // same batch, same key
          event({ dedupKey: 'c1', source: 'postmark', kind: 'complained', email: 'BO@example.de', sendId: 3 }),
          event({ dedupKey: 'x1', kind: 'complained', email: 'stranger@example.org' }),
        ],
        T0 + 4 * DAY,
      ),
    );
    expect(first).toEqual({ stored: 3, duplicates: 1, unmatched: 1, suppressed: 3 });
    expect(await pair.same((l) => l.recordMailEvents([event({ dedupKey: 'b1', kind: 'bounced', bounceType: 'hard' }), event({ dedupKey: 'b1', source: 'dsn', kind: 'deferred' })], T0 + 5 * DAY))).toEqual({
      stored: 1, duplicates: 1, unmatched: 0, suppressed: 0,
    });
    expect(await pair.same((l) => l.suppressionOf(' Ana@Example.com '))).toEqual({
      email: 'ana@example.com', scope: 'all', reason: 'hard bounce (ses): 550 5.1.1 no such user', createdAt: T0 + 4 * DAY, sendId: 2, messageId: '<0100abc@eu-west-1.amazonses.com>',
    });
    // The review-only row keeps its creation time and becomes a full stop.
    expect(await pair.same((l) => l.suppressionOf('bo@example.de'))).toEqual({
      email: 'bo@example.de', scope: 'all', reason: 'complaint (postmark)', createdAt: T0 - 1, sendId: 3, messageId: '<ses1@z.example>',
    });
    expect(await pair.same((l) => l.suppressionOf('stranger@example.org'))).toMatchObject({ sendId: null, messageId: null });
    expect(await pair.same((l) => l.suppressionOf('nobody@example.org'))).toBeNull();
    expect(await pair.same((l) => l.recordMailEvents([], T0))).toEqual({ stored: 0, duplicates: 0, unmatched: 0, suppressed: 0 });
  });

  it('a batch is all or none: a failing event rolls back the ones before it', async () => {
    const bad = [event({ dedupKey: 'ok' }), event({ dedupKey: 'bad', kind: 'delivered', occurredAt: Number.NaN })];
    for (const ledger of pair.both) await expect(ledger.recordMailEvents(bad, T0)).rejects.toThrow();
    expect(await pair.same(async (l) => (await l.mailOutcomes([1])).size)).toBe(0);
    expect(await pair.same((l) => l.recordMailEvents([event({ dedupKey: 'ok', sendId: 1 })], T0))).toMatchObject({ stored: 1, duplicates: 0 });
  });

  it('mailOutcomes: the weightiest event per send (complained > bounced > delivered > deferred), the newest among equals; empty for no ids', async () => {
    await pair.same((l) =>
      l.recordMailEvents(
        [
          event({ dedupKey: 'd1', sendId: 1, kind: 'deferred', occurredAt: T0 + 9 }),
          event({ dedupKey: 'd2', sendId: 1, kind: 'delivered', occurredAt: T0 + 1, detail: 'older' }),
          event({ dedupKey: 'd3', sendId: 1, kind: 'delivered', occurredAt: T0 + 2, detail: 'newer' }),
          event({ dedupKey: 'd4', sendId: 3, kind: 'bounced', bounceType: 'soft', occurredAt: T0 + 1, detail: 'first of a tie' }),
          event({ dedupKey: 'd5', sendId: 3, kind: 'bounced', bounceType: 'soft', occurredAt: T0 + 1, detail: 'second of a tie' }),
          event({ dedupKey: 'd6', sendId: 3, kind: 'delivered', occurredAt: T0 + 5 }),
          event({ dedupKey: 'd7', sendId: 4, kind: 'complained', source: 'postmark', occurredAt: T0 }),
          event({ dedupKey: 'd8', sendId: 4, kind: 'delivered', occurredAt: T0 + 3 }),
        ],
        T0,
      ),
    );
    const outcomes = [...(await stored())].sort((a, b) => a[0] - b[0]);
    expect(outcomes).toEqual([
      [1, { kind: 'delivered', source: 'ses', detail: 'newer', occurredAt: T0 + 2 }],
      [3, { kind: 'bounced', source: 'ses', detail: 'first of a tie', occurredAt: T0 + 1 }],
      [4, { kind: 'complained', source: 'postmark', detail: null, occurredAt: T0 }],
    ]);
    expect(await pair.same(async (l) => (await l.mailOutcomes([])).size)).toBe(0);
  });

  it('recordDeferral: once per send and cause; the detail cut at 500 characters', async () => {
    const d = { sendId: 8, email: ' Ana@Example.com', store: 'default', detail: 'x'.repeat(600) };
    await pair.same((l) => l.recordDeferral({ ...d, source: 'pacing' }, T0));
    await pair.same((l) => l.recordDeferral({ ...d, source: 'pacing', detail: 'again' }, T0 + 1));
    await pair.same((l) => l.recordDeferral({ ...d, source: 'smtp', detail: '421 try later' }, T0 + 2));
    const events = await pair.pg.pool.query('SELECT source, dedup_key, kind, email, recipient_domain, store, send_id, length(detail) AS n, occurred_at, received_at FROM mail_events ORDER BY id');
    expect(events.rows).toEqual([
      { source: 'pacing', dedup_key: '8', kind: 'deferred', email: 'ana@example.com', recipient_domain: 'example.com', store: 'default', send_id: 8, n: 500, occurred_at: T0, received_at: T0 },
      { source: 'smtp', dedup_key: '8', kind: 'deferred', email: 'ana@example.com', recipient_domain: 'example.com', store: 'default', send_id: 8, n: 13, occurred_at: T0 + 2, received_at: T0 + 2 },
    ]);
    expect(await pair.same(async (l) => [...(await l.mailOutcomes([8])).values()])).toEqual([{ kind: 'deferred', source: 'smtp', detail: '421 try later', occurredAt: T0 + 2 }]);
  });

  it('deliverabilityHealth: sent per store and recipient domain (ASCII-lowered as SQLite does), events per kind, rates, sorted', async () => {
    await pair.seed('orders', [order('A4', { buyerEmail: 'no-at-sign' }), order('A5', { buyerEmail: '' })]);
    await pair.seed('sends', [send('A4', 'shipped', sent(T0 + DAY, null)), send('A5', 'shipped', sent(T0 + DAY, null)), send('A1', 'delay', sent(T0 - 8 * DAY, null))]);
    await pair.same((l) =>
      l.recordMailEvents(
        [
          event({ dedupKey: 'h1', sendId: 1, kind: 'bounced', bounceType: 'soft' }),
          event({ dedupKey: 'h2', sendId: 2, kind: 'complained' }),
          event({ dedupKey: 'h3', sendId: 3, kind: 'delivered', email: 'bo@example.de' }),
          event({ dedupKey: 'h4', kind: 'deferred', email: 'x@Elsewhere.ORG' }),
          event({ dedupKey: 'h5', sendId: 7, kind: 'delivered', email: 'cy@BÜCHER.de' }),
          event({ dedupKey: 'h6', sendId: 1, kind: 'delivered', occurredAt: T0 - 8 * DAY }), // before the window
        ],
        T0 + 4 * DAY,
      ),
    );
    const health = await pair.same((l) => l.deliverabilityHealth({ now: T0 + 5 * DAY }));
    const r = (store: string, domain: string, sentN: number, o: Record<string, number> = {}) => {
      const row = { store, domain, sent: sentN, delivered: 0, bounced: 0, complained: 0, deferred: 0, ...o };
      return { ...row, bounceRate: sentN ? row.bounced / sentN : 0, complaintRate: sentN ? row.complained / sentN : 0 };
    };
    expect(health).toEqual({
      since: T0 - 2 * DAY,
      stores: [r('', '*', 0, { deferred: 1 }), r('default', '*', 4, { bounced: 1, complained: 1, delivered: 1 }), r('eu', '*', 4, { delivered: 1 })],
      domains: [
        r('', 'elsewhere.org', 0, { deferred: 1 }),
        r('default', 'example.com', 2, { bounced: 1, complained: 1 }),
        // SQL lowers ASCII only; the event's domain was lowered in JavaScript: two rows, as on SQLite.
        r('default', 'bÜcher.de', 1),
        r('default', 'no-at-sign', 1),
        r('default', 'bücher.de', 0, { delivered: 1 }),
        r('eu', 'example.de', 4, { delivered: 1 }),
      ],
    });
    expect((await pair.same((l) => l.deliverabilityHealth({ now: T0 + 5 * DAY, days: 30 }))).stores[1].sent).toBe(5);
  });
});
