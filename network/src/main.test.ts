import test from 'ava';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fakeFabric } from './fake-fabric';
import { inTempDir } from './temp-dir';

const main = join(__dirname, 'main.js');

/** Runs the CLI to its end: exit code and stderr. */
function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [main, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, _stdout, stderr) => {
      resolve({ code: typeof err?.code === 'number' ? err.code : err ? -1 : 0, stderr });
    });
  });
}

for (const [value, message] of [
  ['abc', 'HNC_FABRIC_PORT_OFFSET must be an integer (e.g. 1000), not "abc"'],
  ['1.5', 'HNC_FABRIC_PORT_OFFSET must be an integer (e.g. 1000), not "1.5"'],
  ['60000', 'HNC_FABRIC_PORT_OFFSET=60000 is out of range: port 7050 moved by offset 60000 leaves the range 1-65535'],
] as const) {
  test(`HNC_FABRIC_PORT_OFFSET=${value} is refused in one line, without a stack`, async (t) => {
    await inTempDir('hnc-main-', async (dir) => {
      const { code, stderr } = await cli(['network', 'up'], { HNC_FABRIC_DIR: join(dir, 'fabric'), HNC_FABRIC_PORT_OFFSET: value });
      t.is(code, 1);
      t.is(stderr, `${message}\n`);
    });
  });
}

test('network check with a peer that fails prints its binary and last stderr line, without a stack or the process object', async (t) => {
  await inTempDir('hnc-main-', async (dir) => {
    const fabric = await fakeFabric(dir, "echo 'peer: cannot read core.yaml' >&2; exit 1");
    const { code, stderr } = await cli(['network', 'check'], { FABRIC_BIN: fabric.bin, FABRIC_CFG_PATH: fabric.config });
    t.is(code, 1);
    t.is(stderr, `cannot tell the Fabric version in ${fabric.bin} (from FABRIC_BIN): peer version exited with 1:\n  peer: cannot read core.yaml\n`);
  });
});
