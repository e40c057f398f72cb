import { findCarrier } from '../domain/carriers.js';
import { carrierFromTrackingMore, TrackingMoreTracking, trackingMoreEvents } from '../providers/trackingmore.js';
import { callProvider, excerpt, Pacer, ProviderQuotaExhausted, ProviderUnauthorized, ProviderUnavailable, type ProviderAnswer } from './http.js';
import type { ItemOutcome, Parcel, PolledParcel, TrackingProvider } from './provider.js';

/**
 * TrackingMore API v4: header `Tracking-Api-Key`, answers
 * `{meta: {code, message}, data}` with real HTTP 4xx for errors (the detail
 * in `meta.code`). Batches of at most 40; 10 requests a second; after a 429
 * TrackingMore asks for 120 s of quiet.
 */

const ALREADY_EXISTS = 4101;
const NOT_EXISTS = 4102;
const QUOTA = 4190;
/** Refusals no retry changes: invalid number, courier invalid or not detected, required fields missing. */
const FINAL_REJECTIONS = new Set([4110, 4111, 4120, 4121, 4122, 4130]);

interface Envelope {
  meta?: { code?: number; message?: string };
  data?: unknown;
}

interface BatchItem {
  id?: string | number;
  tracking_number?: string | number;
  courier_code?: string;
  errorCode?: number;
  errorMessage?: string;
}

export interface TrackingMoreOptions {
  apiKey: string;
  apiUrl: string;
}

/** TrackingMore courier codes are AfterShip-style slugs for the carriers postship knows. */
function courierCode(code: string): string {
  return findCarrier(code)?.aftershipSlug ?? code;
}

function describe(envelope: Envelope, status: number): string {
  return `TrackingMore ${envelope.meta?.code ?? status}: ${envelope.meta?.message ?? 'refused'}`;
}

export function trackingMoreProvider(options: TrackingMoreOptions): TrackingProvider {
  const base = options.apiUrl.replace(/\/+$/, '');
  const pacer = new Pacer(1000 / 10);

  async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ answer: ProviderAnswer; envelope: Envelope }> {
    await pacer.wait();
    let answer: ProviderAnswer;
    try {
      answer = await callProvider({ method, url: `${base}${path}`, headers: { 'Tracking-Api-Key': options.apiKey }, body, provider: 'TrackingMore' });
    } catch (err) {
      // TrackingMore documents no Retry-After: after a 429 it asks for 120 s.
      if (err instanceof ProviderUnavailable && err.status === 429 && err.retryAfterMs === null) throw new ProviderUnavailable(err.message, 120_000, 429);
      throw err;
    }
    const envelope = (answer.body ?? {}) as Envelope;
    if (answer.status === 401 || answer.status === 403 || envelope.meta?.code === 401) {
      throw new ProviderUnauthorized(`TrackingMore refused the API key (HTTP ${answer.status}): check TRACKINGMORE_API_KEY`);
    }
    if (envelope.meta?.code === QUOTA) throw new ProviderQuotaExhausted(describe(envelope, answer.status));
    return { answer, envelope };
  }

  return {
    name: 'trackingmore',
    tellsQuota: false,
    batch: { register: 40, poll: 40, stop: 1 },

    async register(parcels: Parcel[]) {
      const body = parcels.map((p) => ({
        tracking_number: p.trackingNumber,
        courier_code: courierCode(p.carrier),
        order_number: p.orderId,
        ...(p.country ? { destination_country_iso2: p.country } : {}),
        ...(p.buyer ? { customer_name: p.buyer.name, customer_email: p.buyer.email, language: p.buyer.locale.split('-')[0] } : {}),
      }));
      const { answer, envelope } = await call('POST', '/trackings/batch', body);
      if (answer.status !== 200) {
        if (answer.status === 400) throw new ProviderUnavailable(`TrackingMore /trackings/batch: ${describe(envelope, answer.status)}`, null, 400);
        throw new ProviderUnavailable(`TrackingMore /trackings/batch: HTTP ${answer.status} ${excerpt(answer.text)}`, null, answer.status);
      }
      const data = (envelope.data ?? {}) as { success?: BatchItem[]; error?: BatchItem[] };
      const out = new Map<string, ItemOutcome>();
      for (const item of data.success ?? []) {
        out.set(String(item.tracking_number).toUpperCase(), { ok: true, providerId: item.id !== undefined ? String(item.id) : null, detectedCarrier: carrierFromTrackingMore(item.courier_code) ?? item.courier_code ?? null });
      }
      let quota: BatchItem | undefined;
      for (const item of data.error ?? []) {
        const number = String(item.tracking_number).toUpperCase();
        const error = `TrackingMore ${item.errorCode ?? '?'}: ${item.errorMessage ?? 'rejected'}`;
        if (item.errorCode === ALREADY_EXISTS) out.set(number, { ok: true, providerId: item.id !== undefined ? String(item.id) : null });
        else if (item.errorCode === QUOTA) quota ??= item;
        else out.set(number, { ok: false, final: FINAL_REJECTIONS.has(item.errorCode ?? 0), error });
      }
      if (quota) throw Object.assign(new ProviderQuotaExhausted(`TrackingMore ${QUOTA}: ${quota.errorMessage ?? 'quota reached'}`), { partial: out });
      return out;
    },

    async poll(parcels: Parcel[]) {
      const query = new URLSearchParams({ tracking_numbers: parcels.map((p) => p.trackingNumber).join(',') });
      const { answer, envelope } = await call('GET', `/trackings/get?${query}`);
      if (answer.status !== 200) {
        if (envelope.meta?.code === NOT_EXISTS) return [];
        throw new ProviderUnavailable(`TrackingMore /trackings/get: ${describe(envelope, answer.status)}`, null, answer.status);
      }
      const items = Array.isArray(envelope.data) ? envelope.data : [];
      return items.flatMap((item): PolledParcel[] => {
        const parsed = TrackingMoreTracking.safeParse(item);
        if (!parsed.success) return [];
        const tracking = parsed.data;
        const hasScan = Boolean(tracking.latest_checkpoint_time);
        return [{
          trackingNumber: tracking.tracking_number.toUpperCase(),
          events: hasScan ? trackingMoreEvents(tracking) : [],
          raw: JSON.stringify({ meta: { code: 200 }, data: item }),
          providerId: tracking.id !== undefined && tracking.id !== null ? String(tracking.id) : null,
          detectedCarrier: carrierFromTrackingMore(tracking.courier_code) ?? tracking.courier_code ?? null,
        }];
      });
    },

    /** TrackingMore keeps polling the carrier until a tracking is deleted: finished parcels are deleted. */
    async stop(parcels: Parcel[]) {
      const out = new Map<string, ItemOutcome>();
      for (const parcel of parcels) {
        const key = parcel.trackingNumber.toUpperCase();
        let id = parcel.providerId ?? null;
        if (!id) {
          const [found] = await this.poll([parcel]);
          id = found?.providerId ?? null;
        }
        if (!id) {
          out.set(key, { ok: true });
          continue;
        }
        const { answer, envelope } = await call('DELETE', `/trackings/delete/${encodeURIComponent(id)}`);
        if (answer.status === 200 || envelope.meta?.code === NOT_EXISTS || envelope.meta?.code === 4112) out.set(key, { ok: true });
        else out.set(key, { ok: false, final: false, error: describe(envelope, answer.status) });
      }
      return out;
    },

    async changeCarrier(parcel: Parcel, carrier: string) {
      let id = parcel.providerId ?? null;
      if (!id) id = (await this.poll([parcel]))[0]?.providerId ?? null;
      if (!id) return { ok: false, final: true, error: `TrackingMore has no tracking for ${parcel.trackingNumber}` };
      const { answer, envelope } = await call('PUT', `/trackings/update/${encodeURIComponent(id)}`, { courier_code_new: courierCode(carrier) });
      if (answer.status === 200) return { ok: true, providerId: id, detectedCarrier: null };
      return { ok: false, final: answer.status === 400, error: describe(envelope, answer.status) };
    },

    async check() {
      const { answer, envelope } = await call('GET', '/couriers/all');
      if (answer.status !== 200) return { ok: false, detail: describe(envelope, answer.status) };
      const n = Array.isArray(envelope.data) ? envelope.data.length : null;
      return { ok: true, detail: `key valid${n !== null ? `; ${n} couriers` : ''} (TrackingMore's API does not report the quota)`, quotaLeft: null };
    },
  };
}
