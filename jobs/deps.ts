import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../src/config/config.js';
import type { Clock } from '../src/domain/clock.js';
import type { MailTransport } from '../src/mail/transport.js';
import type { TemplateSet } from '../src/mail/templates.js';
import type { SendJobData } from '../src/queue/queues.js';
import type { ProfileResolver } from '../src/services/profiles.js';
import type { OpenLedger } from '../src/store/ledger-api.js';
import type { TrackingChoice } from '../src/domain/tracking-providers.js';
import type { TrackingProviderName } from '../src/domain/tracking-providers.js';
import type { TrackingProvider } from '../src/tracking/provider.js';
import type { Metrics } from '../src/metrics.js';
import type { Pacer } from '../src/mail/pacing.js';

/** What job handlers may touch: narrow, wired once in the composition root. */
export interface JobDeps {
  ledger: OpenLedger;
  config: Config;
  clock: Clock;
  logger: Logger;
  templates: TemplateSet;
  transport: MailTransport;
  sendQueue: Queue<SendJobData>;
  profiles: ProfileResolver;
  /** The tracking providers' API clients, when any is configured (the tracking.sync job). */
  tracking: { providers: ReadonlyMap<TrackingProviderName, TrackingProvider>; pollAfterMs: number } | null;
  /** Which provider registers an order's parcel, for handlers that apply events (push ends a silence). */
  trackingChoice?: TrackingChoice;
  /** This process's metrics, when it serves /metrics. */
  metrics?: Metrics;
  /** For review requests' one-click unsubscribe links. */
  unsubscribe: { publicUrl: string; secret: string };
  /** Per-domain rates and the per-store daily cap (src/mail/pacing.ts); the send worker sets it. */
  pacing?: Pacer;
}
