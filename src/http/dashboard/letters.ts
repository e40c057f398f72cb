import { DAY_MS } from '../../domain/wall-clock.js';
import { HEALTH_THRESHOLDS, healthVerdict } from '../../services/deliverability.js';
import { type LetterCountRow } from '../../store/dashboard.js';
import type { HealthRow } from '../../store/mail-events.js';
import type { Ledger } from '../../store/ledger-api.js';
import type { DashboardDeps } from './deps.js';
import { storeFilter, type Filters } from './filters.js';
import { cell, esc, type Table, type View } from './html.js';

/** Colour-blind-safe (Okabe-Ito) with a pattern per series as the second signal. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000', '#999999'];

const dayLabel = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Stacked bars per day, one colour per series, each series also named in its tooltip and the legend's order. */
function stackedDays(id: string, label: string, days: number[], series: string[], value: (day: number, s: string) => number): string {
  const [width, height, left, bottom] = [720, 200, 36, 28];
  const max = Math.max(1, ...days.map((d) => series.reduce((a, s) => a + value(d, s), 0)));
  const slot = (width - left) / Math.max(1, days.length);
  const scale = (height - bottom - 10) / max;
  const bars: string[] = [];
  days.forEach((day, i) => {
    let y = height - bottom;
    series.forEach((s, k) => {
      const n = value(day, s);
      if (n === 0) return;
      const h = n * scale;
      y -= h;
      bars.push(`<rect x="${(left + i * slot + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, slot - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${PALETTE[k % PALETTE.length]}" stroke="#fff" stroke-width="0.5"><title>${esc(dayLabel(day))} ${esc(s)}: ${n}</title></rect>`);
    });
    if (i % Math.ceil(days.length / 8) === 0) bars.push(`<text x="${(left + i * slot).toFixed(1)}" y="${height - 10}" font-size="10">${esc(dayLabel(day).slice(5))}</text>`);
  });
  const axis = `<line x1="${left}" y1="${height - bottom}" x2="${width}" y2="${height - bottom}" stroke="#999"/><text x="2" y="14" font-size="10">${max}</text><text x="2" y="${height - bottom}" font-size="10">0</text>`;
  const legend = series.map((s, k) => `<span class="key"><i style="background:${PALETTE[k % PALETTE.length]}"></i>${k + 1}. ${esc(s)}</span>`).join('');
  return `<figure><svg id="${id}" role="img" aria-label="${esc(label)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${axis}${bars.join('')}</svg>
<figcaption class="legend">${legend || 'nothing in this period'} <span class="pattern-note">(stacked bottom to top in this order)</span></figcaption></figure>`;
}

/** Horizontal bars, one per skip reason, labelled with the reason and the count (so no colour is needed to read it). */
function reasonBars(reasons: Array<[string, number]>): string {
  if (reasons.length === 0) return '<p class="empty" id="skip-chart">no letter was skipped in this period</p>';
  const top = Math.max(...reasons.map(([, n]) => n));
  const [width, row] = [720, 22];
  const bars = reasons.map(([reason, n], i) => {
    const w = Math.max(2, (n / top) * (width - 260));
    return `<text x="0" y="${i * row + 15}" font-size="12">${esc(reason)}</text><rect x="150" y="${i * row + 4}" width="${w.toFixed(1)}" height="14" fill="#E69F00"><title>${esc(reason)}: ${n}</title></rect><text x="${(156 + w).toFixed(1)}" y="${i * row + 15}" font-size="12">${n}</text>`;
  });
  return `<svg id="skip-chart" role="img" aria-label="skipped letters by reason" viewBox="0 0 ${width} ${reasons.length * row + 4}" width="${width}" height="${reasons.length * row + 4}">${bars.join('')}</svg>`;
}

function byMilestone(rows: LetterCountRow[]): Table {
  const m = new Map<string, { sent: number; skipped: number; failed: number; reasons: Map<string, number> }>();
  for (const r of rows) {
    const e = m.get(r.milestone) ?? { sent: 0, skipped: 0, failed: 0, reasons: new Map() };
    e[r.status] += r.n;
    if (r.status === 'skipped') e.reasons.set(r.reason || 'unknown', (e.reasons.get(r.reason || 'unknown') ?? 0) + r.n);
    m.set(r.milestone, e);
  }
  return {
    id: 'letters-by-milestone', title: 'Letters by milestone', headers: ['milestone', 'sent', 'skipped', 'failed', 'skip reasons'],
    rows: [...m].sort((a, b) => a[0].localeCompare(b[0])).map(([milestone, e]) => [
      cell(milestone), cell(e.sent), cell(e.skipped), cell(e.failed, e.failed > 0 ? { tone: 'bad' } : {}),
      cell([...e.reasons].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`).join(', ') || '-'),
    ]),
    empty: 'no letter went out, was skipped or failed in this period',
  };
}

/** Rates over the last 7 days whatever the period (what mailbox providers judge); a minute's cache, as /metrics keeps. */
const HEALTH_DAYS = 7;
const HEALTH_TTL_MS = 60_000;
/** Recipient domains per store on the page (the busiest); the store's own row counts them all. */
export const HEALTH_DOMAINS = 10;
const healthCache = new WeakMap<object, { at: number; value: Promise<{ stores: HealthRow[]; domains: HealthRow[] }> }>();

function healthOf(ledger: Ledger, now: number): Promise<{ stores: HealthRow[]; domains: HealthRow[] }> {
  const hit = healthCache.get(ledger.identity);
  const at = performance.now(); // a cache age, not domain time
  if (hit && at - hit.at < HEALTH_TTL_MS) return hit.value;
  const value = ledger.deliverabilityHealth({ now, days: HEALTH_DAYS });
  healthCache.set(ledger.identity, { at, value });
  value.catch(() => healthCache.get(ledger.identity)?.value === value && healthCache.delete(ledger.identity));
  return value;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const TONE = { ok: 'ok', warn: 'warn', bad: 'bad', too_few: undefined } as const;

/** Per store (all recipients), then its busiest recipient domains: sent, what came back, the rates and what they mean. */
function healthTable(health: { stores: HealthRow[]; domains: HealthRow[] }, filters: Filters): Table {
  const mine = (r: HealthRow) => filters.store === undefined || r.store === filters.store;
  const rows = health.stores.filter(mine).flatMap((store) => [store, ...health.domains.filter((d) => d.store === store.store).slice(0, HEALTH_DOMAINS)]);
  return {
    id: 'deliverability', title: 'Bounce and complaint rates', note: `last ${HEALTH_DAYS} days, per store and recipient domain (the ${HEALTH_DOMAINS} busiest), whatever the period chosen`,
    headers: ['store', 'recipients', 'sent', 'delivered', 'bounced', 'bounce rate', 'complained', 'complaint rate', 'verdict'],
    rows: rows.map((r) => {
      const v = healthVerdict(r);
      return [
        cell(r.store || '(unknown)'), cell(r.domain === '*' ? 'all' : r.domain), cell(r.sent), cell(r.delivered), cell(r.bounced), cell(pct(r.bounceRate)),
        cell(r.complained), cell(pct(r.complaintRate)), cell(v.words, TONE[v.level] ? { tone: TONE[v.level] } : {}),
      ];
    }),
    empty: `no letter sent in the last ${HEALTH_DAYS} days`,
  };
}

export async function lettersView(deps: DashboardDeps, filters: Filters): Promise<View> {
  const now = deps.now();
  const f = storeFilter(filters, now);
  const rows = await deps.ledger.letterCounts(f);
  const days = Array.from({ length: f.toDay - f.fromDay + 1 }, (_, i) => f.fromDay + i);
  const at = new Map<string, number>();
  for (const r of rows) at.set(`${r.day}|${r.status}|${r.milestone}`, (at.get(`${r.day}|${r.status}|${r.milestone}`) ?? 0) + r.n);
  const milestones = [...new Set(rows.map((r) => r.milestone))].sort();
  const sentChart = stackedDays('sends-chart', 'letters sent per day by milestone', days, milestones.filter((m) => rows.some((r) => r.milestone === m && r.status === 'sent')), (d, m) => at.get(`${d}|sent|${m}`) ?? 0);
  const reasons = new Map<string, number>();
  for (const r of rows) if (r.status === 'skipped') reasons.set(r.reason || 'unknown', (reasons.get(r.reason || 'unknown') ?? 0) + r.n);
  const perDay = new Map<number, { sent: number; skipped: number; failed: number }>();
  for (const r of rows) {
    const e = perDay.get(r.day) ?? { sent: 0, skipped: 0, failed: 0 };
    e[r.status] += r.n;
    perDay.set(r.day, e);
  }
  const dayTable: Table = {
    id: 'letters-by-day', title: 'Letters by day', note: 'UTC days', headers: ['day', 'sent', 'skipped', 'failed'],
    rows: [...perDay].sort((a, b) => b[0] - a[0]).map(([d, e]) => [cell(dayLabel(d)), cell(e.sent), cell(e.skipped), cell(e.failed, e.failed > 0 ? { tone: 'bad' } : {})]),
    empty: 'nothing in this period',
  };
  const landing = await deps.ledger.suppressionsSince(f.fromDay * DAY_MS);
  const landingTable: Table = {
    id: 'landing', title: 'Addresses that stopped', note: 'bounced or complained in the period (they get no more letters)', headers: ['reason', 'addresses'],
    rows: landing.map((r) => [cell(r.reason), cell(r.n, { tone: 'bad' })]), empty: 'no address bounced or complained in this period',
  };
  const sentTotal = rows.filter((r) => r.status === 'sent').reduce((a, r) => a + r.n, 0);
  return {
    path: '/admin/letters', title: 'Letters',
    blocks: [
      `<section aria-labelledby="sent-title"><h2 id="sent-title">Sent per day <small>${sentTotal} sent in the last ${filters.period} days (UTC days)</small></h2>${sentChart}</section>`,
      `<section aria-labelledby="skip-title"><h2 id="skip-title">Why letters were skipped</h2>${reasonBars([...reasons].sort((a, b) => b[1] - a[1]))}</section>`,
      byMilestone(rows), dayTable,
      `<section aria-labelledby="health-title"><h2 id="health-title">Are letters landing?</h2><p id="health-thresholds">${esc(HEALTH_THRESHOLDS)}</p></section>`,
      healthTable(await healthOf(deps.ledger, now), filters), landingTable,
    ],
  };
}
