import * as apiTokens from './api-tokens.js';
import * as dashboard from './dashboard.js';
import * as dashboardAttention from './dashboard-attention.js';
import * as dashboardOrders from './dashboard-orders.js';
import * as ledger from './ledger.js';
import * as letters from './letters.js';
import * as mailEvents from './mail-events.js';
import * as meta from './meta.js';
import * as orderBatch from './order-batch.js';
import * as prune from './prune.js';
import * as registrations from './registrations.js';
import * as replies from './replies.js';
import * as reports from './reports.js';
import * as sendList from './send-list.js';
import * as storeWebhooks from './store-webhooks.js';
import * as tracking from './tracking.js';
import { closeDb, openDb, type Db } from './db.js';
import { groupCommit } from './group-commit.js';
import { assertLedgerFile, assertLedgerWritable, noteLedgerWriteFailure, watchLedgerFile } from './ledger-file.js';
import { ledgerStats } from './ledger-stats.js';
import type { OpenLedger, Ledger, LedgerQueries } from './ledger-api.js';
import { QUERY_NAMES } from './query-names.js';

const MODULES: Array<Record<string, unknown>> = [
  ledger, tracking, registrations, replies, mailEvents, meta, apiTokens, storeWebhooks, letters, prune, reports, sendList,
  dashboard, dashboardOrders, dashboardAttention, orderBatch,
];

function storeFunction(name: string): (db: Db, ...args: unknown[]) => unknown {
  for (const module of MODULES) if (typeof module[name] === 'function') return module[name] as (db: Db, ...args: unknown[]) => unknown;
  throw new Error(`no store function ${name}`);
}

/**
 * One connection, one writer at a time. better-sqlite3 is synchronous, so a
 * query runs to its end before anything else; only a transaction that awaits
 * between its statements can be interleaved. While one is open, every other
 * call waits here, in order, and runs once it commits or rolls back; when none
 * is, a call runs at once, at the speed of the synchronous function.
 */
class WriteGate {
  private open = false;
  private waiting: Array<() => void> = [];

  run<T>(work: () => T): Promise<T> {
    if (!this.open) return settle(work);
    return new Promise<T>((resolve, reject) => this.waiting.push(() => settle(work).then(resolve, reject)));
  }

  /** Holds the gate for the whole of `body`. */
  async hold<T>(body: () => Promise<T>): Promise<T> {
    // The gate passes to one holder at a time: a waiter takes it in the same turn it is woken.
    if (this.open) await new Promise<void>((resolve) => this.waiting.push(() => ((this.open = true), resolve())));
    else this.open = true;
    try {
      return await body();
    } finally {
      this.open = false;
      this.drain();
    }
  }

  private drain(): void {
    while (!this.open && this.waiting.length > 0) this.waiting.shift()!();
  }
}

function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(err);
  }
}

/** The ledger's operations on one SQLite connection; `run` decides when each call may go. */
function sqliteOps(db: Db, run: <T>(work: () => T) => Promise<T>, transaction: Ledger['transaction']): Ledger {
  const identity = db;
  const gate = (flush: () => void) => void run(flush);
  const queries: Record<string, unknown> = {};
  for (const name of QUERY_NAMES) {
    const fn = storeFunction(name);
    queries[name] = (...args: unknown[]) => run(() => fn(db, ...args));
  }
  return {
    ...(queries as unknown as LedgerQueries),
    identity,
    transaction,
    trackingEventWriter: (clock) => tracking.trackingEventWriter(db, clock, gate),
    orderBatchWriter: () => {
      const write = orderBatch.orderBatchWriter(db);
      return (...args) => run(() => write(...args));
    },
    lastEventReader: () => {
      const read = reports.lastEventReader(db);
      return (orderId) => run(() => read(orderId));
    },
    async *iterateSends(filter, chunk) {
      // Chunk by chunk through the gate: an export never holds the writer back for long.
      const rows = sendList.iterateSends(db, filter, chunk);
      for (;;) {
        const next = await run(() => rows.next());
        if (next.done) return;
        yield next.value;
      }
    },
    dashboardDrift: () => run(() => dashboard.dashboardDrift(db)),
  };
}

/** The ledger on a SQLite file (or `:memory:`), the embedded default. */
export function sqliteLedger(db: Db, name = db.$client.name): OpenLedger {
  const gate = new WriteGate();
  const begin = db.$client.prepare('BEGIN IMMEDIATE');
  const commit = db.$client.prepare('COMMIT');
  const rollback = db.$client.prepare('ROLLBACK');
  // Inside a transaction calls go straight to the connection: the gate is already held for them.
  const direct = <T>(work: () => T) => settle(work);
  const transaction: Ledger['transaction'] = (fn) =>
    gate.hold(async () => {
      begin.run();
      try {
        const value = await fn(inside);
        commit.run();
        return value;
      } catch (err) {
        if (db.$client.inTransaction) rollback.run();
        throw err;
      }
    });
  let savepoints = 0;
  // A transaction inside one is a savepoint: its failure undoes only itself, if the caller catches it.
  const nested: Ledger['transaction'] = async (fn) => {
    const name = `nested_${++savepoints}`;
    db.$client.exec(`SAVEPOINT ${name}`);
    try {
      const value = await fn(inside);
      db.$client.exec(`RELEASE ${name}`);
      return value;
    } catch (err) {
      db.$client.exec(`ROLLBACK TO ${name}`);
      db.$client.exec(`RELEASE ${name}`);
      throw err;
    }
  };
  const inside = sqliteOps(db, direct, nested);
  const ops = sqliteOps(db, (work) => gate.run(work), transaction);
  let commits: ReturnType<typeof groupCommit> | null = null;
  const grouped = () => (commits ??= groupCommit(db, { gate: (flush) => void gate.run(flush) }));
  return {
    ...ops,
    engine: 'sqlite',
    name,
    grouped: {
      claimSend: (...args) => grouped()(() => ledger.claimSend(db, ...args)),
      recordSent: (...args) => grouped()(() => ledger.recordSent(db, ...args)),
    },
    ledgerStats: (options) => ledgerStats(db, options),
    check: () => gate.run(() => {
      assertLedgerFile(db);
      assertLedgerWritable(db);
    }),
    watchFile: () => watchLedgerFile(db, name),
    noteWriteFailure: (err) => noteLedgerWriteFailure(db, err),
    // A file on this machine is there or it is not: its failures are the disk's (see noteWriteFailure).
    isUnavailable: () => false,
    sqlite: db,
    close: async () => closeDb(db),
  };
}

export function openSqliteLedger(path: string, options: { migrate?: boolean } = {}): OpenLedger {
  return sqliteLedger(openDb(path, options), path);
}
