import { nextId, startStandIn, type StandIn, type TrackedParcel } from './stand-in.js';

/**
 * TrackingMore API v4 as documented: header `Tracking-Api-Key`; answers
 * `{meta: {code, message}, data}`; errors as real HTTP 4xx with `meta.code`
 * (4101 exists, 4103 over 40, 4121 cannot detect courier, 4190 quota);
 * batch results as `data.success[]` / `data.error[]`.
 */

function status(substatus: string): string {
  return substatus.replace(/\d+$/, '');
}

export function trackingMoreTracking(parcel: TrackedParcel) {
  const scans = [...parcel.scans].sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
  const latest = scans[0];
  return {
    id: parcel.id,
    tracking_number: parcel.number,
    courier_code: parcel.carrier,
    delivery_status: latest ? status(latest.status) : 'pending',
    substatus: latest?.status ?? 'pending001',
    latest_event: latest ? `${latest.description ?? latest.status},${latest.location ?? ''},${latest.time}` : null,
    latest_checkpoint_time: latest?.time ?? null,
    origin_info: {
      courier_code: parcel.carrier,
      trackinfo: scans.map((s) => ({
        checkpoint_date: s.time,
        checkpoint_delivery_status: status(s.status),
        checkpoint_delivery_substatus: s.status,
        tracking_detail: s.description ?? s.status,
        location: s.location ?? null,
      })),
    },
    destination_info: { courier_code: '', trackinfo: [] },
  };
}

const meta = (code: number, message: string) => ({ code, message });

export async function startTrackingMore(key = 'test-trackingmore-key'): Promise<StandIn & { deleted: string[] }> {
  const deleted: string[] = [];
  const standIn = await startStandIn({
    prefix: '/v4',
    key,
    authorized: (headers, k) => headers['tracking-api-key'] === k,
    unauthorized: { status: 401, body: { meta: meta(401, 'Authentication failed or has no permission. Please check and ensure your API Key is correct.'), data: [] } },
    route(request, s) {
      if (request.method === 'POST' && request.path === '/trackings/batch') {
        const items = request.body as Array<Record<string, unknown>>;
        if (!Array.isArray(items)) return { status: 400, body: { meta: meta(400, 'Request type error.'), data: [] } };
        if (items.length > 40) return { status: 400, body: { meta: meta(4103, 'You have exceeded the shipment quantity of API call. The maximum quantity is 40 shipments per call.'), data: [] } };
        const success: unknown[] = [];
        const error: unknown[] = [];
        for (const item of items) {
          const number = String(item.tracking_number ?? '').toUpperCase();
          const courier = item.courier_code as string | undefined;
          if (!courier) error.push({ tracking_number: number, errorCode: 4120, errorMessage: 'The value of courier_code is invalid.' });
          else if (s.invalid.has(number)) error.push({ tracking_number: number, courier_code: courier, errorCode: 4121, errorMessage: 'Cannot detect courier.' });
          else if (s.parcels.has(number)) error.push({ tracking_number: number, courier_code: courier, errorCode: 4101, errorMessage: 'Tracking No. already exists.' });
          else if (s.quota.left !== null && s.quota.left <= 0) error.push({ tracking_number: number, courier_code: courier, errorCode: 4190, errorMessage: 'You are reaching the maximum quota limitation, please upgrade your current plan.' });
          else {
            if (s.quota.left !== null) s.quota.left -= 1;
            const parcel: TrackedParcel = { number, id: nextId(), carrier: courier, scans: [], stopped: false, registration: item };
            s.parcels.set(number, parcel);
            success.push({ id: parcel.id, tracking_number: number, courier_code: courier });
          }
        }
        return { status: 200, body: { meta: meta(200, 'Request response is successful'), data: { success, error } } };
      }
      if (request.method === 'GET' && request.path === '/trackings/get') {
        const numbers = (request.query.get('tracking_numbers') ?? '').split(',').map((n) => n.toUpperCase());
        const data = numbers.flatMap((n) => (s.parcels.has(n) ? [trackingMoreTracking(s.parcels.get(n)!)] : []));
        return { status: 200, body: { meta: meta(200, 'Request response is successful'), data } };
      }
      if (request.method === 'GET' && request.path === '/couriers/all') {
        return { status: 200, body: { meta: meta(200, 'Request response is successful'), data: [{ courier_name: 'Cainiao', courier_code: 'cainiao' }] } };
      }
      const del = /^\/trackings\/delete\/([^/]+)$/.exec(request.path);
      if (request.method === 'DELETE' && del) {
        const parcel = [...s.parcels.values()].find((p) => p.id === del[1]);
        if (!parcel) return { status: 400, body: { meta: meta(4112, 'Invalid Tracking ID.'), data: [] } };
        s.parcels.delete(parcel.number);
        deleted.push(parcel.number);
        return { status: 200, body: { meta: meta(200, 'Request response is successful'), data: { id: parcel.id, tracking_number: parcel.number, courier_code: parcel.carrier } } };
      }
      const update = /^\/trackings\/update\/([^/]+)$/.exec(request.path);
      if (request.method === 'PUT' && update) {
        const parcel = [...s.parcels.values()].find((p) => p.id === update[1]);
        if (!parcel) return { status: 400, body: { meta: meta(4112, 'Invalid Tracking ID.'), data: [] } };
        const body = request.body as Record<string, unknown>;
        if (typeof body.courier_code_new === 'string') parcel.carrier = body.courier_code_new;
        return { status: 200, body: { meta: meta(200, 'Request response is successful'), data: { id: parcel.id, tracking_number: parcel.number, courier_code: parcel.carrier } } };
      }
      return { status: 404, body: { meta: meta(404, 'Page does not exist. Please check and ensure your link is correct.'), data: [] } };
    },
  });
  return Object.assign(standIn, { deleted });
}
