import type pg from 'pg';
import { openPgLedger, type PgLedger } from './ledger.js';
import type { CopyTarget } from '../copy.js';

/** PostgreSQL allows 65,535 parameters a statement. */
const MAX_PARAMS = 60_000;

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
    maxRows: (columns) => Math.max(1, Math.min(1000, Math.floor(MAX_PARAMS / columns))),
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
      const values: unknown[] = [];
      const tuples = rows.map((row) => `(${row.map((v) => `$${values.push(v)}`).join(', ')})`);
      await c().query(`INSERT INTO ${q(table)} (${columns.map(q).join(', ')}) VALUES ${tuples.join(', ')}`, values);
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
