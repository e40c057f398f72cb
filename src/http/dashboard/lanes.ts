import { findCarrier } from '../../domain/carriers.js';
import { transitFor } from '../../domain/transit.js';
import { MIN_SAMPLES } from '../../services/learned-transit.js';
import { type LaneTransitRow } from '../../store/dashboard.js';
import type { DashboardDeps } from './deps.js';
import { storeFilter, type Filters } from './filters.js';
import { cell, esc, type Table, type View } from './html.js';

const IN_FLIGHT = new Set(['registered', 'in_transit', 'customs', 'post_office', 'exception']);
/** Below this share delivered inside the built-in window, a lane is slow. */
export const SLOW_ON_TIME_SHARE = 0.7;

export interface LaneStats {
  carrier: string;
  country: string;
  inFlight: number;
  delivered: number;
  samples: number;
  medianDays: number | null;
  p90Days: number | null;
  builtin: { min: number; max: number };
  onTimeShare: number | null;
  slow: boolean;
  histogram: Map<number, number>;
}

/** Median (mean of the middle two) and nearest-rank p90 from a histogram of days, as learned-transit computes them from rows. */
export function percentiles(histogram: ReadonlyMap<number, number>): { n: number; median: number | null; p90: number | null } {
  const entries = [...histogram.entries()].sort((a, b) => a[0] - b[0]);
  const n = entries.reduce((a, [, c]) => a + c, 0);
  if (n === 0) return { n, median: null, p90: null };
  const nth = (k: number): number => {
    let seen = 0;
    for (const [days, count] of entries) {
      seen += count;
      if (seen >= k) return days;
    }
    return entries[entries.length - 1]![0];
  };
  const median = n % 2 === 1 ? nth((n + 1) / 2) : (nth(n / 2) + nth(n / 2 + 1)) / 2;
  return { n, median, p90: nth(Math.ceil(0.9 * n)) };
}

export async function laneStats(deps: DashboardDeps, filters: Filters): Promise<LaneStats[]> {
  const f = storeFilter(filters, deps.now());
  const lanes = new Map<string, LaneStats>();
  const laneOf = (carrier: string, country: string): LaneStats => {
    const key = `${carrier}|${country}`;
    let lane = lanes.get(key);
    if (!lane) {
      const builtin = transitFor(findCarrier(carrier)?.class ?? 'postal', country);
      lane = { carrier, country, inFlight: 0, delivered: 0, samples: 0, medianDays: null, p90Days: null, builtin: { min: builtin.min, max: builtin.max }, onTimeShare: null, slow: false, histogram: new Map() };
      lanes.set(key, lane);
    }
    return lane;
  };
  for (const r of await deps.ledger.laneStageCounts(f)) {
    const lane = laneOf(r.carrier, r.country);
    if (IN_FLIGHT.has(r.stage)) lane.inFlight += r.n;
    if (r.stage === 'delivered') lane.delivered += r.n;
  }
  const transit: LaneTransitRow[] = await deps.ledger.laneTransit(f);
  for (const r of transit) {
    if (!lanes.has(`${r.carrier}|${r.country}`)) continue; // a lane with nothing shipped in the period
    const lane = laneOf(r.carrier, r.country);
    lane.histogram.set(r.days, (lane.histogram.get(r.days) ?? 0) + r.n);
  }
  for (const lane of lanes.values()) {
    const p = percentiles(lane.histogram);
    lane.samples = p.n;
    lane.medianDays = p.median;
    lane.p90Days = p.p90;
    if (p.n > 0) {
      const onTime = [...lane.histogram].filter(([d]) => d <= lane.builtin.max).reduce((a, [, c]) => a + c, 0);
      lane.onTimeShare = onTime / p.n;
      lane.slow = lane.onTimeShare < SLOW_ON_TIME_SHARE || (p.median ?? 0) > lane.builtin.max;
    }
  }
  // Slow lanes first (worst on-time share first), then the busiest.
  return [...lanes.values()].sort((a, b) => Number(b.slow) - Number(a.slow) || (a.slow ? (a.onTimeShare ?? 1) - (b.onTimeShare ?? 1) : 0) || b.inFlight - a.inFlight || a.carrier.localeCompare(b.carrier) || a.country.localeCompare(b.country));
}

/** A small bar chart of delivered parcels per transit day, the built-in window shaded. */
function spark(lane: LaneStats): string {
  const maxDay = Math.max(lane.builtin.max + 2, ...lane.histogram.keys());
  const top = Math.max(1, ...lane.histogram.values());
  const [w, h] = [140, 32];
  const slot = w / (maxDay + 1);
  const x = (d: number) => (d * slot).toFixed(1);
  const win = `<rect x="${x(lane.builtin.min)}" y="0" width="${((lane.builtin.max - lane.builtin.min + 1) * slot).toFixed(1)}" height="${h}" fill="#e6f4ea"/>`;
  const bars = [...lane.histogram].map(([d, n]) => {
    const bh = Math.max(1, (n / top) * (h - 2));
    const late = d > lane.builtin.max;
    return `<rect x="${x(d)}" y="${(h - bh).toFixed(1)}" width="${Math.max(1, slot - 1).toFixed(1)}" height="${bh.toFixed(1)}" fill="${late ? '#c5221f' : '#1a56db'}"${late ? ' fill-opacity="0.85"' : ''}><title>${d} business days: ${n}${late ? ' (late)' : ''}</title></rect>`;
  });
  return `<svg class="spark" role="img" aria-label="${esc(`${lane.carrier} to ${lane.country}: delivered parcels by business days, built-in window ${lane.builtin.min}-${lane.builtin.max} shaded`)}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">${win}${bars.join('')}</svg>`;
}

const share = (v: number | null) => (v === null ? '-' : `${Math.round(v * 100)}%`);

export async function lanesView(deps: DashboardDeps, filters: Filters): Promise<View> {
  const lanes = await laneStats(deps, filters);
  const rows = lanes.map((l) => {
    const learned = l.samples === 0 ? 'no deliveries yet' : `median ${l.medianDays}, p90 ${l.p90Days}${l.samples < MIN_SAMPLES ? ` (learning: ${l.samples} of ${MIN_SAMPLES})` : ` (${l.samples} deliveries)`}`;
    return [
      cell(l.slow ? 'slow' : l.samples === 0 ? 'no data' : 'ok', { tone: l.slow ? 'bad' : l.samples === 0 ? undefined : 'ok' }),
      cell(l.carrier), cell(l.country), cell(l.inFlight), cell(l.delivered), cell(learned), cell(`${l.builtin.min}-${l.builtin.max}`),
      cell(share(l.onTimeShare), l.slow ? { tone: 'bad' } : {}),
      { text: [...l.histogram].sort((a, b) => a[0] - b[0]).map(([d, n]) => `${d}d:${n}`).join(' '), html: l.samples === 0 ? '-' : spark(l) },
    ];
  });
  const table: Table = {
    id: 'lanes', title: 'Lanes', note: `carrier × destination, shipped in the last ${filters.period} days; transit in business days (Mon-Fri) from every delivery of the lane; slow lanes first`,
    headers: ['verdict', 'carrier', 'country', 'in flight', 'delivered', 'learned transit', 'built-in window', 'on time', 'distribution'],
    rows, empty: 'no parcels shipped in this period',
  };
  const slow = lanes.filter((l) => l.slow);
  const summary = slow.length === 0
    ? '<p id="slow-summary">No slow lane: every lane delivers at least 70% inside its built-in window.</p>'
    : `<p class="notice" id="slow-summary"><b>${slow.length} slow lane${slow.length === 1 ? '' : 's'}:</b> ${slow.map((l) => `${esc(l.carrier)} → ${esc(l.country)} (${share(l.onTimeShare)} on time)`).join(', ')}. Consider not offering these shipping methods to these countries.</p>`;
  return { path: '/admin/lanes', title: 'Lanes', blocks: [summary, table] };
}
