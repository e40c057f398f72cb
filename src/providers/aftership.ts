import { z } from 'zod';
import { findCarrier } from '../domain/carriers.js';
import { outcomeForAftership } from '../domain/tracking-map.js';
import type { NormalizedEvent } from '../domain/tracking-status.js';
import { advances, invalid, toUtcIso, withHistory, type AdapterResult } from './adapter.js';
import { asciiUpper } from '../domain/identifiers.js';

export const AFTERSHIP = 'aftership';

const text = z.string().nullish();

// Only the fields postship reads; AfterShip adds fields with every webhook version.
const Checkpoint = z.object({ checkpoint_time: text, created_at: text, tag: text, subtag: text });

const Payload = z.object({
  event: text,
  /** UUID per webhook event; the legacy 4.x format may lack it. */
  event_id: z.string().min(1).nullish(),
  ts: z.number().nullish(),
  msg: z.object({
    tracking_number: z.union([z.string(), z.number()]).transform((v) => String(v).trim()).pipe(z.string().min(1)),
    slug: text,
    tag: text,
    subtag: text,
    return_to_sender: z.boolean().nullish(),
    checkpoints: z.array(Checkpoint).max(1000).nullish(),
  }),
});

type Checkpoint = z.infer<typeof Checkpoint>;

/** Built from the scan itself, so the same scan in a replayed history gets the same key. */
function scanKey(trackingNumber: string, tag: string | null | undefined, subtag: string | null | undefined, time: string) {
  return `${trackingNumber}.${tag ?? ''}/${subtag ?? ''}.${time}`;
}

/** The scan behind the current status: the last checkpoint with the current subtag, else the last. */
function currentCheckpoint(checkpoints: Checkpoint[], subtag: string | null | undefined): Checkpoint | undefined {
  const matching = checkpoints.filter((c) => c.subtag && c.subtag === subtag);
  return matching.at(-1) ?? checkpoints.at(-1);
}

/**
 * AfterShip Tracking webhook (versioned formats and legacy 4.x): the tracking
 * object under `msg` with `tag`, `subtag` and `checkpoints[]`, oldest first.
 */
export function adaptAftership(payload: unknown): AdapterResult {
  const parsed = Payload.safeParse(payload);
  if (!parsed.success) return invalid(parsed.error);
  const { event, event_id: eventId, ts, msg } = parsed.data;
  if (event && event !== 'tracking_update') return { kind: 'ignored', reason: `event "${event}" carries no delivery status` };

  const trackingNumber = asciiUpper(msg.tracking_number);
  const carrier = msg.slug ? (findCarrier(msg.slug)?.code ?? null) : null;
  const checkpoints = msg.checkpoints ?? [];
  const current = currentCheckpoint(checkpoints, msg.subtag);
  const currentTime = current?.checkpoint_time || current?.created_at || (ts ? String(ts) : 'none');
  const primary: NormalizedEvent = {
    provider: AFTERSHIP,
    dedupKey: eventId ?? scanKey(trackingNumber, msg.tag, msg.subtag, currentTime),
    trackingNumber,
    carrier,
    providerStatus: `${msg.tag ?? ''}/${msg.subtag ?? ''}${msg.return_to_sender ? ' return_to_sender' : ''}`,
    // Set once any scan says "returning" or "returned to sender", whatever the tag is now.
    outcome: msg.return_to_sender ? 'returned' : outcomeForAftership(msg.tag, msg.subtag),
    occurredAt: toUtcIso(current?.checkpoint_time) ?? toUtcIso(current?.created_at) ?? toUtcIso(ts),
  };
  const history = checkpoints.flatMap((c): NormalizedEvent[] => {
    const time = c.checkpoint_time || c.created_at;
    const outcome = outcomeForAftership(c.tag, c.subtag);
    if (!time || !advances(primary.outcome, outcome)) return [];
    return [{
      provider: AFTERSHIP,
      dedupKey: scanKey(trackingNumber, c.tag, c.subtag, time),
      trackingNumber,
      carrier,
      providerStatus: `${c.tag ?? ''}/${c.subtag ?? ''}`,
      outcome,
      occurredAt: toUtcIso(time),
    }];
  });
  return { kind: 'events', events: withHistory(primary, history) };
}
