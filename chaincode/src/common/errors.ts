/**
 * The chaincode's one error type. Fabric carries only a message string from chaincode to client
 * ("chaincode response 500, <message>"), so the structured error travels inside that message as
 * `HNC:` + JSON; `parseChaincodeError` finds it again on the client side, on either ledger.
 */
export type ChaincodeErrorCode =
  | 'VALIDATION_FAILED' // the request is malformed: JSON, schema, sizes, formats, enums
  | 'INVALID_IDENTIFIER' // a licence identifier, credit code or area code that does not check
  | 'NOT_INITIALISED' // the channel's governance configuration is not set yet
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FORBIDDEN' // wrong organisation, wrong role, not the party whose step it is
  | 'AGENCY_SUSPENDED'
  | 'KEY_NOT_FOUND'
  | 'KEY_NOT_VALID' // the signing key was not valid (window or revocation) at the transaction time
  | 'SIGNATURE_INVALID'
  | 'REPLAY' // a request id this agency already used
  | 'OPERATION_MISMATCH' // the request was signed for another transaction than the one invoked
  | 'INVALID_STATE' // a transition the record's current state does not allow
  | 'PROOF_INVALID'; // a Merkle consistency proof that does not verify

export interface ChaincodeErrorBody {
  code: ChaincodeErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

const MARKER = 'HNC:';

export class ChaincodeError extends Error {
  override readonly name = 'ChaincodeError';
  constructor(
    readonly code: ChaincodeErrorCode,
    readonly reason: string,
    readonly details?: Record<string, unknown>,
  ) {
    // The message IS the wire form: fabric-contract-api returns error.message to the peer.
    super(MARKER + JSON.stringify(details ? { code, message: reason, details } : { code, message: reason }));
  }
}

/** Extracts the structured error from whatever text the ledger client reports, or undefined. */
export function parseChaincodeError(text: string): ChaincodeErrorBody | undefined {
  const at = text.indexOf(MARKER);
  if (at < 0) return undefined;
  const json = text.slice(at + MARKER.length);
  // Our JSON normally runs to the end of the text; tolerate a suffix a client library may append.
  for (let end = json.lastIndexOf('}'); end > 0; end = json.lastIndexOf('}', end - 1)) {
    try {
      const body = JSON.parse(json.slice(0, end + 1)) as ChaincodeErrorBody;
      if (typeof body.code === 'string' && typeof body.message === 'string') return body;
    } catch {
      // not yet a whole JSON value: try the previous closing brace
    }
  }
  return undefined;
}
