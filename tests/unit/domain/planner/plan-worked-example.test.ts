import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planTarget as plan } from '../../../../domain/planner/plan.js';
import { summarise } from '../../../../domain/planner/summarise.js';
import { aBot, aGroup, anEnvironment, createdIn, drainedIn, releasedIn, unservedOf } from './builders.js';

/** The worked example of docs/scaling.md, planned for real: the document cannot drift from the code. */

const HOUR = 3600;
const MINUTE = 60;

const contoso = () =>
  anEnvironment('contoso-prod')
    .withCapacity(6)
    .withGroups(
      aGroup('sales')
        .withMaxBots(4)
        .withCommitted(2)
        .withBusy(2)
        .withQueued(5, 10 * MINUTE),
      aGroup('finance')
        .withMaxBots(3)
        .withQueued(2, 4 * MINUTE),
      aGroup('hr')
        .withMaxBots(2)
        .withCommitted(1)
        .onImage('img-1', '2')
        .idleFor(20 * MINUTE)
        .withBot(
          aBot('hr-b1')
            .idle(40 * MINUTE)
            .onImageVersion('1'),
        )
        .withBot(
          aBot('hr-b2')
            .idle(20 * MINUTE)
            .onImageVersion('1'),
        ),
      aGroup('ops')
        .withMaxBots(2)
        .withCommitted(1)
        .idleFor(4 * HOUR)
        .withReady(1, 4 * HOUR),
    )
    .build();

describe('the worked example of docs/scaling.md', () => {
  it('plans as the document says', () => {
    const p = plan(contoso());
    expect(releasedIn(p, 'ops', 'group-cold')).toEqual(['ops-b01']);
    expect(releasedIn(p, 'hr', 'idle-timeout')).toEqual(['hr-b1']);
    expect(drainedIn(p, 'hr')).toEqual(['hr-b2']);
    expect(createdIn(p, 'finance', 'demand')).toBe(2);
    expect(createdIn(p, 'sales')).toBe(0);
    expect(unservedOf(p, 'sales')).toMatchObject({ reason: 'environment-capacity-exhausted', waitingRuns: 5 });
  });

  it('prints the summary the document shows', () => {
    const doc = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../../../docs/scaling.md'), 'utf8');
    expect(doc).toContain(summarise(plan(contoso())));
  });
});
