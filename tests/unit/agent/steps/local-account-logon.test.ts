import { describe, expect, it } from 'vitest';
import { LocalAccountLogon } from '../../../../agent/steps/local-account-logon.js';

const machine = { username: 'RpaRunner', password: 'S3cret-Passw0rd!x' };

describe('the simulated bot logs the connection account on as Windows would', () => {
  it('accepts the account it was provisioned with, user name in any case, and runs the process unchanged', async () => {
    const session = await new LocalAccountLogon(machine).logon({ username: 'rparunner', password: machine.password });
    const spec = { command: 'node', args: ['-v'] };
    expect(session.asAccount(spec)).toEqual(spec);
  });

  it.each([
    ['a wrong password', { username: machine.username, password: 'S3cret-Passw0rd!y' }],
    ['a password differing in case', { username: machine.username, password: machine.password.toUpperCase() }],
    ['another user', { username: 'someone', password: machine.password }],
    ['an empty password', { username: machine.username, password: '' }],
    ['no account at all', undefined],
  ])('refuses %s with InvalidCredentials', async (_what, account) => {
    await expect(new LocalAccountLogon(machine).logon(account)).rejects.toMatchObject({ code: 'InvalidCredentials' });
  });

  it('never says the password in its error', async () => {
    const error: unknown = await new LocalAccountLogon(machine).logon({ username: machine.username, password: 'guess-Passw0rd!' }).catch((err: unknown) => err);
    expect(String((error as Error).message)).not.toContain('guess');
  });
});
