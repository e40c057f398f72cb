import type { ConfigFile } from '../../config/config-file.js';
import type { OrderServiceDeps } from '../../services/orders.js';

/** What the API may touch, wired once by the caller (the web server, or a test). */
export interface ApiDeps {
  orders: OrderServiceDeps;
  file: Pick<ConfigFile, 'stores'>;
  /** Queues what just became due and asks for tracking registration (Runtime.queueAfterWrite). */
  queueAfterWrite(): Promise<number>;
  /** Removes queued jobs of cancelled sends: a courtesy, the worker re-checks the row. */
  removeJobs(sendIds: number[]): Promise<void>;
  /** Failed authentications per client address and window (default 20 a minute). */
  authFailures?: { max: number; windowMs: number };
  /** How long an answer waits for Redis before saying queued: null (default 2 s). */
  queueTimeoutMs?: number;
}
