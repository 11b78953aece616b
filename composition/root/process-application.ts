import { loadAppConfig } from '../../app/config/app-config.js';
import { composeApplication } from './application.js';

/**
 * This process's application: the one instance every functions/ module registers from (the host loads them all
 * into one process). Composing it builds nothing yet, and reads no setting (see composeApplication).
 */
export const application = composeApplication(() => loadAppConfig(process.env));
