import type { Logger } from 'pino';
import type { Clock } from '../domain/clock.js';
import type { Ledger } from '../store/ledger-api.js';
import type { HttpLimits } from './limits.js';
import type { WebhookSecrets } from './secrets.js';
import type { FeedbackDeps } from '../services/feedback.js';

/** What the HTTP app may touch: narrow, wired once by the caller (startHttpServer or a test). */
export interface HttpAppDeps {
  ledger: Ledger;
  clock: Clock;
  logger: Logger;
  secrets: WebhookSecrets;
  /** Hands stored tracking events to the queue. The answer never waits for it; it should fail rather than hang. */
  enqueueTrackingEvents(eventIds: number[]): Promise<void>;
  /** Counts events stored from webhooks (metrics), when the process keeps metrics. */
  countPushedEvents?(n: number): void;
  /** Timeouts and a connection cap for the Node server; default: Node's own (tests building the app alone). */
  limits?: HttpLimits;
  /**
   * Tests only: which SNS SigningCertURL / SubscribeURL may be fetched. Absent (production), only
   * https://sns.<region>.amazonaws.com(.cn) (src/http/webhooks/mail/sns.ts).
   */
  snsUrlAllowed?: (url: URL) => boolean;
  /** Records ratings from review platforms (POST /webhooks/feedback); absent, that route answers 503. */
  feedback?: FeedbackHooks;
}

/** What the feedback route needs beyond the webhook deps: the order services, and a nudge to queue what is due. */
export interface FeedbackHooks {
  deps: FeedbackDeps;
  /** Queues the thanks letters now; when it fails, the promoter's next run does it. */
  promote(): Promise<unknown>;
}
