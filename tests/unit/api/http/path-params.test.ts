import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { parsePathParams, pathId } from '../../../../api/http/path-params.js';

const runParams = z.object({ env: pathId('Environment'), id: pathId('Run') });
const ENV = '11111111-1111-4111-8111-111111111111';
const RUN = 'AAAAAAAA-0000-4000-8000-000000000001';

describe('parsePathParams', () => {
  it('answers the ids lowercased', () => {
    expect(parsePathParams(runParams, { env: ENV, id: RUN })).toEqual({ env: ENV, id: RUN.toLowerCase() });
  });

  it('answers 404 naming the first bad id, the environment before what lives in it', () => {
    expect(() => parsePathParams(runParams, { env: 'not-a-guid', id: 'nor-this' })).toThrow('Environment was not found.');
    expect(() => parsePathParams(runParams, { env: ENV, id: 'not-a-guid' })).toThrow(
      expect.objectContaining({ code: 'NotFound', detail: 'Run was not found.' }),
    );
  });

  it('answers 404 for a missing id as for a bad one', () => {
    expect(() => parsePathParams(runParams, { env: ENV })).toThrow('Run was not found.');
  });
});
