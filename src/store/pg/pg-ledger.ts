import { sql } from 'drizzle-orm';
import { RuntimeError } from '../../domain/errors.js';
import type { OpenLedger, Ledger, LedgerQueries } from '../ledger-api.js';
import { SENDS_BY_LANE_SQL } from '../ledger-stats-sql.js';
import type { LaneCount } from '../ledger-stats.js';
import { openPgLedger, type PgLedger, type PgOpenOptions } from './ledger.js';
import { redactPgUrl } from './url.js';
import { isPgUnavailable } from './errors.js';
import type { PgQ } from './queries.js';
import { QUERY_NAMES } from '../query-names.js';
import { pgApiTokensQueries } from './api-tokens-queries.js';
import { pgDashboardAttentionQueries } from './dashboard-attention-queries.js';
import { pgDashboardOrdersQueries } from './dashboard-orders-queries.js';
import { pgDashboardDrift, pgDashboardQueries } from './dashboard-queries.js';
import { pgLedgerQueries } from './ledger-queries.js';
import { pgLettersQueries } from './letters-queries.js';
import { pgMailEventsQueries } from './mail-events-queries.js';
import { pgMetaQueries } from './meta-queries.js';
import { pgOrderBatchQueries, pgOrderBatchWriter } from './order-batch-queries.js';
import { pgPruneQueries } from './prune-queries.js';
import { pgRegistrationsQueries } from './registrations-queries.js';
import { pgRepliesQueries } from './replies-queries.js';
import { pgLastEventReader, pgReportsQueries } from './reports-queries.js';
import { pgIterateSends, pgSendListQueries } from './send-list-queries.js';
import { pgStoreWebhooksQueries } from './store-webhooks-queries.js';
import { pgTrackingEventWriter, pgTrackingQueries } from './tracking-queries.js';

/** Every query module on one connection or transaction. */
function pgQueries(db: PgQ): LedgerQueries {
  return {
    ...pgLedgerQueries(db),
    ...pgTrackingQueries(db),
    ...pgRegistrationsQueries(db),
    ...pgRepliesQueries(db),
    ...pgMailEventsQueries(db),
    ...pgMetaQueries(db),
    ...pgApiTokensQueries(db),
    ...pgStoreWebhooksQueries(db),
    ...pgLettersQueries(db),
    ...pgPruneQueries(db),
    ...pgReportsQueries(db),
    ...pgSendListQueries(db),
    ...pgDashboardQueries(db),
    ...pgDashboardOrdersQueries(db),
    ...pgDashboardAttentionQueries(db),
    ...pgOrderBatchQueries(db),
  };
}

function pgOps(db: PgQ, identity: object): Ledger {
  return {
    ...pgQueries(db),
    identity,
    // A transaction inside one is a savepoint (Drizzle nests them so).
    transaction: (fn) => db.transaction((tx) => fn(pgOps(tx as unknown as PgQ, identity))),
    trackingEventWriter: (clock) => pgTrackingEventWriter(db, clock),
    orderBatchWriter: () => pgOrderBatchWriter(db),
    lastEventReader: () => pgLastEventReader(db),
    iterateSends: (filter, chunk) => pgIterateSends(db, filter, chunk),
    dashboardDrift: () => pgDashboardDrift(db),
  };
}

/**
 * The ledger on PostgreSQL: one pool for the process. It connects and
 * migrates (under an advisory lock) on first use, so building it is
 * synchronous like SQLite's; a server that cannot be reached fails the
 * first call with the error `openPgLedger` words, and the next call tries again.
 */
export function postgresLedger(url: string, options: PgOpenOptions = {}): OpenLedger {
  const identity = {};
  let opening: Promise<{ pg: PgLedger; ops: Ledger }> | null = null;
  let closed = false;
  const ready = () => {
    // A closed ledger stays closed: a late call fails instead of opening (and migrating) a pool nobody closes.
    if (closed) return Promise.reject(new RuntimeError('db_closed', `the PostgreSQL ledger ${redactPgUrl(url)} was closed`, 'This is a bug in postship: a call came after shutdown.'));
    return (opening ??= openPgLedger(url, options).then(
      (pg) => ({ pg, ops: pgOps(pg.db as unknown as PgQ, identity) }),
      (err: unknown) => {
        opening = null;
        throw err;
      },
    ));
  };
  const on = async () => (await ready()).ops;
  const queries: Record<string, unknown> = {};
  for (const q of QUERY_NAMES) queries[q] = async (...args: unknown[]) => ((await on())[q as keyof LedgerQueries] as (...a: unknown[]) => unknown)(...args);
  // A writer or reader made before the pool is up: it is built on first use.
  const later = <F extends (...a: never[]) => Promise<unknown>>(make: (ops: Ledger) => F): F => {
    let made: Promise<F> | null = null;
    return (async (...a: Parameters<F>) => (await (made ??= on().then(make)))(...a)) as F;
  };
  const ops: Ledger = {
    ...(queries as unknown as LedgerQueries),
    identity,
    transaction: async (fn) => (await on()).transaction(fn),
    trackingEventWriter: (clock) => later((o) => o.trackingEventWriter(clock)),
    orderBatchWriter: () => later((o) => o.orderBatchWriter()),
    lastEventReader: () => later((o) => o.lastEventReader()),
    iterateSends: (filter, chunk) => ({
      async *[Symbol.asyncIterator]() {
        yield* (await on()).iterateSends(filter, chunk);
      },
    }),
    dashboardDrift: async () => (await on()).dashboardDrift(),
  };
  const name = redactPgUrl(url);
  return {
    ...ops,
    engine: 'postgres',
    name,
    // Each statement commits on its own connection from the pool: nothing to gain from grouping.
    grouped: { claimSend: (...a) => ops.claimSend(...a), recordSent: (...a) => ops.recordSent(...a) },
    ledgerStats: () => ({
      sendsByLane: async () => {
        const { pg } = await ready();
        return (await pg.db.execute(sql.raw(SENDS_BY_LANE_SQL))).rows as unknown as LaneCount[];
      },
      stop: async () => {},
    }),
    watchFile: () => undefined,
    noteWriteFailure: () => undefined,
    isUnavailable: isPgUnavailable,
    check: async () => {
      const { pg } = await ready();
      try {
        await pg.pool.query('SELECT 1');
      } catch (err) {
        throw new RuntimeError('db_unavailable', `PostgreSQL ledger ${name} does not answer: ${(err as Error).message}`, 'Check the PostgreSQL server is up and reachable.', { cause: err });
      }
    },
    close: async () => {
      closed = true;
      const current = opening;
      opening = null;
      if (current) await current.then(({ pg }) => pg.close(), () => undefined);
    },
  };
}

