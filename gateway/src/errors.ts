import type { ChaincodeErrorCode } from '@henan-chain/chaincode';

/** Codes the gateway itself produces (chaincode codes pass through unchanged). */
export type GatewayErrorCode =
  | 'MALFORMED_JSON'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'EMPTY_UPLOAD' // a multipart upload whose file has no bytes
  | 'UNAUTHENTICATED'
  | 'TOKEN_EXPIRED' // the bearer token is past its expiry (TOKEN_TTL_DAYS)
  | 'TOKEN_REVOKED'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'NO_SIGNING_KEY' // the body is unsigned and the gateway keeps no key for the agency (or the seal)
  | 'LEDGER_CONFLICT' // MVCC conflicts persisted through every retry
  | 'LEDGER_UNAVAILABLE'
  | 'ANCHOR_IN_PROGRESS' // another batch of the same agency is being anchored right now
  | 'ANCHOR_LOG_DIVERGED' // the ledger holds anchors of the agency whose leaves this gateway's log lacks
  | 'OFD_UNREADABLE' // an upload that cannot be read as an OFD: not a zip, unsafe names, a zip bomb, XML with a DTD
  | 'OFD_NOT_VALID' // an OFD to record whose verdict is not valid (tampered, a signature or seal that does not verify)
  | 'NOT_AVAILABLE' // the ledger behind this gateway does not offer the operation (chain verification on Fabric)
  | 'INTERNAL';

export type ApiErrorCode = GatewayErrorCode | ChaincodeErrorCode;

/** An error the API reports as `{"error": {code, message, details}}` with `status`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Seconds a client should wait before retrying (503s). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** The HTTP status of each chaincode error: the client's mistake is always a 4xx. */
export const CHAINCODE_STATUS: Record<ChaincodeErrorCode, number> = {
  VALIDATION_FAILED: 400,
  INVALID_IDENTIFIER: 400,
  NOT_INITIALISED: 503,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FORBIDDEN: 403,
  AGENCY_SUSPENDED: 403,
  KEY_NOT_FOUND: 422,
  KEY_NOT_VALID: 422,
  SIGNATURE_INVALID: 422,
  REPLAY: 409,
  OPERATION_MISMATCH: 400, // as the gateway refuses a body naming another operation than its route's
  INVALID_STATE: 409,
  PROOF_INVALID: 422,
};
