// Each verdict produced on purpose, with seals and certificates made here (testing/sealed-ofd.ts).
import test from 'ava';
import { generateKeyPair } from '@henan-chain/crypto';
import { decodeSeal } from './ses';
import { type SealedOfdOptions, makeSealedOfd } from './testing/sealed-ofd';
import type { OfdVerdict } from './verdicts';
import { verifyOfd } from './verify';

const NOW = new Date('2026-12-01T00:00:00Z');
const SIGNED = new Date('2026-06-01T08:00:00Z');
const before = (days: number) => new Date(SIGNED.getTime() - days * 86400_000);
const after = (days: number) => new Date(SIGNED.getTime() + days * 86400_000);

async function judged(options: SealedOfdOptions) {
  const { file } = await makeSealedOfd({ signTime: SIGNED, ...options });
  return (await verifyOfd(file, { now: NOW })).report;
}

test('a seal made here, used inside every validity: valid, and its Seal.esl decodes to the embedded seal', async (t) => {
  const { file, seal } = await makeSealedOfd({ signTime: SIGNED });
  const { report } = await verifyOfd(file, { now: NOW });
  t.is(report.verdict, 'valid', report.reasons.join('; '));
  t.is(report.signatures[0]!.seal!.esId, 'TEST-SEAL-0001');
  t.is(decodeSeal(seal).name, '郑州市测试单位公章');
});

const CASES: [string, SealedOfdOptions, OfdVerdict, RegExp][] = [
  ['a seal used after its validity ended', { sealValid: [before(400), before(30)] }, 'seal_expired_at_signing', /seal had expired at the signing time/],
  ['a seal used before its validity began', { sealValid: [after(1), after(400)] }, 'seal_expired_at_signing', /seal was not yet valid at the signing time/],
  ['a signer the seal does not name', { sealNamesSigner: false }, 'seal_invalid', /not one the seal names/],
  ['a seal picture replaced after the maker signed', { replacePictureAfterMaking: true }, 'seal_invalid', /seal maker’s signature over the seal does not verify/],
  ['a signer certificate expired at signing', { signerValid: [before(400), before(1)] }, 'certificate_invalid', /not valid at the signing time/],
  ['a signed value signed with another key', { signWith: generateKeyPair() }, 'signature_invalid', /SM2 signature over the signed value does not verify/],
];

for (const [what, options, verdict, reason] of CASES) {
  test(`${what}: ${verdict}`, async (t) => {
    const report = await judged(options);
    t.is(report.verdict, verdict);
    t.regex(report.reasons.join(' '), reason);
  });
}

test('a signing time after now is stated, not hidden', async (t) => {
  const { file } = await makeSealedOfd({ signTime: new Date('2027-03-01T00:00:00Z') });
  const { report } = await verifyOfd(file, { now: NOW });
  t.true(report.signatures[0]!.notes.some((n) => n.includes('lies in the future')));
});
