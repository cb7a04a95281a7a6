import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { CommandFailed, run } from './run';

/** The Fabric release programs a network needs; none of them ships with this project. */
export const FABRIC_TOOLS = ['peer', 'orderer', 'configtxgen', 'cryptogen', 'osnadmin'] as const;
export type FabricTool = (typeof FABRIC_TOOLS)[number];

export interface FabricInstall {
  /** The folder holding the release's programs (its bin/). */
  bin: string;
  /** The release's config/ (core.yaml, orderer.yaml): FABRIC_CFG_PATH, default bin/../config. */
  config: string;
  /** Where the programs were found, for messages: FABRIC_BIN, PATH or ~/fabric/bin. */
  source: 'FABRIC_BIN' | 'PATH' | '~/fabric/bin';
}

export class FabricNotFound extends Error {}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The tools `dir` lacks (missing or not executable). */
function missingTools(dir: string): FabricTool[] {
  return FABRIC_TOOLS.filter((tool) => !executable(join(dir, tool)));
}

/**
 * Finds Fabric's release binaries: FABRIC_BIN, else the folder on PATH that holds `peer`, else
 * ~/fabric/bin (where these development machines keep them, see DEVELOPERS.md). Throws
 * FabricNotFound with the reason when none has every tool or the config is missing.
 */
export function locateFabric(env: NodeJS.ProcessEnv = process.env): FabricInstall {
  let bin: string;
  let source: FabricInstall['source'];
  if (env.FABRIC_BIN) {
    bin = resolve(env.FABRIC_BIN);
    source = 'FABRIC_BIN';
    const missing = missingTools(bin);
    if (missing.length > 0) throw new FabricNotFound(`FABRIC_BIN=${bin} lacks ${missing.join(', ')} (missing or not executable); it needs ${FABRIC_TOOLS.join(', ')}`);
  } else {
    const onPath = (env.PATH ?? '').split(delimiter).find((dir) => dir && missingTools(dir).length === 0);
    const convenience = join(homedir(), 'fabric', 'bin');
    if (onPath) {
      bin = resolve(onPath);
      source = 'PATH';
    } else if (missingTools(convenience).length === 0) {
      bin = convenience;
      source = '~/fabric/bin';
    } else {
      throw new FabricNotFound(`no Fabric binaries (${FABRIC_TOOLS.join(', ')}) in FABRIC_BIN, on PATH or in ~/fabric/bin`);
    }
  }
  const config = resolve(env.FABRIC_CFG_PATH || join(dirname(bin), 'config'));
  for (const file of ['core.yaml', 'orderer.yaml']) {
    if (!existsSync(join(config, file))) {
      throw new FabricNotFound(`${join(config, file)} is missing: set FABRIC_CFG_PATH to the release's config folder`);
    }
  }
  return { bin, config, source };
}

export function toolPath(fabric: FabricInstall, tool: FabricTool): string {
  return join(fabric.bin, tool);
}

/** How long `peer version` may take: it prints and exits at once, so longer means it hangs. */
const VERSION_TIMEOUT_MS = 10_000;

/** The release's version as `peer version` prints it (e.g. 3.1.5); the project needs Fabric 3. */
export async function fabricVersion(fabric: FabricInstall, timeoutMs = VERSION_TIMEOUT_MS): Promise<string> {
  let out: string;
  try {
    out = await run(toolPath(fabric, 'peer'), ['version'], { ...process.env, FABRIC_CFG_PATH: fabric.config }, timeoutMs);
  } catch (err) {
    if (err instanceof CommandFailed) throw new FabricNotFound(`cannot tell the Fabric version in ${fabric.bin} (from ${fabric.source}): ${err.message}`);
    throw err;
  }
  const version = /Version:\s*v?([0-9][^\s]*)/.exec(out)?.[1];
  if (!version) throw new FabricNotFound(`peer version printed no version:\n${out}`);
  return version;
}

export async function requireFabric3(fabric: FabricInstall): Promise<string> {
  const version = await fabricVersion(fabric);
  if (!version.startsWith('3.')) throw new FabricNotFound(`Fabric ${version} found in ${fabric.bin}; the network needs Fabric 3.x`);
  return version;
}
