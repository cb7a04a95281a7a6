import test from 'ava';
import { randomBytes } from 'node:crypto';
import { MerkleTree, SM3, fromHex, generateKeyPair, hashLeaf, toHex, verifyCheckpoint, verifyConsistency, verifyInclusion } from '@henan-chain/crypto';
import { anchorsOf, type AgencyPrincipal } from '../anchors';
import { GOVERNANCE, startTestGateway, type TestGateway } from '../testing/harness';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(async () => {
  await gw?.stop();
});

const digests = (n: number) => Array.from({ length: n }, () => randomBytes(32).toString('hex'));
const bytes = (hex: string[]) => hex.map((h) => fromHex(h, 'leaf', 32));
const agency = (on = gw) => on.registerAgency({ name: '河南省大数据管理局', roles: ['provider'] });

async function anchorBatch(token: string, leaves: string[], extra: Record<string, unknown> = {}, on = gw) {
  const reply = await on.request('POST', '/v1/anchors', { token, json: { leaves, description: '不动产登记电子证明 批次', ...extra } });
  if (reply.status !== 201) throw new Error(`anchor failed: ${reply.status} ${reply.text}`);
  return reply.body;
}

/** A batch as multipart/form-data: the leaves as raw bytes in file field leaves, the other fields as form fields. */
function upload(leaves: Uint8Array, fields: Record<string, string> = { description: '不动产登记电子证明 批次' }): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('leaves', new Blob([leaves]), 'leaves.bin');
  return form;
}

async function checkpointSize(agencyId: string): Promise<number | undefined> {
  const reply = await gw.request('GET', `/v1/anchors/checkpoint?agency=${agencyId}`);
  return reply.status === 200 ? Number(reply.text.split('\n')[1]) : undefined;
}

test('two batches: the second anchor is proven on chain to extend the first; proofs for a first-batch leaf hold against both', async (t) => {
  const { agencyId, token } = await agency();
  const first = digests(5);
  const second = digests(3);

  const a1 = await anchorBatch(token, first);
  t.deepEqual(a1.batch, { anchorId: `${agencyId}-00000001`, sequence: 1, firstLeaf: 0, lastLeaf: 4, leafCount: 5, treeSize: 5, root: a1.record.root });
  t.is(a1.record.root, toHex(MerkleTree.fromLeaves(SM3, bytes(first)).root()));
  t.regex(a1.transaction.blockHash, /^[0-9a-f]{64}$/);

  const a2 = await anchorBatch(token, second);
  const all = MerkleTree.fromLeaves(SM3, bytes([...first, ...second]));
  t.like(a2.batch, { sequence: 2, firstLeaf: 5, lastLeaf: 7, leafCount: 3, treeSize: 8 });
  t.is(a2.record.root, toHex(all.root()));
  t.deepEqual(a2.record.previous, { anchorId: a1.batch.anchorId, root: a1.record.root, size: 5 });
  const proof = a2.record.consistencyProof.map((p: string) => fromHex(p, 'proof', 32));
  t.true(verifyConsistency(SM3, 5, 8, proof, fromHex(a1.record.root, 'root1'), fromHex(a2.record.root, 'root2')));

  for (const anchor of [a1, a2]) {
    const reply = await gw.request('GET', `/v1/anchors/${anchor.batch.anchorId}/proof?leaf=${first[3]}`);
    t.is(reply.status, 200, reply.text);
    const p = reply.body;
    t.like(p, { anchorId: anchor.batch.anchorId, agencyId, leafIndex: 3, treeSize: anchor.batch.treeSize, root: anchor.record.root });
    t.is(p.evidence.txId, anchor.transaction.txId);
    t.is(p.evidence.blockHash, anchor.transaction.blockHash);
    const path = p.proof.map((h: string) => fromHex(h, 'proof', 32));
    t.true(verifyInclusion(SM3, 3, p.treeSize, hashLeaf(SM3, fromHex(first[3]!, 'leaf')), path, fromHex(p.root, 'root')));

    const { agencyId: _a, evidence: _e, ...claim } = p;
    const verified = await gw.request('POST', '/v1/verify/proof', { json: claim });
    t.is(verified.status, 200, verified.text);
    t.true(verified.body.valid);
    t.is(verified.body.anchor.evidence.blockNumber, anchor.transaction.blockNumber);
    const tampered = await gw.request('POST', '/v1/verify/proof', { json: { ...claim, leaf: second[0] } });
    t.false(tampered.body.valid);
    const wrongIndex = await gw.request('POST', '/v1/verify/proof', { json: { ...claim, leafIndex: 2 } });
    t.false(wrongIndex.body.valid);
    const { anchorId: _i, ...bare } = claim;
    t.true((await gw.request('POST', '/v1/verify/proof', { json: bare })).body.valid, 'the proof alone, without an anchor');
  }

  // A proof made at the first anchor is no proof of the second anchor's root.
  const early = (await gw.request('GET', `/v1/anchors/${a1.batch.anchorId}/proof?leaf=${first[0]}`)).body;
  const mismatched = await gw.request('POST', '/v1/verify/proof', { json: { leaf: first[0], leafIndex: 0, treeSize: 5, proof: early.proof, root: early.root, anchorId: a2.batch.anchorId } });
  t.false(mismatched.body.valid);
  t.regex(mismatched.body.reasons[1], /not root/);

  const later = await gw.request('GET', `/v1/anchors/${a1.batch.anchorId}/proof?leaf=${second[0]}`);
  t.is(later.status, 404, 'a leaf of the second batch is not in the tree the first anchor fixed');

  // A digest anchored again is proven where the anchor asked about put it; through the first anchor, where that one did.
  const a3 = await anchorBatch(token, [first[0]!]);
  for (const [anchor, leafIndex] of [[a3, 8], [a2, 0], [a1, 0]] as const) {
    const reply = (await gw.request('GET', `/v1/anchors/${anchor.batch.anchorId}/proof?leaf=${first[0]}`)).body;
    t.like(reply, { leafIndex, treeSize: anchor.batch.treeSize, root: anchor.record.root });
    t.true(verifyInclusion(SM3, leafIndex, reply.treeSize, hashLeaf(SM3, fromHex(first[0]!, 'leaf', 32)), reply.proof.map((p: string) => fromHex(p, 'proof', 32)), fromHex(reply.root, 'root', 32)));
  }
});

test('the checkpoint verifies with the gateway key; consistency proofs between anchored sizes verify', async (t) => {
  const { agencyId, token } = await agency();
  const a1 = await anchorBatch(token, digests(7));
  const a2 = await anchorBatch(token, digests(10));
  const a3 = await anchorBatch(token, digests(1));

  const key = await gw.request('GET', '/v1/gateway/key');
  t.is(key.status, 200);
  const checkpoint = await gw.request('GET', `/v1/anchors/checkpoint?agency=${agencyId}`);
  t.is(checkpoint.status, 200);
  t.regex(checkpoint.headers.get('content-type')!, /^text\/plain/);
  const checked = verifyCheckpoint(checkpoint.text, key.body.checkpoint.keyName, key.body.publicKey);
  t.true(checked.valid, JSON.stringify(checked));
  if (checked.valid) {
    t.is(checked.checkpoint.origin, `henan-chain.gov.cn/anchors/${agencyId}`);
    t.is(checked.checkpoint.size, 18);
    t.is(toHex(checked.checkpoint.root), a3.record.root);
  }
  t.false(verifyCheckpoint(checkpoint.text, key.body.checkpoint.keyName, generateKeyPair().publicKey).valid, 'another key');

  for (const [from, to, query] of [
    [a1, a2, `from=7&to=17`],
    [a1, a3, `from=7`],
    [a2, a3, `from=17&to=18`],
  ] as const) {
    const reply = await gw.request('GET', `/v1/anchors/consistency?agency=${agencyId}&${query}`);
    t.is(reply.status, 200, reply.text);
    t.like(reply.body, { agencyId, from: { anchorId: from.batch.anchorId, size: from.batch.treeSize }, to: { anchorId: to.batch.anchorId, root: to.record.root } });
    const proof = reply.body.proof.map((p: string) => fromHex(p, 'proof', 32));
    t.true(verifyConsistency(SM3, from.batch.treeSize, to.batch.treeSize, proof, fromHex(from.record.root, 'r1'), fromHex(to.record.root, 'r2')), query);
  }

  const bad: [string, number, RegExp][] = [
    [`agency=${agencyId}&from=8&to=17`, 404, /no anchor .* has 8 leaves/],
    [`agency=${agencyId}&from=17&to=7`, 400, /from lies after to/],
    [`agency=${agencyId}&from=abc`, 400, /from/],
    [`agency=${agencyId}&from=0x7`, 400, /plain decimal/],
    [`agency=${agencyId}&from=7e0`, 400, /plain decimal/],
    [`agency=${agencyId}`, 400, /from/],
    [`agency=NOT-A-CODE&from=7`, 400, /agency/],
    [`agency=${agencyId}&from=7&colour=red`, 400, /colour|Unrecognized/],
  ];
  for (const [query, status, message] of bad) {
    const reply = await gw.request('GET', `/v1/anchors/consistency?${query}`);
    t.is(reply.status, status, `${query}: ${reply.text}`);
    t.regex(reply.body.error.message, message, query);
  }
  const never = await agency();
  t.is((await gw.request('GET', `/v1/anchors/checkpoint?agency=${never.agencyId}`)).status, 404);
  t.is((await gw.request('GET', '/v1/anchors/checkpoint')).status, 400);
});

test('after a restart the tree is rebuilt from LevelDB: proofs still work and the next batch still extends the log', async (t) => {
  let current = await startTestGateway();
  try {
    const { token } = await agency(current);
    const leaves = digests(1000);
    const a1 = await anchorBatch(token, leaves, {}, current);
    await current.stop({ keepData: true });
    current = await startTestGateway({ dataDir: current.dataDir });

    const reply = await current.request('GET', `/v1/anchors/${a1.batch.anchorId}/proof?leaf=${leaves[617]}`);
    t.is(reply.status, 200, reply.text);
    t.is(reply.body.leafIndex, 617);
    const { agencyId: _a, evidence: _e, ...claim } = reply.body;
    t.true((await current.request('POST', '/v1/verify/proof', { json: claim })).body.valid);
    const a2 = await anchorBatch(token, digests(24), {}, current);
    t.like(a2.batch, { firstLeaf: 1000, treeSize: 1024 });
  } finally {
    await current.stop();
  }
});

test('a retried batch (same requestId) returns the first result; the same id for other leaves is a replay', async (t) => {
  const { agencyId, token } = await agency();
  const leaves = digests(4);
  const first = await anchorBatch(token, leaves, { requestId: 'batch-2026-0001' });
  const retry = await anchorBatch(token, leaves, { requestId: 'batch-2026-0001' });
  t.deepEqual(retry, first);
  const replay = await gw.request('POST', '/v1/anchors', { token, json: { leaves: digests(4), description: 'x', requestId: 'batch-2026-0001' } });
  t.is(replay.status, 409);
  t.is(replay.body.error.code, 'REPLAY');
  t.is(await checkpointSize(agencyId), 4);
});

test('a body that names the tree head must name the right one; one batch per agency at a time', async (t) => {
  const { agencyId, token } = await agency();
  const a1 = await anchorBatch(token, digests(2));
  const leaves = digests(2);
  const wrong = await gw.request('POST', '/v1/anchors', { token, json: { leaves, description: 'x', root: a1.record.root, size: 4 } });
  t.is(wrong.status, 400);
  t.is(wrong.body.error.code, 'VALIDATION_FAILED');
  const expected = wrong.body.error.details.expected;
  const named = await anchorBatch(token, leaves, expected);
  t.like(named.batch, { treeSize: 4, root: expected.root });

  const principal = (await gw.gateway.services.tokens.resolve(token)) as AgencyPrincipal;
  const { anchorer } = anchorsOf(gw.gateway.services);
  const results = await Promise.allSettled([anchorer.anchor(principal, { leaves: Buffer.concat(bytes(digests(3))), description: 'a' }), anchorer.anchor(principal, { leaves: Buffer.concat(bytes(digests(3))), description: 'b' })]);
  t.is(results.filter((r) => r.status === 'fulfilled').length, 1);
  const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  t.is(refused.reason.code, 'ANCHOR_IN_PROGRESS');
  t.is(await checkpointSize(agencyId), 7);
});

test('an anchor committed without the gateway keeping its leaves is taken up by the same batch; a different one is refused', async (t) => {
  const { agencyId, token } = await agency();
  const a1 = await anchorBatch(token, digests(3));
  const principal = (await gw.gateway.services.tokens.resolve(token)) as AgencyPrincipal;
  const { log } = anchorsOf(gw.gateway.services);
  const leaves = digests(2);
  // As if the gateway stopped between the commit and keeping the leaves: the ledger holds an anchor
  // whose leaves the log lacks.
  const grown = (await log.agency(agencyId)).tree.append(bytes(leaves));
  const direct = await gw.gateway.services.submitter.asAgency(principal, 'anchor:anchor', {
    root: toHex(grown.root()),
    size: 5,
    description: 'committed, leaves not kept',
    consistencyProof: grown.consistencyProof(3).map(toHex),
  });
  const unknownLeaves = await gw.request('POST', '/v1/anchors', { token, json: { leaves: digests(2), description: 'x' } });
  t.is(unknownLeaves.status, 409);
  t.is(unknownLeaves.body.error.code, 'ANCHOR_LOG_DIVERGED');

  const taken = await anchorBatch(token, leaves);
  t.is(taken.batch.anchorId, (direct.record as { anchorId: string }).anchorId);
  t.is(taken.transaction.txId, direct.transaction.txId);
  t.like(taken.batch, { firstLeaf: 3, treeSize: 5 });
  const p = await gw.request('GET', `/v1/anchors/${taken.batch.anchorId}/proof?leaf=${leaves[1]}`);
  t.is(p.body.leafIndex, 4);
  t.is(p.body.root, toHex(grown.root()));
  t.is((await anchorBatch(token, digests(1))).batch.sequence, 3);
  t.not(a1.batch.anchorId, taken.batch.anchorId);
});

test('bad batches and unknown anchors get a specific 4xx and write nothing', async (t) => {
  const { agencyId, token } = await agency();
  const kept = digests(3);
  const a1 = await anchorBatch(token, kept);
  const cases: [string, unknown, number, string, RegExp?][] = [
    ['non-hex leaf', { leaves: [...digests(2), 'g'.repeat(64)], description: 'x' }, 400, 'VALIDATION_FAILED', /leaves\.2/],
    ['short leaf', { leaves: ['abcd'], description: 'x' }, 400, 'VALIDATION_FAILED', /leaves\.0/],
    ['upper-case hex', { leaves: [digests(1)[0]!.toUpperCase()], description: 'x' }, 400, 'VALIDATION_FAILED', /leaves\.0/],
    ['empty batch', { leaves: [], description: 'x' }, 400, 'VALIDATION_FAILED', /leaves/],
    ['no description', { leaves: digests(1) }, 400, 'VALIDATION_FAILED', /description/],
    ['unknown field', { leaves: digests(1), description: 'x', priority: 'high' }, 400, 'VALIDATION_FAILED'],
    ['100,001 leaves', { leaves: digests(100_001), description: 'x' }, 400, 'VALIDATION_FAILED', /leaves/],
    ['200,000 leaves', { leaves: digests(200_000), description: 'x' }, 413, 'BODY_TOO_LARGE'],
    ['not its own agency', { leaves: digests(1), description: 'x', agencyId: (await agency()).agencyId }, 403, 'FORBIDDEN'],
  ];
  for (const [what, json, status, code, message] of cases) {
    const reply = await gw.request('POST', '/v1/anchors', { token, json });
    t.is(reply.status, status, `${what}: ${reply.text.slice(0, 300)}`);
    t.is(reply.body?.error?.code, code, what);
    if (message) t.regex(reply.body.error.message, message, what);
  }
  t.is((await gw.request('POST', '/v1/anchors', { json: { leaves: digests(1), description: 'x' } })).status, 401);
  const governance = await gw.request('POST', '/v1/anchors', { token: GOVERNANCE, json: { leaves: digests(1), description: 'x' } });
  t.is(governance.status, 403, governance.text);
  t.is(governance.body.error.code, 'FORBIDDEN');
  // A body the agency signs itself: the right tree head, but a signature that is not the agency's.
  const named = { leaves: digests(1), description: 'x', operation: 'anchor.anchor', requestId: 'forged-anchor-1', agencyId, keyId: '0'.repeat(32), root: '0'.repeat(64), size: 4, signature: '0'.repeat(128) };
  const wrongHead = await gw.request('POST', '/v1/anchors', { token, json: named });
  t.is(wrongHead.status, 400, wrongHead.text);
  const { root, size, consistencyProof } = wrongHead.body.error.details.expected;
  const forged = await gw.request('POST', '/v1/anchors', { token, json: { ...named, root, size, consistencyProof, keyId: (await gw.request('GET', `/v1/agencies/${agencyId}`)).body.keys[0].keyId } });
  t.is(forged.status, 422, forged.text);
  t.is(forged.body.error.code, 'SIGNATURE_INVALID');
  t.is((await gw.request('POST', '/v1/anchors', { token, raw: '{"leaves": [', contentType: 'application/json' })).status, 400);
  t.is(await checkpointSize(agencyId), 3, 'nothing was anchored');

  const proofs: [string, number][] = [
    [`/v1/anchors/${agencyId}-00000009/proof?leaf=${kept[0]}`, 404],
    [`/v1/anchors/not-an-anchor/proof?leaf=${kept[0]}`, 400],
    [`/v1/anchors/${a1.batch.anchorId}/proof?leaf=${digests(1)[0]}`, 404],
    [`/v1/anchors/${a1.batch.anchorId}/proof?leaf=xyz`, 400],
    [`/v1/anchors/${a1.batch.anchorId}/proof`, 400],
  ];
  for (const [path, status] of proofs) t.is((await gw.request('GET', path)).status, status, path);
  const unknownAnchor = await gw.request('POST', '/v1/verify/proof', { json: { leaf: kept[0], leafIndex: 0, treeSize: 3, proof: [], root: a1.record.root, anchorId: `${agencyId}-00000009` } });
  t.is(unknownAnchor.status, 404);
  const badProof = await gw.request('POST', '/v1/verify/proof', { json: { leaf: kept[0], leafIndex: -1, treeSize: 3, proof: [], root: a1.record.root } });
  t.is(badProof.status, 400);

  // The log continues where it stood: the rejected batches left no leaves behind.
  t.like((await anchorBatch(token, digests(1))).batch, { firstLeaf: 3, treeSize: 4 });
});

test('leaves uploaded as raw bytes (multipart) anchor the same tree as hex in JSON; wrong uploads are refused', async (t) => {
  const { agencyId, token } = await agency();
  const leaves = digests(40);
  const raw = Buffer.concat(bytes(leaves));
  const first = await gw.request('POST', '/v1/anchors', { token, raw: upload(raw.subarray(0, 25 * 32)) });
  t.is(first.status, 201, first.text);
  t.like(first.body.batch, { firstLeaf: 0, leafCount: 25, treeSize: 25 });
  t.is(first.body.record.root, toHex(MerkleTree.fromLeaves(SM3, bytes(leaves.slice(0, 25))).root()));

  // Form fields are text: a tree head named in the form gives its size as decimal digits.
  const rest = raw.subarray(25 * 32);
  const wrongHead = await gw.request('POST', '/v1/anchors', { token, raw: upload(rest, { description: 'x', root: first.body.record.root, size: '99' }) });
  t.is(wrongHead.status, 400, wrongHead.text);
  const { root, size, consistencyProof } = wrongHead.body.error.details.expected;
  const named: Record<string, string> = { description: 'x', root, size: String(size) };
  (consistencyProof as string[]).forEach((p, i) => (named[`consistencyProof[${i}]`] = p));
  const second = await gw.request('POST', '/v1/anchors', { token, raw: upload(rest, named) });
  t.is(second.status, 201, second.text);
  t.like(second.body.batch, { firstLeaf: 25, treeSize: 40, root: toHex(MerkleTree.fromLeaves(SM3, bytes(leaves)).root()) });
  const proof = await gw.request('GET', `/v1/anchors/${second.body.batch.anchorId}/proof?leaf=${leaves[30]}`);
  t.like(proof.body, { leafIndex: 30, treeSize: 40 });

  const refusals: [string, FormData, number, string, RegExp][] = [
    ['33 bytes', upload(raw.subarray(0, 33)), 400, 'VALIDATION_FAILED', /32-byte/],
    ['no bytes', upload(new Uint8Array(0)), 400, 'EMPTY_UPLOAD', /body\.leaves: the uploaded file is empty/],
    ['no file', (() => { const f = new FormData(); f.append('description', 'x'); return f; })(), 400, 'VALIDATION_FAILED', /required/],
    ['hex and file', upload(raw.subarray(0, 32), { description: 'x', 'leaves[0]': leaves[0]! }), 400, 'VALIDATION_FAILED', /not both/],
    ['size not decimal', upload(raw.subarray(0, 32), { description: 'x', size: '0x10' }), 400, 'VALIDATION_FAILED', /size/],
    ['1,000,001 leaves', upload(new Uint8Array(1_000_001 * 32)), 413, 'BODY_TOO_LARGE', /larger/],
  ];
  for (const [what, form, status, code, message] of refusals) {
    const reply = await gw.request('POST', '/v1/anchors', { token, raw: form });
    t.is(reply.status, status, `${what}: ${reply.text.slice(0, 300)}`);
    t.is(reply.body?.error?.code, code, what);
    t.regex(reply.body.error.message, message, what);
  }
  t.is(await checkpointSize(agencyId), 40, 'the refused uploads anchored nothing');
});

test('a 100,000-leaf batch is accepted and anchored', async (t) => {
  const { token } = await agency();
  const leaves = digests(100_000);
  const started = process.hrtime.bigint();
  const anchored = await anchorBatch(token, leaves);
  t.log(`100,000 leaves accepted and anchored in ${Number(process.hrtime.bigint() - started) / 1e6} ms`);
  t.like(anchored.batch, { leafCount: 100_000, treeSize: 100_000, lastLeaf: 99_999 });
  const { body: p } = await gw.request('GET', `/v1/anchors/${anchored.batch.anchorId}/proof?leaf=${leaves[99_999]}`);
  const path = p.proof.map((h: string) => fromHex(h, 'proof', 32));
  t.true(verifyInclusion(SM3, 99_999, 100_000, hashLeaf(SM3, fromHex(leaves[99_999]!, 'leaf')), path, fromHex(anchored.record.root, 'root')));
});
