import { nextId, startStandIn, type Scan, type StandIn, type TrackedParcel } from './stand-in.js';

/**
 * 17TRACK Tracking API v2.4 as documented: every call a POST of a JSON array
 * (at most 40), header `17token`; HTTP 200 with `{code: 0, data: {accepted,
 * rejected}}` and per-number error codes; 401 for a bad key; whole-request
 * errors as a non-zero `code` with `data.errors`.
 */

const MAX = 40;

type Item = { number?: string; carrier?: number; carrier_old?: number; carrier_new?: number };

const rejected = (number: string, code: number, message: string) => ({ number, error: { code, message } });

function mainStatus(sub: string): string {
  return sub.split('_')[0];
}

/** track_info as gettrackinfo and the webhook carry it; events newest first. */
export function trackInfo(parcel: TrackedParcel) {
  const events = [...parcel.scans]
    .sort((a, b) => Date.parse(b.time) - Date.parse(a.time))
    .map((s: Scan) => ({
      time_iso: s.time,
      time_utc: new Date(Date.parse(s.time)).toISOString().replace('.000Z', 'Z'),
      description: s.description ?? s.status,
      location: s.location ?? null,
      stage: mainStatus(s.status),
      sub_status: s.status,
    }));
  const latest = events[0] ?? null;
  return {
    shipping_info: { shipper_address: { country: 'CN' }, recipient_address: { country: null } },
    latest_status: latest ? { status: mainStatus(latest.sub_status), sub_status: latest.sub_status, sub_status_descr: null } : { status: 'NotFound', sub_status: 'NotFound_Other', sub_status_descr: null },
    latest_event: latest,
    time_metrics: { days_after_order: 0, days_of_transit: 0, days_of_transit_done: 0, days_after_last_update: 0 },
    milestone: [],
    misc_info: {},
    tracking: { providers_hash: 0, providers: [{ provider: { key: parcel.carrier, name: 'carrier' }, latest_sync_status: 'Success', events }] },
  };
}

export async function startSeventeenTrack(key = 'test-17token'): Promise<StandIn> {
  return startStandIn({
    prefix: '/track/v2.4',
    key,
    authorized: (headers, k) => headers['17token'] === k,
    unauthorized: { status: 401, body: { code: -18010002, data: { errors: [{ code: -18010002, message: 'Invalid security key.' }] } } },
    route(request, standIn) {
      const items = request.body as Item[] | Record<string, never>;
      if (request.path === '/getquota') {
        const left = standIn.quota.left ?? 10_000;
        return { status: 200, body: { code: 0, data: { quota_total: 10_000, quota_used: 10_000 - left, quota_remain: left, today_used: 0, max_track_daily: 0 } } };
      }
      if (!Array.isArray(items)) return { status: 200, body: { code: -18010013, data: { errors: [{ code: -18010013, message: 'Submitted data is invalid.' }] } } };
      if (items.length > MAX) return { status: 200, body: { code: -18010014, data: { errors: [{ code: -18010014, message: 'The submitted tracking numbers exceed the 40 limit.' }] } } };
      const accepted: unknown[] = [];
      const rejects: unknown[] = [];
      for (const item of items) {
        const number = String(item.number ?? '').toUpperCase();
        const parcel = standIn.parcels.get(number);
        switch (request.path) {
          case '/register':
            if (standIn.invalid.has(number)) rejects.push(rejected(number, -18019903, 'The carrier cannot be detected.'));
            else if (parcel) rejects.push(rejected(number, -18019901, `The tracking number '${number}' has been registered, don't need to repeat registration.`));
            else if (standIn.quota.left !== null && standIn.quota.left <= 0) rejects.push(rejected(number, -18019908, 'Quota is exhausted.'));
            else {
              if (standIn.quota.left !== null) standIn.quota.left -= 1;
              const carrier = item.carrier ?? 190271;
              standIn.parcels.set(number, { number, id: nextId(), carrier, scans: [], stopped: false, registration: item });
              accepted.push({ origin: item.carrier ? 2 : 1, number, carrier });
            }
            break;
          case '/gettrackinfo':
            if (!parcel) rejects.push(rejected(number, -18019902, `The tracking number '${number}' does not register, please register first.`));
            else accepted.push({ number, carrier: parcel.carrier, param: null, tag: null, track_info: trackInfo(parcel) });
            break;
          case '/stoptrack':
            if (!parcel || parcel.stopped) rejects.push(rejected(number, -18019906, 'Only the tracking number in tracking can be stopped.'));
            else {
              parcel.stopped = true;
              accepted.push({ number, carrier: parcel.carrier });
            }
            break;
          case '/changecarrier':
            if (!parcel) rejects.push(rejected(number, -18019902, 'not registered'));
            else {
              parcel.carrier = item.carrier_new ?? parcel.carrier;
              accepted.push({ number, carrier: parcel.carrier });
            }
            break;
          default:
            return { status: 404, body: { code: 404, data: null } };
        }
      }
      return { status: 200, body: { code: 0, data: { accepted, rejected: rejects } } };
    },
  });
}
