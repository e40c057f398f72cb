import { z } from 'zod';
import { findCarrierBySeventeenTrack } from '../domain/carriers.js';
import { outcomeForSeventeenTrack } from '../domain/tracking-map.js';
import type { NormalizedEvent } from '../domain/tracking-status.js';
import { advances, invalid, toUtcIso, withHistory, type AdapterResult } from './adapter.js';
import { asciiUpper } from '../domain/identifiers.js';

export const SEVENTEEN_TRACK = '17track';

const text = z.string().nullish();

const TrackEvent = z.object({ time_iso: text, time_utc: text, sub_status: text });

const Payload = z.object({
  event: z.string(),
  data: z.object({
    number: z.union([z.string(), z.number()]).transform((v) => String(v).trim()).pipe(z.string().min(1)),
    carrier: z.number().int().nullish(),
    track_info: z
      .object({
        latest_status: z.object({ status: text, sub_status: text }).nullish(),
        latest_event: TrackEvent.nullish(),
        tracking: z
          .object({ providers: z.array(z.object({ events: z.array(TrackEvent).max(1000).nullish() })).max(20).nullish() })
          .nullish(),
      })
      .nullish(),
  }),
});

type TrackEvent = z.infer<typeof TrackEvent>;

const HANDLED_EVENTS = new Set(['TRACKING_UPDATED', 'TRACKING_STOPPED']);

function eventTime(event: TrackEvent | null | undefined): string | null {
  return event?.time_utc || event?.time_iso || null;
}

/** 17TRACK has no event id: number + event time + sub-status identifies a status change. */
function dedupKey(number: string, time: string | null, subStatus: string | null | undefined): string {
  return `${number}.${time ?? 'none'}.${subStatus ?? 'none'}`;
}

/** 17TRACK API v2 push: one tracking number per request, `data.track_info` as in gettrackinfo. */
export function adaptSeventeenTrack(payload: unknown): AdapterResult {
  const parsed = Payload.safeParse(payload);
  if (!parsed.success) return invalid(parsed.error);
  const { event, data } = parsed.data;
  if (!HANDLED_EVENTS.has(event)) return { kind: 'ignored', reason: `event "${event}" is not a tracking update` };

  const number = asciiUpper(data.number);
  const carrier = data.carrier ? (findCarrierBySeventeenTrack(data.carrier)?.code ?? null) : null;
  const info = data.track_info;
  const status = info?.latest_status?.status ?? null;
  const subStatus = info?.latest_status?.sub_status ?? info?.latest_event?.sub_status ?? null;
  const time = eventTime(info?.latest_event);
  const primary: NormalizedEvent = {
    provider: SEVENTEEN_TRACK,
    dedupKey: dedupKey(number, time, subStatus ?? status ?? (event === 'TRACKING_STOPPED' ? 'stopped' : null)),
    trackingNumber: number,
    carrier,
    providerStatus: info ? `${status ?? ''}/${subStatus ?? ''}` : event,
    outcome: info ? outcomeForSeventeenTrack(status, subStatus) : null,
    occurredAt: toUtcIso(time),
  };
  const history = (info?.tracking?.providers ?? [])
    .flatMap((p) => p.events ?? [])
    .flatMap((e): NormalizedEvent[] => {
      const time = eventTime(e);
      const outcome = e.sub_status ? outcomeForSeventeenTrack(null, e.sub_status) : null;
      if (!e.sub_status || !time || !advances(primary.outcome, outcome)) return [];
      return [{
        provider: SEVENTEEN_TRACK,
        dedupKey: dedupKey(number, time, e.sub_status),
        trackingNumber: number,
        carrier,
        providerStatus: `${e.sub_status.split('_')[0]}/${e.sub_status}`,
        outcome,
        occurredAt: toUtcIso(time),
      }];
    });
  return { kind: 'events', events: withHistory(primary, history) };
}
