import { defineConfig } from 'vitest/config';

/** `npm run soak`: the soak alone (bench/soak.test.ts), never part of `npm test`. */
export default defineConfig({
  test: {
    include: ['bench/soak.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    hookTimeout: 90_000,
    testTimeout: 120 * 60_000,
  },
});
