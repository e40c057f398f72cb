/** What `db copy` (copy.ts) writes through, one implementation per engine (SQLite in copy.ts, PostgreSQL in pg/copy-target.ts). */

/** Where the rows go; one implementation per engine. */
export interface CopyTarget {
  /** For messages, without a password. */
  name: string;
  /** Rows per INSERT for a table of this many columns. */
  maxRows(columns: number): number;
  begin(): Promise<void>;
  count(table: string): Promise<number>;
  /** Empties the tables (--replace). */
  clear(tables: string[]): Promise<void>;
  /** Triggers off while rows arrive: the tables they keep are copied as they are. */
  suspendTriggers(tables: string[]): Promise<void>;
  resumeTriggers(tables: string[]): Promise<void>;
  insert(table: string, columns: string[], rows: unknown[][]): Promise<void>;
  /** Sequences past the copied ids, then commit. */
  finish(): Promise<void>;
  abandon(): Promise<void>;
  close(): Promise<void>;
}
