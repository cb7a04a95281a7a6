import test from 'ava';
import { join } from 'node:path';
import { loadHosts } from './hosts';
import { NetworkError } from './network';
import { startProcess, stopProcess } from './processes';
import { start } from './start';
import { writeState } from './state';
import { inTempDir } from './temp-dir';
import { hostsFile, Workspace } from './workspace';

const fabric = { bin: '/nowhere/bin', config: '/nowhere/config', source: 'FABRIC_BIN' as const };

test('start refuses a folder without a network, one whose up did not finish, and one part of which still runs', async (t) => {
  await inTempDir('hnc-start-', async (dir) => {
    const workspace = new Workspace(dir);
    await t.throwsAsync(start(workspace), { instanceOf: NetworkError, message: /no network in .*`up` makes one/ });

    const dead = { name: 'peer0.province.henan.gov.cn', pid: 2 ** 22 + 1, program: '/nowhere/bin/peer', log: workspace.log('peer0') };
    const state = { profile: 'HenanRaft', portOffset: 0, fabric, hosts: await loadHosts(hostsFile), consenters: [], processes: [dead] };
    await writeState(workspace, state);
    // No connection profiles: the up stopped before the channel was joined, so there is nothing to resume.
    await t.throwsAsync(start(workspace), { instanceOf: NetworkError, message: /the `up` that made .* did not finish; `down` removes it/ });

    const live = startProcess({ name: 'orderer0.bigdata.henan.gov.cn', program: '/bin/sleep', args: ['300'], env: process.env, cwd: dir, log: join(dir, 'orderer0.log') });
    try {
      await writeState(workspace, { ...state, processes: [dead, live] });
      await t.throwsAsync(start(workspace), { instanceOf: NetworkError, message: /still runs \(orderer0\.bigdata\.henan\.gov\.cn\); `down` stops and deletes it/ });
    } finally {
      await stopProcess(live);
    }
  });
});
