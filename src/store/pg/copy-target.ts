import type pg from 'pg';
import { openPgLedger, type PgLedger } from './ledger.js';
import type { CopyTarget } from '../copy-target.js';

/** Values per INSERT: about a megabyte of JSON. */
const BATCH_VALUES = 100_000;

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The PostgreSQL side of `db copy`: one connection, one transaction. Triggers
 * are switched off while rows arrive (their tables are copied as they are in
 * the source, not recounted) and ids keep their values, so the identity
 * sequences are moved past the highest id before the commit.
 */
export async function pgCopyTarget(url: string): Promise<CopyTarget> {
  const ledger: PgLedger = await openPgLedger(url, { source: '--to', max: 1 });
  let client: pg.PoolClient | null = null;
  const c = () => client!;
  const target: CopyTarget = {
    name: ledger.name,
    maxRows: (columns) => Math.max(1, Math.min(10_000, Math.floor(BATCH_VALUES / columns))),
    async begin() {
      client = await ledger.pool.connect();
      await client.query('BEGIN');
    },
    async count(table) {
      const { rows } = await c().query<{ n: string }>(`SELECT count(*) AS n FROM ${q(table)}`);
      return Number(rows[0].n);
    },
    async clear(tables) {
      await c().query(`TRUNCATE ${tables.map(q).join(', ')}`);
    },
    async suspendTriggers(tables) {
      for (const t of tables) await c().query(`ALTER TABLE ${q(t)} DISABLE TRIGGER USER`);
    },
    async resumeTriggers(tables) {
      for (const t of tables) await c().query(`ALTER TABLE ${q(t)} ENABLE TRIGGER USER`);
    },
    async insert(table, columns, rows) {
      // One JSON parameter per batch: PostgreSQL turns it into typed rows itself, several times
      // faster than binding every value (and clear of the 65,535-parameter limit).
      const records = rows.map((row) => Object.fromEntries(columns.map((col, i) => [col, row[i]])));
      const list = columns.map(q).join(', ');
      await c().query(`INSERT INTO ${q(table)} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${q(table)}, $1)`, [JSON.stringify(records)]);
    },
    async finish() {
      const { rows } = await c().query<{ t: string; col: string }>(
        "SELECT table_name AS t, column_name AS col FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'",
      );
      for (const { t, col } of rows) {
        // The next id is one past the highest copied (1 on an empty table).
        await c().query(
          `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT max(${q(col)}) FROM ${q(t)}), 0) + 1, false)`,
          [q(t), col],
        );
      }
      await c().query('COMMIT');
    },
    async abandon() {
      if (client) await client.query('ROLLBACK').catch(() => undefined); // the connection may be what failed
    },
    async close() {
      client?.release();
      client = null;
      await ledger.close();
    },
  };
  return target;
}
