import { existsSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chaincodePort, governanceOf, type Organisation } from '../hosts';
import { startProcess, stopProcess, type ProcessRecord } from '../processes';
import { accepts, waitFor } from '../readiness';
import { CommandFailed, run } from '../run';
import { readState, writeState, type ChaincodeState, type NetworkState } from '../state';
import { anyRunning, NetworkError } from '../network';
import { repoRoot, type Workspace } from '../workspace';
import { PeerCli } from './lifecycle';
import { ccaasPackage } from './package';
import type { SupervisorPlan } from './supervisor';

export interface DeployOptions {
  /** A chaincode already built by scripts/build-chaincode to run instead of building one now. */
  artifact?: string;
  progress?: (step: string, seconds: number) => void;
}

const SUPERVISOR = 'chaincode-supervisor';
const supervisorScript = join(__dirname, 'supervisor.js');

async function runningNetwork(workspace: Workspace): Promise<NetworkState> {
  const state = await readState(workspace);
  if (!state || !anyRunning(state)) throw new NetworkError(`no network runs from ${workspace.root}; run \`npm run network:up\` first`);
  return state;
}

/** Builds the chaincode (bundle plus fabric-shim) into the workspace, or takes the one given. */
async function artifactFor(workspace: Workspace, sequence: number, options: DeployOptions, step: (s: string) => void): Promise<string> {
  if (options.artifact) {
    const dir = resolve(options.artifact);
    if (!existsSync(join(dir, 'index.js')) || !existsSync(join(dir, 'node_modules', '.bin', 'fabric-chaincode-node'))) {
      throw new NetworkError(`${dir} is not a chaincode artifact (index.js and node_modules/.bin/fabric-chaincode-node, as scripts/build-chaincode makes it)`);
    }
    return dir;
  }
  const out = join(workspace.chaincodeDir, `artifact-${sequence}`);
  await run(join(repoRoot, 'scripts', 'build-chaincode'), [out], process.env, 600_000);
  step('chaincode artifact built');
  return out;
}

/**
 * Packages and installs definition `sequence`'s chaincode for every organisation: each its own
 * package, pointing at its own chaincode server on that sequence's port. Returns the package ids.
 */
async function installPackages(workspace: Workspace, state: NetworkState, cli: PeerCli, sequence: number, step: (s: string) => void): Promise<Record<string, string>> {
  const { hosts } = state;
  const packageIds: Record<string, string> = {};
  for (const org of hosts.organisations) {
    const label = `${hosts.chaincode.name}_${sequence}_${org.mspId}`;
    const file = join(workspace.chaincodeDir, `${label}.tgz`);
    packageIds[org.mspId] = await ccaasPackage(state.fabric, file, label, { host: org.chaincodeServer.host, port: chaincodePort(org, sequence) });
    await cli.install(org, file);
  }
  step('packages installed on every peer');
  return packageIds;
}

/** Every organisation approves definition `sequence` with its own package id; then it is committed. */
async function commitDefinition(state: NetworkState, cli: PeerCli, sequence: number, packageIds: Record<string, string>, step: (s: string) => void): Promise<void> {
  const { hosts } = state;
  const version = String(sequence);
  for (const org of hosts.organisations) await cli.approve(org, version, sequence, packageIds[org.mspId]!);
  const approvals = await cli.commitReadiness(version, sequence);
  const missing = hosts.organisations.filter((o) => !approvals[o.mspId]).map((o) => o.mspId);
  if (missing.length) throw new NetworkError(`definition ${sequence} lacks the approval of ${missing.join(', ')}`);
  step(`definition ${sequence} approved by ${hosts.organisations.length} organisations`);
  await cli.commit(version, sequence);
  for (const org of hosts.organisations) {
    await waitFor(`${org.mspId}'s peer to commit definition ${sequence}`, async () => (await cli.committedSequence(org)) === sequence, 30_000);
  }
  step(`definition ${sequence} committed`);
}

/** Starts the supervisor of every organisation's chaincode server, detached and recorded like a node. */
function startSupervisor(workspace: Workspace, state: NetworkState, chaincode: Omit<ChaincodeState, 'version' | 'sequence'>, sequence: number): ProcessRecord {
  const plan: SupervisorPlan = {
    servers: state.hosts.organisations.map((org) => ({
      name: `chaincode.${org.mspId}`,
      address: `${org.chaincodeServer.host}:${chaincodePort(org, sequence)}`,
      packageId: chaincode.packageIds[org.mspId]!,
      artifact: chaincode.artifact,
      log: workspace.log(`chaincode.${org.mspId}`),
    })),
  };
  const planFile = join(workspace.chaincodeDir, `servers-${sequence}.json`);
  writeFileSync(planFile, JSON.stringify(plan, null, 2));
  return startProcess({
    name: SUPERVISOR,
    program: process.execPath,
    script: supervisorScript,
    args: [supervisorScript, planFile],
    env: process.env,
    cwd: workspace.chaincodeDir,
    log: workspace.log(SUPERVISOR),
  });
}

/** Every organisation's server of `sequence` listens, so the peers find it the moment the definition commits. */
async function awaitListening(state: NetworkState, sequence: number, supervisor: ProcessRecord): Promise<void> {
  for (const org of state.hosts.organisations) {
    const port = chaincodePort(org, sequence);
    await waitFor(`${org.mspId}'s chaincode server to listen on ${port}`, () => accepts(org.chaincodeServer.host, port), 60_000, supervisor);
  }
}

/** Transient while a chaincode server starts or its peer reconnects; a chaincode's own answer (HNC:…) means it serves. */
async function answers(cli: PeerCli, org: Organisation): Promise<boolean> {
  try {
    await cli.query(org, 'User1', 'agency:getConfig', []);
    return true;
  } catch (err) {
    if (err instanceof CommandFailed && err.output.includes('HNC:')) return true;
    return false;
  }
}

async function awaitServers(cli: PeerCli, state: NetworkState, supervisor: ProcessRecord): Promise<void> {
  for (const org of state.hosts.organisations) {
    await waitFor(`the chaincode to answer on ${org.mspId}'s peer`, () => answers(cli, org), 60_000, supervisor);
  }
}

/** Sets HenanProvinceMSP (the hosts file's governance organisation) as the chain's governance, by its admin. */
async function initialiseGovernance(cli: PeerCli, state: NetworkState): Promise<void> {
  const governance = governanceOf(state.hosts);
  await cli.invoke(governance, 'Admin', 'agency:initialise', [JSON.stringify({ governanceMspId: governance.mspId })]);
}

/**
 * First deployment on a running network: build the chaincode, install a CCaaS package per
 * organisation, start the supervised chaincode servers (they load while the definition is approved),
 * approve for every organisation, commit sequence 1, and initialise governance
 * (`agency:initialise` by the governance organisation's admin).
 */
export async function deploy(workspace: Workspace, options: DeployOptions = {}): Promise<ChaincodeState> {
  const started = Date.now();
  const step = (name: string) => options.progress?.(name, (Date.now() - started) / 1000);
  const state = await runningNetwork(workspace);
  if (state.chaincode) throw new NetworkError(`the chaincode is already deployed (sequence ${state.chaincode.sequence}); use \`npm run chaincode:upgrade\``);
  await mkdir(workspace.chaincodeDir, { recursive: true });
  // Servers of an earlier deploy that failed before its commit hold the ports; they go first.
  for (const stale of state.processes.filter((p) => p.name === SUPERVISOR)) await stopProcess(stale);
  state.processes = state.processes.filter((p) => p.name !== SUPERVISOR);
  const cli = new PeerCli(workspace, state);
  const artifact = await artifactFor(workspace, 1, options, step);
  const packageIds = await installPackages(workspace, state, cli, 1, step);
  const supervisor = startSupervisor(workspace, state, { packageIds, artifact }, 1);
  state.processes.push(supervisor);
  await writeState(workspace, state);
  await commitDefinition(state, cli, 1, packageIds, step);
  await awaitListening(state, 1, supervisor);
  state.chaincode = { sequence: 1, version: '1', packageIds, artifact };
  await writeState(workspace, state);
  await awaitServers(cli, state, supervisor);
  step('the chaincode answers on every peer');
  await initialiseGovernance(cli, state);
  step(`governance initialised by ${governanceOf(state.hosts).mspId}'s admin`);
  return state.chaincode;
}

/**
 * Starts the deployed sequence's supervised chaincode servers again (after `network start`), as
 * deploy and upgrade start them, and resolves once the chaincode answers on every peer.
 */
export async function restartChaincode(workspace: Workspace, state: NetworkState): Promise<void> {
  const chaincode = state.chaincode;
  if (!chaincode) return;
  const supervisor = startSupervisor(workspace, state, chaincode, chaincode.sequence);
  state.processes.push(supervisor);
  await writeState(workspace, state);
  await awaitListening(state, chaincode.sequence, supervisor);
  await awaitServers(new PeerCli(workspace, state), state, supervisor);
}

/**
 * Next sequence with the chaincode as it is now: build it, install new packages, start their
 * servers on the other port beside the running ones, approve and commit; the peers then switch to
 * the new servers and the old ones stop. The chaincode answers throughout, and the ledger's state is
 * untouched (a definition change never alters world state).
 */
export async function upgrade(workspace: Workspace, options: DeployOptions = {}): Promise<ChaincodeState> {
  const started = Date.now();
  const step = (name: string) => options.progress?.(name, (Date.now() - started) / 1000);
  const state = await runningNetwork(workspace);
  const previous = state.chaincode;
  if (!previous) throw new NetworkError('the chaincode is not deployed yet; use `npm run chaincode:deploy`');
  const sequence = previous.sequence + 1;
  const cli = new PeerCli(workspace, state);
  const artifact = await artifactFor(workspace, sequence, options, step);
  const packageIds = await installPackages(workspace, state, cli, sequence, step);
  const old = state.processes.find((p) => p.name === SUPERVISOR);
  const supervisor = startSupervisor(workspace, state, { packageIds, artifact }, sequence);
  state.processes.push(supervisor);
  await writeState(workspace, state);
  try {
    await awaitListening(state, sequence, supervisor);
    step(`the servers of sequence ${sequence} listen beside the running ones`);
    await commitDefinition(state, cli, sequence, packageIds, step);
  } catch (err) {
    // Not committed: the peers still use the old servers; the new ones go.
    await stopProcess(supervisor);
    state.processes = state.processes.filter((p) => p !== supervisor);
    await writeState(workspace, state);
    throw err;
  }
  state.chaincode = { sequence, version: String(sequence), packageIds, artifact };
  await writeState(workspace, state);
  await awaitServers(cli, state, supervisor);
  step(`the chaincode of sequence ${sequence} answers on every peer`);
  if (old) await stopProcess(old);
  state.processes = state.processes.filter((p) => p !== old);
  await writeState(workspace, state);
  if (previous.artifact !== artifact && previous.artifact.startsWith(workspace.chaincodeDir)) await rm(previous.artifact, { recursive: true, force: true });
  return state.chaincode;
}
