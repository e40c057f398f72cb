import { defineConfig } from 'vitest/config';
import faults from './vitest.faults.config.js';

/**
 * The second half of `npm run test:faults`: the fault scenarios again on
 * PostgreSQL ledgers. Left out: the two only a SQLite file has (a full disk,
 * a replaced file), the backlog start (100,000 orders imported first: a
 * SQLite file; PostgreSQL's import is the bench's figure 2),
 * postgres.test.ts (its own databases, whichever pass runs it) and kill9,
 * whose PostgreSQL form is postgres.test.ts's two workers killed four times.
 */
export default defineConfig({
  test: {
    ...faults.test,
    exclude: ['test/faults/{disk-full,db-replaced,backlog-start,postgres,kill9}.test.ts', 'node_modules/**'],
    env: { POSTSHIP_TEST_DB: 'postgres' },
  },
});
