import { defineConfig } from 'vitest/config';

/** `npm run test:faults`: real worker processes, real redis-server, real SMTP server, faults injected. */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup-faults.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One scenario at a time: each one loads both cores on purpose.
    fileParallelism: false,
  },
});
