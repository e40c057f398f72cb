import { InputError } from '../../domain/errors.js';
import { isIsoCountry } from '../../domain/countries.js';
import { findCarrier } from '../../domain/carriers.js';
import { DAY_MS } from '../../domain/wall-clock.js';
import type { DashboardFilter } from '../../store/dashboard.js';

export const PERIODS = [7, 30, 90] as const;
export const DEFAULT_PERIOD = 30;

/** The query string every view understands: it is the view's stable URL. */
export interface Filters {
  store?: string;
  period: number;
  carrier?: string;
  country?: string;
  /** The order search. */
  q?: string;
  /** admin.timezone: how dates are shown (not part of the URL). */
  zone: string;
}

const KEYS = ['store', 'period', 'carrier', 'country', 'q'] as const;

/** Reads the filters from a query string, every problem at once (400 with what to change). */
export function parseFilters(query: Record<string, unknown>, zone: string): Filters {
  const text = (key: string): string | undefined => {
    const v = query[key];
    const s = Array.isArray(v) ? v[0] : v;
    return typeof s === 'string' && s.trim() !== '' ? s.trim().slice(0, 200) : undefined;
  };
  const problems: string[] = [];
  const period = text('period') === undefined ? DEFAULT_PERIOD : Number(text('period'));
  if (!(PERIODS as readonly number[]).includes(period)) problems.push(`period ${JSON.stringify(text('period'))} must be one of ${PERIODS.join(', ')} (days)`);
  let carrier = text('carrier');
  if (carrier !== undefined) {
    const known = findCarrier(carrier);
    if (known) carrier = known.code;
    else problems.push(`carrier ${JSON.stringify(carrier)} is not a known carrier code (e.g. china-post, dhl)`);
  }
  const country = text('country')?.toUpperCase();
  if (country !== undefined && !isIsoCountry(country)) problems.push(`country ${JSON.stringify(text('country'))} is not an ISO 3166-1 alpha-2 code (e.g. ES, US)`);
  if (problems.length > 0) throw new InputError('dashboard_filter_invalid', problems, 'Fix the query string, or open /admin to start from the defaults.');
  return { store: text('store'), period, carrier, country, q: text('q'), zone };
}

/** A dashboard link keeping the filters (and setting or dropping `extra` keys). */
export function linkTo(path: string, filters: Partial<Filters>, extra: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const key of KEYS) {
    if (key === 'q' && path !== '/admin/order' && path !== '/admin/order.csv') continue;
    const value = key in extra ? extra[key] : filters[key];
    if (value === undefined || (key === 'period' && value === DEFAULT_PERIOD)) continue;
    params.set(key, String(value));
  }
  for (const [key, value] of Object.entries(extra)) if (!(KEYS as readonly string[]).includes(key) && value !== undefined) params.set(key, String(value));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** The store filter for one period ending today (UTC days, inclusive). */
export function storeFilter(filters: Filters, now: number): DashboardFilter {
  const toDay = Math.floor(now / DAY_MS);
  return { fromDay: toDay - filters.period + 1, toDay, store: filters.store, carrier: filters.carrier, country: filters.country };
}
