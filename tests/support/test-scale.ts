/**
 * The size of the tests that repeat a race or a property many times. `npm test` runs them at the quick size, which
 * keeps the whole suite well under 15 minutes on two cores; `npm run test:long` (`TEST_SCALE=full`) runs them at the
 * size they were written for, before a release or after a change to the code they guard.
 */
export function scaled(quick: number, full: number): number {
  return process.env.TEST_SCALE === 'full' ? full : quick;
}
