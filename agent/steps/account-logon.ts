import type { ProcessSpec } from './process-runner.js';

/** The connection's account a run's steps execute as (the bot agent receives it with the run). */
export interface RunAccount {
  username: string;
  password: string;
}

/** A logged-on account: turns what a step would start into what starts it as that account. */
export interface AccountSession {
  asAccount(spec: ProcessSpec): ProcessSpec;
}

/**
 * How a bot runs a step as the run's connection account (a port: Windows and the local simulated bot implement it).
 * `logon` fails with a StepError `InvalidCredentials` when the account does not log on.
 */
export interface AccountLogon {
  logon(account: RunAccount | undefined): Promise<AccountSession>;
}
