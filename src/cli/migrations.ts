/** Which migrations a ledger has: SQLite's is read in src/store/db.ts, PostgreSQL's in src/store/pg/migration-state.ts. */
export { migrationState, type MigrationState } from '../store/db.js';
