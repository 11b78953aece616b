import { describe, expect, it } from 'vitest';
import { compareFunctionNames, firstMatch, inHostOrder, type OrderedRoute } from '../../../../local/host/route-order.js';
import { compileRouteTemplate } from '../../../../local/host/route-template.js';

function route(name: string, template: string, methods: string[]): OrderedRoute<string> {
  const compiled = compileRouteTemplate(template);
  return { name, template, methods: new Set(methods), match: (path) => compiled.match(path), target: name };
}

describe('the host order of HTTP routes', () => {
  it('sorts function names ordinally, ignoring case, as .NET OrdinalIgnoreCase does', () => {
    const names = ['submitRun', 'notFound', 'Health', 'agentHeartbeat', 'z_noSuchRoute', 'zebra', 'Z9'];
    expect([...names].sort(compareFunctionNames)).toEqual(['agentHeartbeat', 'Health', 'notFound', 'submitRun', 'Z9', 'zebra', 'z_noSuchRoute']);
  });

  it('lets a catch-all whose name sorts first answer a path another function routes (as in Azure)', () => {
    const ordered = inHostOrder([route('submitRun', 'api/environments/{env}/runs', ['POST']), route('notFound', 'api/{*path}', ['GET', 'POST'])]);
    expect(firstMatch(ordered, 'POST', '/api/environments/e1/runs')?.route.name).toBe('notFound');
  });

  it('reaches the specific route once the catch-all sorts after it', () => {
    const ordered = inHostOrder([route('submitRun', 'api/environments/{env}/runs', ['POST']), route('z_noSuchRoute', 'api/{*path}', ['GET', 'POST'])]);
    expect(firstMatch(ordered, 'POST', '/api/environments/e1/runs')?.route.name).toBe('submitRun');
    expect(firstMatch(ordered, 'GET', '/api/environments/e1/runs')?.route.name).toBe('z_noSuchRoute');
  });

  it('lets a parameter route shadow a literal one whose name sorts later', () => {
    const ordered = inHostOrder([route('List', 'api/products/list', ['GET']), route('Details', 'api/products/{id}', ['GET'])]);
    expect(firstMatch(ordered, 'GET', '/api/products/list')?.route.name).toBe('Details');
  });

  it('treats a method the route lacks as no match, so nothing answers (404) without a catch-all', () => {
    const ordered = inHostOrder([route('echo', 'api/echo/{id:int}', ['POST'])]);
    expect(firstMatch(ordered, 'GET', '/api/echo/7')).toBeUndefined();
  });
});
