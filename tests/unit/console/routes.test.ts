import { describe, expect, it } from 'vitest';
import { hrefOf, parseHash, type View } from '../../../console/src/routes.js';

const ENV = '0f8fad5b-d9cb-469f-a165-70867728950e';
const ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

describe('console URLs', () => {
  it.each<View>([
    { name: 'environments' },
    { name: 'environment', env: ENV },
    { name: 'group', env: ENV, group: ID },
    { name: 'run', env: ENV, run: ID },
    { name: 'maintenance', env: ENV },
    { name: 'audit', env: ENV },
    { name: 'signIn' },
  ])('round-trips %j', (view) => {
    expect(parseHash(hrefOf(view))).toEqual(view);
  });

  it('opens the environments for an empty hash, with or without a slash', () => {
    expect(parseHash('')).toEqual({ name: 'environments' });
    expect(parseHash('#/')).toEqual({ name: 'environments' });
    expect(parseHash(`#environments/${ENV}/`)).toEqual({ name: 'environment', env: ENV });
  });

  it('ignores a query after the path and names what it does not know', () => {
    expect(parseHash(`#/environments/${ENV}/groups/${ID}?tab=bots`)).toEqual({ name: 'group', env: ENV, group: ID });
    expect(parseHash('#/nowhere')).toEqual({ name: 'notFound', path: '/nowhere' });
    expect(parseHash('#/environments/a b')).toEqual({ name: 'notFound', path: '/environments/a b' });
  });
});
