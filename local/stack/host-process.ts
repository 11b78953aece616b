import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface HostProcessOptions {
  appDir: string;
  env: Record<string, string>;
  /** modules the host process imports before it loads the app (`node --import`), e.g. the simulated provisioner */
  preload?: string[];
  log: (line: string) => void;
  startTimeoutMs?: number;
}

const HOST_ENTRY = fileURLToPath(new URL('../host/main.ts', import.meta.url));
// Resolved by Node from the app folder upwards, where the repository's node_modules holds it.
const TSX_LOADER = 'tsx';

/**
 * The Functions host as a child process, as in Azure where the host and the worker restart independently
 * of the storage and database services. Its output is forwarded line by line.
 */
export class HostProcess {
  #child: ChildProcess | undefined;

  constructor(private readonly options: HostProcessOptions) {}

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  async start(): Promise<void> {
    const preloads = (this.options.preload ?? []).flatMap((file) => ['--import', pathToFileURL(file).href]);
    const child = spawn(process.execPath, ['--import', TSX_LOADER, ...preloads, HOST_ENTRY], {
      cwd: this.options.appDir,
      env: { ...process.env, ...this.options.env, FUNCTION_APP_DIR: this.options.appDir },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.#child = child;
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) this.options.log(line);
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('The Functions host did not report ready in time.')), this.options.startTimeoutMs ?? 60_000);
      child.on('message', (message: unknown) => {
        if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready') {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`The Functions host exited during start (code ${code}, signal ${signal}).`));
      });
    });
  }

  /** Stops the host: SIGTERM lets it finish in-flight work; SIGKILL simulates a crash. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill(signal);
    });
  }

  async restart(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    await this.stop(signal);
    await this.start();
  }
}
