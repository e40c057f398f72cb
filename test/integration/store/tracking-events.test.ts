import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../src/domain/tracking-status.js';
import { MIGRATIONS_DIR } from '../../../src/paths.js';
import { recordTrackingEvent, recordTrackingEvents } from '../../../src/store/tracking.js';
import { closeDb, openDb, type Db } from '../../../src/store/db.js';
import { trackingEvents } from '../../../src/store/schema.js';
import { tempDir, type TempDir } from '../../helpers/env.js';

function event(overrides: Partial<NormalizedEvent> = {}): NormalizedEvent {
  return {
    provider: 'aftership', dedupKey: 'evt-1', trackingNumber: 'LB123456789CN', carrier: 'china-post',
    providerStatus: 'InTransit/InTransit_005', outcome: 'customs', occurredAt: '2026-11-20T08:00:00.000Z', ...overrides,
  };
}

describe('tracking events in the ledger', () => {
  let dir: TempDir;
  let db: Db | null = null;
  afterEach(() => {
    if (db) closeDb(db);
    db = null;
    dir?.remove();
  });

  it('stores a provider event once, whatever the case of its tracking number, and names the first copy', () => {
    dir = tempDir();
    db = openDb(dir.file('ledger.db'));
    const first = recordTrackingEvent(db, event(), '{"a":1}', 1000);
    expect(first).toMatchObject({ stored: true });
    const again = recordTrackingEvent(db, event({ trackingNumber: 'lb123456789cn' }), '{"a":1}', 2000);
    expect(again).toEqual({ stored: false, duplicateOf: (first as { id: number }).id });
    // Another provider's event with the same id, or another parcel's, is news.
    expect(recordTrackingEvent(db, event({ provider: '17track' }), '{}', 3000)).toMatchObject({ stored: true });
    expect(recordTrackingEvent(db, event({ trackingNumber: 'LB999999999CN' }), '{}', 3000)).toMatchObject({ stored: true });
    expect(db.select().from(trackingEvents).all().map((e) => [e.provider, e.trackingNumber, e.raw])).toEqual([
      ['aftership', 'LB123456789CN', '{"a":1}'],
      ['17track', 'LB123456789CN', '{}'],
      ['aftership', 'LB999999999CN', '{}'],
    ]);
  });

  it('stores the events of one delivery all or none', () => {
    dir = tempDir();
    db = openDb(dir.file('ledger.db'));
    recordTrackingEvent(db, event({ dedupKey: 'evt-2' }), '{}', 1000);
    const results = recordTrackingEvents(db, [event({ dedupKey: 'evt-1' }), event({ dedupKey: 'evt-2' })], '{}', 2000);
    expect(results.map((r) => r.stored)).toEqual([true, false]);
    const broken = { ...event({ dedupKey: 'evt-3' }), provider: null } as unknown as NormalizedEvent;
    expect(() => recordTrackingEvents(db!, [event({ dedupKey: 'evt-4' }), broken], '{}', 3000)).toThrow(/NOT NULL/);
    expect(db.select().from(trackingEvents).all().map((e) => e.dedupKey)).toEqual(['evt-2', 'evt-1']);
  });

  it('looks events up by tracking number through the dedup index', () => {
    dir = tempDir();
    db = openDb(dir.file('ledger.db'));
    const plan = db.$client
      .prepare("EXPLAIN QUERY PLAN SELECT id FROM tracking_events WHERE tracking_number = ? AND outcome = 'unmatched'")
      .all('LB1CN') as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX tracking_events_number_dedup_uq \(tracking_number=\?\)/);
  });

  it('keeps the events and their deduplication across the migration that merged the two indexes', () => {
    dir = tempDir();
    // A ledger as the release before the merge left it: migrations up to 0003 only.
    const older = dir.file('migrations');
    cpSync(MIGRATIONS_DIR, older, { recursive: true });
    const journalPath = `${older}/meta/_journal.json`;
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
    const merge = journal.entries.findIndex((e) => e.tag.startsWith('0004_'));
    expect(merge).toBeGreaterThan(0);
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, merge) }));
    const path = dir.file('ledger.db');
    const sqlite = new Database(path);
    migrate(drizzle(sqlite), { migrationsFolder: older });
    sqlite
      .prepare('INSERT INTO tracking_events (provider, dedup_key, tracking_number, received_at, raw) VALUES (?, ?, ?, ?, ?)')
      .run('aftership', 'evt-1', 'LB123456789CN', 1000, '{"old":true}');
    const before = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tracking_events'").all() as Array<{ name: string }>).map((r) => r.name);
    expect(before).toContain('tracking_events_dedup_uq');
    sqlite.close();

    db = openDb(path);
    const after = (db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tracking_events'").all() as Array<{ name: string }>).map((r) => r.name);
    expect(after).toContain('tracking_events_number_dedup_uq');
    expect(after).not.toContain('tracking_events_dedup_uq');
    expect(after).not.toContain('tracking_events_number_idx');
    expect(recordTrackingEvent(db, event(), '{}', 2000)).toEqual({ stored: false, duplicateOf: 1 });
    expect(db.select().from(trackingEvents).all().map((e) => e.raw)).toEqual(['{"old":true}']);
  });
});
