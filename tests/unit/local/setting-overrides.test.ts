import { describe, expect, it } from 'vitest';
import { settingOverrides } from '../../../local/stack/setting-overrides.js';

describe('npm start: settings from the environment', () => {
  it('takes the durations and schedules of the settings table, and nothing of the wiring', () => {
    const result = settingOverrides({
      LOCAL_PROVISION_DELAY_MS: '30000',
      BOT_IDLE_TIMEOUT_SECONDS: '900',
      ORPHAN_SWEEP_SCHEDULE: '0 */5 * * * *',
      GROUP_IDLE_TEARDOWN_HOURS: '',
      COSMOS_ENDPOINT: 'https://elsewhere.example',
      PROVISIONER: 'arm',
    });
    expect(result).toEqual({
      ok: true,
      settings: { LOCAL_PROVISION_DELAY_MS: '30000', BOT_IDLE_TIMEOUT_SECONDS: '900', ORPHAN_SWEEP_SCHEDULE: '0 */5 * * * *' },
    });
  });

  it('names every malformed value, checked by the app’s own config schema', () => {
    const result = settingOverrides({ BOT_IDLE_TIMEOUT_SECONDS: '-5', LOCAL_PROVISION_FAILURE_RATE: '2', STUCK_RUN_SWEEP_SCHEDULE: '* * * * *' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.split('=')[0])).toEqual(['LOCAL_PROVISION_FAILURE_RATE', 'BOT_IDLE_TIMEOUT_SECONDS', 'STUCK_RUN_SWEEP_SCHEDULE']);
  });
});
