import { promoteDue } from '../src/queue/promoter.js';
import type { TrackingJobData } from '../src/queue/job-specs.js';
import { applyStoredEvent } from '../src/services/tracking.js';
import type { JobDeps } from './deps.js';

/**
 * Applies stored tracking events to their orders, in id order (applying one
 * twice changes nothing, so a retried job is harmless). When that scheduled a
 * message, promotes at once so it goes out now rather than at the next tick.
 */
export async function applyTrackingEvent(deps: JobDeps, data: TrackingJobData): Promise<string[]> {
  const ids = data.v === 1 ? [data.eventId] : data.eventIds;
  const outcomes: string[] = [];
  for (const eventId of ids) {
    const outcome = await applyStoredEvent({ ledger: deps.ledger, clock: deps.clock, profiles: deps.profiles, tracking: deps.trackingChoice }, eventId);
    deps.logger.debug({ eventId, outcome }, 'tracking event applied');
    outcomes.push(outcome);
  }
  if (outcomes.some((o) => o.startsWith('scheduled'))) {
    await promoteDue({ ledger: deps.ledger, sendQueue: deps.sendQueue, clock: deps.clock, settings: deps.config, profiles: deps.profiles });
  }
  return outcomes;
}
