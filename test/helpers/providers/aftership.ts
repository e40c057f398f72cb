import { nextId, startStandIn, type StandIn, type TrackedParcel } from './stand-in.js';

/**
 * AfterShip Tracking API, dated version (2026-07) as documented: header
 * `as-api-key`; bodies are the tracking fields (no `{tracking: …}` wrapper);
 * answers `{meta: {code, message, type}, data}` with X-RateLimit-* headers;
 * errors as HTTP 4xx with `meta.code` (4003 exists, 4005 invalid number).
 */

function tag(subtag: string): string {
  return subtag.split('_')[0];
}

export function aftershipTracking(parcel: TrackedParcel) {
  const checkpoints = [...parcel.scans]
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time))
    .map((s) => ({ created_at: s.time, slug: parcel.carrier, checkpoint_time: s.time, location: s.location ?? null, message: s.description ?? s.status, tag: tag(s.status), subtag: s.status }));
  const last = checkpoints.at(-1);
  const registration = parcel.registration as Record<string, unknown>;
  return {
    id: parcel.id,
    tracking_number: parcel.number,
    slug: parcel.carrier,
    active: !parcel.stopped,
    tag: last?.tag ?? 'Pending',
    subtag: last?.subtag ?? 'Pending_001',
    order_id: registration.order_id ?? null,
    destination_country_region: registration.destination_country_region ?? null,
    language: registration.language ?? null,
    customers: registration.customers ?? [],
    checkpoints,
  };
}

const RATE = { 'x-ratelimit-limit': '20', 'x-ratelimit-remaining': '19', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1) };
const error = (status: number, code: number, message: string, type = 'BadRequest') => ({ status, body: { meta: { code, message, type }, data: {} }, headers: RATE });

export async function startAftership(key = 'test-as-api-key'): Promise<StandIn & { completed: string[] }> {
  const completed: string[] = [];
  const standIn = await startStandIn({
    prefix: '/tracking/2026-07',
    key,
    authorized: (headers, k) => headers['as-api-key'] === k,
    unauthorized: { status: 401, body: { meta: { code: 401, message: 'Invalid API key.', type: 'Unauthorized' }, data: {} } },
    route(request, s) {
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (request.method === 'POST' && request.path === '/trackings') {
        if ('tracking' in body) return error(400, 4007, 'tracking_number is required.');
        const number = String(body.tracking_number ?? '').toUpperCase();
        if (!number) return error(400, 4007, 'tracking_number is required.');
        if (s.invalid.has(number)) return error(400, 4005, 'The value of tracking_number is invalid.');
        if (s.parcels.has(number)) return error(400, 4003, 'Tracking already exists.');
        const parcel: TrackedParcel = { number, id: nextId(), carrier: (body.slug as string) ?? 'cainiao', scans: [], stopped: false, registration: body };
        s.parcels.set(number, parcel);
        return { status: 201, body: { meta: { code: 201 }, data: aftershipTracking(parcel) }, headers: RATE };
      }
      if (request.method === 'GET' && request.path === '/trackings') {
        const numbers = (request.query.get('tracking_numbers') ?? '').split(',').map((n) => n.toUpperCase());
        const trackings = numbers.flatMap((n) => (s.parcels.has(n) ? [aftershipTracking(s.parcels.get(n)!)] : []));
        return { status: 200, body: { meta: { code: 200 }, data: { pagination: { total: trackings.length, next_cursor: '', has_next_page: false }, trackings } }, headers: RATE };
      }
      if (request.method === 'GET' && request.path === '/couriers') {
        return { status: 200, body: { meta: { code: 200 }, data: { total: 2, couriers: [{ slug: 'cainiao', name: 'Cainiao' }, { slug: 'china-post', name: 'China Post' }] } }, headers: RATE };
      }
      const byId = /^\/trackings\/([^/]+)(\/mark-as-completed)?$/.exec(request.path);
      if (byId) {
        const parcel = [...s.parcels.values()].find((p) => p.id === byId[1]);
        if (!parcel) return error(404, 4004, 'Tracking does not exist.');
        if (byId[2] && request.method === 'POST') {
          parcel.stopped = true;
          completed.push(`${parcel.number}:${String(body.reason)}`);
          return { status: 200, body: { meta: { code: 200 }, data: aftershipTracking(parcel) }, headers: RATE };
        }
        if (request.method === 'PUT') {
          if (typeof body.slug === 'string') parcel.carrier = body.slug;
          return { status: 200, body: { meta: { code: 200 }, data: aftershipTracking(parcel) }, headers: RATE };
        }
      }
      return error(404, 404, 'The URI requested is invalid or the resource requested does not exist.', 'NotFound');
    },
  });
  return Object.assign(standIn, { completed });
}
