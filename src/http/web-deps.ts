import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Clock } from '../domain/clock.js';
import type { Metrics } from '../metrics.js';
import type { OrderServiceDeps } from '../services/orders.js';
import type { OpenLedger } from '../store/ledger-api.js';

/**
 * What the web role takes from the process that hosts it (the runtime, or a
 * test): declared here so src/http/ never imports the composition root, the
 * daemon or jobs/.
 */
export interface WebRuntime {
  readonly ledger: OpenLedger;
  readonly config: Config;
  readonly clock: Clock;
  readonly logger: Logger;
  metrics(): Metrics;
  /** The queue connection, for /readyz. */
  redis(): Promise<{ ping(): Promise<unknown> }>;
  /** The send queue, for the queue dashboard (bull-board). */
  sendQueue(): Promise<import('bullmq').Queue>;
  orderDeps(): OrderServiceDeps;
  /** Queues what is due now (the promoter's work, at once). */
  promote(): Promise<number>;
  /** After orders were written: queue what is due, ask for new parcels to be registered. */
  queueAfterWrite(): Promise<number>;
  /** Removes queued jobs of cancelled sends (a courtesy; the worker re-checks the row). */
  removeJobs(sendIds: number[]): Promise<void>;
  /** Hands stored tracking events to the queue as jobs. */
  enqueueTrackingEvents(eventIds: readonly number[]): Promise<void>;
}
