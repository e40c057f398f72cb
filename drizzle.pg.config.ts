import { defineConfig } from 'drizzle-kit';

/** The PostgreSQL ledger's migrations (`npm run db:generate:pg`); SQLite's stay in migrations/ (drizzle.config.ts). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/store/schema-pg.ts',
  out: './migrations/postgres',
});
