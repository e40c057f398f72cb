import { CANCEL_REASONS } from '../../domain/order.js';
import { DISPUTE_REASONS } from '../../domain/replies.js';
import { STAGE_SCAN_ROWS, type OrderEvent } from '../../store/dashboard-orders.js';
import { type OrderRow, type SendRow } from '../../store/ledger.js';
import { DAY_MS } from '../../domain/wall-clock.js';
import type { DashboardStage } from '../../store/dashboard.js';
import type { DashboardDeps } from './deps.js';
import { linkTo, storeFilter, type Filters } from './filters.js';
import { cell, esc, formatIn, type Table, type View } from './html.js';
import { ALL_STAGES, NO_FEED_DAYS, STAGE_LABEL } from './overview.js';
import { InputError } from '../../domain/errors.js';

const EVENT_COLOUR: Record<string, string> = { customs: '#b45309', post_office: '#7c3aed', delivered: '#137333', returned: '#c5221f', exception: '#c5221f' };

/** Scans (circles, above the line) and letters (squares, below it) on one time axis from shipping to now. */
export function timeAxis(order: OrderRow, events: OrderEvent[], sends: SendRow[], now: number, fmt: (ms: number | null, f?: string) => string): string {
  const points = [
    ...events.map((e) => ({ at: e.occurredAt ?? e.receivedAt, kind: 'scan' as const, label: e.milestone ?? e.providerStatus ?? 'scan' })),
    ...sends.filter((s) => s.sentAt !== null || s.status === 'scheduled' || s.status === 'queued').map((s) => ({ at: s.sentAt ?? s.dueAt, kind: s.sentAt === null ? ('planned' as const) : ('letter' as const), label: s.milestone })),
  ];
  const from = Math.min(order.shippedAt, ...points.map((p) => p.at));
  const to = Math.max(now, ...points.map((p) => p.at));
  const [width, height, pad] = [720, 150, 24];
  const x = (ms: number) => pad + ((ms - from) / Math.max(1, to - from)) * (width - 2 * pad);
  const axisY = 75;
  const ticks: string[] = [];
  const step = Math.max(1, Math.ceil((to - from) / DAY_MS / 8)) * DAY_MS;
  for (let t = from; t <= to; t += step) {
    ticks.push(`<line x1="${x(t).toFixed(1)}" y1="${axisY - 4}" x2="${x(t).toFixed(1)}" y2="${axisY + 4}" stroke="#666"/><text x="${x(t).toFixed(1)}" y="${height - 4}" font-size="10" text-anchor="middle">${esc(fmt(t, 'MM-dd'))}</text>`);
  }
  const marks = points.map((p, i) => {
    const cx = x(p.at).toFixed(1);
    const title = `<title>${esc(p.kind === 'scan' ? 'scan' : p.kind === 'letter' ? 'letter sent' : 'letter planned')}: ${esc(p.label)}, ${esc(fmt(p.at))}</title>`;
    const labelY = p.kind === 'scan' ? axisY - 22 - (i % 2) * 12 : axisY + 26 + (i % 2) * 12;
    const label = `<text x="${cx}" y="${labelY}" font-size="10" text-anchor="middle">${esc(p.label)}</text>`;
    if (p.kind === 'scan') return `<g class="scan">${title}<circle cx="${cx}" cy="${axisY - 10}" r="5" fill="${EVENT_COLOUR[p.label] ?? '#1a56db'}"/>${label}</g>`;
    const fill = p.kind === 'letter' ? '#1d1d1f' : '#fff';
    return `<g class="letter">${title}<rect x="${(Number(cx) - 5).toFixed(1)}" y="${axisY + 5}" width="10" height="10" fill="${fill}" stroke="#1d1d1f"/>${label}</g>`;
  });
  return `<figure><svg id="order-axis" role="img" aria-label="scans above the line, letters below it, from shipping to now" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">
<line x1="${pad}" y1="${axisY}" x2="${width - pad}" y2="${axisY}" stroke="#666"/>${ticks.join('')}${marks.join('')}</svg>
<figcaption class="legend"><span class="key"><i style="background:#1a56db;border-radius:50%"></i>scan (above)</span><span class="key"><i style="background:#1d1d1f"></i>letter sent (below)</span><span class="key"><i style="background:#fff"></i>letter planned (below, hollow)</span></figcaption></figure>`;
}

function actions(order: OrderRow, sends: SendRow[], disputeOpen: boolean, csrf: string, enabled: boolean): string {
  if (!enabled) return '<p class="empty" id="actions">Actions are off on this server.</p>';
  const hidden = `<input type="hidden" name="csrf" value="${esc(csrf)}"><input type="hidden" name="orderId" value="${esc(order.orderId)}">`;
  const options = (values: readonly string[]) => values.map((v) => `<option>${esc(v)}</option>`).join('');
  const sent = [...new Set(sends.filter((s) => s.status === 'sent').map((s) => s.milestone))];
  const forms = [
    order.state === 'active'
      ? `<form method="post" action="/admin/actions/cancel">${hidden}<label>Cancel, reason <select name="reason">${options(CANCEL_REASONS)}</select></label> <button type="submit">Cancel the order's letters</button></form>`
      : '',
    disputeOpen
      ? `<form method="post" action="/admin/actions/dispute-close">${hidden}<button type="submit">Close the dispute</button></form>`
      : `<form method="post" action="/admin/actions/dispute-open">${hidden}<label>Open a dispute, reason <select name="reason">${options(DISPUTE_REASONS)}</select></label> <button type="submit">Open dispute</button></form>`,
    sent.length > 0 ? `<form method="post" action="/admin/actions/resend">${hidden}<label>Resend <select name="milestone">${options(sent)}</select></label> <button type="submit">Resend</button></form>` : '',
  ];
  return `<div class="actions" id="actions">${forms.join('')}</div>`;
}

async function orderDetail(deps: DashboardDeps, filters: Filters, order: OrderRow, csrf: string): Promise<Array<string | Table>> {
  const fmt = formatIn(deps.zone);
  const sends = await deps.ledger.sendsOfOrder(order.orderId);
  const events = await deps.ledger.orderEvents(order);
  const registration = await deps.ledger.registrationOf(order.orderId);
  const dispute = await deps.ledger.openDisputeOf(order.orderId);
  const head = `<section id="order" aria-labelledby="order-title"><h2 id="order-title">Order ${esc(order.orderId)} <small>${esc(order.store)} · ${esc(order.state)}${order.stateReason ? ` (${esc(order.stateReason)})` : ''}</small></h2>
<dl><dt>Buyer</dt><dd>${esc(order.buyerName)} &lt;${esc(order.buyerEmail)}&gt;, ${esc(order.buyerLocale)}, zone ${esc(order.buyerTimezone)}</dd>
<dt>Parcel</dt><dd>${esc(order.carrier)} → ${esc(order.country)}, ${esc(order.trackingNumber)}, shipped ${esc(fmt(order.shippedAt))}</dd>
<dt>Registration</dt><dd id="registration">${registration ? `${esc(registration.provider)}: ${esc(registration.state)}${registration.lastError ? ` (${esc(registration.lastError)})` : ''}${registration.registeredAt ? `, registered ${esc(fmt(registration.registeredAt))}` : ''}` : 'not registered with a tracking provider'}</dd>
<dt>Dispute</dt><dd>${dispute ? `open since ${esc(fmt(dispute.openedAt))} (${esc(dispute.reason)}): review requests wait` : 'none open'}</dd></dl>
${timeAxis(order, events, sends, deps.now(), fmt)}
<h3>Actions</h3>${actions(order, sends, dispute !== null && dispute !== undefined, csrf, deps.actions !== undefined)}</section>`;
  const timeline: Table = {
    id: 'timeline', title: 'Letters', headers: ['milestone', 'status', 'due', 'sent', 'reason'],
    rows: sends.map((s) => [cell(s.resendOf ? `${s.milestone} (resend)` : s.milestone, { href: linkTo('/admin/gallery', {}, { milestone: s.milestone, locale: s.locale ?? order.buyerLocale.split('-')[0], order: order.orderId }) }), cell(s.status, s.status === 'failed' ? { tone: 'bad' } : {}), cell(fmt(s.dueAt)), cell(fmt(s.sentAt)), cell(s.reason ?? s.error)]),
  };
  const eventsTable: Table = {
    id: 'events', title: 'Tracking events', note: 'the provider payloads below', headers: ['occurred', 'status', 'provider status', 'provider', 'outcome', 'payload'],
    rows: events.map((e) => [cell(fmt(e.occurredAt)), cell(e.milestone), cell(e.providerStatus), cell(`${e.provider} (${e.source})`), cell(e.outcome),
      { text: e.raw, html: `<a href="#payload-${e.id}">payload ${e.id}</a>` }]),
  };
  const payloads = events.length === 0 ? '' : `<section aria-labelledby="payloads-title"><h3 id="payloads-title">Raw provider payloads</h3>${events
    .map((e) => `<details id="payload-${e.id}"><summary>payload ${e.id}: ${esc(e.provider)} ${esc(e.providerStatus)}, ${esc(fmt(e.occurredAt))}</summary><pre>${esc(pretty(e.raw))}</pre></details>`)
    .join('')}</section>`;
  return [head, timeline, eventsTable, payloads];
}

function pretty(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw; // not JSON (a form post): shown as received
  }
}

export async function orderView(deps: DashboardDeps, filters: Filters, csrf: string, done?: string): Promise<View> {
  const view: View = { path: '/admin/order', title: 'Find an order', blocks: [] };
  if (done) view.blocks.push(`<p class="done" role="status" id="done">${esc(done)}</p>`);
  if (!filters.q) {
    view.blocks.push('<p>Search by order id, tracking number or the buyer\'s email address (the box at the top).</p>');
    return view;
  }
  const found = await deps.ledger.findOrders(filters.q);
  if (found.length === 0) {
    view.status = 404;
    view.blocks.push(`<p class="notice" id="not-found">No order with id, tracking number or buyer email <b>${esc(filters.q)}</b>. Check the spelling, or paste the tracking number as the carrier shows it.</p>`);
    return view;
  }
  if (found.length > 1) {
    view.blocks.push(ordersTable('matches', `Orders matching ${filters.q}`, found, filters, deps));
    return view;
  }
  view.title = `Order ${found[0]!.orderId}`;
  view.blocks.push(...(await orderDetail(deps, filters, found[0]!, csrf)));
  return view;
}

export function ordersTable(id: string, title: string, rows: OrderRow[], filters: Filters, deps: DashboardDeps, note?: string): Table {
  const fmt = formatIn(deps.zone);
  return {
    id, title, note, headers: ['order', 'store', 'carrier', 'country', 'tracking number', 'shipped', 'last scan', 'state'],
    rows: rows.map((o) => [cell(o.orderId, { href: linkTo('/admin/order', filters, { q: o.orderId }) }), cell(o.store), cell(o.carrier), cell(o.country), cell(o.trackingNumber), cell(fmt(o.shippedAt)), cell(fmt(o.lastEventAt)), cell(o.state)]),
  };
}

export const STAGE_LIST_ROWS = 200;

/** A stage segment's orders (the newest STAGE_LIST_ROWS). */
export async function stageListView(deps: DashboardDeps, filters: Filters, stage: string | undefined): Promise<View> {
  if (!stage || !(ALL_STAGES as readonly string[]).includes(stage)) {
    throw new InputError('dashboard_filter_invalid', [`stage ${JSON.stringify(stage ?? '')} must be one of ${ALL_STAGES.join(', ')}`], 'Follow a stage link from /admin.');
  }
  const now = deps.now();
  const noFeedBefore = (Math.floor(now / DAY_MS) - NO_FEED_DAYS) * DAY_MS;
  const rows = await deps.ledger.ordersInStage(storeFilter(filters, now), stage as DashboardStage, STAGE_LIST_ROWS, noFeedBefore);
  return { path: '/admin/orders', params: { stage }, title: STAGE_LABEL[stage as DashboardStage], blocks: [ordersTable('orders', `Orders ${STAGE_LABEL[stage as DashboardStage]}`, rows, filters, deps, `the newest ${STAGE_LIST_ROWS} shipped in the last ${filters.period} days${filters.carrier || filters.country ? `, looked for among the newest ${STAGE_SCAN_ROWS.toLocaleString('en')} of the stage` : ''}`)] };
}
