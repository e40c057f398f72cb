import { DateTime } from 'luxon';
import { z } from 'zod';
import { carrierCodes, findCarrier } from '../domain/carriers.js';
import { GENERIC_STATUSES, isGenericStatus, outcomeForGeneric } from '../domain/tracking-map.js';
import type { NormalizedEvent } from '../domain/tracking-status.js';
import { invalid, toUtcIso, type AdapterResult } from './adapter.js';
import { asciiUpper } from '../domain/identifiers.js';

export const GENERIC = 'generic';

/**
 * postship's own format, for shops and carriers without AfterShip or 17TRACK:
 * one event, or `{ "events": [...] }` (up to 100). Strict, since the sender
 * controls it: a typo should fail loudly, not vanish.
 */
const GenericEvent = z.object({
  event_id: z.string().trim().min(1).max(200),
  tracking_number: z
    .union([z.string(), z.number()])
    .transform((v) => String(v).trim())
    .pipe(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be 1-64 letters, digits or dashes')),
  carrier: z
    .string()
    .nullish()
    .refine((c) => !c || findCarrier(c) !== undefined, { message: `unknown carrier (known: ${carrierCodes().join(', ')})` }),
  status: z.string().refine(isGenericStatus, { message: `must be one of ${Object.keys(GENERIC_STATUSES).join(', ')}` }),
  occurred_at: z
    .string()
    .refine((t) => DateTime.fromISO(t, { setZone: true }).isValid && /(Z|[+-]\d\d:?\d\d)$/.test(t), {
      message: 'must be an ISO-8601 instant with a zone, e.g. "2025-01-08T05:40:00Z"',
    }),
});

const Payload = z.union([GenericEvent.transform((e) => [e]), z.object({ events: z.array(GenericEvent).min(1).max(100) }).transform((p) => p.events)]);

export type GenericEvent = z.input<typeof GenericEvent>;

export function adaptGeneric(payload: unknown): AdapterResult {
  const parsed = Payload.safeParse(payload);
  if (!parsed.success) {
    // A union's error says little; report against the shape the sender most likely meant.
    const meant = typeof payload === 'object' && payload !== null && 'events' in payload
      ? z.object({ events: z.array(GenericEvent).min(1).max(100) }) : GenericEvent;
    return invalid(meant.safeParse(payload).error ?? parsed.error);
  }
  const events = parsed.data.map((e): NormalizedEvent => ({
    provider: GENERIC,
    dedupKey: e.event_id,
    trackingNumber: asciiUpper(e.tracking_number),
    carrier: e.carrier ? (findCarrier(e.carrier)?.code ?? null) : null,
    providerStatus: e.status,
    outcome: outcomeForGeneric(e.status),
    occurredAt: toUtcIso(e.occurred_at),
  }));
  return { kind: 'events', events };
}
