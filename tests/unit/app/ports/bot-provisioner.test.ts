import { describe, expect, it } from 'vitest';

import { assertValidBotSpec, botImageSpecOf, ProvisioningError } from '../../../../app/ports/bot-provisioner.js';
import { aBotSpec, GALLERY_IMAGE_VERSION_ID } from '../../adapters/vms/bot-fixtures.js';

describe('botImageSpecOf', () => {
  it('maps the built-in image to the latest marketplace version and a custom one to its gallery version', () => {
    expect(botImageSpecOf({ builtIn: true })).toEqual({ builtIn: true, version: 'latest' });
    expect(botImageSpecOf({ builtIn: false, galleryImageVersionId: GALLERY_IMAGE_VERSION_ID })).toEqual({
      builtIn: false,
      galleryImageVersionId: GALLERY_IMAGE_VERSION_ID,
      version: '1.2.3',
    });
  });

  it('refuses a custom image without a gallery image version', () => {
    expect(() => botImageSpecOf({ builtIn: false })).toThrow(ProvisioningError);
  });
});

describe('assertValidBotSpec', () => {
  it('accepts a complete spec', () => {
    expect(() => assertValidBotSpec(aBotSpec())).not.toThrow();
  });

  it('lists every problem, without the credential', () => {
    const spec = aBotSpec({
      groupId: '',
      account: { username: '', password: { name: '' } },
      agent: { controlPlaneUrl: 'not a url', credential: 'line\nbreak' },
    });

    let error: unknown;
    try {
      assertValidBotSpec(spec);
    } catch (e) {
      error = e;
    }

    expect(error).toMatchObject({ reason: 'InvalidBotSpec', retryable: false });
    const message = error instanceof Error ? error.message : '';
    for (const part of ['groupId is empty', 'account.username is empty', 'account.password has no secret name', 'controlPlaneUrl', 'agent.credential']) {
      expect(message).toContain(part);
    }
    expect(message).not.toContain('line\nbreak');
  });
});
