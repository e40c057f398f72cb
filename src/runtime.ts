import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { JobDeps } from '../jobs/deps.js';
import { DEFAULT_REDIS_URL, type Config } from './config/config.js';
import { systemClock, type Clock } from './domain/clock.js';
import { createLogger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { TemplateSet } from './mail/templates.js';
import { createTransport, type MailTransport } from './mail/transport.js';
import { channelSecretFrom, routingTransport, webhookChannelTransport } from './mail/webhook-channel.js';
// BullMQ and ioredis (queue/*) and the reconciler are loaded when first used (await import below):
// a command that only reads the ledger, or finds Redis down, never loads BullMQ.
import type { SendJobData } from './queue/queues.js';
import { profileResolver, type ProfileResolver } from './services/profiles.js';
import type { OrderServiceDeps } from './services/orders.js';
import { Shutdown } from './shutdown.js';
import { trackingChoice, trackingProviders } from './tracking/index.js';
import { startCheckpointer, type Checkpointer } from './store/checkpointer.js';
import type { OpenLedger } from './store/ledger-api.js';
import { openLedger } from './store/open.js';

/** How a process uses its resources: set explicitly, or take LONG_RUNNING / ONE_SHOT. */
export interface RuntimeOptions {
  clock?: Clock;
  logger?: Logger;
  /** A transport of the caller's (tests); else one is built from the config on first use. */
  transport?: MailTransport;
  /** Redis: `wait` reconnects through outages (workers); `fail-fast` throws one clear error (commands). */
  redis: 'wait' | 'fail-fast';
  /** SQLite's WAL checkpoints on a thread of their own, off the event loop (see store/checkpointer.ts). */
  backgroundCheckpoints: boolean;
  /** SMTP on a thread of its own, unless POSTSHIP_SMTP_THREAD=off. */
  smtpThread: boolean;
}

/** The daemon and `postship worker`: they wait out outages and keep slow work off the event loop. */
export const LONG_RUNNING = { redis: 'wait', backgroundCheckpoints: true, smtpThread: true } as const satisfies RuntimeOptions;
/** A one-shot CLI command: it fails fast with one clear line, and does its few writes inline. */
export const ONE_SHOT = { redis: 'fail-fast', backgroundCheckpoints: false, smtpThread: false } as const satisfies RuntimeOptions;

/**
 * The composition root: config, clock, logger, database, Redis, queue,
 * templates and transport wired once, handed out as narrow dependencies.
 * Redis and the transport are opened lazily, so commands that only read the
 * ledger never need them. Everything it opens, and what the caller registers
 * on `shutdown` (HTTP, workers), closes through one registry with one deadline.
 */
export class Runtime {
  readonly ledger: OpenLedger;
  readonly profiles: ProfileResolver;
  readonly templates = new TemplateSet();
  readonly shutdown = new Shutdown();
  private redisConn: Redis | null = null;
  private queue: Queue<SendJobData> | null = null;
  private mail: MailTransport | null = null;
  private metricsInstance: Metrics | null = null;
  private checkpointer: Checkpointer | null = null;

  readonly clock: Clock;
  readonly logger: Logger;

  constructor(
    readonly config: Config,
    private readonly options: RuntimeOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? createLogger(config.logLevel);
    this.ledger = openLedger(config.dbPath);
    this.profiles = profileResolver(config.file);
    this.mail = options.transport ?? null;
    if (options.backgroundCheckpoints) this.checkpointInBackground();
  }

  /** Moves SQLite's WAL checkpoints to a thread of their own (see store/checkpointer.ts); PostgreSQL has its own. */
  checkpointInBackground(): void {
    if (this.ledger.sqlite) this.checkpointer ??= startCheckpointer(this.ledger.sqlite, this.logger);
  }

  get redisUrl(): string {
    return this.config.redisUrl ?? DEFAULT_REDIS_URL;
  }

  /** Connects on first use; throws one clear RuntimeError when Redis is down. */
  async redis(): Promise<Redis> {
    if (!this.redisConn) {
      const { connectRedis, ensureRedis } = await import('./queue/redis.js');
      const connection = connectRedis(this.redisUrl, this.options.redis === 'wait' ? 'worker' : 'command');
      try {
        await ensureRedis(connection, this.redisUrl);
      } catch (err) {
        // Forget a connection that never came up, so the next call tries afresh.
        connection.disconnect();
        throw err;
      }
      this.redisConn = connection;
    }
    return this.redisConn;
  }

  async sendQueue(): Promise<Queue<SendJobData>> {
    if (!this.queue) {
      const connection = await this.redis();
      const { createSendQueue } = await import('./queue/queues.js');
      this.queue ??= createSendQueue(connection, this.config);
    }
    return this.queue;
  }

  /** This process's Prometheus metrics (created on first use). */
  metrics(): Metrics {
    this.metricsInstance ??= createMetrics({ ledger: this.ledger, queue: () => this.sendQueue() });
    return this.metricsInstance;
  }

  transport(): MailTransport {
    // Email, and the webhook channel for stores with channel "webhook" (README "Channels"), behind one transport.
    this.mail ??= routingTransport(
      createTransport(this.config, { thread: this.options.smtpThread && this.config.smtpThread }),
      webhookChannelTransport({ secretFor: channelSecretFrom(process.env) }),
    );
    return this.mail;
  }

  /** Order entry and tracking: the registration outbox is written when a store tracks through a provider. */
  orderDeps(): OrderServiceDeps {
    return { ledger: this.ledger, clock: this.clock, profiles: this.profiles, tracking: this.trackingChoice };
  }

  private get trackingChoice() {
    return (this.choice ??= { value: trackingChoice(this.config) }).value;
  }
  private choice: { value: OrderServiceDeps['tracking'] } | undefined;

  /** The tracking loop's API clients (created on first use), or null when no provider is configured. */
  trackingSync(): JobDeps['tracking'] {
    if (this.trackingDeps === undefined) {
      const providers = trackingProviders(this.config);
      this.trackingDeps = providers.size > 0 ? { providers, pollAfterMs: this.config.tracking.pollAfterMs } : null;
    }
    return this.trackingDeps;
  }
  private trackingDeps: JobDeps['tracking'] | undefined;

  async promoterDeps() {
    return { ledger: this.ledger, clock: this.clock, sendQueue: await this.sendQueue(), settings: this.config, profiles: this.profiles };
  }

  async jobDeps(): Promise<JobDeps> {
    return {
      ledger: this.ledger,
      config: this.config,
      clock: this.clock,
      logger: this.logger,
      templates: this.templates,
      transport: this.transport(),
      sendQueue: await this.sendQueue(),
      profiles: this.profiles,
      tracking: this.trackingSync(),
      trackingChoice: this.trackingChoice,
      metrics: this.metrics(),
      unsubscribe: {
        publicUrl: this.config.publicUrl,
        secret: this.config.unsubscribeSecret ?? await this.ledger.installationSecret('unsubscribe-secret'),
      },
    };
  }

  /** Hands stored tracking events to the queue as jobs (webhooks, the sweep). */
  async enqueueTrackingEvents(eventIds: readonly number[]): Promise<void> {
    const queue = await this.sendQueue();
    const { enqueueTrackingEvents } = await import('./queue/queues.js');
    await enqueueTrackingEvents(queue, this.config, eventIds);
  }

  /** Asks the worker to register new parcels now, when a tracking provider is configured. */
  async requestTrackingSync(): Promise<void> {
    if (!this.trackingSync()) return;
    const queue = await this.sendQueue();
    const { requestTrackingSync } = await import('./queue/queues.js');
    await requestTrackingSync(queue, this.config);
  }

  async promote(): Promise<number> {
    const deps = await this.promoterDeps();
    const { promoteDue } = await import('./queue/promoter.js');
    return promoteDue(deps);
  }

  /**
   * After orders were written (CLI enqueue, the API, store webhooks): queues
   * what is due now and asks for the new parcels to be registered. Returns
   * the sends queued. Throws when Redis is down; the writes are durable and
   * the daemon's promoter queues them later.
   */
  async queueAfterWrite(): Promise<number> {
    const queued = await this.promote();
    // New parcels to register: the worker's next tick would find them too; this makes it now.
    await this.requestTrackingSync();
    return queued;
  }

  async reconcile() {
    const deps = await this.promoterDeps();
    const { reconcileLedger } = await import('./services/reconcile-ledger.js');
    return reconcileLedger({ ...deps, profiles: this.profiles, claimLeaseMs: this.config.claimLeaseMs });
  }

  /** Removes queued jobs of cancelled sends: a courtesy, the worker re-checks the row anyway. */
  async removeJobs(sendIds: number[]): Promise<void> {
    if (sendIds.length === 0) return;
    const queue = await this.sendQueue();
    const { sendJobId } = await import('./queue/queues.js');
    for (const id of sendIds) await queue.remove(sendJobId(id));
  }

  /**
   * Closes what the caller registered (HTTP, workers: first) and then what was
   * opened here: queue, Redis, transport, the ledger, within one deadline. Safe to call twice.
   */
  async close(deadlineMs = 10_000): Promise<void> {
    if (this.closing) return this.closing;
    this.shutdown.add('queue', () => this.queue?.close());
    this.shutdown.add('redis', () => this.redisConn?.quit().catch(() => this.redisConn?.disconnect()));
    this.shutdown.add('transport', () => this.mail?.close());
    this.shutdown.add('checkpointer', () => this.checkpointer?.stop());
    this.shutdown.add('ledger stats', () => this.metricsInstance?.stop());
    this.shutdown.add('database', () => this.ledger.close());
    this.closing = this.shutdown.close(deadlineMs, (name, err) =>
      this.logger.warn({ step: name, err: String(err) }, 'close failed'),
    );
    return this.closing;
  }
  private closing: Promise<void> | null = null;
}
