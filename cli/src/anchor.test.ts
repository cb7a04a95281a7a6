// anchor and proof-check against a real gateway, started in this process on an ephemeral port.
import test from 'ava';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { SM3, hashLeaf, sm3, sm3Hex, toHex } from '@henan-chain/crypto';
import { startTestGateway, type TestGateway } from '@henan-chain/gateway/dist/testing/harness';
import { henanChain, tempDir, type Run } from './testing/run';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(async () => {
  await gw?.stop();
});

/** Each test anchors for an agency of its own: the gateway takes one batch per agency at a time. */
async function agencyToken(): Promise<string> {
  return (await gw.registerAgency({ name: '郑州市行政审批和政务信息管理局', roles: ['provider'] })).token;
}

/** Writes `names` (relative to cwd) with distinct contents. */
async function writeFiles(cwd: string, names: string[]): Promise<void> {
  for (const name of names) {
    await mkdir(join(cwd, dirname(name)), { recursive: true });
    await writeFile(join(cwd, name), `不动产登记电子证明 ${name}\n`);
  }
}

const proofOf = async (cwd: string, name: string) => JSON.parse(await readFile(join(cwd, `${name}.hnc-proof.json`), 'utf8'));

function anchor(cwd: string, token: string, extra: string[] = []): Promise<Run> {
  return henanChain(['anchor', 'docs', '--gateway', gw.url, '--token', token, ...extra], { cwd });
}

const anchorIds = (run: Run) => [...run.stdout.matchAll(/^anchor (\S+): /gm)].map((m) => m[1]);

test('25 files in batches of 10: three anchors, a proof per file, valid offline and on chain; a re-run anchors nothing', async (t) => {
  const cwd = await tempDir(t);
  const token = await agencyToken();
  // Sorted as anchor sorts them: docs/f.. before docs/sub/..
  const names = [...Array.from({ length: 20 }, (_, i) => `docs/f${String(i).padStart(2, '0')}.pdf`), ...Array.from({ length: 5 }, (_, i) => `docs/sub/g${i}.pdf`)];
  await writeFiles(cwd, names);

  const run = await anchor(cwd, token, ['--batch', '10']);
  t.is(run.code, 0, run.stderr);
  t.is(anchorIds(run).length, 3);
  t.regex(run.stdout, /^anchored 25 files in 3 batches; 0 files already had a valid proof$/m);
  t.regex(run.stderr, /25\/25 files proven/);

  const proofs = await Promise.all(names.map((name) => proofOf(cwd, name)));
  t.deepEqual(
    proofs.map((p) => p.leafIndex),
    names.map((_, i) => i),
    'one leaf per file, in sorted order',
  );
  t.deepEqual([...new Set(proofs.map((p) => p.anchorId))], anchorIds(run));
  for (const [i, proof] of proofs.entries()) {
    t.like(proof, { format: 'henan-chain/inclusion-proof/v1', file: names[i]!.split('/').at(-1), leaf: sm3Hex(`不动产登记电子证明 ${names[i]}\n`), gateway: gw.url });
    t.regex(proof.evidence.txId, /\S/);
  }

  const checks = await Promise.all(names.flatMap((name) => [henanChain(['proof-check', name], { cwd }), henanChain(['proof-check', name, '--gateway', gw.url], { cwd })]));
  for (const check of checks) {
    t.is(check.code, 0, check.stdout + check.stderr);
    t.regex(check.stdout, /^valid\n/);
  }
  t.regex(checks[1]!.stdout, /anchored on chain by \S+-00000001 /);

  const again = await anchor(cwd, token, ['--batch', '10']);
  t.is(again.code, 0, again.stderr);
  t.is(again.stdout, 'anchored 0 files in 0 batches; 25 files already had a valid proof\n');
  t.deepEqual(await Promise.all(names.map((name) => proofOf(cwd, name))), proofs);
});

test('a changed file, a tampered proof and a proof whose root was never anchored are invalid; a re-run anchors only what lost its proof', async (t) => {
  const cwd = await tempDir(t);
  const token = await agencyToken();
  await writeFiles(cwd, ['docs/a.pdf', 'docs/b.pdf', 'docs/c.pdf']);
  t.is((await anchor(cwd, token)).code, 0);

  await writeFile(join(cwd, 'docs/a.pdf'), 'altered');
  for (const args of [['docs/a.pdf'], ['docs/a.pdf', '--gateway', gw.url]]) {
    const changed = await henanChain(['proof-check', ...args], { cwd });
    t.is(changed.code, 1);
    t.regex(changed.stdout, /^invalid: the file's SM3 is [0-9a-f]{64}, not the proven leaf/);
  }

  const proof = await proofOf(cwd, 'docs/b.pdf');
  const flipped = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
  await writeFile(join(cwd, 'docs/b.pdf.hnc-proof.json'), JSON.stringify({ ...proof, proof: [flipped(proof.proof[0]), ...proof.proof.slice(1)] }));
  for (const args of [['docs/b.pdf'], ['docs/b.pdf', '--gateway', gw.url]]) {
    const tampered = await henanChain(['proof-check', ...args], { cwd });
    t.is(tampered.code, 1);
    t.regex(tampered.stdout, /^invalid: the proof does not lead from leaf /);
  }

  // Consistent in itself (c as the only leaf of a tree), so only the chain can tell it is forged.
  const leaf = sm3(await readFile(join(cwd, 'docs/c.pdf')));
  const forged = { ...(await proofOf(cwd, 'docs/c.pdf')), leafIndex: 0, treeSize: 1, proof: [], root: toHex(hashLeaf(SM3, leaf)) };
  await writeFile(join(cwd, 'forged.json'), JSON.stringify(forged));
  t.is((await henanChain(['proof-check', 'docs/c.pdf', 'forged.json'], { cwd })).code, 0);
  const online = await henanChain(['proof-check', 'docs/c.pdf', 'forged.json', '--gateway', gw.url], { cwd });
  t.is(online.code, 1);
  t.regex(online.stdout, /^invalid: .*anchor \S+ put root [0-9a-f]{64} of 3 leaves on chain, not root /);

  const rerun = await anchor(cwd, token);
  t.is(rerun.code, 0, rerun.stderr);
  t.regex(rerun.stdout, /^anchored 2 files in 1 batch; 1 file already had a valid proof$/m);
  for (const name of ['docs/a.pdf', 'docs/b.pdf']) t.is((await henanChain(['proof-check', name, '--gateway', gw.url], { cwd })).code, 0);
});

test('a batch sent again gets its first anchor back: proofs deleted and re-made name the same anchor', async (t) => {
  const cwd = await tempDir(t);
  const token = await agencyToken();
  await writeFiles(cwd, ['docs/a.pdf', 'docs/b.pdf']);
  const first = await anchor(cwd, token);
  for (const name of ['a', 'b']) await rm(join(cwd, `docs/${name}.pdf.hnc-proof.json`));
  const second = await anchor(cwd, token);
  t.is(second.code, 0, second.stderr);
  t.deepEqual(anchorIds(second), anchorIds(first));
  t.is((await proofOf(cwd, 'docs/b.pdf')).treeSize, 2, 'the log did not grow');
});

test('a refused batch exits 1 with the gateway\u2019s code; an unreachable gateway or a non-proof file exits 2', async (t) => {
  const cwd = await tempDir(t);
  await writeFiles(cwd, ['docs/a.pdf']);
  const refused = await anchor(cwd, 'not-a-token');
  t.is(refused.code, 1);
  t.regex(refused.stderr, /^henan-chain: the gateway refused: UNAUTHENTICATED \(HTTP 401\): /m);
  await t.throwsAsync(readFile(join(cwd, 'docs/a.pdf.hnc-proof.json')), { code: 'ENOENT' });

  const closed = await closedPort();
  const unreachable = await henanChain(['anchor', 'docs', '--gateway', `http://127.0.0.1:${closed}`, '--token', 't'], { cwd });
  t.is(unreachable.code, 2);
  t.regex(unreachable.stderr, /^henan-chain: cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+: /);

  await writeFile(join(cwd, 'docs/a.pdf.hnc-proof.json'), '{"format": "something else"}');
  const notProof = await henanChain(['proof-check', 'docs/a.pdf'], { cwd });
  t.is(notProof.code, 2);
  t.regex(notProof.stderr, /is not a henan-chain proof file: format must be/);
});

/** A port nothing listens on: one the system just gave out and took back. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}
