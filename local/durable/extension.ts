import type { HostExtension, HostExtensionContext } from '../host/host-extension.js';
import { durableClientBindingData, WEBHOOK_PATH } from './api/client-binding.js';
import { WebhookRoutes } from './api/webhook-routes.js';
import { executeActivity } from './engine/activity-execution.js';
import { ActivityPool } from './runtime/activity-pool.js';
import { EffectApplier, type AppliedEffects } from './runtime/effect-applier.js';
import { functionPorts, TRIGGER_TYPES } from './runtime/function-ports.js';
import { InstanceDispatcher } from './runtime/instance-dispatcher.js';
import { InstanceProcessor } from './runtime/instance-processor.js';
import { KeyedMutex } from './runtime/keyed-mutex.js';
import { TaskHubClient } from './runtime/task-hub-client.js';
import { taskHubStores, type TaskHubStores } from './runtime/task-hub.js';
import { readDurableSettings } from './settings.js';
import { openTaskHubStorage } from './store/task-hub-storage.js';
import type { WorkItem } from './store/work-item-store.js';

const STOP_GRACE_MS = 10_000;
const CLIENT_BINDING_TYPES = ['durableClient', 'orchestrationClient'];

/**
 * The local stand-in for the Durable Task extension: drives the real durable-functions library through
 * its history/action protocol, keeps every piece of task hub state in storage (Azurite), and serves the
 * extension's HTTP API for the real DurableClient.
 */
export function createDurableExtension(ctx: HostExtensionContext): HostExtension {
  let dispatcher: InstanceDispatcher | undefined;
  let activities: ActivityPool | undefined;
  const log = (line: string) => ctx.log(`durable: ${line}`);

  const usesDurable = () =>
    Object.values(TRIGGER_TYPES).some((type) => ctx.registry.byTriggerType(type).length > 0) ||
    ctx.registry.all().some((fn) => Object.values(fn.metadata.bindings).some((b) => CLIENT_BINDING_TYPES.includes(String(b.type))));

  return {
    name: 'durable',

    async start() {
      if (!usesDurable()) {
        log('the app registers no orchestrations, activities, entities or durable clients: extension idle');
        return;
      }
      const settings = readDurableSettings(ctx.settings);
      // getClient() rewrites management URLs to localhost:7071 unless WEBSITE_HOSTNAME names this host,
      // as the Functions host sets it in Azure.
      ctx.settings.WEBSITE_HOSTNAME ??= new URL(ctx.baseUrl).host;

      const stores: TaskHubStores = taskHubStores(await openTaskHubStorage(settings.storageConnectionString, settings.taskHub));
      const locks = new KeyedMutex();
      const ports = functionPorts(ctx.registry, ctx.invoker);
      const wake = (instanceId: string, at?: number) => dispatcher?.wake(instanceId, at);
      const onCommitted = (applied: AppliedEffects) => {
        for (const item of applied.activities) activities?.enqueue(item);
        for (const { instanceId, at } of applied.wakes) wake(instanceId, at);
      };
      const processor = new InstanceProcessor({
        stores,
        applier: new EffectApplier(stores, locks),
        orchestrator: ports.orchestrator,
        entity: ports.entity,
        timers: settings.timers,
        onCommitted,
        log,
      });
      dispatcher = new InstanceDispatcher((id) => processor.process(id), locks, settings.maxConcurrentOrchestrations, log);
      activities = new ActivityPool(
        async (item: WorkItem) => {
          const message = await executeActivity(item, ports.activity);
          await stores.inbox.send(item.instanceId, message);
          await stores.workItems.delete(item);
          wake(item.instanceId);
        },
        settings.maxConcurrentActivities,
        log,
      );

      ctx.invoker.provideInput('durableClient', () => durableClientBindingData(ctx.baseUrl, settings.taskHub));
      ctx.invoker.provideInput('orchestrationClient', () => durableClientBindingData(ctx.baseUrl, settings.taskHub));
      const client = new TaskHubClient({ stores, locks, registry: ctx.registry, wake });
      ctx.addHostRoute(WEBHOOK_PATH, new WebhookRoutes(client, settings.taskHub, log).handler());

      // Resume what a previous host process left: due and future inbox messages, unfinished activities.
      const [due, pendingWork] = await Promise.all([stores.inbox.scan(), stores.workItems.listAll()]);
      for (const [instanceId, at] of due) wake(instanceId, at);
      for (const item of pendingWork) activities.enqueue(item);
      log(`task hub ${settings.taskHub} ready (${due.size} instances with messages, ${pendingWork.length} activities to resume)`);
    },

    async stop() {
      await Promise.all([dispatcher?.stop(STOP_GRACE_MS), activities?.stop(STOP_GRACE_MS)]);
    },
  };
}
