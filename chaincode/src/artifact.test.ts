import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = resolve(__dirname, '../..');

/** Every transaction the rules of record define (issue 3), by contract. */
const EXPECTED: Record<string, string[]> = {
  agency: ['initialise', 'getConfig', 'ping', 'register', 'suspend', 'reinstate', 'addKey', 'rotateKey', 'revokeKey', 'revokeOwnKey', 'get', 'list'],
  licence: ['issue', 'renew', 'suspend', 'reinstate', 'revoke', 'cancel', 'get', 'versions', 'byHolder', 'byIssuerType', 'verify'],
  seal: ['register', 'revoke', 'recordSealing', 'get', 'getSealing', 'sealingsBySeal', 'verifySealing', 'verifySealedDocument', 'recordOfdSealing', 'verifyOfdSealing'],
  receipt: ['request', 'reply', 'delivery', 'acknowledge', 'object', 'resolve', 'withdraw', 'get', 'byAgency', 'byCatalogItem'],
  case: ['create', 'transition', 'get', 'byRegion', 'overdue'],
  anchor: ['anchor', 'get', 'head', 'list'],
  audit: ['history'],
};

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
    server.once('error', reject);
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

test('the chaincode builds to a self-contained artifact a peer can run, with every transaction in its metadata', async (t) => {
  // The build installs the shim from the registry: on a loaded shared machine that alone can take minutes,
  // and loading the artifact (4.7 s at load 15) was killed at 60 s once at load 47.
  t.timeout(8 * 60_000);
  const dir = await mkdtemp(join(tmpdir(), 'hnc-artifact-'));
  try {
    const artifact = join(dir, 'artifact');
    await run(join(root, 'scripts/build-chaincode'), [artifact], { cwd: root, timeout: 5 * 60_000 });
    const cli = join(artifact, 'node_modules/.bin/fabric-chaincode-node');
    const env = { ...process.env, CORE_CHAINCODE_LOGGING_LEVEL: 'ERROR' };

    // fabric-chaincode-node loads the artifact exactly as a peer-launched chaincode would.
    await run(cli, ['metadata', 'generate', '--module-path', artifact, '--file', join(dir, 'metadata')], { cwd: dir, env, timeout: 2 * 60_000 });
    const metadata = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8'));
    for (const [contract, transactions] of Object.entries(EXPECTED)) {
      const names = (metadata.contracts[contract]?.transactions ?? []).map((tx: { name: string }) => tx.name);
      t.deepEqual([...names].sort(), [...transactions].sort(), `contract ${contract}`);
    }

    // As a chaincode service (CCaaS) it listens for the peer.
    const port = await freePort();
    const server = spawn(cli, ['server', '--chaincode-address', `127.0.0.1:${port}`, '--chaincode-id', 'henan-chain:test'], { cwd: artifact, env, stdio: 'ignore' });
    try {
      let listening = false;
      for (let i = 0; i < 100 && !listening; i++) {
        await new Promise((r) => setTimeout(r, 200));
        listening = await accepts(port);
      }
      t.true(listening, 'the chaincode server accepts connections');
    } finally {
      server.kill();
    }
  } finally {
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 500 }); // an npm install cut short may still be writing
  }
});
