import { sendDigests } from '../src/services/digest.js';
import type { JobDeps } from './deps.js';

/** Scheduler id and job name of the daily seller digest. */
export const DIGEST_JOB = 'digest';
/** Every day at 07:00 UTC; the store guard in sendDigests keeps it to one per store per day. */
export const DIGEST_SCHEDULE = { pattern: '0 7 * * *', tz: 'UTC' } as const;

export function runDigest(deps: JobDeps) {
  return sendDigests(deps);
}
