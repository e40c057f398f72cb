import { z } from 'zod';
import { findCarrier } from '../domain/carriers.js';
import { outcomeForTrackingMore } from '../domain/tracking-map.js';
import type { NormalizedEvent } from '../domain/tracking-status.js';
import { advances, invalid, toUtcIso, withHistory, type AdapterResult } from './adapter.js';
import { asciiUpper } from '../domain/identifiers.js';

export const TRACKINGMORE = 'trackingmore';

const text = z.string().nullish();

const Checkpoint = z.object({ checkpoint_date: text, checkpoint_delivery_status: text, checkpoint_delivery_substatus: text });
const Info = z.object({ trackinfo: z.array(Checkpoint).max(1000).nullish() }).nullish();

/** One TrackingMore v4 tracking object: the webhook's `data`, and each item of GET /trackings/get. */
export const TrackingMoreTracking = z.object({
  id: z.union([z.string(), z.number()]).nullish(),
  tracking_number: z.union([z.string(), z.number()]).transform((v) => String(v).trim()).pipe(z.string().min(1)),
  courier_code: text,
  delivery_status: text,
  substatus: text,
  latest_checkpoint_time: text,
  origin_info: Info,
  destination_info: Info,
});

const Payload = z.object({ data: TrackingMoreTracking });

/** TrackingMore has no event id: number + sub-status + checkpoint time identifies a status change. */
function dedupKey(number: string, status: string | null | undefined, time: string | null | undefined): string {
  return `${number}.${status ?? 'none'}.${time ?? 'none'}`;
}

/** Our carrier code for a TrackingMore courier code (they mostly match AfterShip's slugs). */
export function carrierFromTrackingMore(code: string | null | undefined): string | null {
  return code ? (findCarrier(code)?.code ?? null) : null;
}

/** A tracking object → its current status event and the furthest history scan beyond it. */
export function trackingMoreEvents(tracking: z.infer<typeof TrackingMoreTracking>): NormalizedEvent[] {
  const number = asciiUpper(tracking.tracking_number);
  const carrier = carrierFromTrackingMore(tracking.courier_code);
  const status = tracking.delivery_status ?? null;
  const sub = tracking.substatus ?? null;
  const time = tracking.latest_checkpoint_time ?? null;
  const primary: NormalizedEvent = {
    provider: TRACKINGMORE,
    dedupKey: dedupKey(number, sub ?? status, time),
    trackingNumber: number,
    carrier,
    providerStatus: `${status ?? ''}/${sub ?? ''}`,
    outcome: outcomeForTrackingMore(status, sub),
    occurredAt: toUtcIso(time),
  };
  const checkpoints = [...(tracking.origin_info?.trackinfo ?? []), ...(tracking.destination_info?.trackinfo ?? [])];
  const history = checkpoints.flatMap((c): NormalizedEvent[] => {
    const outcome = outcomeForTrackingMore(c.checkpoint_delivery_status, c.checkpoint_delivery_substatus);
    if (!c.checkpoint_date || !advances(primary.outcome, outcome)) return [];
    const key = c.checkpoint_delivery_substatus ?? c.checkpoint_delivery_status;
    return [{
      provider: TRACKINGMORE,
      dedupKey: dedupKey(number, key, c.checkpoint_date),
      trackingNumber: number,
      carrier,
      providerStatus: `${c.checkpoint_delivery_status ?? ''}/${c.checkpoint_delivery_substatus ?? ''}`,
      outcome,
      occurredAt: toUtcIso(c.checkpoint_date),
    }];
  });
  return withHistory(primary, history);
}

/** TrackingMore v4 webhook: `{meta, data}` with `data` one tracking object, as GET /trackings/get returns it. */
export function adaptTrackingMore(payload: unknown): AdapterResult {
  const parsed = Payload.safeParse(payload);
  if (!parsed.success) return invalid(parsed.error);
  const tracking = parsed.data.data;
  if (!tracking.delivery_status && !tracking.latest_checkpoint_time) return { kind: 'ignored', reason: 'no tracking status yet' };
  return { kind: 'events', events: trackingMoreEvents(tracking) };
}
