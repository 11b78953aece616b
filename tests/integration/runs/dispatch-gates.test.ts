import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppClients } from '../../../composition/root/clients.js';
import { dispatchGateId } from '../../../domain/dispatch-gate.js';
import type { StoredDocument } from '../../../domain/stored-document.js';
import { inProcessServices } from '../../support/run-fixtures.js';

// The Cosmos dispatch gates (adapters/cosmos/cosmos-dispatch-gates.ts) against the local Cosmos peer through the real
// SDK: the claim's confirm is a patch conditioned on `open` and `epoch`, and close and open move the epoch, so a claim
// that read the gate before a close can never confirm after it. Each test has an environment partition of its own.

const deps: AppClients = inProcessServices();
const gates = deps.dispatchGates;

afterAll(async () => {
  await deps.queues.close();
});

const anEnvironment = () => `gates-${randomUUID()}`;
const GROUP = 'group-1';
/** the assignments the gate document counted */
const dispatched = async (environmentId: string) =>
  (await deps.store.get<StoredDocument & { dispatched: number }>(environmentId, dispatchGateId(GROUP)))?.dispatched;

describe('the Cosmos dispatch gates', () => {
  it('reads a group without a gate as absent; its first confirm at epoch 0 makes the gate open and counts the claim', async () => {
    const env = anEnvironment();
    expect(await gates.read(env, GROUP)).toBeUndefined();
    expect(await gates.confirm(env, GROUP, 0)).toBe(true);
    expect(await gates.read(env, GROUP)).toMatchObject({ open: true, epoch: 0 });
    expect(await dispatched(env)).toBe(1);
  });

  it('refuses a confirm after a close, at the old epoch and at the new one, and accepts one at the epoch of the next open', async () => {
    const env = anEnvironment();
    expect(await gates.confirm(env, GROUP, 0)).toBe(true);
    await gates.close(env, GROUP, 'maintenance');
    const closed = await gates.read(env, GROUP);
    expect(closed).toMatchObject({ open: false, epoch: 1 });
    expect(await gates.confirm(env, GROUP, 0)).toBe(false);
    expect(await gates.confirm(env, GROUP, 1)).toBe(false);

    await gates.open(env, GROUP);
    expect(await gates.read(env, GROUP)).toMatchObject({ open: true, epoch: 2 });
    expect(await gates.confirm(env, GROUP, 1)).toBe(false); // read while closed
    expect(await gates.confirm(env, GROUP, 2)).toBe(true);
    expect(await dispatched(env)).toBe(2);
  });

  it('closes a group without a gate at epoch 1, so a claim that read "no gate" (epoch 0) cannot confirm', async () => {
    const env = anEnvironment();
    await gates.close(env, GROUP, 'hostedRpaEnabled false');
    expect(await gates.read(env, GROUP)).toMatchObject({ open: false, epoch: 1 });
    expect(await gates.confirm(env, GROUP, 0)).toBe(false);
  });

  it('lets concurrent confirms of one group all succeed (no etag between claims), and counts each', async () => {
    const env = anEnvironment();
    await gates.open(env, GROUP);
    const { epoch } = (await gates.read(env, GROUP)) ?? { epoch: -1 };
    const confirms = await Promise.all(Array.from({ length: 12 }, () => gates.confirm(env, GROUP, epoch)));
    expect(confirms).toEqual(Array(12).fill(true));
    expect(await dispatched(env)).toBe(12);
  });

  it('splits confirms racing a close at one epoch: those before the close count, none after it', async () => {
    const env = anEnvironment();
    await gates.open(env, GROUP);
    const { epoch } = (await gates.read(env, GROUP)) ?? { epoch: -1 };
    const racing = Array.from({ length: 20 }, () => gates.confirm(env, GROUP, epoch));
    await gates.close(env, GROUP, 'maintenance');
    const after = await Promise.all(Array.from({ length: 5 }, () => gates.confirm(env, GROUP, epoch)));
    const confirmed = (await Promise.all(racing)).filter(Boolean).length;
    expect(after).toEqual(Array(5).fill(false));
    // every confirm that answered true wrote its count before the close moved the epoch
    expect(await dispatched(env)).toBe(confirmed);
  });

  it('removes a gate, and removing a missing one is not an error', async () => {
    const env = anEnvironment();
    await gates.close(env, GROUP, 'deleted');
    await gates.remove(env, GROUP);
    expect(await gates.read(env, GROUP)).toBeUndefined();
    await expect(gates.remove(env, GROUP)).resolves.toBeUndefined();
  });
});
