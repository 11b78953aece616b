import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startLocalCloud } from '../local/stack/local-cloud.js';
import { adminApi, loadAverage } from './bench-world.js';
import { machineInfo } from './stats.js';

/**
 * What idle environments cost their local cloud: QUIET_ENVIRONMENTS environments, each with one group and no bot, on a
 * cloud whose controllers plan every 10 s (the test cloud's interval), once with CONTROLLER_QUIET_INTERVAL_SECONDS = 10
 * (every environment plans every 10 s, as before the quiet interval) and once with the default 240. Counts the host's
 * CPU time and the Cosmos requests over a 60 s window. Writes bench/results/quiet-controllers.json.
 */
const ENVIRONMENTS = Number(process.env.QUIET_ENVIRONMENTS ?? 30);
const WINDOW_MS = 60_000;

const cpuSeconds = (pid: number) => {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

async function measure(quietSeconds: number) {
  const cloud = await startLocalCloud({
    port: 0,
    settings: { CONTROLLER_INTERVAL_SECONDS: '10', CONTROLLER_QUIET_INTERVAL_SECONDS: String(quietSeconds), RATE_LIMIT_PER_MINUTE: '1000000' },
  });
  try {
    const api = await adminApi(cloud);
    for (let i = 0; i < ENVIRONMENTS; i++) {
      const env = await api.must('POST', 'environments', { name: `Quiet ${i}`, geography: 'Europe', plan: 'paid', capacity: 2 }, 201);
      const images = await api.must('GET', `environments/${String(env.id)}/images`, undefined, 200);
      const image = (images.items as Array<{ id: string; builtIn: boolean }>).find((x) => x.builtIn);
      await api.must(
        'POST',
        `environments/${String(env.id)}/groups`,
        { name: `G${i}`, maxBots: 1, committedBots: 0, imageId: image?.id, account: { username: 'rpa-runner', password: 'Bench-Acc0unt!pass' } },
        201,
      );
    }
    const pid = cloud.host.pid;
    if (pid === undefined) throw new Error('no host process');
    await new Promise((r) => setTimeout(r, 15_000)); // the first rounds, woken by the creates, are over
    const cpu0 = cpuSeconds(pid);
    const requests0 = cloud.cosmos.counters.requests;
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const seconds = (Date.now() - t0) / 1000;
    return {
      quietIntervalSeconds: quietSeconds,
      hostCpuShareOfACore: Math.round(((cpuSeconds(pid) - cpu0) / seconds) * 1000) / 1000,
      cosmosRequestsPerSecond: Math.round(((cloud.cosmos.counters.requests - requests0) / seconds) * 10) / 10,
      loadAverage: loadAverage(),
    };
  } finally {
    await cloud.stop();
  }
}

async function main(): Promise<void> {
  const everyTenSeconds = await measure(10);
  process.stdout.write(`quiet interval 10 s: ${JSON.stringify(everyTenSeconds)}\n`);
  const quiet = await measure(240);
  process.stdout.write(`quiet interval 240 s: ${JSON.stringify(quiet)}\n`);
  const out = path.join(import.meta.dirname, 'results', 'quiet-controllers.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ machine: machineInfo(), at: new Date().toISOString(), environments: ENVIRONMENTS, windowSeconds: WINDOW_MS / 1000, controllerIntervalSeconds: 10, results: [everyTenSeconds, quiet] }, null, 2)}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
