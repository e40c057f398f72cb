import type { NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type * as schema from '../schema-pg.js';

/** A connection from the pool or an open transaction: every query module takes either. */
export type PgQ = PgDatabase<NodePgQueryResultHKT, typeof schema>;
