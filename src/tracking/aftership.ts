import countries from 'i18n-iso-countries';
import { findCarrier } from '../domain/carriers.js';
import { adaptAftership } from '../providers/aftership.js';
import { callProvider, excerpt, Pacer, ProviderUnauthorized, ProviderUnavailable, type ProviderAnswer } from './http.js';
import type { ItemOutcome, Parcel, PolledParcel, TrackingProvider } from './provider.js';

/**
 * AfterShip Tracking API, dated versions (2024-07 and later): header
 * `as-api-key`, bodies are the tracking fields themselves (no `{tracking: …}`
 * wrapper), answers `{meta: {code, message}, data}`. One tracking per create
 * call, at most 20 creates a second; lookups 5-6 a second.
 */

const ALREADY_EXISTS = 4003;
const NOT_FOUND = 4004;
/** Per-number refusals no retry changes: invalid number or format, carrier not detected or invalid. */
const FINAL_REJECTIONS = new Set([4005, 4007, 4010, 4011, 4012, 4017]);

interface Envelope {
  meta?: { code?: number; message?: string; type?: string };
  data?: Record<string, unknown> & { trackings?: Array<Record<string, unknown>>; tracking?: Record<string, unknown> };
}

export interface AftershipOptions {
  apiKey: string;
  apiUrl: string;
}

function describe(envelope: Envelope, status: number): string {
  return `AfterShip ${envelope.meta?.code ?? status}: ${envelope.meta?.message ?? 'refused'}`;
}

/** AfterShip's slug for a postship carrier; unknown carriers are left to AfterShip's detection. */
function slugOf(code: string): string | undefined {
  return findCarrier(code)?.aftershipSlug;
}

function detected(tracking: Record<string, unknown> | undefined): string | null {
  const slug = typeof tracking?.slug === 'string' ? tracking.slug : null;
  return slug ? (findCarrier(slug)?.code ?? slug) : null;
}

export function aftershipProvider(options: AftershipOptions): TrackingProvider {
  const base = options.apiUrl.replace(/\/+$/, '');
  const createPacer = new Pacer(1000 / 20);
  const lookupPacer = new Pacer(1000 / 5);

  async function call(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<{ answer: ProviderAnswer; envelope: Envelope }> {
    await (method === 'POST' && path === '/trackings' ? createPacer : lookupPacer).wait();
    const answer = await callProvider({ method, url: `${base}${path}`, headers: { 'as-api-key': options.apiKey }, body, provider: 'AfterShip' });
    const envelope = (answer.body ?? {}) as Envelope;
    if (answer.status === 401 || answer.status === 403) {
      throw new ProviderUnauthorized(`AfterShip refused the API key (HTTP ${answer.status}): check AFTERSHIP_API_KEY (the as-api-key, not the webhook secret)`);
    }
    return { answer, envelope };
  }

  /** The tracking's id by number, for calls that need it (the id was not kept, or 4003 did not say it). */
  async function lookup(parcel: Parcel): Promise<Record<string, unknown> | undefined> {
    const query = new URLSearchParams({ tracking_numbers: parcel.trackingNumber });
    const { answer, envelope } = await call('GET', `/trackings?${query}`);
    if (answer.status !== 200) throw new ProviderUnavailable(`AfterShip lookup ${parcel.trackingNumber}: ${describe(envelope, answer.status)}`, null, answer.status);
    return (envelope.data?.trackings ?? []).find((t) => String(t.tracking_number).toUpperCase() === parcel.trackingNumber.toUpperCase());
  }

  async function idOf(parcel: Parcel): Promise<string | null> {
    if (parcel.providerId) return parcel.providerId;
    const found = await lookup(parcel);
    return typeof found?.id === 'string' ? found.id : null;
  }

  return {
    name: 'aftership',
    tellsQuota: false,
    batch: { register: 1, poll: 40, stop: 1 },

    async register(parcels: Parcel[]) {
      const out = new Map<string, ItemOutcome>();
      for (const parcel of parcels) {
        const slug = slugOf(parcel.carrier);
        const language = parcel.buyer?.locale.split('-')[0];
        const body = {
          tracking_number: parcel.trackingNumber,
          ...(slug ? { slug } : {}),
          order_id: parcel.orderId,
          ...(parcel.country ? { destination_country_region: countries.alpha2ToAlpha3(parcel.country) ?? parcel.country } : {}),
          ...(language ? { language } : {}),
          ...(parcel.buyer ? { customers: [{ role: 'buyer', name: parcel.buyer.name, email: parcel.buyer.email, ...(language ? { language } : {}) }] } : {}),
        };
        const { answer, envelope } = await call('POST', '/trackings', body);
        const code = envelope.meta?.code ?? answer.status;
        const tracking = (envelope.data?.tracking ?? envelope.data) as Record<string, unknown> | undefined;
        const key = parcel.trackingNumber.toUpperCase();
        if (answer.status >= 200 && answer.status < 300) {
          out.set(key, { ok: true, providerId: typeof tracking?.id === 'string' ? tracking.id : null, detectedCarrier: detected(tracking) });
        } else if (code === ALREADY_EXISTS) {
          out.set(key, { ok: true, providerId: typeof tracking?.id === 'string' ? tracking.id : null });
        } else if (FINAL_REJECTIONS.has(code)) {
          out.set(key, { ok: false, final: true, error: describe(envelope, answer.status) });
        } else {
          out.set(key, { ok: false, final: false, error: `${describe(envelope, answer.status)} ${excerpt(answer.text, 80)}`.trim() });
        }
      }
      return out;
    },

    async poll(parcels: Parcel[]) {
      const query = new URLSearchParams({ tracking_numbers: parcels.map((p) => p.trackingNumber).join(','), limit: String(Math.max(parcels.length, 1)) });
      const { answer, envelope } = await call('GET', `/trackings?${query}`);
      if (answer.status !== 200) throw new ProviderUnavailable(`AfterShip GET /trackings: ${describe(envelope, answer.status)}`, null, answer.status);
      return (envelope.data?.trackings ?? []).map((tracking): PolledParcel => {
        const adapted = adaptAftership({ msg: tracking });
        const hasScan = Array.isArray(tracking.checkpoints) && tracking.checkpoints.length > 0;
        return {
          trackingNumber: String(tracking.tracking_number).toUpperCase(),
          events: adapted.kind === 'events' && hasScan ? adapted.events : [],
          raw: JSON.stringify({ msg: tracking }),
          providerId: typeof tracking.id === 'string' ? tracking.id : null,
          detectedCarrier: detected(tracking),
        };
      });
    },

    /**
     * AfterShip keeps tracking delivered and returned parcels at no extra cost
     * and stops by itself; a cancelled order's parcel is marked completed so
     * it is not followed for weeks.
     */
    async stop(parcels: Parcel[]) {
      const out = new Map<string, ItemOutcome>();
      for (const parcel of parcels) {
        const key = parcel.trackingNumber.toUpperCase();
        if (!parcel.cancelled) {
          out.set(key, { ok: true });
          continue;
        }
        const id = await idOf(parcel);
        if (!id) {
          out.set(key, { ok: true }); // AfterShip does not know it: nothing to stop
          continue;
        }
        const { answer, envelope } = await call('POST', `/trackings/${encodeURIComponent(id)}/mark-as-completed`, { reason: 'LOST' });
        const code = envelope.meta?.code ?? answer.status;
        if ((answer.status >= 200 && answer.status < 300) || code === NOT_FOUND) out.set(key, { ok: true });
        else out.set(key, { ok: false, final: answer.status === 400, error: describe(envelope, answer.status) });
      }
      return out;
    },

    async changeCarrier(parcel: Parcel, carrier: string) {
      const slug = slugOf(carrier);
      if (!slug) return { ok: false, final: true, error: `AfterShip has no slug for "${carrier}"` };
      const id = await idOf(parcel);
      if (!id) return { ok: false, final: true, error: `AfterShip has no tracking for ${parcel.trackingNumber}` };
      const { answer, envelope } = await call('PUT', `/trackings/${encodeURIComponent(id)}`, { slug });
      if (answer.status >= 200 && answer.status < 300) return { ok: true, providerId: id, detectedCarrier: null };
      return { ok: false, final: answer.status === 400 || answer.status === 404, error: describe(envelope, answer.status) };
    },

    async check() {
      const { answer, envelope } = await call('GET', '/couriers');
      if (answer.status !== 200) return { ok: false, detail: describe(envelope, answer.status) };
      const total = (envelope.data as { total?: number } | undefined)?.total;
      return { ok: true, detail: `key valid${typeof total === 'number' ? `; ${total} couriers enabled` : ''}`, quotaLeft: null };
    },
  };
}
