import * as df from 'durable-functions';
import { CONTROLLER_ACTIVITIES } from '../orchestrations/names.js';
import { application } from '../composition/root/process-application.js';

df.app.activity(CONTROLLER_ACTIVITIES.recordHistory, { handler: application.controller.recordHistory });
