import type { AtRiskOrder, TrackingAttention } from './at-risk.js';

export interface RenderedDigest {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const date = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString().slice(0, 10));

function cells(o: AtRiskOrder): string[] {
  const last = o.lastEvent ? `${o.lastEvent.milestone ?? o.lastEvent.providerStatus ?? 'event'} ${date(o.lastEvent.occurredAt)}` : 'no tracking';
  const left = o.protection.expired ? 'ended' : `${o.protection.daysLeft} days`;
  return [o.orderId, `${o.country} ${o.carrier}`, o.trackingNumber, o.stage, last, date(o.protection.deadline), left];
}

const HEADERS = ['order', 'lane', 'tracking', 'stage', 'last event', 'deadline', 'left'];

/** The seller's daily list: plain text first (it is what many read), and a simple escaped HTML table. */
export function renderDigest(
  storeName: string,
  day: string,
  withinDays: number,
  orders: readonly AtRiskOrder[],
  tracking: readonly TrackingAttention[] = [],
  paused: readonly string[] = [],
  replies: { extensions: readonly string[]; lowRatings: readonly string[] } = { extensions: [], lowRatings: [] },
  mail: readonly string[] = [],
): RenderedDigest {
  const parts = [
    orders.length > 0 ? `${orders.length} order(s) near the end of buyer protection` : null,
    tracking.length > 0 ? `${tracking.length} parcel(s) whose tracking needs attention` : null,
    replies.extensions.length > 0 ? `${replies.extensions.length} protection extension(s) to make` : null,
    replies.lowRatings.length > 0 ? `${replies.lowRatings.length} low rating(s)` : null,
    mail.length > 0 ? 'bounce or complaint rates to look at' : null,
  ];
  const subject = `${parts.filter(Boolean).join(', ')} (${storeName}, ${day})`;
  const intro =
    `These undelivered orders reach the end of buyer protection within ${withinDays} days, or already have. ` +
    'Extend protection or contact the buyer before they open a dispute.';
  const rows = orders.map(cells);
  const trackingLines = [...paused, ...tracking.map((t) => `${t.orderId} (${t.trackingNumber}): ${t.detail}`)];
  const trackingText = trackingLines.length > 0 ? ['Tracking:', ...trackingLines.map((l) => `- ${l}`), ''] : [];
  const section = (title: string, lines: readonly string[]) => (lines.length > 0 ? [`${title}:`, ...lines.map((l) => `- ${l}`), ''] : []);
  const sectionHtml = (title: string, lines: readonly string[]) =>
    lines.length > 0 ? `<h3>${title}</h3><ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '';
  const text = [
    ...section('Deliverability (last 7 days)', mail),
    ...section('Disputes: not received', replies.extensions),
    ...section('Low ratings', replies.lowRatings),
    ...(orders.length > 0 ? [intro, '', ...rows.map((r) => `- ${r[0]}: ${r[1]}, ${r[2]}, ${r[3]}, last ${r[4]}, deadline ${r[5]} (${r[6]})`), ''] : []),
    ...trackingText,
  ].join('\n');
  const trackingHtml = trackingLines.length > 0 ? `<h3>Tracking</h3><ul>${trackingLines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : '';
  const th = HEADERS.map((h) => `<th style="text-align:left;padding:4px 8px;border-bottom:1px solid #ccc">${h}</th>`).join('');
  const tr = rows
    .map((r) => `<tr>${r.map((c) => `<td style="padding:4px 8px">${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  const html =
    `<!doctype html><html><body style="font-family:sans-serif">` +
    sectionHtml('Deliverability (last 7 days)', mail) +
    sectionHtml('Disputes: not received', replies.extensions) +
    sectionHtml('Low ratings', replies.lowRatings) +
    (orders.length > 0 ? `<p>${escapeHtml(intro)}</p><table style="border-collapse:collapse"><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>` : '') +
    `${trackingHtml}</body></html>`;
  return { subject, text, html };
}
