import * as df from 'durable-functions';
import { botLifecycle } from '../orchestrations/bot-lifecycle.js';
import { environmentController } from '../orchestrations/environment-controller.js';
import { BOT_ACTIVITIES, CONTROLLER_ACTIVITIES, ORCHESTRATORS } from '../orchestrations/names.js';
import { application } from '../composition/root/process-application.js';

df.app.orchestration(ORCHESTRATORS.environmentController, environmentController);
df.app.orchestration(ORCHESTRATORS.botLifecycle, botLifecycle);

const { controller, bot } = application;
df.app.activity(CONTROLLER_ACTIVITIES.plan, { handler: controller.plan });
df.app.activity(CONTROLLER_ACTIVITIES.startBots, { extraInputs: [df.input.durableClient()], handler: controller.startBots });
df.app.activity(CONTROLLER_ACTIVITIES.signalBots, { extraInputs: [df.input.durableClient()], handler: controller.signalBots });
df.app.activity(BOT_ACTIVITIES.wakeController, { extraInputs: [df.input.durableClient()], handler: bot.wakeController });
df.app.activity(BOT_ACTIVITIES.provision, { handler: bot.provision });
df.app.activity(BOT_ACTIVITIES.markFailed, { handler: bot.markFailed });
df.app.activity(BOT_ACTIVITIES.serveState, { handler: bot.serveState });
df.app.activity(BOT_ACTIVITIES.deprovision, { handler: bot.deprovision });
