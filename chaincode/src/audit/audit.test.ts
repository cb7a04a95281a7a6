import { generateKeyPair, nextLicenceVersion, sign, toHex } from '@henan-chain/crypto';
import { possessionStatement } from '../agency/agency-contract';
import { issueLicence, licenceIdFor, newIssuer } from '../licence/test-fixtures';
import { networkTest } from '../testing/network';

const test = networkTest();

test('a licence history is complete, oldest first, and every version’s signature checks', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const issued = await issueLicence(net, issuer);
  const id = issued.licenceId;
  const suspended = await net.submitSigned(issuer, 'licence:suspend', { licenceId: id, reason: '暂扣' });
  const reinstated = await net.submitSigned(issuer, 'licence:reinstate', { licenceId: id, reason: '恢复' });
  const renewed = await net.submitSigned(issuer, 'licence:renew', {
    previousLicenceId: id,
    licenceId: nextLicenceVersion(id),
    reason: 'change',
    issueDate: '2026-03-01',
    changes: { name: '营业执照（变更）' },
  });

  const history = await net.evaluate(net.admins.city, 'audit:history', 'licence', id);
  t.is(history.kind, 'licence');
  t.is(history.id, id);
  t.deepEqual(
    history.versions.map((v: any) => v.txId),
    [issued.txId, suspended.txId, reinstated.txId, renewed.txId],
  );
  t.deepEqual(
    history.versions.map((v: any) => v.value.status),
    ['valid', 'suspended', 'valid', 'superseded'],
  );
  t.deepEqual(history.versions[0].value, issued);
  for (const version of history.versions) {
    t.false(version.isDelete);
    t.deepEqual(version.signature, { status: 'valid', agencyId: issuer.agencyId, keyId: issuer.keyId });
  }
  const times = history.versions.map((v: any) => Date.parse(v.timestamp));
  t.deepEqual([...times].sort((a, b) => a - b), times);
  t.is(history.versions[0].timestamp, issued.createdAt);
});

/**
 * Runs `work` with the process clock, as `new Date()` reads it, shifted by `offsetMs`: the proposal
 * timestamp is the submitting client's clock, and organisations' clocks disagree. Serial tests run
 * before the concurrent ones of this file, so no other test sees the shifted clock.
 */
async function withClockShifted<T>(offsetMs: number, work: () => Promise<T>): Promise<T> {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + offsetMs);
      else super(...(args as [string]));
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
  try {
    return await work();
  } finally {
    globalThis.Date = RealDate;
  }
}

test.serial('history lists versions in commit order, even when a later version carries an earlier timestamp', async (t) => {
  const { net } = t.context;
  // Governance's gateway runs an hour fast when it registers the agency, then its clock is put right.
  const issuer = await withClockShifted(60 * 60 * 1000, () => newIssuer(net));
  const suspended = await net.submit(net.admins.province, 'agency:suspend', JSON.stringify({ agencyId: issuer.agencyId, reason: '机构撤并' }));
  t.true(Date.parse(suspended.updatedAt) < Date.parse(suspended.createdAt), 'the later version has the earlier timestamp');
  const history = await net.evaluate(net.admins.city, 'audit:history', 'agency', issuer.agencyId);
  t.deepEqual(
    history.versions.map((v: any) => v.value.lastAction.action),
    ['register', 'suspend'],
  );
  t.is(history.versions.at(-1).txId, suspended.txId);
});

test('governance acts are not_signed; the agency’s own signed acts check', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  // The signing key stays valid here; a rotation that retires it is re-checked in agency.test.ts
  // (validTo is inclusive, so the rotation's own signature still counts).
  const next = generateKeyPair();
  const publicKey = toHex(next.publicKey);
  const proofOfPossession = toHex(sign(possessionStatement(issuer.agencyId, publicKey), next.privateKey));
  await net.submitSigned(issuer, 'agency:rotateKey', { publicKey, proofOfPossession, retireSigningKey: false });
  const history = await net.evaluate(net.admins.city, 'audit:history', 'agency', issuer.agencyId);
  t.deepEqual(
    history.versions.map((v: any) => [v.value.lastAction.action, v.signature.status]),
    [
      ['register', 'not_signed'],
      ['rotateKey', 'valid'],
    ],
  );
});

test('a version signed with a key revoked from before it becomes invalid, with the reason', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const licence = await issueLicence(net, issuer);
  await net.submit(
    net.admins.province,
    'agency:revokeKey',
    JSON.stringify({ agencyId: issuer.agencyId, revokedKeyId: issuer.keyId, effectiveFrom: licence.issuance.at, reason: '私钥泄露' }),
  );
  const history = await net.evaluate(net.admins.province, 'audit:history', 'licence', licence.licenceId);
  t.is(history.versions.length, 1);
  t.is(history.versions[0].signature.status, 'invalid');
  t.regex(history.versions[0].signature.reason, /revoked/);
  // The agency's own history shows the revocation as a governance act.
  const agency = await net.evaluate(net.admins.province, 'audit:history', 'agency', issuer.agencyId);
  t.deepEqual(agency.versions.at(-1).signature.status, 'not_signed');
});

test('an agency that revokes the key it signs with: that act still checks, what the key signs after it does not', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  await net.submitSigned(issuer, 'agency:revokeOwnKey', { revokedKeyId: issuer.keyId, reason: '私钥疑似泄露' });
  const history = await net.evaluate(net.admins.city, 'audit:history', 'agency', issuer.agencyId);
  t.deepEqual(
    history.versions.map((v: any) => [v.value.lastAction.action, v.signature.status]),
    [
      ['register', 'not_signed'],
      ['revokeOwnKey', 'valid'],
    ],
  );
  t.is(await net.errorCode(issueLicence(net, issuer)), 'KEY_NOT_VALID');
});

test('history validates the kind and the id and says when a record never existed', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  t.is(await net.errorCode(net.evaluate(net.admins.city, 'audit:history', 'ledger', issuer.agencyId)), 'VALIDATION_FAILED');
  t.is(await net.errorCode(net.evaluate(net.admins.city, 'audit:history', 'agency', 'not-a-credit-code')), 'VALIDATION_FAILED');
  t.is(await net.errorCode(net.evaluate(net.admins.city, 'audit:history', 'licence', '1.2.156.3005.2.x')), 'INVALID_IDENTIFIER');
  t.is(await net.errorCode(net.evaluate(net.admins.city, 'audit:history', 'licence', licenceIdFor(issuer))), 'NOT_FOUND');
  t.is(await net.errorCode(net.evaluate(net.admins.city, 'audit:history', 'seal', '')), 'VALIDATION_FAILED');
});
