import { describe, expect, it } from 'vitest';
import { compileRouteTemplate } from '../../../../local/host/route-template.js';

describe('compileRouteTemplate', () => {
  it.each([
    ['api/health', '/api/health', {}],
    ['api/health', '/api/health/', {}],
    ['api/environments/{env}/groups/{id}', '/api/environments/e1/groups/g%201', { env: 'e1', id: 'g 1' }],
    ['api/items/{id:int}', '/api/items/42', { id: '42' }],
    ['api/items/{id:guid}', '/api/items/0f8fad5b-d9cb-469f-a165-70867728950e', { id: '0f8fad5b-d9cb-469f-a165-70867728950e' }],
    ['api/files/{*rest}', '/api/files/a/b/c', { rest: 'a/b/c' }],
    ['api/files/{*rest}', '/api/files', {}],
    ['api/things/{name?}', '/api/things', {}],
  ])('%s matches %s', (template, path, params) => {
    expect(compileRouteTemplate(template).match(path)).toEqual(params);
  });

  it.each([
    ['api/health', '/api/healthz'],
    ['api/items/{id:int}', '/api/items/abc'],
    ['api/items/{id:guid}', '/api/items/not-a-guid'],
    ['api/environments/{env}', '/api/environments/a/b'],
  ])('%s does not match %s', (template, path) => {
    expect(compileRouteTemplate(template).match(path)).toBeUndefined();
  });

  it('keeps a malformed percent-encoding as it came instead of failing', () => {
    expect(compileRouteTemplate('api/x/{id}').match('/api/x/%E0%A4%A')).toEqual({ id: '%E0%A4%A' });
  });
});
