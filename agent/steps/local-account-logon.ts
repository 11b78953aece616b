import { createHash, timingSafeEqual } from 'node:crypto';
import type { AccountLogon, AccountSession, RunAccount } from './account-logon.js';
import { STEP_ERROR_CODES, StepError } from './step-errors.js';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

const asCurrentUser: AccountSession = { asAccount: (spec) => spec };

/**
 * The simulated bot's logon: the bot holds the account it was provisioned with and checks the run's account against
 * it as Windows would (user name case-insensitive, password exact, compared in constant time over SHA-256 digests so
 * that neither length nor content leaks through timing), then runs the process as the current OS user, so that tests
 * need no privileges.
 */
export class LocalAccountLogon implements AccountLogon {
  readonly #username: Buffer;
  readonly #password: Buffer;

  constructor(machineAccount: RunAccount) {
    this.#username = digest(machineAccount.username.toLowerCase());
    this.#password = digest(machineAccount.password);
  }

  logon(account: RunAccount | undefined): Promise<AccountSession> {
    const username = digest((account?.username ?? '').toLowerCase());
    const password = digest(account?.password ?? '');
    // both comparisons always run: no early exit telling which part was wrong
    const sameUser = timingSafeEqual(username, this.#username);
    const samePassword = timingSafeEqual(password, this.#password);
    if (!account || !sameUser || !samePassword) {
      return Promise.reject(
        new StepError(
          STEP_ERROR_CODES.invalidCredentials,
          "The connection's account did not log on at the bot: wrong user name or password (outdated after a rotation?).",
        ),
      );
    }
    return Promise.resolve(asCurrentUser);
  }
}
