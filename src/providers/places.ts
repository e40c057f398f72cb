/**
 * Where a stored scan happened, read back from the raw body it came in: every
 * provider nests its scans differently, but each scan object carries a time
 * and a place. The scan whose time is the event's time gives the place.
 * Pure; null when the body says nothing about a place.
 */
const TIME_KEYS = ['occurred_at', 'checkpoint_time', 'time_iso', 'datetime', 'checkpoint_date', 'time_utc', 'at'];

function placeOf(scan: Record<string, unknown>): string | null {
  for (const key of ['location', 'place']) {
    const value = scan[key];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  for (const key of ['tracking_location', 'address', 'location']) {
    const value = scan[key];
    if (value && typeof value === 'object') {
      const parts = ['city', 'state', 'country', 'country_iso3', 'country_name']
        .map((k) => (value as Record<string, unknown>)[k])
        .filter((v): v is string => typeof v === 'string' && v.trim() !== '');
      const unique = [...new Set(parts.slice(0, 2))];
      if (unique.length > 0) return unique.join(', ');
    }
  }
  for (const key of ['city']) {
    const value = scan[key];
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return null;
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

export function placeAt(raw: string, occurredAtMs: number | null): string | null {
  if (occurredAtMs === null) return null;
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return null; // a body we stored is JSON; an unreadable one has no place to offer
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
        const place = placeOf(scan);
        if (place) return place;
      }
      stack.push(...Object.values(scan).filter((v) => v && typeof v === 'object'));
    }
  }
  return null;
}
