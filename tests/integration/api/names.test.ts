import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../support/api-client.js';
import { aDesktopFlow } from '../../support/connection-fixtures.js';
import { aPaidEnvironment } from '../../support/fixtures.js';
import { aGroupBody, createGroup, groupEnvironment, groupPath, groupsPath, type GroupBody } from '../../support/group-fixtures.js';
import { aCustomImage } from '../../support/image-fixtures.js';

/**
 * Issue #17, names (brief: "NFKC-normalised, unique by case-folded form; bidirectional controls, zero-width and other
 * control characters are refused"): "GА" with a Cyrillic А was accepted beside "GA" while "ga" was refused, and
 * right-to-left overrides and zero-width characters were accepted.
 */

let admin: ApiClient;
let envId: string;
let imageId: string;

beforeAll(async () => {
  ({ admin, envId, imageId } = await groupEnvironment({ capacity: 10, geography: 'US' }));
});

const REFUSED = [
  ['a right-to-left override', 'Invoices\u202Etxt.exe'],
  ['a right-to-left isolate', 'Invoices \u2067Nord\u2069'],
  ['a left-to-right mark', 'Invoices\u200E'],
  ['a zero-width space', 'Invo\u200Bices'],
  ['a zero-width joiner', 'Invo\u200Dices'],
  ['a byte order mark', '\uFEFFInvoices'],
  ['a C1 control', 'Invoices\u0085'],
];

describe('characters a name may not hold', () => {
  it.each(REFUSED)('refuses a name with %s on every named resource, with 400 naming the field', async (_what, name) => {
    const attempts: Array<[string, Promise<{ status: number; body: { errors?: Array<{ field: string }> } }>]> = [
      ['environment', admin.post('environments', aPaidEnvironment({ name }))],
      ['image', admin.post(`environments/${envId}/images`, aCustomImage({ name }))],
      ['group', admin.post(groupsPath(envId), aGroupBody(imageId, { name }))],
      ['desktop flow', admin.post(`environments/${envId}/desktop-flows`, aDesktopFlow({ name }))],
      [
        'connection',
        admin.post(`environments/${envId}/connections`, {
          name,
          groupId: '6f9619ff-8b86-d011-b42d-00c04fc964ff',
          username: 'rpa-runner',
          password: 'Hosted-Rpa-Gr0up!',
        }),
      ],
    ];
    for (const [what, attempt] of attempts) {
      const res = await attempt;
      expect(res.status, what).toBe(400);
      expect(
        res.body.errors?.map((e) => e.field),
        what,
      ).toContain('name');
    }
  });

  it('refuses them in a rename too', async () => {
    const group = await createGroup(admin, envId, imageId, { maxBots: 1 });
    const res = await admin.patch<{ errors: Array<{ field: string }> }>(groupPath(envId, group.id), { name: 'Invoices\u202E' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e) => e.field)).toEqual(['name']);
  });
});

describe('the stored form and uniqueness', () => {
  it('stores names NFKC-normalised', async () => {
    const group = await createGroup(admin, envId, imageId, { name: '\uFF30\uFF41\uFF59\uFF52\uFF4F\uFF4C\uFF4C \uFB01nance', maxBots: 1 });
    expect(group.name).toBe('Payroll finance');
  });

  it('refuses a group named like another one with look-alike letters (Cyrillic А in "GА" beside "GA") with 409 NameTaken, as it refuses "ga"', async () => {
    const ga = await admin.post<GroupBody>(groupsPath(envId), aGroupBody(imageId, { name: 'GA', maxBots: 1 }));
    expect(ga.status).toBe(201);
    for (const name of ['ga', 'G\u0410', '\uFF27\uFF21', ' G\u0391 ']) {
      const res = await admin.post(groupsPath(envId), aGroupBody(imageId, { name, maxBots: 1 }));
      expect([res.status, res.body.reason], JSON.stringify(name)).toEqual([409, 'NameTaken']);
    }
    const other = await createGroup(admin, envId, imageId, { maxBots: 1 });
    const renamed = await admin.patch(groupPath(envId, other.id), { name: 'G\u0410' });
    expect([renamed.status, renamed.body.reason]).toEqual([409, 'NameTaken']);
  });

  it('refuses an image named like another one with look-alike letters, or like the built-in image in another case', async () => {
    const first = await admin.post(`environments/${envId}/images`, aCustomImage({ name: 'Claims' }));
    expect(first.status).toBe(201);
    const lookAlike = await admin.post(`environments/${envId}/images`, aCustomImage({ name: '\u0421laims' }));
    expect([lookAlike.status, lookAlike.body.code]).toEqual([409, 'NameTaken']);
    const builtIn = await admin.post(`environments/${envId}/images`, aCustomImage({ name: 'DEFAULT WINDOWS DESKTOP IMAGE' }));
    expect([builtIn.status, builtIn.body.code]).toEqual([409, 'NameTaken']);
  });
});
