import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Db } from './store/db.js';

export interface Metrics {
  registry: Registry;
  /** Outcomes this process recorded (sent, skipped, failed...). */
  sendOutcomes: Counter<'milestone' | 'outcome'>;
  /** Time from handing a message to the transport to its acceptance. */
  sendDuration: Histogram<'milestone'>;
  /** How late after its due time a message left. */
  dueLag: Histogram<'milestone'>;
  webhookRequests: Counter<'provider' | 'outcome'>;
}

export interface MetricsSources {
  db: Db;
  queue?: () => Promise<Queue>;
}

/**
 * Prometheus metrics, names prefixed `postship_`. Ledger counts are read from
 * SQLite at scrape time, so they are right whichever process sent the mail;
 * histograms and counters are this process's own.
 */
export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'postship_' });
  new Gauge({
    name: 'postship_sends',
    help: 'Sends in the ledger by milestone, status, carrier and destination country',
    labelNames: ['milestone', 'status', 'carrier', 'country'],
    registers: [registry],
    collect() {
      const rows = sources.db.$client
        .prepare(
          `SELECT s.milestone, s.status, o.carrier, o.country, count(*) AS n
           FROM sends s JOIN orders o ON o.order_id = s.order_id
           GROUP BY s.milestone, s.status, o.carrier, o.country`,
        )
        .all() as Array<{ milestone: string; status: string; carrier: string; country: string; n: number }>;
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
  return {
    registry,
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
