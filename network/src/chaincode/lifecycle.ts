import { toolPath } from '../fabric-binaries';
import type { Organisation } from '../hosts';
import { peerCliEnv } from '../nodes';
import { CommandFailed, retrying, run } from '../run';
import type { NetworkState } from '../state';
import type { Workspace } from '../workspace';

/**
 * Fabric's chaincode lifecycle and transactions through the peer CLI, each as an organisation's
 * admin (or client) against its own peer, with TLS to peers and orderers.
 */
export class PeerCli {
  constructor(
    private readonly workspace: Workspace,
    private readonly state: NetworkState,
  ) {}

  private get hosts() {
    return this.state.hosts;
  }

  private peer(org: Organisation, args: string[], user: 'Admin' | 'User1' = 'Admin'): Promise<string> {
    return run(toolPath(this.state.fabric, 'peer'), args, peerCliEnv(this.workspace, this.state.fabric, org, user), 120_000);
  }

  /** Where transactions are ordered: the profile's first orderer, over TLS. */
  private ordererArgs(): string[] {
    const node = this.hosts.orderers.nodes.find((o) => o.name === this.state.consenters[0])!;
    return ['-o', `${node.host}:${node.port}`, '--tls', '--cafile', this.workspace.ordererTlsCa(this.hosts)];
  }

  /** Every organisation's first peer, so a transaction gathers the endorsements MAJORITY needs. */
  private endorserArgs(): string[] {
    return this.hosts.organisations.flatMap((org) => ['--peerAddresses', `${org.peers[0]!.host}:${org.peers[0]!.port}`, '--tlsRootCertFiles', this.workspace.orgTlsCa(org)]);
  }

  private definition(version: string, sequence: number): string[] {
    return ['-C', this.hosts.channel, '-n', this.hosts.chaincode.name, '-v', version, '--sequence', String(sequence)];
  }

  /** Installs on each of `org`'s peers; a package already installed there is fine (an earlier, interrupted deploy). */
  async install(org: Organisation, file: string): Promise<void> {
    for (const peer of org.peers) {
      const env = peerCliEnv(this.workspace, this.state.fabric, org, 'Admin', peer);
      try {
        await run(toolPath(this.state.fabric, 'peer'), ['lifecycle', 'chaincode', 'install', file], env, 120_000);
      } catch (err) {
        if (!(err instanceof CommandFailed && /already successfully installed/.test(err.output))) throw err;
      }
    }
  }

  /** `org` approves the definition with its own package id (its own chaincode server); the endorsement policy is the channel's default. */
  async approve(org: Organisation, version: string, sequence: number, packageId: string): Promise<void> {
    await whileOrderingSettles(() =>
      this.peer(org, ['lifecycle', 'chaincode', 'approveformyorg', ...this.ordererArgs(), ...this.definition(version, sequence), '--package-id', packageId]),
    );
  }

  /** Which organisations have approved the definition. */
  async commitReadiness(version: string, sequence: number): Promise<Record<string, boolean>> {
    const org = this.hosts.organisations[0]!;
    const out = await this.peer(org, ['lifecycle', 'chaincode', 'checkcommitreadiness', ...this.definition(version, sequence), '--output', 'json']);
    return (JSON.parse(out) as { approvals: Record<string, boolean> }).approvals;
  }

  async commit(version: string, sequence: number): Promise<void> {
    const org = this.hosts.organisations[0]!;
    await whileOrderingSettles(() => this.peer(org, ['lifecycle', 'chaincode', 'commit', ...this.ordererArgs(), ...this.definition(version, sequence), ...this.endorserArgs()]));
  }

  /** The committed definition's sequence as `org`'s peer sees it, or undefined before the first commit. */
  async committedSequence(org: Organisation): Promise<number | undefined> {
    try {
      const out = await this.peer(org, ['lifecycle', 'chaincode', 'querycommitted', '-C', this.hosts.channel, '-n', this.hosts.chaincode.name, '--output', 'json']);
      return (JSON.parse(out) as { sequence: number }).sequence;
    } catch (err) {
      if (err instanceof CommandFailed && /404|not found|does not exist/i.test(err.output)) return undefined;
      throw err;
    }
  }

  /** A transaction endorsed by every organisation, ordered and committed (waits for the commit event). */
  async invoke(org: Organisation, user: 'Admin' | 'User1', fn: string, args: string[]): Promise<string> {
    const call = JSON.stringify({ function: fn, Args: args });
    return this.peer(org, ['chaincode', 'invoke', ...this.ordererArgs(), '-C', this.hosts.channel, '-n', this.hosts.chaincode.name, ...this.endorserArgs(), '--waitForEvent', '-c', call], user);
  }

  /** A query on `org`'s own peer; resolves with the chaincode's answer. */
  async query(org: Organisation, user: 'Admin' | 'User1', fn: string, args: string[]): Promise<string> {
    const call = JSON.stringify({ function: fn, Args: args });
    return this.peer(org, ['chaincode', 'query', '-C', this.hosts.channel, '-n', this.hosts.chaincode.name, '-c', call], user);
  }
}

/** Right after the channel is made, the orderers may still elect a leader; lifecycle steps are retried meanwhile. */
function whileOrderingSettles<T>(action: () => Promise<T>): Promise<T> {
  return retrying(action, (err) => err instanceof CommandFailed && /SERVICE_UNAVAILABLE|no Raft leader|connection refused|Unavailable/i.test(err.output), 60_000);
}
