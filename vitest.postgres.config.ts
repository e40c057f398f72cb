import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * `npm run test:postgres`: the integration tests again, each ledger a fresh
 * PostgreSQL database (test/helpers/engine.ts). Left out: the tests that pick
 * their engine themselves (both, side by side, or a SQLite file on purpose)
 * and the unit tests, which reach no ledger server.
 */
export default defineConfig({
  test: {
    ...base.test,
    // Replaced, not merged: mergeConfig would add these lists to the base's.
    include: ['test/integration/**/*.test.ts'],
    exclude: ['test/integration/{store-pg,postgres,store,deploy}/**', 'node_modules/**'],
    env: { POSTSHIP_TEST_DB: 'postgres' },
  },
});
