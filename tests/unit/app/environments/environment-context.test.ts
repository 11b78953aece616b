import { beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentDocument } from '../../../../domain/environment.js';
import { changeEnvironment, checkIfMatch, loadEnvironmentContext } from '../../../../app/environments/environment-context.js';
import { StalePreconditionError } from '../../../../app/ports/document-store.js';
import { ENV, seedEnvironment, seedMember, useCasePorts, userPrincipal, type UseCasePorts } from '../../../support/fakes/use-case-ports.js';

let ports: UseCasePorts;

beforeEach(async () => {
  ports = useCasePorts();
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'maker', ['EnvironmentMaker'], { name: 'Maker' });
});

const rename = (name: string) => (env: EnvironmentDocument) => ({ ...env, name });

describe('loadEnvironmentContext', () => {
  it('answers the environment and the caller as a member', async () => {
    const ctx = await loadEnvironmentContext(ports, ENV, userPrincipal('maker'));
    expect(ctx).toMatchObject({ env: { id: ENV }, member: { userId: 'maker', roles: ['EnvironmentMaker'], active: true }, memberName: 'Maker' });
  });

  it('answers 404 alike to a non-member, a deactivated member and a missing environment', async () => {
    await seedMember(ports.store, 'gone', ['SystemAdministrator'], { active: false });
    for (const [env, who] of [
      [ENV, 'stranger'],
      [ENV, 'gone'],
      ['66666666-6666-4666-8666-666666666666', 'maker'],
    ] as const) {
      await expect(loadEnvironmentContext(ports, env, userPrincipal(who))).rejects.toMatchObject({ code: 'NotFound' });
    }
  });
});

describe('changeEnvironment', () => {
  it('writes the change under the etag it read, with updatedAt from the clock', async () => {
    ports.clock.advance(60_000);
    const saved = await changeEnvironment(ports, ENV, rename('Renamed'));
    expect(saved).toMatchObject({ name: 'Renamed', updatedAt: '2026-01-01T00:01:00.000Z' });
  });

  it('re-reads and applies the change again after a lost race', async () => {
    const replace = ports.store.replace.bind(ports.store);
    let races = 1;
    ports.store.replace = async (doc, etag) => {
      if (races-- > 0) throw new StalePreconditionError(doc.id);
      return replace(doc, etag);
    };
    expect((await changeEnvironment(ports, ENV, rename('Renamed'))).name).toBe('Renamed');
  });

  it('gives up with 409 after losing every attempt', async () => {
    ports.store.replace = async (doc) => {
      throw new StalePreconditionError(doc.id);
    };
    await expect(changeEnvironment(ports, ENV, rename('Renamed'))).rejects.toMatchObject({ code: 'Conflict' });
  });

  it("with the caller's If-Match: 412 on a stale one, and on a lost race (no retry)", async () => {
    await expect(changeEnvironment(ports, ENV, rename('Renamed'), '"stale"')).rejects.toMatchObject({ code: 'PreconditionFailed' });
    const current = await ports.store.get<EnvironmentDocument>(ENV, ENV);
    ports.store.replace = async (doc) => {
      throw new StalePreconditionError(doc.id);
    };
    await expect(changeEnvironment(ports, ENV, rename('Renamed'), current!.etag)).rejects.toMatchObject({ code: 'PreconditionFailed' });
  });

  it('passes a refusal of the change through and writes nothing', async () => {
    const before = await ports.store.get<EnvironmentDocument>(ENV, ENV);
    const refuse = () => {
      throw new Error('refused');
    };
    await expect(changeEnvironment(ports, ENV, refuse)).rejects.toThrow('refused');
    expect((await ports.store.get<EnvironmentDocument>(ENV, ENV))?.etag).toBe(before!.etag);
  });
});

describe('checkIfMatch', () => {
  it('accepts no header, the tag quoted or bare, and *; refuses another tag (412)', () => {
    for (const ifMatch of [undefined, '"7"', '7', '*']) expect(() => checkIfMatch(ifMatch, '"7"')).not.toThrow();
    expect(() => checkIfMatch('"8"', '"7"')).toThrow(expect.objectContaining({ code: 'PreconditionFailed' }));
  });
});
