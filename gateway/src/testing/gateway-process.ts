/** The gateway as `npm start` runs it (gateway/dist/main.js, a process of its own), for crash and start-up tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface GatewayProcess {
  child: ChildProcess;
  /** What it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with the exit code, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** Resolves with the gateway's URL once it printed it (start-up done, demo seeded), or rejects if it exits first. */
  ready: Promise<string>;
  /** SIGKILL: a crash, nothing flushed or closed. */
  crash(): Promise<void>;
  /** SIGTERM: a clean stop. */
  stop(): Promise<number | NodeJS.Signals | null>;
}

/** Starts gateway/dist/main.js on DATA_DIR `dataDir`, port 0, with `env` over the defaults (DEMO=false, LOG_LEVEL=silent) and command-line `args`. */
export function spawnGateway(dataDir: string, env: Record<string, string> = {}, args: string[] = []): GatewayProcess {
  const child = spawn(process.execPath, [join(__dirname, '..', 'main.js'), ...args], {
    env: { ...process.env, GOVERNANCE_TOKEN: '', DEMO: 'false', LOG_LEVEL: 'silent', ...env, DATA_DIR: dataDir, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const ready = new Promise<string>((resolve, reject) => {
    const look = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const url = /gateway on the embedded ledger: (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve(url);
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    void exited.then((end) => reject(new Error(`the gateway exited (${String(end)}) before it was ready:\n${output}`)));
  });
  ready.catch(() => undefined); // a crash on purpose before start-up ends is not an unhandled rejection
  return {
    child,
    output: () => output,
    exited,
    ready,
    async crash() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
