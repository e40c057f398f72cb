/**
 * All deliverability SQL (issue 22): mail events from email services and
 * DSNs, the suppressions they cause, and the health figures per store and
 * recipient domain.
 */
import { and, desc, eq, gte, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import { emailKey } from '../domain/identifiers.js';
import type { Db } from './db.js';
import { mailEvents, orders, sends, suppressions, type MailEventKind } from './schema.js';

/** One event as an adapter (webhook, DSN parser) reads it, before it is matched to a send. */
export interface MailEventInput {
  source: string;
  /** The service's event id, or a key derived from the event: a retried delivery of it is stored once. */
  dedupKey: string;
  kind: MailEventKind;
  bounceType?: 'hard' | 'soft' | null;
  email: string;
  /** Candidates for our Message-ID (angle brackets optional), or a service's own id (SES `<id@region.amazonses.com>`). */
  messageIds?: readonly string[];
  /** From a VERP address or the service's metadata. */
  sendId?: number | null;
  detail?: string | null;
  occurredAt: number;
}

export interface RecordedEvents {
  stored: number;
  duplicates: number;
  /** Events whose message is not one of ours (or no longer in the ledger). */
  unmatched: number;
  suppressed: number;
}

function domainOf(email: string): string {
  const at = email.lastIndexOf('@');
  return at >= 0 ? email.slice(at + 1).toLowerCase() : '';
}

/** `<id@host>` whether or not the service kept the brackets. */
export function bracketed(messageId: string): string {
  const bare = messageId.trim().replace(/^<|>$/g, '');
  return `<${bare}>`;
}

type FoundSend = { sendId: number; store: string; messageId: string | null };

const sendColumns = { sendId: sends.id, store: orders.store, messageId: sends.messageId };

function sendWhere(db: Db, where: SQL, latest = false): FoundSend | null {
  const query = db.select(sendColumns).from(sends).innerJoin(orders, eq(orders.orderId, sends.orderId)).where(where);
  return (latest ? query.orderBy(desc(sends.sentAt)) : query).limit(1).get() ?? null;
}

/** How long after a letter an event naming only its recipient is still taken to be about it. */
const RECIPIENT_MATCH_MS = 30 * 86_400_000;

/** By send id, then each Message-ID candidate, then the recipient's latest letter sent before the event. */
function findSend(db: Db, input: MailEventInput): FoundSend | null {
  if (input.sendId != null) {
    const found = sendWhere(db, eq(sends.id, input.sendId));
    if (found) return found;
  }
  for (const candidate of input.messageIds ?? []) {
    const bare = candidate.trim().replace(/^<|>$/g, '');
    // A bare service id (no @) names the Message-ID the service gave the letter: `<id@...>`, an index range.
    const found = bare.includes('@')
      ? sendWhere(db, eq(sends.messageId, `<${bare}>`))
      : sendWhere(db, and(gte(sends.messageId, `<${bare}@`), lt(sends.messageId, `<${bare}@\u{10FFFF}`))!);
    if (found) return found;
  }
  return sendWhere(db, and(
    eq(orders.buyerEmail, input.email.trim()),
    eq(sends.status, 'sent'),
    lte(sends.sentAt, input.occurredAt),
    gte(sends.sentAt, input.occurredAt - RECIPIENT_MATCH_MS),
  )!, true);
}

/** A hard bounce or a complaint stops all mail to the address, naming why and which message it answered. */
function suppressFor(db: Db, e: MailEventInput, send: ReturnType<typeof findSend>, now: number): boolean {
  const hard = e.kind === 'complained' || (e.kind === 'bounced' && e.bounceType === 'hard');
  if (!hard) return false;
  const why = e.kind === 'complained' ? `complaint (${e.source})` : `hard bounce (${e.source})`;
  const reason = `${why}${e.detail ? `: ${e.detail}` : ''}`.slice(0, 500);
  const values = { email: emailKey(e.email), scope: 'all' as const, reason, createdAt: now, sendId: send?.sendId ?? null, messageId: send?.messageId ?? null };
  db.insert(suppressions)
    .values(values)
    .onConflictDoUpdate({ target: suppressions.email, set: { scope: 'all', reason, sendId: values.sendId, messageId: values.messageId } })
    .run();
  return true;
}

/** Stores events (each once per source), matches them to sends, suppresses on hard bounces and complaints. */
export function recordMailEvents(db: Db, events: readonly MailEventInput[], now: number): RecordedEvents {
  const result: RecordedEvents = { stored: 0, duplicates: 0, unmatched: 0, suppressed: 0 };
  db.transaction(() => {
    for (const e of events) {
      const send = findSend(db, e);
      const inserted = db
        .insert(mailEvents)
        .values({
          source: e.source, dedupKey: e.dedupKey.slice(0, 300), kind: e.kind, bounceType: e.bounceType ?? null,
          email: emailKey(e.email), recipientDomain: domainOf(e.email), store: send?.store ?? null,
          sendId: send?.sendId ?? null, messageId: send?.messageId ?? (e.messageIds?.[0] ? bracketed(e.messageIds[0]) : null),
          detail: e.detail?.slice(0, 500) ?? null, occurredAt: e.occurredAt, receivedAt: now,
        })
        .onConflictDoNothing()
        .run();
      if (inserted.changes === 0) {
        result.duplicates += 1;
        continue;
      }
      result.stored += 1;
      if (!send) result.unmatched += 1;
      if (suppressFor(db, e, send, now)) result.suppressed += 1;
    }
  });
  return result;
}

const OUTCOME_RANK: Record<MailEventKind, number> = { deferred: 0, delivered: 1, bounced: 2, complained: 3 };

/** What became of each sent message after acceptance: the weightiest event (complained > bounced > delivered > deferred). */
export function mailOutcomes(db: Db, sendIds: readonly number[]): Map<number, { kind: MailEventKind; source: string; detail: string | null; occurredAt: number }> {
  const out = new Map<number, { kind: MailEventKind; source: string; detail: string | null; occurredAt: number }>();
  if (sendIds.length === 0) return out;
  const rows = db
    .select({ sendId: mailEvents.sendId, kind: mailEvents.kind, source: mailEvents.source, detail: mailEvents.detail, occurredAt: mailEvents.occurredAt })
    .from(mailEvents)
    .where(inArray(mailEvents.sendId, [...sendIds]))
    .orderBy(desc(mailEvents.occurredAt))
    .all();
  for (const r of rows) {
    const seen = out.get(r.sendId!);
    if (!seen || OUTCOME_RANK[r.kind] > OUTCOME_RANK[seen.kind]) out.set(r.sendId!, { kind: r.kind, source: r.source, detail: r.detail, occurredAt: r.occurredAt });
  }
  return out;
}

/** A suppression with where it came from, for `status` and the tests. */
export function suppressionOf(db: Db, email: string) {
  return db.select().from(suppressions).where(eq(suppressions.email, emailKey(email))).get() ?? null;
}

/**
 * Records that a message was held back (pacing) or refused for now (a 4xx), once per send and
 * cause: the health view counts deferred letters, not retries.
 */
export function recordDeferral(db: Db, d: { source: 'pacing' | 'smtp'; sendId: number; email: string; store: string; detail: string }, now: number): void {
  db.insert(mailEvents)
    .values({
      source: d.source, dedupKey: `${d.sendId}`, kind: 'deferred', email: emailKey(d.email),
      recipientDomain: domainOf(d.email), store: d.store, sendId: d.sendId, detail: d.detail.slice(0, 500), occurredAt: now, receivedAt: now,
    })
    .onConflictDoNothing()
    .run();
}

export interface HealthRow {
  store: string;
  /** `*` in the per-store rows. */
  domain: string;
  sent: number;
  delivered: number;
  bounced: number;
  complained: number;
  deferred: number;
  /** bounced / sent and complained / sent, 0 when nothing was sent. */
  bounceRate: number;
  complaintRate: number;
}

/** Gmail's bulk-sender spam-rate ceiling (complaints per delivered message), 0.3%. */
export const GMAIL_SPAM_RATE_LIMIT = 0.003;

/**
 * The last `days` days per store, and per store and recipient domain: sent
 * from the ledger, the rest from mail events. For /metrics, /admin, the digest.
 */
export function deliverabilityHealth(db: Db, options: { now: number; days?: number }): { since: number; stores: HealthRow[]; domains: HealthRow[] } {
  const since = options.now - (options.days ?? 7) * 86_400_000;
  // The last days' letters from their partial index (SQLite's planner, unaided, reads every letter ever sent), then each one's order.
  const sent = db.$client
    .prepare(
      `SELECT o.store AS store, lower(substr(o.buyer_email, instr(o.buyer_email, '@') + 1)) AS domain, count(*) AS n
       FROM sends s INDEXED BY sends_sent_idx CROSS JOIN orders o ON o.order_id = s.order_id
       WHERE s.status = 'sent' AND s.sent_at >= ? AND o.buyer_email <> '' GROUP BY 1, 2`,
    )
    .all(since) as Array<{ store: string; domain: string; n: number }>;
  const events = db
    .select({ store: sql<string>`coalesce(${mailEvents.store}, '')`, domain: mailEvents.recipientDomain, kind: mailEvents.kind, n: sql<number>`count(*)` })
    .from(mailEvents)
    .where(gte(mailEvents.occurredAt, since))
    .groupBy(sql`1`, mailEvents.recipientDomain, mailEvents.kind)
    .all();
  return { since, ...healthRows(sent, events) };
}

/**
 * Per store and recipient domain, and per store (domain `*`), from the counts
 * each engine reads: letters sent, and mail events by kind. Shared by both engines.
 */
export function healthRows(
  sent: ReadonlyArray<{ store: string; domain: string; n: number | string }>,
  events: ReadonlyArray<{ store: string; domain: string; kind: 'delivered' | 'bounced' | 'complained' | 'deferred'; n: number | string }>,
): { stores: HealthRow[]; domains: HealthRow[] } {
  const byDomain = new Map<string, HealthRow>();
  const row = (store: string, domain: string) => {
    const key = `${store}\n${domain}`;
    let r = byDomain.get(key);
    if (!r) byDomain.set(key, (r = { store, domain, sent: 0, delivered: 0, bounced: 0, complained: 0, deferred: 0, bounceRate: 0, complaintRate: 0 }));
    return r;
  };
  for (const s of sent) row(s.store, s.domain).sent += Number(s.n);
  for (const e of events) row(e.store, e.domain)[e.kind] += Number(e.n);
  const domains = [...byDomain.values()];
  const perStore = new Map<string, HealthRow>();
  for (const d of domains) {
    const s = perStore.get(d.store) ?? { ...d, domain: '*', sent: 0, delivered: 0, bounced: 0, complained: 0, deferred: 0 };
    for (const k of ['sent', 'delivered', 'bounced', 'complained', 'deferred'] as const) s[k] += d[k];
    perStore.set(d.store, s);
  }
  const rates = (r: HealthRow): HealthRow => ({ ...r, bounceRate: r.sent ? r.bounced / r.sent : 0, complaintRate: r.sent ? r.complained / r.sent : 0 });
  const order = (a: HealthRow, b: HealthRow) => a.store.localeCompare(b.store) || b.sent - a.sent || a.domain.localeCompare(b.domain);
  return { stores: [...perStore.values()].map(rates).sort(order), domains: domains.map(rates).sort(order) };
}
