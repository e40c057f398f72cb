import type { AtRiskOrder } from '../services/at-risk.js';
import type { OrderRow } from '../store/ledger.js';
import type { TimelineEntry } from '../report/timeline.js';

export const esc = (value: unknown): string =>
  String(value ?? '-').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const utcDate = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString().slice(0, 16).replace('T', ' '));

function table(id: string, headers: string[], rows: unknown[][]): string {
  if (rows.length === 0) return `<p class="empty" id="${id}">none</p>`;
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table id="${id}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export interface TrackingEventView {
  occurredAt: number | null;
  milestone: string | null;
  providerStatus: string | null;
  provider: string;
  outcome: string | null;
}

export function orderSection(order: OrderRow, timeline: TimelineEntry[], events: TrackingEventView[]): string {
  const sends = timeline.map((e) => [
    e.resendOf ? `${e.milestone} (resend)` : e.milestone, e.status, e.dueLocal, e.sentLocal, e.reason ?? e.error,
  ]);
  const evs = events.map((e) => [utcDate(e.occurredAt), e.milestone, e.providerStatus, e.provider, e.outcome]);
  return `<section id="order">
<h2>Order ${esc(order.orderId)} <small>${esc(order.store)} · ${esc(order.state)}</small></h2>
<p>${esc(order.buyerName)} &lt;${esc(order.buyerEmail)}&gt; · ${esc(order.country)} ${esc(order.carrier)}
 ${esc(order.trackingNumber)} · shipped ${esc(utcDate(order.shippedAt))} UTC · buyer zone ${esc(order.buyerTimezone)}</p>
<h3>Timeline</h3>
${table('timeline', ['milestone', 'status', 'due (buyer local)', 'sent (buyer local)', 'reason'], sends)}
<h3>Tracking events</h3>
${table('events', ['occurred (UTC)', 'status', 'provider status', 'provider', 'outcome'], evs)}
</section>`;
}

/** The page shows the most urgent ones; `postship at-risk --json` has them all. */
export const AT_RISK_ROWS = 200;

export function atRiskSection(orders: readonly AtRiskOrder[], withinDays: number): string {
  const more = orders.length > AT_RISK_ROWS ? `<p class="empty">and ${orders.length - AT_RISK_ROWS} more: postship at-risk --json</p>` : '';
  const rows = orders.slice(0, AT_RISK_ROWS).map((o) => [
    o.orderId, o.store, `${o.country} ${o.carrier}`, o.stage,
    o.lastEvent ? `${o.lastEvent.milestone ?? o.lastEvent.providerStatus} ${utcDate(o.lastEvent.occurredAt).slice(0, 10)}` : 'no tracking',
    utcDate(o.protection.deadline).slice(0, 10), o.protection.expired ? 'ended' : `${o.protection.daysLeft} d`,
  ]);
  return `<section><h2>At risk <small>buyer protection ends within ${withinDays} days</small></h2>
${table('at-risk', ['order', 'store', 'lane', 'stage', 'last event', 'deadline', 'left'], rows)}${more}</section>`;
}

export interface DayCount {
  day: string;
  milestone: string;
  count: number;
}

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];

/** Stacked bars of sent messages per day, one colour per milestone, as inline SVG (no script, no CDN). */
export function sendsChart(days: readonly string[], counts: readonly DayCount[]): string {
  const milestones = [...new Set(counts.map((c) => c.milestone))].sort();
  const byDay = new Map<string, Map<string, number>>();
  for (const c of counts) byDay.set(c.day, (byDay.get(c.day) ?? new Map()).set(c.milestone, c.count));
  const max = Math.max(1, ...days.map((d) => [...(byDay.get(d)?.values() ?? [])].reduce((a, b) => a + b, 0)));
  const [width, height, left, bottom] = [720, 220, 36, 28];
  const slot = (width - left) / Math.max(1, days.length);
  const scale = (height - bottom - 10) / max;
  const bars: string[] = [];
  days.forEach((day, i) => {
    let y = height - bottom;
    milestones.forEach((m, k) => {
      const n = byDay.get(day)?.get(m) ?? 0;
      if (n === 0) return;
      const h = n * scale;
      y -= h;
      bars.push(`<rect x="${(left + i * slot + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, slot - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${PALETTE[k % PALETTE.length]}"><title>${esc(day)} ${esc(m)}: ${n}</title></rect>`);
    });
    if (i % Math.ceil(days.length / 8) === 0) {
      bars.push(`<text x="${(left + i * slot).toFixed(1)}" y="${height - 10}" font-size="10">${esc(day.slice(5))}</text>`);
    }
  });
  const axis = `<line x1="${left}" y1="${height - bottom}" x2="${width}" y2="${height - bottom}" stroke="#999"/>` +
    `<text x="2" y="14" font-size="10">${max}</text><text x="2" y="${height - bottom}" font-size="10">0</text>`;
  const legend = milestones
    .map((m, k) => `<span class="key"><i style="background:${PALETTE[k % PALETTE.length]}"></i>${esc(m)}</span>`)
    .join(' ');
  const total = counts.reduce((a, c) => a + c.count, 0);
  return `<section><h2>Sends per day <small>${total} sent, last ${days.length} days (UTC)</small></h2>
<svg id="sends-chart" role="img" aria-label="sends per day by milestone" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${axis}${bars.join('')}</svg>
<div class="legend">${legend || 'no sends yet'}</div></section>`;
}

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1000px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}small{color:#777;font-weight:normal}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eee}
th{background:#f6f6f6}.empty{color:#777}.notice{background:#fff4e5;padding:8px}form input{padding:4px;width:280px}
.key{margin-right:12px}.key i{display:inline-block;width:10px;height:10px;margin-right:4px}nav a{margin-right:12px}`;

export function page(query: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>postship admin</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${CSS}</style></head><body>
<h1>postship <small>read-only admin</small></h1>
<nav><a href="/admin">overview</a><a href="/admin/queues">queues</a></nav>
<form method="get" action="/admin" id="search"><input type="search" name="q" value="${esc(query === '' ? '' : query)}"
 placeholder="order id or tracking number" aria-label="order id or tracking number"> <button type="submit">Search</button></form>
${body}
</body></html>`;
}
