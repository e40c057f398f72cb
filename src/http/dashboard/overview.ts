import { DEFAULT_AT_RISK_DAYS } from '../../domain/protection.js';
import { pickupHoldFor } from '../../domain/pickup-hold.js';
import { DAY_MS } from '../../domain/wall-clock.js';
import { listAtRisk } from '../../services/at-risk.js';
import { DASHBOARD_STAGES, type DashboardStage } from '../../store/dashboard.js';
import { STAGE_SCAN_ROWS } from '../../store/dashboard-orders.js';
import type { DashboardDeps } from './deps.js';
import { linkTo, storeFilter, type Filters } from './filters.js';
import { cell, esc, type Cell, type Table, type View } from './html.js';

export const STAGE_LABEL: Record<DashboardStage, string> = {
  registered: 'registered', no_feed: 'no tracking feed', in_transit: 'in transit', customs: 'at customs',
  post_office: 'at the post office / awaiting pickup', delivered: 'delivered', returned: 'returned', cancelled: 'cancelled',
  exception: 'exception (failed attempt, held, undeliverable)',
};
const MAIN: DashboardStage[] = ['registered', 'in_transit', 'customs', 'post_office', 'delivered'];
const SIDE: DashboardStage[] = ['exception', 'no_feed', 'returned', 'cancelled'];

/** A parcel without a single scan this many days after shipping has no feed (the label was printed, the parcel not handed over?). */
export const NO_FEED_DAYS = 3;
/** No scan for this long (about five business days) and the parcel is stalled. */
export const STALLED_DAYS = 7;
/** Awaiting pickup this close to the carrier's return date. */
export const PICKUP_WARN_DAYS = 5;
/** Rows per kind of trouble on the page. */
export const ATTENTION_ROWS = 25;

function funnel(counts: Map<DashboardStage, number>, filters: Filters): string {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const item = (stage: DashboardStage, side: boolean) => {
    const n = counts.get(stage) ?? 0;
    const share = total === 0 ? 0 : (100 * n) / total;
    return `<li class="${side ? 'side' : 'main'}"><a id="stage-${stage}" href="${esc(linkTo('/admin/orders', filters, { stage }))}">${esc(STAGE_LABEL[stage])}<b>${n.toLocaleString('en')}</b><small>${share.toFixed(1)}% of ${total.toLocaleString('en')}</small><span class="bar" style="width:${share.toFixed(1)}%"></span></a></li>`;
  };
  return `<section aria-labelledby="stages-title"><h2 id="stages-title">Parcels by stage <small>shipped in the last ${filters.period} days; each links to its orders</small></h2>
<ol class="funnel" id="stages" aria-label="from registered to delivered">${MAIN.map((s) => item(s, false)).join('')}</ol>
<ul class="funnel" id="stages-side" aria-label="beside the way">${SIDE.map((s) => item(s, true)).join('')}</ul></section>`;
}

const days = (ms: number) => Math.floor(ms / DAY_MS);
const orderCell = (orderId: string | null, filters: Filters): Cell => (orderId === null ? cell('-') : cell(orderId, { href: linkTo('/admin/order', filters, { q: orderId }) }));

async function attention(deps: DashboardDeps, filters: Filters, now: number): Promise<Table> {
  const store = filters.store;
  const lane = { carrier: filters.carrier, country: filters.country };
  const rows: Cell[][] = [];
  const order = (id: string | null) => orderCell(id, filters);
  const at = (id: string | null) => (id === null ? cell('-') : cell('open the order', { href: `${linkTo('/admin/order', filters, { q: id })}#actions` }));
  for (const o of await listAtRisk(deps.ledger, deps.file, { now, withinDays: DEFAULT_AT_RISK_DAYS, store, ...lane, limit: ATTENTION_ROWS })) {
    const left = o.protection.expired ? 'protection ended' : `${o.protection.daysLeft} d of protection left`;
    rows.push([order(o.orderId), cell('at risk', { tone: o.protection.expired ? 'bad' : 'warn' }), cell(`${o.carrier} → ${o.country}, ${o.stage}`), cell(left), cell('extend protection or contact the buyer'), at(o.orderId)]);
  }
  for (const o of await deps.ledger.stalledOrders(now - STALLED_DAYS * DAY_MS, ATTENTION_ROWS, store, lane)) {
    const since = o.lastEventAt ?? o.shippedAt;
    rows.push([order(o.orderId), cell('stalled', { tone: 'warn' }), cell(`${o.carrier} → ${o.country}: ${o.lastEventAt === null ? 'never scanned' : 'no scan since'}`), cell(`${days(now - since)} d without a scan`), cell('ask the carrier, tell the buyer'), at(o.orderId)]);
  }
  for (const r of await deps.ledger.rejectedRegistrations(ATTENTION_ROWS, store, lane)) {
    rows.push([order(r.orderId), cell('registration rejected', { tone: 'bad' }), cell(`${r.provider}: ${r.lastError ?? 'no reason given'} (${r.trackingNumber}, ${r.carrier})`), cell(`${days(now - r.updatedAt)} d`), cell(`fix the number: postship tracking carrier ${r.orderId} CODE`), at(r.orderId)]);
  }
  for (const o of await deps.ledger.waitingAtPostOffice(now - 2 * DAY_MS, ATTENTION_ROWS * 4, store, lane)) {
    const hold = pickupHoldFor(o.carrier, o.country)?.days ?? 15;
    const left = days(o.lastEventAt! + hold * DAY_MS - now);
    if (left > PICKUP_WARN_DAYS) continue;
    rows.push([order(o.orderId), cell('awaiting pickup', { tone: left <= 1 ? 'bad' : 'warn' }), cell(`${o.carrier} → ${o.country}: held ${hold} d from the notice`), cell(left < 0 ? 'return date passed' : `${left} d to the return date`), cell('contact the buyer'), at(o.orderId)]);
  }
  for (const s of await deps.ledger.suppressedAddresses(ATTENTION_ROWS, store, lane)) {
    rows.push([order(s.orderId), cell('address bounced or complained', { tone: 'bad' }), cell(`${s.email}: ${s.reason}`), cell(`${days(now - s.createdAt)} d`), cell('get a working address from the buyer'), at(s.orderId)]);
  }
  for (const h of await deps.ledger.heldReviews(ATTENTION_ROWS, store, lane)) {
    rows.push([order(h.orderId), cell('review request held', { tone: 'warn' }), cell(`dispute open (${h.reason})${h.reviewDueAt === null ? '' : ', review request waiting'}`), cell(`${days(now - h.openedAt)} d open`), cell('settle it, then close the dispute'), at(h.orderId)]);
  }
  return {
    id: 'attention', title: 'Needs attention',
    note: `the oldest ${ATTENTION_ROWS} of each kind${lane.carrier || lane.country ? `, for ${[lane.carrier, lane.country].filter(Boolean).join(' → ')} only (stalled and awaiting pickup: among the oldest ${STAGE_SCAN_ROWS.toLocaleString('en')} of each stage)` : ''}`,
    headers: ['order', 'reason', 'detail', 'how long', 'what to do', 'action'], rows, empty: 'nothing needs you right now',
  };
}

export async function overviewView(deps: DashboardDeps, filters: Filters): Promise<View> {
  const now = deps.now();
  const f = storeFilter(filters, now);
  const counts = await deps.ledger.stageCounts(f, days(now) - NO_FEED_DAYS);
  return { path: '/admin', title: 'Overview', blocks: [funnel(counts, filters), await attention(deps, filters, now)] };
}

export const ALL_STAGES: readonly DashboardStage[] = [...DASHBOARD_STAGES, 'no_feed'];
