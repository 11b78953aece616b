import { beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentDocument } from '../../../domain/environment.js';
import { imageNameKey, type ImageDocument } from '../../../domain/image.js';
import { createImage, deleteImage, getImage, listImages, setImageAccess, updateImage } from '../../../app/images.js';
import {
  BUILT_IN_IMAGE,
  ENV,
  seedEnvironment,
  seedGroup,
  seedMember,
  useCasePorts,
  userPrincipal,
  type UseCasePorts,
} from '../../support/fakes/use-case-ports.js';

const GALLERY = '/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/i/versions/1.0.0';
const input = { name: 'Finance Image', galleryImageVersionId: GALLERY, replicatedRegions: ['NorthEurope'] };
const maker = userPrincipal('maker');

let ports: UseCasePorts;

const imageNames = async () => (await ports.store.get<EnvironmentDocument>(ENV, ENV))!.ledger.imageNames;

beforeEach(async () => {
  ports = useCasePorts();
  await seedEnvironment(ports.store);
  await seedMember(ports.store, 'maker', ['EnvironmentMaker']);
  await seedMember(ports.store, 'user', ['BasicUser']);
  await seedMember(ports.store, 'admin', ['SystemAdministrator']);
});

describe('createImage', () => {
  it('reserves the name in the ledger, then writes the image owned by the caller', async () => {
    const image = await createImage(ports, maker, ENV, input);
    expect(image).toMatchObject({ name: 'Finance Image', builtIn: false, ownerId: 'maker', replicatedRegions: ['northeurope'] });
    expect((await imageNames())[image.id]).toBeDefined();
  });

  it('refuses a name another image holds, whatever its case (409 NameTaken)', async () => {
    await createImage(ports, maker, ENV, input);
    await expect(createImage(ports, maker, ENV, { ...input, name: 'FINANCE image' })).rejects.toMatchObject({ code: 'NameTaken' });
    expect(ports.store.ofType<ImageDocument>(ENV, 'image')).toHaveLength(2);
  });

  it("refuses an image not replicated to the environment's region (422 ImageNotInRegion)", async () => {
    await expect(createImage(ports, maker, ENV, { ...input, replicatedRegions: ['westus'] })).rejects.toMatchObject({
      options: { reason: 'ImageNotInRegion' },
    });
  });

  it('refuses a member without an image role (403)', async () => {
    await expect(createImage(ports, userPrincipal('user'), ENV, input)).rejects.toMatchObject({ code: 'Forbidden' });
  });

  it('releases the name when the image cannot be written', async () => {
    ports.store.failCreateOf = 'image';
    await expect(createImage(ports, maker, ENV, input)).rejects.toThrow('the store is down');
    expect(Object.keys(await imageNames())).toEqual([BUILT_IN_IMAGE]);
  });
});

describe('listImages and getImage', () => {
  it('show the images the caller may see, with how many groups use each', async () => {
    const image = await createImage(ports, maker, ENV, input);
    await seedGroup(ports, '55555555-5555-4555-8555-000000000001', 'p', { imageId: image.id });
    expect((await listImages(ports, maker, ENV)).map((v) => [v.image.id, v.usedByGroups])).toEqual([[image.id, 1]]);
    expect((await listImages(ports, userPrincipal('admin'), ENV)).map((v) => v.image.id)).toEqual([BUILT_IN_IMAGE, image.id]);
    await expect(getImage(ports, userPrincipal('user'), ENV, image.id)).rejects.toMatchObject({ code: 'NotFound' });
  });
});

describe('updateImage', () => {
  it('renames, moving the ledger name: the old name is free again', async () => {
    const image = await createImage(ports, maker, ENV, input);
    const { image: saved } = await updateImage(ports, maker, ENV, image.id, { name: 'Payroll Image' }, image.etag);
    expect(saved.name).toBe('Payroll Image');
    expect((await imageNames())[image.id]).toBe(imageNameKey('Payroll Image'));
    await expect(createImage(ports, maker, ENV, input)).resolves.toMatchObject({ name: 'Finance Image' });
  });

  it('refuses a stale If-Match (412) and a change of the built-in image (422 BuiltInImage)', async () => {
    const image = await createImage(ports, maker, ENV, input);
    await expect(updateImage(ports, maker, ENV, image.id, { description: 'x' }, '"stale"')).rejects.toMatchObject({ code: 'PreconditionFailed' });
    await expect(updateImage(ports, userPrincipal('admin'), ENV, BUILT_IN_IMAGE, { name: 'Mine' }, undefined)).rejects.toMatchObject({
      options: { reason: 'BuiltInImage' },
    });
  });

  it('moves the name back when the image write loses a race', async () => {
    const image = await createImage(ports, maker, ENV, input);
    const before = await imageNames();
    const replace = ports.store.replace.bind(ports.store);
    ports.store.replace = async (doc, etag) => (doc.type === 'image' ? replace(doc, '"lost"') : replace(doc, etag));
    await expect(updateImage(ports, maker, ENV, image.id, { name: 'Payroll Image' }, undefined)).rejects.toMatchObject({ code: 'PreconditionFailed' });
    expect(await imageNames()).toEqual(before);
  });
});

describe('deleteImage', () => {
  it('deletes an unused image and releases its name', async () => {
    const image = await createImage(ports, maker, ENV, input);
    await deleteImage(ports, maker, ENV, image.id, image.etag);
    expect(await ports.store.get(ENV, image.id)).toBeUndefined();
    expect(Object.keys(await imageNames())).toEqual([BUILT_IN_IMAGE]);
  });

  it('refuses an image a group uses (409 ResourceInUse) and the built-in image (422)', async () => {
    const image = await createImage(ports, maker, ENV, input);
    await seedGroup(ports, '55555555-5555-4555-8555-000000000001', 'p', { imageId: image.id });
    await expect(deleteImage(ports, maker, ENV, image.id, undefined)).rejects.toMatchObject({ code: 'ResourceInUse' });
    await expect(deleteImage(ports, userPrincipal('admin'), ENV, BUILT_IN_IMAGE, undefined)).rejects.toMatchObject({ options: { reason: 'BuiltInImage' } });
  });
});

describe('setImageAccess', () => {
  it('shares with members only (422 NotAMember), and a shared user then sees the image', async () => {
    const image = await createImage(ports, maker, ENV, input);
    await expect(setImageAccess(ports, maker, ENV, image.id, [{ userId: 'stranger', permission: 'User' }], image.etag)).rejects.toMatchObject({
      options: { reason: 'NotAMember' },
    });
    await setImageAccess(ports, maker, ENV, image.id, [{ userId: 'user', permission: 'User' }], image.etag);
    expect((await getImage(ports, userPrincipal('user'), ENV, image.id)).image.id).toBe(image.id);
  });
});
