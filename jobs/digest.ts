import { sendDigests } from '../src/services/digest.js';
import type { JobDeps } from './deps.js';

/** The daily seller digest (scheduled in src/queue/job-specs.ts); the store guard in sendDigests keeps it to one per store per day. */
export function runDigest(deps: JobDeps) {
  return sendDigests(deps);
}
