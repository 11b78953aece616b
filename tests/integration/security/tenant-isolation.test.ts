import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../api/routes/index.js';
import { createGroup, groupEnvironment } from '../../support/group-fixtures.js';

describe('isolation between environments', () => {
  it("lets the SystemAdministrator of one environment read and change nothing of another's (404, or 400 before any lookup)", async () => {
    const mine = await groupEnvironment();
    const theirs = await groupEnvironment();
    const theirGroup = await createGroup(theirs.admin, theirs.envId, theirs.imageId);
    const theirFlow = await theirs.admin.post(`environments/${theirs.envId}/desktop-flows`, { name: 'Theirs', definition: { steps: [] } });
    const ids: Record<string, string> = { env: theirs.envId, id: theirGroup.id, groupId: theirGroup.id, userId: theirs.admin.userId };
    const checked: string[] = [];
    for (const route of apiRoutes.filter((r) => r.route.startsWith('environments/{env}'))) {
      const id = route.route.includes('desktop-flows/{id}') ? String(theirFlow.body.id) : route.route.includes('images/{id}') ? theirs.imageId : undefined;
      const path = route.route.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'id' && id ? id : (ids[name] ?? name)));
      const res = await mine.admin.request(route.method, path, route.method === 'GET' || route.method === 'DELETE' ? undefined : {});
      checked.push(`${route.method} ${path}`);
      if (route.method === 'GET' || route.method === 'DELETE') expect(res.status, `${route.method} ${path}`).toBe(404);
      else expect([400, 404], `${route.method} ${path} → ${res.status}`).toContain(res.status);
    }
    expect(checked.length).toBeGreaterThan(20);
    // and their things are untouched
    expect((await theirs.admin.get(`environments/${theirs.envId}/groups/${theirGroup.id}`)).status).toBe(200);
  });
});
