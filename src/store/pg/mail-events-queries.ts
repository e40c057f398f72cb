import { and, asc, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { emailKey } from '../../domain/identifiers.js';
import type { QueriesOf } from '../ledger-api.js';
import type * as sqlite from '../mail-events.js';
import { bracketed, healthRows, type HealthRow, type MailEventInput, type RecordedEvents } from '../mail-events.js';
import type { MailEventKind } from '../schema.js';
import { mailEvents, orders, sends, suppressions } from '../schema-pg.js';
import type { PgQ } from './queries.js';

function domainOf(email: string): string {
  const at = email.lastIndexOf('@');
  return at >= 0 ? email.slice(at + 1).toLowerCase() : '';
}

type FoundSend = { sendId: number; store: string; messageId: string | null };

const sendColumns = { sendId: sends.id, store: orders.store, messageId: sends.messageId };

async function sendWhere(db: PgQ, where: SQL | undefined, order: SQL[]): Promise<FoundSend | null> {
  const [found] = await db.select(sendColumns).from(sends).innerJoin(orders, eq(orders.orderId, sends.orderId)).where(where).orderBy(...order).limit(1);
  return found ?? null;
}

const RECIPIENT_MATCH_MS = 30 * 86_400_000;

/** `LIKE` matches these literally only when escaped (backslash is PostgreSQL's default escape). */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * As SQLite's: by send id, then each Message-ID candidate, then the
 * recipient's latest letter sent before the event. The orders make explicit
 * the index order SQLite meets rows in. A bare service id is a prefix match:
 * SQLite's range `['<id@', '<id@\u{10FFFF}')` compares bytes, which
 * PostgreSQL's comparison does only under the C collation, while `LIKE` with
 * a literal prefix matches bytes under any (and uses the index under C).
 */
async function findSend(db: PgQ, input: MailEventInput): Promise<FoundSend | null> {
  if (input.sendId != null) {
    const found = await sendWhere(db, eq(sends.id, input.sendId), []);
    if (found) return found;
  }
  for (const candidate of input.messageIds ?? []) {
    const bare = candidate.trim().replace(/^<|>$/g, '');
    const found = bare.includes('@')
      ? await sendWhere(db, eq(sends.messageId, `<${bare}>`), [asc(sends.id)])
      : await sendWhere(db, sql`${sends.messageId} LIKE ${`${likeLiteral(`<${bare}@`)}%`}`, [sql`${sends.messageId} COLLATE "C"`, asc(sends.id)]);
    if (found) return found;
  }
  return sendWhere(
    db,
    and(
      eq(orders.buyerEmail, input.email.trim()),
      eq(sends.status, 'sent'),
      lte(sends.sentAt, input.occurredAt),
      gte(sends.sentAt, input.occurredAt - RECIPIENT_MATCH_MS),
    ),
    // SQLite reads them by its (status, due_at) index and keeps that order among equal times.
    [desc(sends.sentAt), asc(sends.dueAt), asc(sends.id)],
  );
}

async function suppressFor(db: PgQ, e: MailEventInput, send: FoundSend | null, now: number): Promise<boolean> {
  const hard = e.kind === 'complained' || (e.kind === 'bounced' && e.bounceType === 'hard');
  if (!hard) return false;
  const why = e.kind === 'complained' ? `complaint (${e.source})` : `hard bounce (${e.source})`;
  const reason = `${why}${e.detail ? `: ${e.detail}` : ''}`.slice(0, 500);
  const values = { email: emailKey(e.email), scope: 'all' as const, reason, createdAt: now, sendId: send?.sendId ?? null, messageId: send?.messageId ?? null };
  await db
    .insert(suppressions)
    .values(values)
    .onConflictDoUpdate({ target: suppressions.email, set: { scope: 'all', reason, sendId: values.sendId, messageId: values.messageId } });
  return true;
}

function recordMailEvents(db: PgQ, events: readonly MailEventInput[], now: number): Promise<RecordedEvents> {
  return db.transaction(async (tx) => {
    const result: RecordedEvents = { stored: 0, duplicates: 0, unmatched: 0, suppressed: 0 };
    for (const e of events) {
      const send = await findSend(tx, e);
      const inserted = await tx
        .insert(mailEvents)
        .values({
          source: e.source, dedupKey: e.dedupKey.slice(0, 300), kind: e.kind, bounceType: e.bounceType ?? null,
          email: emailKey(e.email), recipientDomain: domainOf(e.email), store: send?.store ?? null,
          sendId: send?.sendId ?? null, messageId: send?.messageId ?? (e.messageIds?.[0] ? bracketed(e.messageIds[0]) : null),
          detail: e.detail?.slice(0, 500) ?? null, occurredAt: e.occurredAt, receivedAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: mailEvents.id });
      if (inserted.length === 0) {
        result.duplicates += 1;
        continue;
      }
      result.stored += 1;
      if (!send) result.unmatched += 1;
      if (await suppressFor(tx, e, send, now)) result.suppressed += 1;
    }
    return result;
  });
}

const OUTCOME_RANK: Record<MailEventKind, number> = { deferred: 0, delivered: 1, bounced: 2, complained: 3 };

type Outcome = { kind: MailEventKind; source: string; detail: string | null; occurredAt: number };

async function mailOutcomes(db: PgQ, sendIds: readonly number[]): Promise<Map<number, Outcome>> {
  const out = new Map<number, Outcome>();
  if (sendIds.length === 0) return out;
  const rows = await db
    .select({ sendId: mailEvents.sendId, kind: mailEvents.kind, source: mailEvents.source, detail: mailEvents.detail, occurredAt: mailEvents.occurredAt })
    .from(mailEvents)
    .where(inArray(mailEvents.sendId, [...sendIds]))
    // SQLite meets them by (send_id, id) and its sort keeps that order among equal times.
    .orderBy(desc(mailEvents.occurredAt), asc(mailEvents.sendId), asc(mailEvents.id));
  for (const r of rows) {
    const seen = out.get(r.sendId!);
    if (!seen || OUTCOME_RANK[r.kind] > OUTCOME_RANK[seen.kind]) out.set(r.sendId!, { kind: r.kind, source: r.source, detail: r.detail, occurredAt: r.occurredAt });
  }
  return out;
}

async function suppressionOf(db: PgQ, email: string) {
  const [row] = await db.select().from(suppressions).where(eq(suppressions.email, emailKey(email))).limit(1);
  return row ?? null;
}

async function recordDeferral(db: PgQ, d: { source: 'pacing' | 'smtp'; sendId: number; email: string; store: string; detail: string }, now: number): Promise<void> {
  await db
    .insert(mailEvents)
    .values({
      source: d.source, dedupKey: `${d.sendId}`, kind: 'deferred', email: emailKey(d.email),
      recipientDomain: domainOf(d.email), store: d.store, sendId: d.sendId, detail: d.detail.slice(0, 500), occurredAt: now, receivedAt: now,
    })
    .onConflictDoNothing();
}

/** SQLite's lower() folds ASCII letters only; PostgreSQL's follows the locale. */
const asciiLowerSql = (text: SQL) => sql<string>`translate(${text}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;

async function deliverabilityHealth(db: PgQ, options: { now: number; days?: number }): Promise<{ since: number; stores: HealthRow[]; domains: HealthRow[] }> {
  const since = options.now - (options.days ?? 7) * 86_400_000;
  // instr() is strpos(): 0 without an '@', so the whole address, as in SQLite.
  const domainExpr = asciiLowerSql(sql`substr(${orders.buyerEmail}, strpos(${orders.buyerEmail}, '@') + 1)`);
  const sent = await db
    .select({ store: orders.store, domain: domainExpr, n: sql<number>`count(*)::int` })
    .from(sends)
    .innerJoin(orders, eq(orders.orderId, sends.orderId))
    .where(and(eq(sends.status, 'sent'), gte(sends.sentAt, since), sql`${orders.buyerEmail} <> ''`))
    .groupBy(orders.store, domainExpr);
  const storeExpr = sql<string>`coalesce(${mailEvents.store}, '')`;
  const events = await db
    .select({ store: storeExpr, domain: mailEvents.recipientDomain, kind: mailEvents.kind, n: sql<number>`count(*)::int` })
    .from(mailEvents)
    .where(gte(mailEvents.occurredAt, since))
    .groupBy(storeExpr, mailEvents.recipientDomain, mailEvents.kind);
  return { since, ...healthRows(sent, events) };
}

/** PostgreSQL twins of `src/store/mail-events.ts`. */
export function pgMailEventsQueries(db: PgQ): QueriesOf<typeof sqlite> {
  return {
    recordMailEvents: (events, now) => recordMailEvents(db, events, now),
    mailOutcomes: (sendIds) => mailOutcomes(db, sendIds),
    suppressionOf: (email) => suppressionOf(db, email),
    recordDeferral: (d, now) => recordDeferral(db, d, now),
    deliverabilityHealth: (options) => deliverabilityHealth(db, options),
  };
}
