import { findCarrier, findCarrierBySeventeenTrack } from '../domain/carriers.js';
import { adaptSeventeenTrack } from '../providers/seventeen-track.js';
import { callProvider, excerpt, Pacer, ProviderQuotaExhausted, ProviderUnauthorized, ProviderUnavailable, type ProviderAnswer } from './http.js';
import type { ItemOutcome, Parcel, PolledParcel, TrackingProvider } from './provider.js';

/**
 * 17TRACK Tracking API v2.4: POST JSON arrays of at most 40 numbers, header
 * `17token`; the answer is HTTP 200 with `code` and `data.accepted[]` /
 * `data.rejected[].error.code` per number. 3 requests a second per key.
 */

/** Codes that mean "this number is done with, successfully" for the call at hand. */
const ALREADY_REGISTERED = -18019901;
const NOT_REGISTERED = -18019902;
const CANNOT_DETECT = -18019903;
const ONLY_TRACKING_CAN_STOP = -18019906;
const DAILY_LIMIT = -18019907;
const QUOTA_EXHAUSTED = -18019908;
/** Per-number refusals that no retry changes: the number or the carrier is wrong. */
const FINAL_REJECTIONS = new Set([CANNOT_DETECT, -18010012, -18010011, -18010015, -18019910, -18019911, -18010016, -18010018, -18010019, -18010020]);
/** Whole-request refusals of the key or the account. */
const KEY_REFUSED = new Set([-18010001, -18010002, -18010004, -18010005]);

interface Rejection {
  number?: string | number;
  error?: { code?: number; message?: string };
}

interface Envelope {
  code?: number;
  data?: {
    accepted?: Array<Record<string, unknown> & { number?: string | number; carrier?: number }>;
    rejected?: Rejection[];
    errors?: Array<{ code?: number; message?: string }>;
  } & Record<string, unknown>;
}

export interface SeventeenTrackOptions {
  apiKey: string;
  apiUrl: string;
  /** Requests per second (default 3, the documented limit). */
  ratePerSecond?: number;
}

function describe(error: Rejection['error']): string {
  return `17TRACK ${error?.code ?? '?'}: ${error?.message ?? 'rejected'}`;
}

function carrierKey(code: string): number | undefined {
  return findCarrier(code)?.seventeenTrack ?? undefined;
}

/** 17TRACK's carrier key as postship names it (our code when we know it, else the number). */
function carrierName(key: unknown): string | null {
  if (typeof key !== 'number' || key === 0) return null;
  return findCarrierBySeventeenTrack(key)?.code ?? String(key);
}

export function seventeenTrackProvider(options: SeventeenTrackOptions): TrackingProvider {
  const base = options.apiUrl.replace(/\/+$/, '');
  const pacer = new Pacer(1000 / (options.ratePerSecond ?? 3));

  async function post(path: string, body: unknown): Promise<Envelope> {
    await pacer.wait();
    const answer: ProviderAnswer = await callProvider({ method: 'POST', url: `${base}/${path}`, headers: { '17token': options.apiKey }, body, provider: '17TRACK' });
    const envelope = (answer.body ?? {}) as Envelope;
    if (answer.status === 401 || answer.status === 403 || KEY_REFUSED.has(envelope.code ?? 0)) {
      throw new ProviderUnauthorized(`17TRACK refused the API key (HTTP ${answer.status}${envelope.code ? `, code ${envelope.code}` : ''}): check SEVENTEENTRACK_API_KEY`);
    }
    if (answer.status !== 200) throw new ProviderUnavailable(`17TRACK ${path}: HTTP ${answer.status} ${excerpt(answer.text)}`, null, answer.status);
    if (envelope.code !== 0) {
      const first = envelope.data?.errors?.[0];
      if (envelope.code === 429 || first?.code === 429) throw new ProviderUnavailable(`17TRACK ${path}: rate limited`, null, 429);
      throw new ProviderUnavailable(`17TRACK ${path}: code ${envelope.code} ${first?.message ?? excerpt(answer.text)}`, null, answer.status);
    }
    return envelope;
  }

  /** Splits an answer into per-number outcomes; quota codes stop the whole batch. */
  function outcomes(envelope: Envelope, success: (item: Record<string, unknown>) => ItemOutcome, alsoSuccess: number[]): Map<string, ItemOutcome> {
    const out = new Map<string, ItemOutcome>();
    for (const item of envelope.data?.accepted ?? []) out.set(String(item.number).toUpperCase(), success(item));
    const quota = (envelope.data?.rejected ?? []).find((r) => r.error?.code === QUOTA_EXHAUSTED || r.error?.code === DAILY_LIMIT);
    for (const r of envelope.data?.rejected ?? []) {
      const number = String(r.number ?? '').toUpperCase();
      const code = r.error?.code ?? 0;
      if (alsoSuccess.includes(code)) out.set(number, { ok: true });
      else if (code === QUOTA_EXHAUSTED || code === DAILY_LIMIT) continue;
      else out.set(number, { ok: false, final: FINAL_REJECTIONS.has(code), error: describe(r.error) });
    }
    if (quota) {
      const daily = quota.error?.code === DAILY_LIMIT;
      // Numbers accepted before the quota ran out are registered; the rest wait for the pause to end.
      throw Object.assign(new ProviderQuotaExhausted(`${describe(quota.error)} (${daily ? 'daily limit' : 'quota used up'})`, daily ? msUntilUtcMidnight() : null), { partial: out });
    }
    return out;
  }

  return {
    name: '17track',
    tellsQuota: true,
    batch: { register: 40, poll: 40, stop: 40 },

    async register(parcels: Parcel[]) {
      const body = parcels.map((p) => {
        const key = carrierKey(p.carrier);
        // Without a carrier key 17TRACK detects it.
        return { number: p.trackingNumber, ...(key ? { carrier: key } : {}), tag: p.orderId, ...(p.buyer?.locale ? { lang: p.buyer.locale.split('-')[0] } : {}) };
      });
      const envelope = await post('register', body);
      return outcomes(
        envelope,
        (item) => {
          const detected = carrierName(item.carrier);
          return { ok: true, detectedCarrier: detected };
        },
        [ALREADY_REGISTERED],
      );
    },

    async poll(parcels: Parcel[]) {
      const body = parcels.map((p) => ({ number: p.trackingNumber }));
      const envelope = await post('gettrackinfo', body);
      const polled: PolledParcel[] = [];
      for (const item of envelope.data?.accepted ?? []) {
        const adapted = adaptSeventeenTrack({ event: 'TRACKING_UPDATED', data: item });
        const events = adapted.kind === 'events' ? adapted.events.filter((e) => e.outcome !== null || e.occurredAt !== null) : [];
        // A parcel without a first scan has no latest event: nothing to store yet.
        const hasScan = (item.track_info as { latest_event?: unknown } | null | undefined)?.latest_event;
        polled.push({
          trackingNumber: String(item.number).toUpperCase(),
          events: hasScan ? events : [],
          raw: JSON.stringify({ event: 'TRACKING_UPDATED', data: item }),
          detectedCarrier: carrierName(item.carrier),
        });
      }
      return polled;
    },

    async stop(parcels: Parcel[]) {
      const envelope = await post('stoptrack', parcels.map((p) => ({ number: p.trackingNumber })));
      // Already stopped, or never registered: nothing left to stop.
      return outcomes(envelope, () => ({ ok: true }), [ONLY_TRACKING_CAN_STOP, NOT_REGISTERED]);
    },

    async changeCarrier(parcel: Parcel, carrier: string) {
      const carrierNew = carrierKey(carrier);
      if (!carrierNew) return { ok: false, final: true, error: `17TRACK has no carrier key for "${carrier}"` };
      const carrierOld = carrierKey(parcel.carrier);
      const envelope = await post('changecarrier', [{ number: parcel.trackingNumber, ...(carrierOld ? { carrier_old: carrierOld } : {}), carrier_new: carrierNew }]);
      return outcomes(envelope, () => ({ ok: true, detectedCarrier: null }), []).get(parcel.trackingNumber.toUpperCase()) ?? { ok: false, final: false, error: '17TRACK did not answer for this number' };
    },

    async check() {
      const envelope = await post('getquota', {});
      const data = (envelope.data ?? {}) as { quota_remain?: number; quota_total?: number; max_track_daily?: number; today_used?: number };
      const left = typeof data.quota_remain === 'number' ? data.quota_remain : null;
      return { ok: true, detail: `key valid; quota ${left ?? '?'} of ${data.quota_total ?? '?'} left`, quotaLeft: left };
    },
  };
}

function msUntilUtcMidnight(now = Date.now()): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - now;
}
