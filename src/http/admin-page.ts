import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ConfigFile } from '../config/config-file.js';
import { DEFAULT_AT_RISK_DAYS } from '../domain/protection.js';
import { DAY_MS } from '../domain/wall-clock.js';
import { timelineOf } from '../report/timeline.js';
import type { Runtime } from '../runtime.js';
import { listAtRisk } from '../services/at-risk.js';
import type { Db } from '../store/db.js';
import { getOrder, sendsOfOrder, type OrderRow } from '../store/ledger.js';
import { denyFraming, type AdminGuard } from './admin-guard.js';
import { atRiskSection, esc, orderSection, page, sendsChart, type DayCount, type TrackingEventView } from './admin-page-html.js';

export interface AdminPageDeps {
  /** Null: the admin pages are off. */
  guard: AdminGuard | null;
  db: Db;
  file: Pick<ConfigFile, 'stores'>;
  now: () => number;
}

export const CHART_DAYS = 30;

/** What the page needs from the runtime, so web.ts registers it in one line. */
export function adminPageDeps(runtime: Runtime, guard: AdminGuard | null): AdminPageDeps {
  return { guard, db: runtime.db, file: runtime.config.file, now: () => runtime.clock.now().toMillis() };
}

/** An order by id, else the most recent order with that tracking number. */
function findOrder(db: Db, query: string): OrderRow | undefined {
  const byId = getOrder(db, query);
  if (byId) return byId;
  const row = db.$client
    .prepare('SELECT order_id AS orderId FROM orders WHERE tracking_number = ? ORDER BY shipped_at DESC LIMIT 1')
    .get(query) as { orderId: string } | undefined;
  return row && getOrder(db, row.orderId);
}

function eventsOf(db: Db, order: OrderRow): TrackingEventView[] {
  return db.$client
    .prepare(
      `SELECT occurred_at AS occurredAt, milestone, provider_status AS providerStatus, provider, outcome
       FROM tracking_events WHERE order_id = ? OR (order_id IS NULL AND tracking_number = ?) ORDER BY occurred_at, id`,
    )
    .all(order.orderId, order.trackingNumber) as TrackingEventView[];
}

/** Sent messages per UTC day and milestone over the last `days` days (today included). */
export function sendsPerDay(db: Db, now: number, days = CHART_DAYS): { days: string[]; counts: DayCount[] } {
  const first = Math.floor(now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS;
  const counts = db.$client
    .prepare(
      `SELECT date(sent_at / 1000, 'unixepoch') AS day, milestone, COUNT(*) AS count FROM sends
       WHERE status = 'sent' AND sent_at >= ? GROUP BY day, milestone ORDER BY day, milestone`,
    )
    .all(first) as DayCount[];
  const list = Array.from({ length: days }, (_, i) => new Date(first + i * DAY_MS).toISOString().slice(0, 10));
  return { days: list, counts };
}

function overview(deps: AdminPageDeps, query: string): { status: number; html: string } {
  const now = deps.now();
  let found = '';
  let status = 200;
  if (query !== '') {
    const order = findOrder(deps.db, query);
    if (order) found = orderSection(order, timelineOf(order, sendsOfOrder(deps.db, order.orderId)), eventsOf(deps.db, order));
    else {
      status = 404;
      found = `<p class="notice" id="not-found">No order with id or tracking number <b>${esc(query)}</b>.</p>`;
    }
  }
  const atRisk = listAtRisk(deps.db, deps.file, { now, withinDays: DEFAULT_AT_RISK_DAYS });
  const chart = sendsPerDay(deps.db, now);
  const body = found + atRiskSection(atRisk, DEFAULT_AT_RISK_DAYS) + sendsChart(chart.days, chart.counts);
  return { status, html: page(query, body) };
}

/**
 * The read-only admin page at /admin, behind the queue dashboard's basic auth.
 * Without credentials adminRoutes answers /admin with why it is off, so this
 * registers nothing (and never clashes with Bull Board under /admin/queues).
 */
export const adminPageRoutes: FastifyPluginAsync<{ deps: AdminPageDeps }> = async (app, { deps }) => {
  const guard = deps.guard;
  if (!guard) return;
  await app.register(async (scoped: FastifyInstance) => {
    scoped.addHook('onRequest', denyFraming);
    scoped.addHook('onRequest', guard);
    for (const url of ['/admin', '/admin/']) {
      scoped.get<{ Querystring: { q?: string } }>(url, async (request, reply) => {
        const query = (typeof request.query.q === 'string' ? request.query.q : '').trim().slice(0, 200);
        const { status, html } = overview(deps, query);
        return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
      });
    }
  });
};
