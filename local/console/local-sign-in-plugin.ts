import path from 'node:path';
import { HttpHost } from '../host/http-server.js';
import { LOCAL_SIGN_IN_PATH, localSignInRoute } from './local-sign-in.js';

/**
 * Preloaded into the local Functions host process (`node --import`, like the simulated provisioner): serves the
 * console's local sign-in page as a host route, beside the API, so that no module of the app (and so of the deployed
 * package) holds it. Host routes are added in the host's own main (admin, Durable webhooks) and a preload runs before
 * the host exists, so this hooks the moment the host maps the app's HTTP functions, once per host.
 */
// stateDirFor (local/stack/local-cloud.ts) without importing the whole stack into the host process
const stateDir = path.resolve(import.meta.dirname, '../..', '.local-cloud', `port-${Number(process.env.PORT ?? 7071)}`);
const mapHttpFunctions = HttpHost.prototype.mapHttpFunctions;
const withSignIn = new WeakSet<HttpHost>();
HttpHost.prototype.mapHttpFunctions = function mapWithLocalSignIn(this: HttpHost): void {
  if (!withSignIn.has(this)) {
    withSignIn.add(this);
    this.addHostRoute(LOCAL_SIGN_IN_PATH, localSignInRoute(stateDir));
  }
  mapHttpFunctions.call(this);
};
