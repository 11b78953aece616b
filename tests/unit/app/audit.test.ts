import { beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../app/audit.js';
import type { AuditFilter, AuditLog } from '../../../app/audit-log.js';
import { BadContinuationTokenError } from '../../../app/runs/run-store.js';
import { ENV, seedEnvironment, seedMember, useCasePorts, userPrincipal, type UseCasePorts } from '../../support/fakes/use-case-ports.js';

/** An audit log with no entries that hands out one continuation token, `inner`, and knows no other. */
function emptyAuditLog(): AuditLog & { searches: Array<{ filter: AuditFilter; continuationToken: string | undefined }> } {
  const searches: Array<{ filter: AuditFilter; continuationToken: string | undefined }> = [];
  return {
    searches,
    record: async () => undefined,
    confirm: async () => undefined,
    discard: async () => undefined,
    search: async (_env, filter, page) => {
      searches.push({ filter, continuationToken: page.continuationToken });
      if (page.continuationToken !== undefined && page.continuationToken !== 'inner') throw new BadContinuationTokenError();
      return page.continuationToken === undefined ? { items: [], continuationToken: 'inner' } : { items: [] };
    },
  };
}

let ports: UseCasePorts & { audit: ReturnType<typeof emptyAuditLog> };
const admin = userPrincipal('admin');

beforeEach(async () => {
  ports = { ...useCasePorts(), audit: emptyAuditLog() };
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'admin', ['SystemAdministrator']);
  await seedMember(ports.store, 'maker', ['EnvironmentMaker']);
});

describe('listAudit', () => {
  it('refuses a caller who is not a SystemAdministrator (403)', async () => {
    await expect(listAudit(ports, userPrincipal('maker'), ENV, {}, { pageSize: 10 })).rejects.toMatchObject({ code: 'Forbidden' });
  });

  it('hands out tokens bound to the filter, and hands the log back its own token', async () => {
    const first = await listAudit(ports, admin, ENV, { actor: 'maker' }, { pageSize: 10 });
    expect(first.continuationToken).toMatch(/:inner$/);
    await listAudit(ports, admin, ENV, { actor: 'maker' }, { pageSize: 10, continuationToken: first.continuationToken });
    expect(ports.audit.searches.at(-1)).toEqual({ filter: { actor: 'maker' }, continuationToken: 'inner' });
  });

  it('answers 400 InvalidContinuationToken to a token of other filters, or one the log does not know', async () => {
    const first = await listAudit(ports, admin, ENV, { actor: 'maker' }, { pageSize: 10 });
    await expect(listAudit(ports, admin, ENV, { actor: 'someone-else' }, { pageSize: 10, continuationToken: first.continuationToken })).rejects.toMatchObject({
      code: 'InvalidContinuationToken',
    });
    const forged = first.continuationToken!.replace(/inner$/, 'forged');
    await expect(listAudit(ports, admin, ENV, { actor: 'maker' }, { pageSize: 10, continuationToken: forged })).rejects.toMatchObject({
      code: 'InvalidContinuationToken',
    });
  });
});
