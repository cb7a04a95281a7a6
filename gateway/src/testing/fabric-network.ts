/**
 * A Fabric network for the gateway's Fabric tests (*.fabric.test.ts, `npm run test:fabric`): the one
 * HNC_FABRIC_DIR names when it runs with the chaincode deployed (a developer's, kept), or else a
 * network of its own, started with the scripts a user runs (`scripts/network up`, `scripts/chaincode
 * deploy`) in a fresh folder at a free port offset, and taken down by stop().
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePortOffset } from '@henan-chain/network';
import { ROOT } from './npm-start';

export interface FabricTestNetwork {
  /** HNC_FABRIC_DIR of the network: connection profiles in connection/<mspId>.json. */
  dir: string;
  /** Seconds `network up` and `chaincode deploy` took; undefined for a network that was already running. */
  upSeconds?: number;
  deploySeconds?: number;
  stop(): Promise<void>;
}

function script(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(join(ROOT, 'scripts', name), args, { env, cwd: ROOT, timeout: 600_000, maxBuffer: 32 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`scripts/${name} ${args.join(' ')} failed: ${err.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

export async function fabricTestNetwork(): Promise<FabricTestNetwork> {
  const given = process.env.HNC_FABRIC_DIR;
  if (given && existsSync(join(given, 'connection', 'HenanProvinceMSP.json'))) return { dir: given, stop: async () => {} };
  const dir = await mkdtemp(join(tmpdir(), 'hnc-gw-fabric-'));
  const offset = await freePortOffset();
  const env = { ...process.env, HNC_FABRIC_DIR: dir, HNC_FABRIC_PORT_OFFSET: String(offset) };
  const stop = async () => {
    await script('network', ['down'], env).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    let started = Date.now();
    await script('network', ['up'], env);
    const upSeconds = (Date.now() - started) / 1000;
    started = Date.now();
    await script('chaincode', ['deploy'], env);
    return { dir, upSeconds, deploySeconds: (Date.now() - started) / 1000, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
