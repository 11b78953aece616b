import { AgentLoop } from './agent-loop.js';
import { configPathFrom, loadAgentConfig } from './agent-config.js';
import { AgentApiClient } from './api-client.js';
import { QueueListener } from './queue-listener.js';
import { executeFlow, LocalAccountLogon, WindowsAccountLogon, type AccountLogon } from './steps/index.js';
import { runProcess } from './steps/process-runner.js';

/** The bot agent: `node agent/main.js --config <agent.json>` (default %ProgramData%\HostedRpa\agent.json on Windows). */
const USAGE = 'usage: hosted-rpa-agent --config <agent.json>  (default on Windows: %ProgramData%\\HostedRpa\\agent.json)';
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  // the installer and the packaging test check the bundle starts with this: exit 0 without a config
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const config = loadAgentConfig(configPathFrom(process.argv.slice(2)));
const log = (line: string) => process.stdout.write(`${new Date().toISOString()} [bot ${config.botId}] ${line}\n`);
const api = new AgentApiClient(config.controlPlaneUrl, config.credential);
const queue = new QueueListener({ fetchCredential: () => api.queueCredential(), emulator: config.serviceBusEmulator === true });
const logon: AccountLogon = config.machineAccount ? new LocalAccountLogon(config.machineAccount) : new WindowsAccountLogon(runProcess);
const loop = new AgentLoop(api, queue, (run, cancelled) => executeFlow(run.definition, { inputs: run.inputs, account: run.account, logon, cancelled }), log);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    loop.stop();
    void queue.close().finally(() => process.exit(0));
  });
}
// the simulated bot's parent (the Functions host) closes our stdin when it goes: no orphan agent outlives the stack
if (process.env.HOSTED_RPA_AGENT_EXIT_WITH_PARENT === '1') process.stdin.on('end', () => process.exit(0)).resume();

loop.run().then(
  () => process.exit(0),
  (err: unknown) => {
    log(`agent: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
