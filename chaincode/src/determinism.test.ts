import { randomBytes } from 'node:crypto';
import { MerkleTree, SM3, toHex, utf8 } from '@henan-chain/crypto';
import type { Endorsement } from '@henan-chain/embedded-ledger';
import { networkTest, type TestAgency } from './testing/network';
import { issueBody, newIssuer } from './licence/test-fixtures';

/**
 * Every endorsing peer must write the same bytes, or Fabric rejects the transaction. Endorse the same
 * signed request twice with the same transaction id and time and compare what each run would write.
 */
const test = networkTest();

async function endorseTwice(t: { context: { net: any } }, agency: TestAgency, fn: string, body: Record<string, unknown>) {
  const { net } = t.context;
  const args = [JSON.stringify(net.signRequest(agency, fn, body))];
  // One fixed instant for both runs, just after the agencies' keys became valid.
  const options = { txId: toHex(randomBytes(32)), timestamp: new Date(Date.now() + 1000) };
  const first: Endorsement = await net.ledger.endorse(agency.identity, fn, args, options);
  const second: Endorsement = await net.ledger.endorse(agency.identity, fn, args, options);
  return { first, second };
}

function bytesOf(e: Endorsement) {
  return {
    writes: e.writeSet.map((w) => [w.key, w.isDelete, Buffer.from(w.value).toString('base64')]),
    reads: e.readSet,
    payload: Buffer.from(e.response.payload ?? []).toString('base64'),
    event: e.event ? [e.event.eventName, Buffer.from(e.event.payload).toString('base64')] : null,
  };
}

test('issuing a licence writes identical bytes on every endorsement', async (t) => {
  const issuer = await newIssuer(t.context.net);
  const { first, second } = await endorseTwice(t, issuer, 'licence:issue', issueBody(issuer));
  t.true(first.writeSet.length >= 4, 'the record, its indexes and the replay marker');
  t.deepEqual(bytesOf(first), bytesOf(second));
});

test('requesting data, creating a case and anchoring write identical bytes on every endorsement', async (t) => {
  const { net } = t.context;
  const consumer: TestAgency = await net.registerAgency({ name: '洛阳市行政审批服务局', org: 'province', roles: ['consumer', 'region'], regionCode: '410300' });
  const provider: TestAgency = await net.registerAgency({ name: '河南省大数据管理局', org: 'province', roles: ['provider'] });
  const handler: TestAgency = await net.registerAgency({ name: '郑州市行政审批和政务信息管理局', org: 'city', roles: ['region'], regionCode: '410100' });

  const receipt = await endorseTwice(t, consumer, 'receipt:request', {
    receiptId: `rcpt-${toHex(randomBytes(6))}`,
    providerId: provider.agencyId,
    catalogItemId: 'HN-410000-RK-0001',
    shareClass: 'conditional',
    purpose: '跨省通办 户籍核验',
    legalBasis: '《政务数据共享条例》',
  });
  t.deepEqual(bytesOf(receipt.first), bytesOf(receipt.second));

  const kase = await endorseTwice(t, consumer, 'case:create', {
    caseId: `case-${toHex(randomBytes(6))}`,
    serviceItemCode: '11410000MB0143028Y4000112',
    serviceItemVersion: '1',
    mode: 'collect_and_forward',
    collectingRegion: '410300',
    handlingRegion: '410100',
    handlingAgencyId: handler.agencyId,
    applicantCommitment: toHex(randomBytes(32)),
    appliedAt: new Date(Date.now() - 86_400_000).toISOString(),
    promisedBy: new Date(Date.now() + 14 * 86_400_000).toISOString(),
  });
  t.deepEqual(bytesOf(kase.first), bytesOf(kase.second));

  const log = MerkleTree.fromLeaves(SM3, [utf8('a'), utf8('b'), utf8('c')]);
  const anchor = await endorseTwice(t, provider, 'anchor:anchor', { root: toHex(log.root()), size: log.size, description: '批量存证' });
  t.deepEqual(bytesOf(anchor.first), bytesOf(anchor.second));
});
