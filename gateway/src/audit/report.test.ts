import test from 'ava';
import { generateKeyPair, publicKeyFromPrivateKey, toHex } from '@henan-chain/crypto';
import { keyIdOf } from '@henan-chain/chaincode';
import type { StoredKey } from '../auth/keystore';
import { reportCsv } from './report-csv';
import { signReportCsv, signReportJson } from './report-sign';
import { verifyReport } from './report-verify';
import { normaliseBound } from './time-range';
import type { AuditReport } from './schemas';

const privateKey = generateKeyPair().privateKey;
const publicKey = toHex(publicKeyFromPrivateKey(privateKey));
const key: StoredKey = { keyId: keyIdOf(publicKey), publicKey, privateKey };

const report: AuditReport = {
  format: 'henan-chain/audit-report/v1',
  agency: { agencyId: '91410000MA44XXXXXX', name: '河南省"数据",局', mspId: 'HenanProvinceMSP', regionCode: '410000' },
  period: { from: '2025-12-31T16:00:00.000Z', to: '2026-03-31T15:59:59.999Z' },
  generatedAt: '2026-04-01T00:00:00.000Z',
  ledger: { kind: 'embedded', height: '9', indexedTo: { blockNumber: '8', transactionId: 'ab' } },
  counts: { events: 1, asActor: 1, asCounterparty: 0, byKind: { receipt: 1 }, byAction: { 'receipt.created': 1 } },
  events: [
    {
      timestamp: '2026-01-02T03:04:05.678Z',
      blockNumber: '8',
      txId: 'ab',
      kind: 'receipt',
      id: 'R-1,"x"\nline',
      action: 'created',
      agencyId: '91410000MA44XXXXXX',
      mspId: 'HenanProvinceMSP',
      counterparties: ['A', 'B'],
      role: 'actor',
    },
  ],
};

test('CSV fields with commas, quotes and line breaks are quoted as RFC 4180 says, lines end in CRLF', (t) => {
  const csv = reportCsv(report);
  t.true(csv.includes(`,receipt,"R-1,""x""\nline",created,`));
  t.true(csv.includes(',A B,actor\r\n'));
  t.true(csv.endsWith(' indexedTo=8 events=1\r\n'));
});

test('the verifier refuses what a signature does not cover, and hex a byte change could hide in', (t) => {
  const signed = signReportJson(report, key);
  t.true(verifyReport(JSON.stringify(signed)).valid);
  t.true(verifyReport(JSON.stringify(signed, null, 2)).valid, 'layout is not content: the canonical form is signed');
  t.regex((verifyReport(JSON.stringify({ ...signed, note: 'approved' })) as { reason: string }).reason, /unsigned fields/);
  t.regex((verifyReport(JSON.stringify({ ...signed, signature: { ...signed.signature, value: signed.signature.value.toUpperCase() } })) as { reason: string }).reason, /lower-case/);
  const other = generateKeyPair();
  const otherPublic = toHex(other.publicKey);
  const substituted = { ...signed, signature: { ...signed.signature, publicKey: otherPublic } };
  t.regex((verifyReport(JSON.stringify(substituted)) as { reason: string }).reason, /does not name/);
  t.false(verifyReport('').valid);
  t.false(verifyReport('{"report":').valid);
  // A forged report before the signed one: JSON.parse keeps the last, a first-wins reader shows the first.
  const forgedFirst = `{"report":{"events":[]},${JSON.stringify(signed).slice(1)}`;
  t.regex((verifyReport(forgedFirst) as { reason: string }).reason, /report appears twice/);

  const csv = signReportCsv(reportCsv(report), key);
  t.deepEqual(verifyReport(csv, { publicKey }), { valid: true, format: 'csv', keyId: key.keyId, publicKey });
  t.true(verifyReport(csv.slice(0, -2)).valid, 'the final line break may be dropped');
  t.false(verifyReport(csv + 'x\r\n').valid, 'nothing may follow the signature line');
  t.false(verifyReport(csv.replace('\r\n', '\n')).valid);
});

test('period bounds: dates are China Standard Time days, instants keep their offset, impossible times are refused', (t) => {
  t.is(normaliseBound('2026-01-01', 'start'), '2025-12-31T16:00:00.000Z');
  t.is(normaliseBound('2026-01-01', 'end'), '2026-01-01T15:59:59.999Z');
  t.is(normaliseBound('2026-01-01T08:00+08:00', 'start'), '2026-01-01T00:00:00.000Z');
  t.is(normaliseBound('2026-01-01T00:00:00.5Z', 'end'), '2026-01-01T00:00:00.500Z');
  for (const bad of ['2026-02-29', '2026-13-01', '2026-01-01T23:60Z', '2026-01-01T00:00:00', '2026-01-01T00:00:00.1234Z', '2026-01-01T00:00+24:00', 'now']) {
    t.is(normaliseBound(bad, 'start'), undefined, bad);
  }
});
