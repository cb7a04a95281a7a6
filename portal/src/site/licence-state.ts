/**
 * A licence's state at an instant: its ledger status, or, while that is 有效, the effect of its validity
 * window. The same precedence as the chaincode's verdict (chaincode/src/licence/verify.ts): a status
 * other than valid outranks the window.
 */
export interface LicenceWindow {
  status: string;
  validFrom: string;
  validUntil: string | null;
}

export function licenceStateAt(record: LicenceWindow, at: string): string {
  if (record.status !== 'valid') return record.status;
  const now = Date.parse(at);
  if (record.validUntil !== null && now >= Date.parse(record.validUntil)) return 'expired';
  if (now < Date.parse(record.validFrom)) return 'not_yet_valid';
  return 'valid';
}
