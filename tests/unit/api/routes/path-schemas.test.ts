import { describe, expect, it } from 'vitest';
import { parsePathParams } from '../../../../api/http/path-params.js';
import { imagePath, memberPath } from '../../../../api/routes/path-schemas.js';

const ENV = '11111111-1111-4111-8111-111111111111';

describe('memberPath', () => {
  it('takes a user or app id as it is (not lowercased: a token oid or a test user name)', () => {
    expect(parsePathParams(memberPath, { env: ENV, userId: 'Ada.Admin@contoso' })).toEqual({ env: ENV, userId: 'Ada.Admin@contoso' });
  });

  it('answers 404 Member for an id no member can have, 404 Environment first for a bad environment', () => {
    expect(() => parsePathParams(memberPath, { env: ENV, userId: 'no spaces' })).toThrow('Member was not found.');
    expect(() => parsePathParams(memberPath, { env: ENV, userId: 'x'.repeat(129) })).toThrow('Member was not found.');
    expect(() => parsePathParams(memberPath, { env: 'nope', userId: 'no spaces' })).toThrow('Environment was not found.');
  });
});

describe('imagePath', () => {
  it('lowercases the image id and answers 404 Image for a bad one', () => {
    expect(parsePathParams(imagePath, { env: ENV, id: 'AAAAAAAA-0000-4000-8000-000000000001' }).id).toBe('aaaaaaaa-0000-4000-8000-000000000001');
    expect(() => parsePathParams(imagePath, { env: ENV, id: 'built-in' })).toThrow('Image was not found.');
  });
});
