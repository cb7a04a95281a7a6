import { randomBytes } from 'node:crypto';
import { generateKeyPair, sm3Hex } from '@henan-chain/crypto';
import type { OfdSealingVerification } from './ofd-sealing';
import { HOUR, type SealTestContext, at, sealBody, sealTest } from './test-fixtures';

type Context = SealTestContext;
const test = sealTest();
const digest = () => sm3Hex(randomBytes(32));

async function registerSeal(t: { context: Context }, owner = t.context.owner): Promise<string> {
  const body = sealBody(owner, generateKeyPair());
  await t.context.network.submitSigned(t.context.maker, 'seal:register', body);
  return body.sealId as string;
}

const sealing = (sealId: string, signTime = at(-HOUR)) => ({ documentSm3: digest(), signatures: [{ signatureSm3: digest(), signTime, sealId }] });

const verifyOf = async (t: { context: Context }, documentSm3: string, sealIds: string[] = []) =>
  (await t.context.network.evaluate(t.context.consumer.identity, 'seal:verifyOfdSealing', documentSm3, JSON.stringify(sealIds))) as OfdSealingVerification;

test('an OFD sealed with another system\u2019s seal is recorded as named; verification finds it, the seal not registered here', async (t) => {
  const { network, owner } = t.context;
  const request = sealing('6a1cf81ad6264f0cb7583c162456f35a', '2021-10-14T03:34:04Z');
  const { result, event } = await network.submitSignedWithEvent(owner, 'seal:recordOfdSealing', request);
  t.is(event?.name, 'ofd-sealing.recorded');
  t.like(event?.payload, { kind: 'ofd-sealing', id: request.documentSm3, agencyId: owner.agencyId });
  t.is(result.kind, 'ofd-sealing');
  t.deepEqual(result.signatures, [{ ...request.signatures[0], signTime: '2021-10-14T03:34:04.000Z' }]);
  const v = await verifyOf(t, request.documentSm3);
  t.true(v.recorded);
  if (!v.recorded) return;
  t.is(v.sealing.txId, result.txId);
  t.is(v.sealing.ownerId, owner.agencyId);
  t.deepEqual(v.seals, [{ sealId: '6a1cf81ad6264f0cb7583c162456f35a', status: 'not_registered', revocation: null }]);
  t.is(await network.errorCode(network.submitSigned(owner, 'seal:recordOfdSealing', request)), 'ALREADY_EXISTS');
});

test('a seal revoked after the sealing was recorded leaves it standing; one revoked effective before voids it', async (t) => {
  const { network, owner } = t.context;
  const [kept, voided] = [await registerSeal(t), await registerSeal(t)];
  const first = sealing(kept);
  const second = sealing(voided);
  await network.submitSigned(owner, 'seal:recordOfdSealing', first);
  await network.submitSigned(owner, 'seal:recordOfdSealing', second);
  await network.submitSigned(owner, 'seal:revoke', { sealId: kept, reason: '印章更换' });
  await network.submitSigned(t.context.maker, 'seal:revoke', { sealId: voided, reason: '密钥泄露', effectiveFrom: at(-2 * HOUR) });
  const standing = await verifyOf(t, first.documentSm3);
  t.is(standing.seals[0]!.status, 'active');
  t.is(standing.seals[0]!.revocation?.reason, '印章更换');
  t.is((await verifyOf(t, second.documentSm3)).seals[0]!.status, 'revoked');
  // Not recorded: the signing time is only claimed, so any revocation counts.
  const unrecorded = await verifyOf(t, digest(), [kept]);
  t.false(unrecorded.recorded);
  t.is(unrecorded.seals[0]!.status, 'revoked');
  // A revoked seal records no more sealings.
  t.is(await network.errorCode(network.submitSigned(owner, 'seal:recordOfdSealing', sealing(kept))), 'INVALID_STATE');
});

test('recording is refused for another owner\u2019s seal, without the seal_owner role, for a future time, a time outside the seal, or a repeated signature', async (t) => {
  const { network, owner, otherOwner, consumer } = t.context;
  const sealId = await registerSeal(t);
  t.is(await network.errorCode(network.submitSigned(otherOwner, 'seal:recordOfdSealing', sealing(sealId))), 'FORBIDDEN');
  t.is(await network.errorCode(network.submitSigned(consumer, 'seal:recordOfdSealing', sealing('OTHER-SEAL'))), 'FORBIDDEN');
  t.is(await network.errorCode(network.submitSigned(owner, 'seal:recordOfdSealing', sealing('OTHER-SEAL', at(HOUR)))), 'VALIDATION_FAILED');
  t.is(await network.errorCode(network.submitSigned(owner, 'seal:recordOfdSealing', sealing(sealId, at(-48 * HOUR)))), 'INVALID_STATE');
  const twice = sealing('OTHER-SEAL');
  twice.signatures.push(twice.signatures[0]!);
  t.is(await network.errorCode(network.submitSigned(owner, 'seal:recordOfdSealing', twice)), 'VALIDATION_FAILED');
  t.is(await network.errorCode(network.submitSigned(owner, 'seal:recordOfdSealing', { documentSm3: digest(), signatures: [] })), 'VALIDATION_FAILED');
});

test('verification checks its arguments', async (t) => {
  const { network, consumer } = t.context;
  t.is(await network.errorCode(network.evaluate(consumer.identity, 'seal:verifyOfdSealing', 'not-a-digest', '[]')), 'VALIDATION_FAILED');
  t.is(await network.errorCode(network.evaluate(consumer.identity, 'seal:verifyOfdSealing', digest(), '["bad id!"]')), 'VALIDATION_FAILED');
});
