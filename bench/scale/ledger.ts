import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DateTime } from 'luxon';
import { PACKAGE_ROOT } from '../../src/paths.js';

/**
 * A large seller's ledger, built the way one is: an order export imported
 * with `postship import` (as a process, its rate and peak RSS measured), then
 * the life those parcels had: a share delivered, returned or cancelled,
 * tracking events on most, every parcel registered with a tracking provider.
 * The spread is written with plain SQL (a fixture: this is what months of
 * webhooks would have left), not through the webhook path.
 */

const COUNTRIES = ['US', 'ES', 'BR', 'FR', 'DE', 'PL', 'RU', 'GB', 'IT', 'NL', 'IL', 'UA', 'KR', 'CA', 'AU'];
const CARRIERS = ['china-post', 'epacket', 'cainiao', 'yanwen', '4px', 'dhl'];
export const STORES = Array.from({ length: 20 }, (_, i) => `store-${i + 1}`);
const DAY = 86_400_000;

export interface ImportFacts {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
}

/** Orders shipped over the last 60 days, spread over 15 countries, 6 carriers and 20 stores. */
export async function writeOrdersCsv(path: string, rows: number, now = DateTime.utc()): Promise<void> {
  const out = createWriteStream(path);
  out.write('order_id,buyer_name,buyer_email,country,carrier,tracking_number,shipped_at,store\n');
  const span = 60 * 1440;
  for (let i = 0; i < rows; i++) {
    // A multiplicative walk over the span: neighbouring ids are not neighbouring days.
    const minutes = (i * 7919) % span;
    const shipped = now.minus({ minutes }).toISO({ suppressMilliseconds: true });
    const line = `B${i},Buyer ${i},buyer${i}@example.com,${COUNTRIES[i % 15]},${CARRIERS[(i >> 2) % 6]},TN${String(i).padStart(10, '0')}CN,${shipped},${STORES[i % 20]}\n`;
    if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** `postship import` as a process; the child reports its own peak RSS (all threads) as it exits. */
export async function importAsProcess(csv: string, env: Record<string, string>, rows: number, facts: string): Promise<ImportFacts> {
  const cli = join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'main.js');
  const script = `const { run } = await import(${JSON.stringify(cli)});
const code = await run(['node', 'postship', 'import', ${JSON.stringify(csv)}, '--json']);
(await import('node:fs')).writeFileSync(${JSON.stringify(facts)}, JSON.stringify(process.resourceUsage()));
process.exit(code);`;
  // A file, not --eval: the import's reader thread inherits execArgv, and --input-type would stop it.
  const wrapper = `${facts}.mjs`;
  writeFileSync(wrapper, script);
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [wrapper], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`import exited ${code}: ${err.slice(-500)}`))));
  });
  const seconds = (performance.now() - started) / 1000;
  const usage = JSON.parse(readFileSync(facts, 'utf8')) as { maxRSS: number };
  return { rows, seconds, rowsPerSecond: rows / seconds, peakRssMb: usage.maxRSS / 1024 };
}

/**
 * What the parcels' lives left in the ledger. Of the orders shipped 12+ days
 * ago, 55% delivered (2-3% returned); 2% of all cancelled; two tracking events
 * (in transit, customs) on 85% of the rest; every parcel registered with
 * 17TRACK, its next poll spread over the next 6 hours.
 */
export function writeSpread(dbPath: string, now = Date.now()): void {
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.transaction(() => {
    db.prepare(`UPDATE orders SET state = 'delivered', state_reason = 'delivered', stage_rank = 4, last_event_at = shipped_at + 12 * ${DAY}, watch_at = NULL
      WHERE shipped_at < ? AND (rowid % 100) < 55`).run(now - 12 * DAY);
    db.prepare(`UPDATE orders SET state = 'returned', state_reason = 'returned', stage_rank = 5, last_event_at = shipped_at + 30 * ${DAY}, watch_at = NULL
      WHERE shipped_at < ? AND (rowid % 100) BETWEEN 55 AND 57`).run(now - 30 * DAY);
    db.prepare(`UPDATE orders SET state = 'cancelled', state_reason = 'refund', watch_at = NULL WHERE (rowid % 100) IN (60, 61)`).run();
    db.prepare(`UPDATE sends SET status = 'cancelled', reason = 'delivered', updated_at = ?
      WHERE status IN ('scheduled', 'queued') AND order_id IN (SELECT order_id FROM orders WHERE state <> 'active')`).run(now);
    const events = db.prepare(`INSERT INTO tracking_events (provider, dedup_key, tracking_number, carrier, order_id, provider_status, milestone, occurred_at, received_at, processed_at, outcome, source, raw)
      SELECT '17track', tracking_number || ?, tracking_number, carrier, order_id, ?, ?, min(shipped_at + ? , ?), ?, ?, ?, 'push', '{}'
      FROM orders WHERE (rowid % 100) < 85`);
    events.run('.t', 'InTransit/InTransit_PickedUp', null, 2 * DAY, now, now, now, 'recorded: no milestone');
    events.run('.c', 'InTransit/InTransit_CustomsProcessing', 'customs', 9 * DAY, now, now, now, 'scheduled customs');
    db.prepare(`UPDATE orders SET last_event_at = min(shipped_at + 9 * ${DAY}, ?), stage_rank = max(stage_rank, 2), watch_at = ?
      WHERE state = 'active' AND (rowid % 100) < 85 AND shipped_at < ?`).run(now, now + DAY, now - 9 * DAY);
    db.prepare(`INSERT INTO tracking_registrations (order_id, provider, tracking_number, carrier, state, due_at, registered_at, attempts, created_at, updated_at)
      SELECT order_id, '17track', tracking_number, carrier, CASE WHEN state = 'active' THEN 'registered' ELSE 'stopped' END,
             CASE WHEN state = 'active' THEN ? + (rowid * 7919) % (6 * 3600000) ELSE NULL END, shipped_at + 3600000, 1, shipped_at, shipped_at
      FROM orders WHERE 1 ON CONFLICT DO NOTHING`).run(now + 60_000);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('ANALYZE');
  db.close();
}

/** The ledger's bytes on disk (database, WAL and shared memory). */
export function ledgerBytes(dbPath: string): number {
  return [dbPath, `${dbPath}-wal`, `${dbPath}-shm`].reduce((sum, p) => sum + (existsSync(p) ? statSync(p).size : 0), 0);
}
