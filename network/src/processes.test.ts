import test from 'ava';
import { readFile } from 'node:fs/promises';
import { inTempDir } from './temp-dir';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { groupMembers, isRunning, residentMiB, startProcess, stillRunning, stopProcess } from './processes';
import { waitFor } from './readiness';

test('a started process runs detached with its output in its log, and stopping it stops what it started too', async (t) => {
  await inTempDir('hnc-processes-', async (dir) => {
    // bash starts a child of its own (like the supervisor its chaincode servers), then waits.
    const record = startProcess({
      name: 'parent',
      program: '/bin/bash',
      args: ['-c', 'echo started; sleep 300 & wait'],
      env: process.env,
      cwd: dir,
      log: join(dir, 'parent.log'),
    });
    await waitFor('the child', async () => groupMembers(record.pid).length === 2, 10_000);
    t.true(isRunning(record));
    t.truthy(residentMiB(record.pid));
    t.regex(await readFile(record.log, 'utf8'), /started/);
    await stopProcess(record);
    t.false(stillRunning(record));
    t.deepEqual(groupMembers(record.pid), []);
  });
});

test('what a killed leader left behind still counts as running, and is stopped', async (t) => {
  await inTempDir('hnc-processes-', async (dir) => {
    const record = startProcess({ name: 'leader', program: '/bin/bash', args: ['-c', 'sleep 300 & wait'], env: process.env, cwd: dir, log: join(dir, 'leader.log') });
    await waitFor('the child', async () => groupMembers(record.pid).length === 2, 10_000);
    process.kill(record.pid, 'SIGKILL');
    await waitFor('the leader to go', async () => !isRunning(record), 10_000);
    t.true(stillRunning(record), 'its orphaned child remains in its group');
    await stopProcess(record);
    t.deepEqual(groupMembers(record.pid), []);
  });
});

test('waiting for a process that exits fails at once with the end of its log', async (t) => {
  await inTempDir('hnc-processes-', async (dir) => {
    const record = startProcess({
      name: 'orderer1',
      program: '/bin/bash',
      args: ['-c', 'echo starting; echo "listen tcp 127.0.0.1:41753: bind: address already in use"; exit 1'],
      env: process.env,
      cwd: dir,
      log: join(dir, 'orderer1.log'),
    });
    const started = Date.now();
    const err = await t.throwsAsync(waitFor('orderer1 to serve', async () => false, 60_000, record));
    t.regex(err!.message, /^orderer1 exited while waiting for orderer1 to serve; the end of .*orderer1\.log:\n {4}starting\n {4}listen tcp 127\.0\.0\.1:41753: bind: address already in use$/);
    t.true(Date.now() - started < 10_000);
  });
});

test('a process that ignores SIGTERM is killed after the grace period', async (t) => {
  await inTempDir('hnc-processes-', async (dir) => {
    const record = startProcess({
      name: 'stubborn',
      program: '/bin/bash',
      args: ['-c', "trap '' TERM; echo ready; while true; do sleep 0.1; done"],
      env: process.env,
      cwd: dir,
      log: join(dir, 'stubborn.log'),
    });
    await waitFor('the trap', async () => (await readFile(record.log, 'utf8')).includes('ready'), 10_000);
    const started = Date.now();
    await stopProcess(record, 500);
    t.false(stillRunning(record));
    t.true(Date.now() - started >= 500);
  });
});

test('a record whose pid now belongs to another program is not ours to stop', async (t) => {
  await inTempDir('hnc-processes-', async (dir) => {
    const other = startProcess({ name: 'other', program: '/bin/sleep', args: ['300'], env: process.env, cwd: dir, log: join(dir, 'other.log') });
    const stale = { ...other, program: '/usr/local/bin/orderer' };
    t.false(isRunning(stale));
    t.false(stillRunning(stale));
    await stopProcess(stale);
    await sleep(100);
    t.true(isRunning(other), 'the unrelated process was left alone');
    await stopProcess(other);
  });
});
