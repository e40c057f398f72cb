import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TrackingObserver } from './services/tracking-sync.js';
import type { Ledger, OpenLedger } from './store/ledger-api.js';
import { GMAIL_SPAM_RATE_LIMIT, type HealthRow } from './store/mail-events.js';
import { TRACKING_PROVIDERS } from './domain/tracking-providers.js';

export interface Metrics {
  registry: Registry;
  /** Ends the ledger-stats thread. */
  stop(): Promise<void>;
  /** Outcomes this process recorded (sent, skipped, failed...). */
  sendOutcomes: Counter<'milestone' | 'outcome'>;
  /** Time from handing a message to the transport to its acceptance. */
  sendDuration: Histogram<'milestone'>;
  /** How late after its due time a message left. */
  dueLag: Histogram<'milestone'>;
  webhookRequests: Counter<'provider' | 'outcome'>;
  /** The tracking loop's hooks (src/services/tracking-sync.ts). */
  tracking: TrackingObserver;
  trackingEvents: Counter<'source'>;
}

export interface MetricsSources {
  ledger: OpenLedger;
  queue?: () => Promise<Queue>;
}

/**
 * Prometheus metrics, names prefixed `postship_`. Ledger counts are read from
 * SQLite at scrape time, so they are right whichever process sent the mail;
 * histograms and counters are this process's own.
 */
export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  const stats = sources.ledger.ledgerStats();
  collectDefaultMetrics({ register: registry, prefix: 'postship_' });
  new Gauge({
    name: 'postship_sends',
    help: 'Sends in the ledger by milestone, status, carrier and destination country',
    labelNames: ['milestone', 'status', 'carrier', 'country'],
    registers: [registry],
    async collect() {
      // Counted off the event loop and cached a few seconds (src/store/ledger-stats.ts): a full GROUP BY per scrape took seconds at a million orders.
      const rows = await stats.sendsByLane();
      this.reset();
      for (const r of rows) this.set({ milestone: r.milestone, status: r.status, carrier: r.carrier, country: r.country }, r.n);
    },
  });
  if (sources.queue) {
    const queue = sources.queue;
    new Gauge({
      name: 'postship_queue_jobs',
      help: 'BullMQ jobs by queue and state',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        const q = await queue();
        const counts = await q.getJobCounts('waiting', 'delayed', 'active', 'failed', 'prioritized');
        for (const [state, n] of Object.entries(counts)) this.set({ queue: q.name, state }, n);
      },
    });
  }
  deliverabilityGauges(registry, sources.ledger);
  new Gauge({
    name: 'postship_tracking_registrations',
    help: 'Tracking registrations in the ledger by provider and state (pending, registered, stopping, stopped, rejected)',
    labelNames: ['provider', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of await sources.ledger.registrationCounts()) this.set({ provider: r.provider, state: r.state }, r.count);
    },
  });
  new Gauge({
    name: 'postship_tracking_registration_paused',
    help: '1 while registration with a provider is paused (quota used up, rate limited, key refused)',
    labelNames: ['provider'],
    registers: [registry],
    async collect() {
      const now = Date.now();
      for (const provider of TRACKING_PROVIDERS) {
        const pause = await sources.ledger.providerPause(provider);
        this.set({ provider }, pause && pause.until > now ? 1 : 0);
      }
    },
  });
  const registrations = new Counter({
    name: 'postship_tracking_registration_outcomes_total',
    help: 'Registration attempts this process made, by provider and outcome (registered, rejected, deferred, quota, unauthorized)',
    labelNames: ['provider', 'outcome'],
    registers: [registry],
  });
  const quotaLeft = new Gauge({
    name: 'postship_tracking_quota_left',
    help: 'Registrations left with the provider, where it tells (17TRACK getquota)',
    labelNames: ['provider'],
    registers: [registry],
  });
  const polls = new Counter({ name: 'postship_tracking_polled_total', help: 'Parcels polled, by provider', labelNames: ['provider'], registers: [registry] });
  const pollLag = new Gauge({
    name: 'postship_tracking_poll_lag_seconds',
    help: 'How late after it fell due the last polled batch was fetched',
    labelNames: ['provider'],
    registers: [registry],
  });
  const stops = new Counter({ name: 'postship_tracking_stopped_total', help: 'Finished parcels stopped with the provider', labelNames: ['provider'], registers: [registry] });
  const trackingEvents = new Counter({
    name: 'postship_tracking_events_total',
    help: 'Tracking events stored by this process, by source (push = webhook, poll = fetched)',
    labelNames: ['source'],
    registers: [registry],
  });
  const tracking: TrackingObserver = {
    registration: (provider, outcome) => registrations.inc({ provider, outcome }),
    poll: (provider, n, lagMs) => {
      polls.inc({ provider }, n);
      pollLag.set({ provider }, lagMs / 1000);
    },
    events: (source, n) => trackingEvents.inc({ source }, n),
    stopped: (provider, n) => stops.inc({ provider }, n),
    quota: (provider, left) => quotaLeft.set({ provider }, left),
  };
  return {
    registry,
    stop: () => stats.stop(),
    tracking,
    trackingEvents,
    sendOutcomes: new Counter({
      name: 'postship_send_outcomes_total',
      help: 'Send decisions this process recorded, by milestone and outcome',
      labelNames: ['milestone', 'outcome'],
      registers: [registry],
    }),
    sendDuration: new Histogram({
      name: 'postship_send_duration_seconds',
      help: 'Time for the mail transport to accept a message',
      labelNames: ['milestone'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    dueLag: new Histogram({
      name: 'postship_send_due_lag_seconds',
      help: 'How late after its due time a message was accepted',
      labelNames: ['milestone'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers: [registry],
    }),
    webhookRequests: new Counter({
      name: 'postship_webhook_requests_total',
      help: 'Webhook requests by provider and outcome (accepted, duplicate, unauthorized, ...)',
      labelNames: ['provider', 'outcome'],
      registers: [registry],
    }),
  };
}

/** Recipient domains shown one by one per store; the rest are summed as `other` (label cardinality). */
const HEALTH_DOMAINS = 20;
/** The 7-day health is a scan of a week of sends: read at most once a minute. */
const HEALTH_CACHE_MS = 60_000;

function topDomains(rows: HealthRow[]): HealthRow[] {
  const out: HealthRow[] = [];
  const byStore = new Map<string, HealthRow[]>();
  for (const r of rows) byStore.set(r.store, [...(byStore.get(r.store) ?? []), r]);
  for (const [store, list] of byStore) {
    list.sort((a, b) => b.sent - a.sent);
    out.push(...list.slice(0, HEALTH_DOMAINS));
    const rest = list.slice(HEALTH_DOMAINS);
    if (rest.length === 0) continue;
    const other = { ...rest[0], store, domain: 'other', sent: 0, delivered: 0, bounced: 0, complained: 0, deferred: 0 };
    for (const r of rest) for (const k of ['sent', 'delivered', 'bounced', 'complained', 'deferred'] as const) other[k] += r[k];
    out.push({ ...other, bounceRate: other.sent ? other.bounced / other.sent : 0, complaintRate: other.sent ? other.complained / other.sent : 0 });
  }
  return out;
}

/** Issue 22's health view: the last 7 days per store (domain `*`) and per recipient domain, and the rates against Gmail's 0.3%. */
function deliverabilityGauges(registry: Registry, ledger: Ledger): void {
  let cached: { at: number; rows: HealthRow[] } | null = null;
  const rows = async () => {
    const now = Date.now();
    if (!cached || now - cached.at > HEALTH_CACHE_MS) {
      const health = await ledger.deliverabilityHealth({ now, days: 7 });
      cached = { at: now, rows: [...health.stores, ...topDomains(health.domains)] };
    }
    return cached.rows;
  };
  new Gauge({
    name: 'postship_mail_7d',
    help: 'Messages in the last 7 days by store, recipient domain (* = all) and what became of them: sent, delivered, bounced, complained, deferred',
    labelNames: ['store', 'domain', 'kind'],
    registers: [registry],
    async collect() {
      const current = await rows();
      this.reset();
      for (const r of current) for (const kind of ['sent', 'delivered', 'bounced', 'complained', 'deferred'] as const) this.set({ store: r.store, domain: r.domain, kind }, r[kind]);
    },
  });
  new Gauge({
    name: 'postship_mail_7d_rate',
    help: 'Bounces and complaints per message sent in the last 7 days, by store and recipient domain (* = all); compare with postship_mail_spam_rate_limit',
    labelNames: ['store', 'domain', 'rate'],
    registers: [registry],
    async collect() {
      const current = await rows();
      this.reset();
      for (const r of current) {
        this.set({ store: r.store, domain: r.domain, rate: 'bounce' }, r.bounceRate);
        this.set({ store: r.store, domain: r.domain, rate: 'complaint' }, r.complaintRate);
      }
    },
  });
  new Gauge({
    name: 'postship_mail_spam_rate_limit',
    help: "Gmail's bulk-sender spam-rate threshold (0.3%): complaint rates should stay well below it",
    registers: [registry],
    collect() {
      this.set(GMAIL_SPAM_RATE_LIMIT);
    },
  });
}
