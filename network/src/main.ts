#!/usr/bin/env node
import { Command, Option } from 'commander';
import { locateFabric, requireFabric3 } from './fabric-binaries';
import { loadHosts, withPortOffset } from './hosts';
import { deploy, upgrade } from './chaincode/deploy';
import { down, NetworkError, status, up, type NetworkStatus } from './network';
import { start } from './start';
import { hostsFile, Workspace } from './workspace';

/** --consensus names the hosts file's channel profiles. */
const PROFILES: Record<string, string> = { raft: 'HenanRaft', bft: 'HenanBFT' };

/** HNC_FABRIC_PORT_OFFSET: an integer that keeps every port of the plan within 1-65535. */
async function portOffset(value: string | undefined): Promise<number> {
  if (value === undefined || value === '') return 0;
  const offset = /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(offset)) throw new NetworkError(`HNC_FABRIC_PORT_OFFSET must be an integer (e.g. 1000), not ${JSON.stringify(value)}`);
  try {
    withPortOffset(await loadHosts(hostsFile), offset);
  } catch (err) {
    if (err instanceof RangeError) throw new NetworkError(`HNC_FABRIC_PORT_OFFSET=${value} is out of range: ${err.message}`);
    throw err;
  }
  return offset;
}

function progress(step: string, seconds: number): void {
  console.log(`  ${seconds.toFixed(1).padStart(5)} s  ${step}`);
}

function printStatus(s: NetworkStatus): void {
  console.log(`network in ${s.root} (${s.diskMiB} MiB on disk): profile ${s.profile}, port offset ${s.portOffset}`);
  for (const n of s.nodes) {
    const state = n.running ? `running pid ${n.pid}, ${n.rssMiB ?? '?'} MiB` : 'NOT RUNNING';
    const health = n.healthy === undefined ? '' : n.healthy ? ', healthy' : ', UNHEALTHY';
    const height = n.height === undefined ? '' : `, channel height ${n.height}`;
    const starts = n.starts === undefined ? '' : `, started ${n.starts}×`;
    const disk = n.diskMiB === undefined ? '' : `, ${n.diskMiB} MiB data`;
    console.log(`  ${n.name.padEnd(36)} ${state}${health}${height}${starts}${disk}`);
  }
  if (s.chaincode) console.log(`  chaincode sequence ${s.chaincode.sequence}: ${Object.entries(s.chaincode.packageIds).map(([m, id]) => `${m} ${id}`).join(', ')}`);
}

const program = new Command('henan-chain-fabric').description('河南链 Fabric consortium on local processes (see network-config/README.md)');
const network = program.command('network').description('the consortium: up, start, down, status, check');
const chaincode = program.command('chaincode').description('the chaincode as a service: deploy, upgrade');

network
  .command('up')
  .description('generate crypto and the channel, start orderers and peers, join the channel')
  .addOption(new Option('--consensus <type>', 'ordering consensus').choices(Object.keys(PROFILES)).default('raft'))
  .action(async (options: { consensus: string }) => {
    const workspace = Workspace.fromEnv();
    const offset = await portOffset(process.env.HNC_FABRIC_PORT_OFFSET);
    const profile = PROFILES[options.consensus]!;
    const started = Date.now();
    console.log(`network up: ${profile} in ${workspace.root}, port offset ${offset}`);
    await up(workspace, { profile, portOffset: offset, progress });
    console.log(`network up in ${((Date.now() - started) / 1000).toFixed(1)} s; connection profiles in ${workspace.connectionDir}`);
  });

network
  .command('start')
  .description('start a stopped network again from its folder (same ports, crypto, ledgers) and its chaincode servers')
  .action(async () => {
    const workspace = Workspace.fromEnv();
    const started = Date.now();
    console.log(`network start: ${workspace.root}`);
    await start(workspace, { progress });
    console.log(`network started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

network
  .command('check')
  .description('which Fabric binaries the network would use; exits 1 with the reason when there are none')
  .action(async () => {
    const fabric = locateFabric();
    const version = await requireFabric3(fabric);
    console.log(`Fabric ${version} in ${fabric.bin} (from ${fabric.source}), config ${fabric.config}`);
  });

network
  .command('down')
  .description('stop every process the network started and remove its folder')
  .action(async () => {
    const workspace = Workspace.fromEnv();
    const stopped = await down(workspace);
    console.log(stopped.length ? `network down: stopped ${stopped.join(', ')}` : `network down: nothing was running from ${workspace.root}`);
  });

network
  .command('status')
  .description('what runs, its memory, health and channel height; exits 1 when something is down')
  .option('--json', 'print the status as JSON')
  .action(async (options: { json?: boolean }) => {
    const workspace = Workspace.fromEnv();
    const s = await status(workspace);
    if (!s) {
      console.log(`no network in ${workspace.root}`);
      process.exitCode = 1;
      return;
    }
    if (options.json) console.log(JSON.stringify(s, null, 2));
    else printStatus(s);
    if (s.nodes.some((n) => !n.running || n.healthy === false)) process.exitCode = 1;
  });

for (const [name, action, description] of [
  ['deploy', deploy, 'build the chaincode, install/approve/commit sequence 1 for every organisation, start the servers, initialise governance'],
  ['upgrade', upgrade, 'build the chaincode and move to the next sequence, state intact'],
] as const) {
  chaincode
    .command(name)
    .description(description)
    .option('--artifact <dir>', 'run this chaincode built by scripts/build-chaincode instead of building it now')
    .action(async (options: { artifact?: string }) => {
      const started = Date.now();
      const result = await action(Workspace.fromEnv(), { artifact: options.artifact, progress });
      console.log(`chaincode ${name}: sequence ${result.sequence} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
}

// Every failure, ours or a failed Fabric program's (CommandFailed keeps its message short), is
// printed as its message alone: a stack or an error object's fields tell a user nothing more.
program.parseAsync().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
