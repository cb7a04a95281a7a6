import test from 'ava';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { inTempDir } from './temp-dir';
import { join } from 'node:path';
import { loadHosts } from './hosts';
import { NetworkError, up } from './network';
import { writeState } from './state';
import { hostsFile, Workspace } from './workspace';

test('up refuses a workspace whose nodes all died, saying what it holds, and leaves its ledgers and crypto in place', async (t) => {
  await inTempDir('hnc-network-', async (dir) => {
    const workspace = new Workspace(dir);
    const peer = 'peer0.province.henan.gov.cn';
    const ledger = join(workspace.nodeDir(peer), 'ledgersData', 'chains.dat');
    const key = join(workspace.cryptoDir, 'priv_sk');
    await mkdir(join(ledger, '..'), { recursive: true });
    await mkdir(workspace.cryptoDir, { recursive: true });
    await writeFile(ledger, 'blocks');
    await writeFile(key, 'key');
    const fabric = { bin: '/nowhere/bin', config: '/nowhere/config', source: 'FABRIC_BIN' as const };
    // A pid no process has: the node was killed.
    const dead = { name: peer, pid: 2 ** 22 + 1, program: '/nowhere/bin/peer', log: workspace.log(peer) };
    const chaincode = { sequence: 2, version: '2', packageIds: {}, artifact: '/nowhere' };
    await writeState(workspace, { profile: 'HenanRaft', portOffset: 0, fabric, hosts: await loadHosts(hostsFile), consenters: [], processes: [dead], chaincode });

    const err = await t.throwsAsync(up(workspace, { profile: 'HenanRaft', portOffset: 0 }), { instanceOf: NetworkError });
    t.regex(err!.message, /holds a stopped network .*crypto material, ledgers of 1 nodes, chaincode sequence 2/);
    t.regex(err!.message, /`scripts\/network start` starts its nodes .* `scripts\/network down` deletes it/);
    t.true(existsSync(ledger), 'the ledger is kept');
    t.true(existsSync(key), 'the crypto is kept');
    t.true(existsSync(workspace.stateFile), 'network.json is kept');
  });
});

test('up refuses a non-empty folder it did not make rather than deleting it', async (t) => {
  await inTempDir('hnc-network-', async (dir) => {
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await t.throwsAsync(up(new Workspace(dir), { profile: 'HenanRaft', portOffset: 0 }), { message: /not empty and holds no network\.json/ });
    t.true(existsSync(join(dir, 'notes.txt')));
  });
});
