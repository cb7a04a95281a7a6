/**
 * @henan-chain/gateway as a library: what other packages (the CLI's `henan-chain verify-report`) use
 * without starting a gateway. Importing it loads only the crypto package, never Koa or the ledger.
 */
export { verifyReport, type ReportVerification } from './audit/report-verify';
export { REPORT_ALGORITHM, CSV_SIGNATURE_PREFIX, type ReportSignature } from './audit/report-format';
export { verificationUrl, qrTerminal, PORTAL_PATHS, type QrSubject } from './verification/qr';
