import 'reflect-metadata';
import { generateKeyPair, sm3Hex, toHex } from '@henan-chain/crypto';
import { contracts } from '../contracts';
import { get, issueLicence, newIssuer } from '../licence/test-fixtures';
import { networkTest, randomUscc } from '../testing/network';
import { operationOf } from './signed-request';

/**
 * Operation-bound signatures: a request names the transaction it authorises (`licence.revoke`), and
 * the chain refuses it for any other, so bodies of the same shape cannot stand in for each other.
 */
const test = networkTest();

/** Transactions authorised by the governance admin's Fabric identity, not by an agency's signature. */
const GOVERNANCE = ['agency:initialise', 'agency:register', 'agency:suspend', 'agency:reinstate', 'agency:addKey', 'agency:revokeKey'];
/** Transactions that take no request at all, so no signature to bind (ping: the benchmarks' do-nothing baseline). */
const UNSIGNED = ['agency:ping'];

/** Every submit transaction of the chaincode, `family:fn`, from the contracts' own metadata. */
function submitTransactions(): string[] {
  return contracts.flatMap((Contract) => {
    const family = new Contract().getName();
    const transactions = (Reflect.getMetadata('fabric:transactions', Contract.prototype) ?? []) as { name: string; tag: string[] }[];
    return transactions.filter((tx) => tx.tag.includes('SUBMIT')).map((tx) => `${family}:${tx.name}`);
  });
}

const sm3 = (text: string) => sm3Hex(text);
const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
const delivery = { fingerprint: sm3('rows'), recordCount: 1, scope: '企业登记信息', expiresAt: inAYear };

/**
 * A body (without the signing fields) each agency-signed transaction's schema accepts: the operation
 * is checked before any record is read, so the records it names need not exist.
 */
function bodies(agencyId: string): Record<string, Record<string, unknown>> {
  const key = generateKeyPair();
  const licenceId = '1.2.156.3005.2.11100000MB0143028R001.11410000MB1957420F.20260000001.001.Q';
  const status = { licenceId, reason: '依法处理' };
  return {
    'agency:rotateKey': { publicKey: toHex(key.publicKey), proofOfPossession: 'ab'.repeat(64), retireSigningKey: false },
    'agency:revokeOwnKey': { revokedKeyId: 'cd'.repeat(16), reason: '密钥泄露' },
    'seal:register': {
      sealId: 'HN-OP-SEAL-1',
      ownerId: agencyId,
      sealType: 'official',
      name: '示例公章',
      validFrom: '2026-01-01T00:00:00Z',
      validTo: '2027-01-01T00:00:00Z',
      picture: { sm3: sm3('picture'), mediaType: 'image/png', width: 400, height: 400 },
      publicKey: toHex(key.publicKey),
    },
    'seal:revoke': { sealId: 'HN-OP-SEAL-1', reason: '印章遗失' },
    'seal:recordSealing': { documentSm3: sm3('document'), sealId: 'HN-OP-SEAL-1', signTime: '2026-06-01T00:00:00Z', sealSignature: 'ab'.repeat(64) },
    'seal:recordOfdSealing': { documentSm3: sm3('sealed ofd'), signatures: [{ signatureSm3: sm3('signed value'), signTime: '2026-06-01T00:00:00Z', sealId: 'HN-OP-SEAL-1' }] },
    'anchor:anchor': { root: sm3('root'), size: 1, description: '一批存证' },
    'licence:issue': { licenceId, name: '营业执照', number: 'N-1', holder: { commitment: sm3('holder'), codeType: '001' }, issueDate: '2026-01-05', validFrom: '2026-01-05T00:00:00Z', validUntil: null, areaCode: '410100', document: { sm3: sm3('doc'), size: 1, mediaType: 'application/ofd' } },
    'licence:renew': { previousLicenceId: licenceId, licenceId, reason: 'renewal', issueDate: '2026-02-01', changes: { name: '营业执照' } },
    'licence:suspend': status,
    'licence:reinstate': status,
    'licence:revoke': status,
    'licence:cancel': status,
    'receipt:request': { receiptId: 'RCPT-OP-0001', providerId: randomUscc(), catalogItemId: 'ITEM-1', shareClass: 'unconditional', purpose: '核验', legalBasis: '条例' },
    'receipt:reply': { receiptId: 'RCPT-OP-0001', decision: 'approved' },
    'receipt:delivery': { receiptId: 'RCPT-OP-0001', delivery },
    'receipt:acknowledge': { receiptId: 'RCPT-OP-0001', delivery },
    'receipt:object': { receiptId: 'RCPT-OP-0001', category: 'quality', reason: '数据有误' },
    'receipt:resolve': { receiptId: 'RCPT-OP-0001', objectionId: 1, outcome: 'accepted' },
    'receipt:withdraw': { receiptId: 'RCPT-OP-0001', objectionId: 1 },
    'case:create': {
      caseId: 'CASE-OP-0001',
      serviceItemCode: 'ITEM000001',
      serviceItemVersion: '1',
      mode: 'online',
      collectingRegion: '410100',
      handlingRegion: '410000',
      handlingAgencyId: randomUscc(),
      applicantCommitment: sm3('applicant'),
      appliedAt: '2026-06-01T00:00:00Z',
      promisedBy: '2026-07-01T00:00:00Z',
    },
    'case:transition': { caseId: 'CASE-OP-0001', action: 'accept' },
  };
}

/** Another transaction whose request a signer might have meant: the next one of the same family, else of another. */
function otherThan(fn: string, all: string[]): string {
  const family = fn.split(':')[0];
  const siblings = all.filter((other) => other.startsWith(`${family}:`));
  return siblings.length > 1 ? siblings[(siblings.indexOf(fn) + 1) % siblings.length]! : all.find((other) => !other.startsWith(`${family}:`))!;
}

test('every agency-signed transaction refuses a request signed for another operation, and takes its own', async (t) => {
  const { net } = t.context;
  const agency = await net.registerAgency({ name: '操作绑定测试局', org: 'city', roles: ['issuer'], licenceTypes: [randomUscc() + '001'] });
  const table = bodies(agency.agencyId);
  const signed = submitTransactions().filter((fn) => !GOVERNANCE.includes(fn) && !UNSIGNED.includes(fn));
  t.deepEqual(Object.keys(table).sort(), [...signed].sort(), 'the table covers every agency-signed transaction');
  for (const fn of signed) {
    const other = otherThan(fn, signed);
    const mismatch = net.signRequest(agency, fn, { ...table[fn], operation: operationOf(other) });
    t.is(await net.errorCode(net.submit(agency.identity, fn, JSON.stringify(mismatch))), 'OPERATION_MISMATCH', `${fn} refuses a request signed for ${operationOf(other)}`);
    // Its own operation gets past the check (and on to the records it names, which may not exist).
    const own = net.submit(agency.identity, fn, JSON.stringify(net.signRequest(agency, fn, table[fn]!)));
    const outcome = await own.then(
      () => 'committed',
      async () => net.errorCode(own),
    );
    t.not(outcome, 'OPERATION_MISMATCH', `${fn} takes a request signed for ${operationOf(fn)}`);
  }
});

test('a licence suspension the issuer signed is refused by revoke, changes nothing, and still suspends', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const licence = await issueLicence(net, issuer);
  const suspension = JSON.stringify(net.signRequest(issuer, 'licence:suspend', { licenceId: licence.licenceId, reason: '暂扣整改' }));

  const refused = await net.submit(issuer.identity, 'licence:revoke', suspension).then(
    () => undefined,
    (err: { chaincodeMessage?: string }) => err.chaincodeMessage ?? '',
  );
  t.regex(refused ?? 'committed', /OPERATION_MISMATCH.*signed for licence\.suspend.*invoked as licence:revoke/);
  t.deepEqual(await get(net, licence.licenceId), licence, 'the refused revocation wrote nothing');

  const suspended = await net.submit(issuer.identity, 'licence:suspend', suspension);
  t.is(suspended.status, 'suspended');
  t.is(suspended.lastAction.request.operation, 'licence.suspend', 'the record keeps the operation the signature authorised');

  const { operation: _omit, ...unbound } = net.signRequest(issuer, 'licence:reinstate', { licenceId: licence.licenceId, reason: '整改完成' });
  t.is(await net.errorCode(net.submit(issuer.identity, 'licence:reinstate', JSON.stringify(unbound))), 'VALIDATION_FAILED', 'a request must name its operation');
});
