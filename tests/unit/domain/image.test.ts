import { describe, expect, it } from 'vitest';
import {
  DEFAULT_IMAGE_NAME,
  GALLERY_IMAGE_VERSION_ID,
  imageNameHolder,
  imageNameKey,
  isReplicatedTo,
  normaliseRegions,
  sameImageNameKey,
} from '../../../domain/image.js';

describe('imageNameKey', () => {
  it.each([
    ['Invoices', 'invoices'],
    ['  Invoices ', 'invoices'],
    ['INVOICES', 'invoices'],
    // a key is the name's confusable skeleton: "m" and "rn" look alike
    [DEFAULT_IMAGE_NAME, 'default windows desktop irnage'],
    ['G\u0410', 'ga'],
    // composed and decomposed forms of é are one name
    ['Caf\u00e9', 'caf\u00e9'],
    ['Cafe\u0301', 'caf\u00e9'],
  ])('%j → %j', (name, key) => {
    expect(imageNameKey(name)).toBe(key);
  });
});

describe('imageNameHolder', () => {
  const names = { a: 'invoices', b: 'payroll' };

  it('finds the image holding a key', () => {
    expect(imageNameHolder(names, 'payroll')).toBe('b');
    expect(imageNameHolder(names, 'claims')).toBeUndefined();
  });

  it('finds a holder whose key was written before keys were skeletons (lower-cased names)', () => {
    expect(imageNameHolder({ a: 'default windows desktop image' }, imageNameKey(DEFAULT_IMAGE_NAME))).toBe('a');
    expect(imageNameHolder({ a: 'ga' }, imageNameKey('G\u0410'))).toBe('a');
    expect(sameImageNameKey('team', imageNameKey('TEAM'))).toBe(true);
    expect(sameImageNameKey(undefined, 'team')).toBe(false);
  });

  it('ignores the image being renamed', () => {
    expect(imageNameHolder(names, 'invoices', 'a')).toBeUndefined();
    expect(imageNameHolder(names, 'invoices', 'b')).toBe('a');
  });
});

describe('regions', () => {
  it('normalises to lower case, each once, in order', () => {
    expect(normaliseRegions(['EastUS', 'westeurope', 'eastus', ' northeurope'])).toEqual(['eastus', 'westeurope', 'northeurope']);
  });

  it('requires a custom image to be replicated to the region; the built-in one is everywhere', () => {
    expect(isReplicatedTo({ builtIn: false, replicatedRegions: ['westeurope', 'EastUS'] }, 'eastus')).toBe(true);
    expect(isReplicatedTo({ builtIn: false, replicatedRegions: ['westeurope'] }, 'eastus')).toBe(false);
    expect(isReplicatedTo({ builtIn: true, replicatedRegions: [] }, 'eastus')).toBe(true);
  });
});

describe('GALLERY_IMAGE_VERSION_ID', () => {
  const valid =
    '/subscriptions/6f9619ff-8b86-d011-b42d-00c04fc964ff/resourceGroups/rpa-images/providers/Microsoft.Compute/galleries/rpa_gallery/images/win11-pad/versions/1.0.3';

  it('accepts an image version resource id', () => {
    expect(GALLERY_IMAGE_VERSION_ID.test(valid)).toBe(true);
  });

  it.each([
    ['an image definition without version', valid.replace(/\/versions\/.*$/, '')],
    ['a version that is not major.minor.patch', valid.replace('1.0.3', 'latest')],
    ['a subscription that is not a GUID', valid.replace('6f9619ff-8b86-d011-b42d-00c04fc964ff', 'my-sub')],
    ['another provider', valid.replace('Microsoft.Compute', 'Microsoft.Storage')],
    ['a managed image', '/subscriptions/6f9619ff-8b86-d011-b42d-00c04fc964ff/resourceGroups/rg/providers/Microsoft.Compute/images/win11'],
  ])('refuses %s', (_what, id) => {
    expect(GALLERY_IMAGE_VERSION_ID.test(id)).toBe(false);
  });
});
