import { canonicalBytes, sign, toHex, utf8 } from '@henan-chain/crypto';
import type { StoredKey } from '../auth/keystore';
import { REPORT_ALGORITHM, type ReportSignature, csvSignatureLine } from './report-format';
import type { AuditReport, SignedReport } from './schemas';

function signatureOver(bytes: Uint8Array, key: StoredKey): ReportSignature {
  return { algorithm: REPORT_ALGORITHM, keyId: key.keyId, publicKey: key.publicKey, value: toHex(sign(bytes, key.privateKey)) };
}

/** The JSON form: the report and the gateway's signature over its RFC 8785 canonical bytes. */
export function signReportJson(report: AuditReport, key: StoredKey): SignedReport {
  return { report, signature: signatureOver(canonicalBytes(report), key) };
}

/** The CSV form: the text as given, then the signature line over every byte of it. */
export function signReportCsv(csv: string, key: StoredKey): string {
  return csv + csvSignatureLine(signatureOver(utf8(csv), key));
}
