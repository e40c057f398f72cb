/**
 * The one door to the ledger: what services, jobs, http and cli may ask of
 * it, whichever engine holds it. Each query keeps the name and parameters of
 * the SQLite function that answers it in `src/store/<module>.ts`, minus the
 * connection, and answers with a Promise; `src/store/pg/` answers the same
 * questions on PostgreSQL. Deriving the methods from the modules keeps the
 * two engines and the callers in lockstep: a query added to a module without
 * its PostgreSQL twin does not compile.
 */
import type { Db } from './db.js';
import type * as apiTokens from './api-tokens.js';
import type * as dashboard from './dashboard.js';
import type * as dashboardAttention from './dashboard-attention.js';
import type * as dashboardOrders from './dashboard-orders.js';
import type * as ledger from './ledger.js';
import type * as letters from './letters.js';
import type * as mailEvents from './mail-events.js';
import type * as meta from './meta.js';
import type * as orderBatch from './order-batch.js';
import type * as prune from './prune.js';
import type * as registrations from './registrations.js';
import type * as replies from './replies.js';
import type * as reports from './reports.js';
import type * as sendList from './send-list.js';
import type * as storeWebhooks from './store-webhooks.js';
import type * as tracking from './tracking.js';
import type { LedgerStats } from './ledger-stats.js';
import type { NormalizedEvent } from '../domain/tracking-status.js';
import type { DbEngine } from './pg/url.js';

/** A store function `(db, ...args) => R` as a ledger method `(...args) => Promise<R>`. */
type Method<F> = F extends (db: Db, ...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;

/** Functions whose connection needs more than a bound first argument: transactions, writers, iterators. */
type Special =
  | 'inTransaction'
  | 'inRegistrationTransaction'
  | 'inWriteTransaction'
  | 'trackingEventWriter'
  | 'orderBatchWriter'
  | 'lastEventReader'
  | 'iterateSends'
  | 'dashboardDrift';

/** The queries of one store module: every export that takes the connection first. */
export type QueriesOf<M> = {
  [K in keyof M as K extends Special ? never : M[K] extends (db: Db, ...args: never[]) => unknown ? K : never]: Method<M[K]>;
};

export type LedgerQueries = QueriesOf<typeof ledger> &
  QueriesOf<typeof tracking> &
  QueriesOf<typeof registrations> &
  QueriesOf<typeof replies> &
  QueriesOf<typeof mailEvents> &
  QueriesOf<typeof meta> &
  QueriesOf<typeof apiTokens> &
  QueriesOf<typeof storeWebhooks> &
  QueriesOf<typeof letters> &
  QueriesOf<typeof prune> &
  QueriesOf<typeof reports> &
  QueriesOf<typeof sendList> &
  QueriesOf<typeof dashboard> &
  QueriesOf<typeof dashboardOrders> &
  QueriesOf<typeof dashboardAttention> &
  QueriesOf<typeof orderBatch>;

/** The writes the worker issues from many concurrent sends at once. */
export type GroupedWrites = Pick<LedgerQueries, 'claimSend' | 'recordSent'>;

/** The SQLite batch writer's own (synchronous) type. */
export type BatchWriter = ReturnType<typeof orderBatch.orderBatchWriter>;

/** The queries, plus what an engine does its own way. */
export interface Ledger extends LedgerQueries {
  /** The same object for an open ledger and every transaction on it: a key for caches of what it holds. */
  readonly identity: object;
  /**
   * Runs `fn` in one transaction: all of it is committed, or none of it. On
   * SQLite it holds the write lock (`immediate`) from the start, so a read
   * inside decides what the write does; on PostgreSQL it is one pooled client.
   * Keep network I/O (Redis, SMTP, HTTP) out of `fn`: the ledger waits for it.
   */
  transaction<T>(fn: (tx: Ledger) => Promise<T>): Promise<T>;
  /** Stores tracking events as webhook deliveries arrive; concurrent deliveries share commits. */
  trackingEventWriter(clock: () => number): (events: readonly NormalizedEvent[], raw: string) => Promise<tracking.StoreResult[]>;
  /** The bulk import's writer: one call stores a batch of orders with their sends and registrations. */
  orderBatchWriter(): <T extends { order: orderBatch.BatchOrder }>(
    batch: ReadonlyArray<orderBatch.BatchItem<T>>,
    now: number,
    queueUntil: number,
  ) => Promise<orderBatch.BatchWritten<T>>;
  /** A reader of each order's newest tracking event (at-risk walks many orders). */
  lastEventReader(): (orderId: string) => Promise<reports.LastEvent | null>;
  /** Every send matching the filter, in id order, read a chunk at a time (export). */
  iterateSends(filter: sendList.SendFilter, chunk?: number): AsyncIterable<sendList.SendListRow>;
  /** Rows where the dashboard's count tables disagree with the rows they count (empty when in step). */
  dashboardDrift(): Promise<Array<{ table: string; row: string }>>;
}

export interface OpenLedger extends Ledger {
  readonly engine: DbEngine;
  /** The file path, or the PostgreSQL URL without its password. */
  readonly name: string;
  /** Claims and results of concurrent sends, sharing commits where the engine gains from it. */
  readonly grouped: GroupedWrites;
  /** Per-lane counts for /metrics, refreshed off the event loop where the engine needs it. */
  ledgerStats(options?: { waitMs?: number }): LedgerStats;
  /** Throws a RuntimeError naming what is wrong when the ledger cannot take writes now (readiness). */
  check(): Promise<void>;
  /** A long-running process watches the ledger file it opened (SQLite: replaced or removed under it); PostgreSQL: nothing to watch. */
  watchFile(): void;
  /** Whether `err` says the ledger cannot be reached now (a PostgreSQL restart): the work waits and tries again unchanged. */
  isUnavailable(err: unknown): boolean;
  /** A write the ledger refused (disk full): readiness fails until a write succeeds again. */
  noteWriteFailure(err: unknown): void;
  /** SQLite's own machinery (WAL checkpoints, file watch, backup), absent on PostgreSQL. */
  readonly sqlite?: Db;
  close(): Promise<void>;
}
