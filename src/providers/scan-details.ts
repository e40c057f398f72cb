import { placeAt } from './places.js';

/**
 * The country and message of a stored scan, read back from the raw body like
 * its place (see places.ts): the scan object whose time is the event's time.
 * Customs letters use them to tell export customs from arrival customs. Pure.
 */
const TIME_KEYS = ['occurred_at', 'checkpoint_time', 'time_iso', 'datetime', 'checkpoint_date', 'time_utc', 'at'];
const COUNTRY_KEYS = ['country_iso2', 'country_code', 'country', 'country_iso3', 'country_name'];
const MESSAGE_KEYS = ['message', 'description', 'status_description', 'details', 'checkpoint_delivery_substatus'];
const ISO3: Record<string, string> = {
  CHN: 'CN', HKG: 'HK', USA: 'US', DEU: 'DE', FRA: 'FR', ESP: 'ES', ITA: 'IT', GBR: 'GB', BRA: 'BR', RUS: 'RU', POL: 'PL',
  NLD: 'NL', BEL: 'BE', PRT: 'PT', SWE: 'SE', CZE: 'CZ', ISR: 'IL', UKR: 'UA', KOR: 'KR', JPN: 'JP', TUR: 'TR', SAU: 'SA',
  ARE: 'AE', MEX: 'MX', CHL: 'CL', CAN: 'CA', AUS: 'AU',
};
const NAMES: Record<string, string> = { CHINA: 'CN', 'HONG KONG': 'HK' };

function countryCode(value: unknown): string | null {
  if (typeof value !== 'string' || !value.trim()) return null;
  const v = value.trim().toUpperCase();
  if (/^[A-Z]{2}$/.test(v)) return v;
  if (/^[A-Z]{3}$/.test(v)) return ISO3[v] ?? null;
  return NAMES[v] ?? null;
}

function timeOf(scan: Record<string, unknown>): number | null {
  for (const key of TIME_KEYS) {
    const value = scan[key];
    if (typeof value === 'string') {
      const ms = Date.parse(value);
      if (Number.isFinite(ms)) return ms;
    }
  }
  return null;
}

function countryOf(scan: Record<string, unknown>): string | null {
  for (const holder of [scan, scan.location, scan.address, scan.tracking_location]) {
    if (!holder || typeof holder !== 'object') continue;
    for (const key of COUNTRY_KEYS) {
      const code = countryCode((holder as Record<string, unknown>)[key]);
      if (code) return code;
    }
  }
  return null;
}

function messageOf(scan: Record<string, unknown>): string | null {
  for (const key of MESSAGE_KEYS) {
    const value = scan[key];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return null;
}

export interface ScanDetails {
  place: string | null;
  country: string | null;
  message: string | null;
}

export function scanDetailsAt(raw: string, occurredAtMs: number | null): ScanDetails {
  const none: ScanDetails = { place: null, country: null, message: null };
  if (occurredAtMs === null) return none;
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return none; // a body we stored is JSON; an unreadable one has nothing to offer
  }
  const stack: unknown[] = [body];
  let visited = 0;
  while (stack.length > 0 && visited < 5000) {
    const node = stack.pop();
    visited += 1;
    if (Array.isArray(node)) stack.push(...node);
    else if (node && typeof node === 'object') {
      const scan = node as Record<string, unknown>;
      if (timeOf(scan) === occurredAtMs) {
        return { place: placeAt(raw, occurredAtMs), country: countryOf(scan), message: messageOf(scan) };
      }
      stack.push(...Object.values(scan).filter((v) => v && typeof v === 'object'));
    }
  }
  return none;
}
