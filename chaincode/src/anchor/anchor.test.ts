import anyTest, { type TestFn } from 'ava';
import { MerkleTree, SM3, toHex, utf8 } from '@henan-chain/crypto';
import { TestNetwork, type TestAgency, randomUscc } from '../testing/network';

interface Context {
  network: TestNetwork;
}
const test = anyTest as TestFn<Context>;

test.before(async (t) => {
  t.context = { network: await TestNetwork.start() };
});
test.after.always(async (t) => t.context.network?.close());

/** An agency's log: leaves are whatever it batches (here, numbered receipts). */
const tree = (size: number, salt = 'log'): MerkleTree =>
  MerkleTree.fromLeaves(SM3, Array.from({ length: size }, (_, i) => utf8(`${salt}-${i}`)));

function anchorBody(log: MerkleTree, previousSize?: number): Record<string, unknown> {
  return {
    root: toHex(log.root()),
    size: log.size,
    description: `批量存证 ${log.size}`,
    ...(previousSize === undefined ? {} : { consistencyProof: log.consistencyProof(previousSize).map(toHex) }),
  };
}

const newAgency = (t: { context: Context }, org: 'province' | 'city' = 'city'): Promise<TestAgency> =>
  t.context.network.registerAgency({ name: '郑州市大数据管理局', org, roles: ['provider'] });

const head = (t: { context: Context }, agency: TestAgency) => t.context.network.evaluate(agency.identity, 'anchor:head', agency.agencyId);

test('the first anchor takes no proof; the second extends it with a consistency proof', async (t) => {
  const { network } = t.context;
  const agency = await newAgency(t);
  t.is(await network.errorCode(head(t, agency)), 'NOT_FOUND', 'no anchor yet');

  const { result: first, event } = await network.submitSignedWithEvent(agency, 'anchor:anchor', anchorBody(tree(3)));
  t.like(event, { name: 'anchor.anchored', payload: { kind: 'anchor', id: first.anchorId, agencyId: agency.agencyId, txId: first.txId } });
  t.is(first.kind, 'anchor');
  t.is(first.anchorId, `${agency.agencyId}-00000001`);
  t.is(first.sequence, 1);
  t.is(first.size, 3);
  t.is(first.previous, undefined);
  t.deepEqual(first.consistencyProof, []);
  t.is(first.lastAction.action, 'anchor');
  t.deepEqual(await head(t, agency), first);

  const second = await network.submitSigned(agency, 'anchor:anchor', anchorBody(tree(7), 3));
  t.is(second.anchorId, `${agency.agencyId}-00000002`);
  t.deepEqual(second.previous, { anchorId: first.anchorId, root: first.root, size: 3 });
  t.deepEqual(await head(t, agency), second);
  t.deepEqual(await network.evaluate(agency.identity, 'anchor:get', first.anchorId), first);

  const page1 = await network.evaluate(agency.identity, 'anchor:list', agency.agencyId, '1', '');
  t.deepEqual(page1.records, [first]);
  const page2 = await network.evaluate(agency.identity, 'anchor:list', agency.agencyId, '1', page1.bookmark);
  t.deepEqual(page2.records, [second]);
  const all = await network.evaluate(agency.identity, 'anchor:list', agency.agencyId, '10', '');
  t.deepEqual(all, { records: [first, second], bookmark: '' });
});

test('a tampered proof, a root the proof does not lead to, a shrinking or equal size and a missing proof are refused', async (t) => {
  const { network } = t.context;
  const agency = await newAgency(t);
  const first = await network.submitSigned(agency, 'anchor:anchor', anchorBody(tree(5)));

  const tampered = anchorBody(tree(9), 5);
  const proof = [...(tampered['consistencyProof'] as string[])];
  proof[0] = (proof[0]!.startsWith('0') ? '1' : '0') + proof[0]!.slice(1);
  t.is(await network.errorCode(network.submitSigned(agency, 'anchor:anchor', { ...tampered, consistencyProof: proof })), 'PROOF_INVALID');
  // A tree that rewrote history: same size as a real extension, but leaf 2 changed.
  const rewritten = MerkleTree.fromLeaves(SM3, Array.from({ length: 9 }, (_, i) => utf8(i === 2 ? 'forged' : `log-${i}`)));
  t.is(await network.errorCode(network.submitSigned(agency, 'anchor:anchor', anchorBody(rewritten, 5))), 'PROOF_INVALID');
  t.is(await network.errorCode(network.submitSigned(agency, 'anchor:anchor', { ...anchorBody(tree(9), 5), root: toHex(tree(9, 'other').root()) })), 'PROOF_INVALID');

  t.is(await network.errorCode(network.submitSigned(agency, 'anchor:anchor', anchorBody(tree(4), 4))), 'INVALID_STATE', 'shrinking');
  t.is(await network.errorCode(network.submitSigned(agency, 'anchor:anchor', anchorBody(tree(5), 5))), 'INVALID_STATE', 'same size');
  t.is(await network.errorCode(network.submitSigned(agency, 'anchor:anchor', anchorBody(tree(9)))), 'VALIDATION_FAILED', 'no proof');
  t.deepEqual(await head(t, agency), first, 'no rejected anchor moved the head');
  t.is((await network.evaluate(agency.identity, 'anchor:list', agency.agencyId, '10', '')).records.length, 1);
});

test('anchor validates its fields; a first anchor may not carry a proof', async (t) => {
  const { network } = t.context;
  const agency = await newAgency(t);
  const reject = (body: Record<string, unknown>) => network.errorCode(network.submitSigned(agency, 'anchor:anchor', body));
  const good = anchorBody(tree(2));
  t.is(await reject({ ...good, consistencyProof: [toHex(tree(1).root())] }), 'VALIDATION_FAILED');
  t.is(await reject({ ...good, size: 0 }), 'VALIDATION_FAILED');
  t.is(await reject({ ...good, size: 2 ** 40 + 1 }), 'VALIDATION_FAILED');
  t.is(await reject({ ...good, size: 2.5 }), 'VALIDATION_FAILED');
  t.is(await reject({ ...good, root: 'AB'.repeat(32) }), 'VALIDATION_FAILED');
  t.is(await reject({ ...good, description: '' }), 'VALIDATION_FAILED');
  t.is(await reject({ ...good, leaves: [] }), 'VALIDATION_FAILED');
  t.is(await network.errorCode(head(t, agency)), 'NOT_FOUND');
});

test('anchor passes the signature gate and refuses a replayed request and a suspended agency', async (t) => {
  const { network } = t.context;
  const agency = await newAgency(t, 'province');
  t.deepEqual(await network.gateRejections(agency, 'anchor:anchor', anchorBody(tree(3))), {
    wrongOrganisation: 'FORBIDDEN',
    badSignature: 'SIGNATURE_INVALID',
    retiredKey: 'KEY_NOT_VALID',
    revokedKey: 'KEY_NOT_VALID',
  });
  t.is(await network.errorCode(head(t, agency)), 'NOT_FOUND');

  const other = await newAgency(t);
  const signed = JSON.stringify(network.signRequest(other, 'anchor:anchor', anchorBody(tree(3))));
  await network.submit(other.identity, 'anchor:anchor', signed);
  t.is(await network.errorCode(network.submit(other.identity, 'anchor:anchor', signed)), 'REPLAY');
  t.is((await head(t, other)).sequence, 1);

  await network.submit(network.admins.province, 'agency:suspend', JSON.stringify({ agencyId: other.agencyId, reason: '测试' }));
  t.is(await network.errorCode(network.submitSigned(other, 'anchor:anchor', anchorBody(tree(6), 3))), 'AGENCY_SUSPENDED');
});

test('queries validate their identifiers and report unknown anchors', async (t) => {
  const { network } = t.context;
  const agency = await newAgency(t);
  const ask = (fn: string, ...args: string[]) => network.errorCode(network.evaluate(agency.identity, fn, ...args));
  t.is(await ask('anchor:get', `${randomUscc()}-00000001`), 'NOT_FOUND');
  t.is(await ask('anchor:get', 'no-such-anchor'), 'VALIDATION_FAILED');
  t.is(await ask('anchor:head', 'not-a-credit-code'), 'VALIDATION_FAILED');
  t.is(await ask('anchor:head', randomUscc()), 'NOT_FOUND');
  t.is(await ask('anchor:list', agency.agencyId, '500', ''), 'VALIDATION_FAILED');
  t.deepEqual(await network.evaluate(agency.identity, 'anchor:list', agency.agencyId, '10', ''), { records: [], bookmark: '' });
});
