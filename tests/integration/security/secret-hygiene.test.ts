import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { localCloud, type ApiResult } from '../../support/api-client.js';
import { builtInImageOf, groupEnvironment, rawDocumentsOf } from '../../support/group-fixtures.js';

/** Passwords no other test uses, so finding one anywhere means this test's request leaked it. */
const GROUP_PASSWORD = 'Hygiene-Gr0up-7f3a9c!';
const CONNECTION_PASSWORD = 'Hygiene-C0nn-b41e5d!';
const REJECTED_PASSWORD = 'Hygiene-Rej3cted-e02c!';
const ROTATED_PASSWORD = 'Hygiene-R0tated-91d2!';

describe('secret hygiene', () => {
  it('never shows a submitted password in a response, a stored document or a log line', async () => {
    const { admin, envId } = await groupEnvironment();
    const imageId = await builtInImageOf(admin, envId);
    const responses: ApiResult[] = [];
    const keep = (res: ApiResult) => {
      responses.push(res);
      return res;
    };

    const group = keep(
      await admin.post(`environments/${envId}/groups`, {
        name: 'Hygiene',
        maxBots: 2,
        committedBots: 0,
        imageId,
        account: { username: 'rpa-hygiene', password: GROUP_PASSWORD },
      }),
    );
    expect(group.status).toBe(201);
    const groupId = String(group.body.id);
    keep(await admin.get(`environments/${envId}/groups/${groupId}`));
    keep(await admin.get(`environments/${envId}/groups`));
    const connection = keep(
      await admin.post(`environments/${envId}/connections`, { name: 'Hygiene', groupId, username: 'rpa-hygiene', password: GROUP_PASSWORD }),
    );
    expect(connection.status).toBe(201);
    // a password other than the account's is refused (422 InvalidCredentials) without being echoed or logged
    expect(
      keep(await admin.post(`environments/${envId}/connections`, { name: 'Wrong password', groupId, username: 'rpa-hygiene', password: CONNECTION_PASSWORD }))
        .status,
    ).toBe(422);
    // a rotation, a connection updated to it, and a credential holding it leave no trace either
    expect(keep(await admin.patch(`environments/${envId}/groups/${groupId}`, { account: { password: ROTATED_PASSWORD } })).status).toBe(200);
    expect(keep(await admin.patch(`environments/${envId}/connections/${String(connection.body.id)}`, { password: ROTATED_PASSWORD })).status).toBe(200);
    const credential = keep(await admin.post(`environments/${envId}/credentials`, { name: 'Hygiene', username: 'rpa-hygiene', password: ROTATED_PASSWORD }));
    expect(credential.status).toBe(201);
    keep(await admin.get(`environments/${envId}/credentials/${String(credential.body.id)}`));
    keep(await admin.get(`environments/${envId}/credentials`));
    expect(
      keep(await admin.post(`environments/${envId}/connections`, { name: 'Via credential', groupId, credentialId: String(credential.body.id) })).status,
    ).toBe(201);
    keep(await admin.get(`environments/${envId}/connections/${String(connection.body.id)}`));
    keep(await admin.get(`environments/${envId}/groups/${groupId}/connections`));
    // refused requests must not echo the password either
    keep(await admin.post(`environments/${envId}/connections`, { name: 'Wrong user', groupId, username: 'someone-else', password: REJECTED_PASSWORD }));
    keep(
      await admin.post(`environments/${envId}/groups`, {
        name: 'Bad',
        maxBots: 2,
        committedBots: 0,
        imageId,
        account: { username: 'admin', password: REJECTED_PASSWORD },
        extra: REJECTED_PASSWORD,
      }),
    );
    keep(await admin.post(`environments/${envId}/connections`, `{"name":"x","password":"${REJECTED_PASSWORD}"`));

    const secrets = [GROUP_PASSWORD, CONNECTION_PASSWORD, REJECTED_PASSWORD, ROTATED_PASSWORD];
    for (const res of responses) {
      const everything = res.text + JSON.stringify([...res.headers]);
      for (const secret of secrets) expect(everything).not.toContain(secret);
    }
    const stored = JSON.stringify([
      ...(await rawDocumentsOf(envId, 'control')),
      ...(await rawDocumentsOf(envId, 'runs')),
      ...(await rawDocumentsOf(envId, 'bots')),
    ]);
    for (const secret of secrets) expect(stored).not.toContain(secret);
    const logs = readFileSync(localCloud().logFile, 'utf8');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });
});
