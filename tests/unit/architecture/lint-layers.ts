import { writeFileSync } from 'node:fs';
import { againstBaseline, describeViolation, KNOWN_VIOLATIONS_FILE, layerViolations, readKnownViolations } from './layer-check.js';

/**
 * `npm run lint:layers`: fails on any violation of the layering rule (.dependency-cruiser.cjs) that is not a known
 * one. `npm run lint:layers -- --update-baseline` rewrites the known violations from the tree as it is (after a fix
 * removed some; adding to the list is a decision to record in the commit, not a way to pass).
 */
const found = await layerViolations();
if (process.argv.includes('--update-baseline')) {
  writeFileSync(KNOWN_VIOLATIONS_FILE, `${JSON.stringify(found, null, 2)}\n`);
  console.log(`layers: ${found.length} known violations written to .dependency-cruiser-known-violations.json`);
} else {
  const { fresh, gone } = againstBaseline(found, readKnownViolations());
  for (const v of fresh) console.error(`layers: error ${describeViolation(v)}`);
  for (const v of gone) console.log(`layers: fixed, drop it from the known violations (npm run lint:layers -- --update-baseline): ${describeViolation(v)}`);
  console.log(`layers: ${found.length - fresh.length} known violations, ${fresh.length} new`);
  if (fresh.length > 0) process.exitCode = 1;
}
