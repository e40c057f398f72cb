import { z } from 'zod';
import { findCarrier } from '../domain/carriers.js';
import { outcomeForEasyPost } from '../domain/tracking-map.js';
import type { NormalizedEvent } from '../domain/tracking-status.js';
import { advances, invalid, toUtcIso, withHistory, type AdapterResult } from './adapter.js';
import { asciiUpper } from '../domain/identifiers.js';

export const EASYPOST = 'easypost';

const text = z.string().nullish();

const Detail = z.object({ status: text, status_detail: text, datetime: text });

const Payload = z.object({
  /** `evt_...`: EasyPost delivers at least once, so this is the idempotency key. */
  id: z.string().min(1),
  description: z.string(),
  result: z.object({
    tracking_code: z.union([z.string(), z.number()]).transform((v) => String(v).trim()).pipe(z.string().min(1)),
    carrier: text,
    status: text,
    status_detail: text,
    updated_at: text,
    tracking_details: z.array(Detail).max(1000).nullish(),
  }).nullish(),
});

const TRACKER_EVENTS = new Set(['tracker.created', 'tracker.updated']);

/** EasyPost Event whose `result` is a Tracker (`tracker.created` / `tracker.updated`). */
export function adaptEasyPost(payload: unknown): AdapterResult {
  const parsed = Payload.safeParse(payload);
  if (!parsed.success) return invalid(parsed.error);
  const { id, description, result } = parsed.data;
  if (!TRACKER_EVENTS.has(description)) return { kind: 'ignored', reason: `event "${description}" is not a tracker update` };
  if (!result) return { kind: 'invalid', problems: ['result: a tracker event needs its Tracker'] };

  const code = asciiUpper(result.tracking_code);
  const carrier = result.carrier ? (findCarrier(result.carrier)?.code ?? null) : null;
  const details = result.tracking_details ?? [];
  const latest = details.filter((d) => d.status === result.status).at(-1) ?? details.at(-1);
  const primary: NormalizedEvent = {
    provider: EASYPOST,
    dedupKey: id,
    trackingNumber: code,
    carrier,
    providerStatus: `${result.status ?? ''}/${result.status_detail ?? ''}`,
    outcome: outcomeForEasyPost(result.status),
    occurredAt: toUtcIso(latest?.datetime) ?? toUtcIso(result.updated_at),
  };
  const history = details.flatMap((d): NormalizedEvent[] => {
    const outcome = d.status ? outcomeForEasyPost(d.status) : null;
    if (!d.datetime || !d.status || !advances(primary.outcome, outcome)) return [];
    return [{
      provider: EASYPOST,
      dedupKey: `${code}.${d.status}/${d.status_detail ?? ''}.${d.datetime}`,
      trackingNumber: code,
      carrier,
      providerStatus: `${d.status}/${d.status_detail ?? ''}`,
      outcome,
      occurredAt: toUtcIso(d.datetime),
    }];
  });
  return { kind: 'events', events: withHistory(primary, history) };
}
