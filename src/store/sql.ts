/**
 * `INSERT INTO "table" ("a", "b") VALUES (?, ?)` for a better-sqlite3 statement
 * on the hot paths (import, webhooks), built from Drizzle schema columns so the
 * SQL follows the schema; `tail` adds e.g. `ON CONFLICT DO NOTHING`.
 */
export function insertSql(table: string, columns: ReadonlyArray<{ name: string }>, tail = ''): string {
  return `INSERT INTO "${table}" (${columns.map((c) => `"${c.name}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})${tail}`;
}
