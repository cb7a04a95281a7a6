/**
 * The signed forms of an audit report, shared by the gateway that signs and by anyone who verifies
 * (the CLI's verify-report): nothing here needs more than the crypto package.
 *
 * JSON: `{"report": {...}, "signature": {"algorithm": "SM2-SM3", "keyId", "publicKey", "value"}}`, the
 * signature over the RFC 8785 canonical bytes of `report`.
 * CSV: RFC 4180 lines (CRLF), then the last line `# signature SM2-SM3 <keyId> <publicKey> <DER hex>`
 * over every byte before it.
 */
export const REPORT_ALGORITHM = 'SM2-SM3';
export const CSV_LINE_END = '\r\n';
export const CSV_SIGNATURE_PREFIX = `# signature ${REPORT_ALGORITHM} `;

export interface ReportSignature {
  algorithm: typeof REPORT_ALGORITHM;
  keyId: string;
  /** 04||x||y, lower-case hex. */
  publicKey: string;
  /** DER (GM/T 0009), lower-case hex. */
  value: string;
}

export function csvSignatureLine(signature: ReportSignature): string {
  return `${CSV_SIGNATURE_PREFIX}${signature.keyId} ${signature.publicKey} ${signature.value}${CSV_LINE_END}`;
}
