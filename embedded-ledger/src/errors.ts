/**
 * The ledger's errors, named and shaped as fabric-gateway 1.11 names them (gatewayerror.ts,
 * endorseerror.ts, commiterror.ts), so the gateway maps the embedded and the Fabric ledger alike.
 */

/** Fabric's peer.TxValidationCode values this ledger assigns. */
export const TxValidationCode = {
  VALID: 0,
  MVCC_READ_CONFLICT: 11,
  PHANTOM_READ_CONFLICT: 12,
} as const;

/** gRPC status codes the Fabric gateway service answers with (internal/pkg/gateway/apiutils.go). */
export const GrpcStatus = { UNKNOWN: 2, ABORTED: 10 } as const;

/** An error reported by one endorsing node. */
export interface ErrorDetail {
  /** Endpoint of the node; `embedded` here, since the chaincode runs in this process. */
  address: string;
  mspId: string;
  message: string;
}

/**
 * A request the gateway could not complete. An evaluate whose chaincode answered with an error status
 * arrives as this, with gRPC code UNKNOWN and a message like Fabric's:
 * `2 UNKNOWN: evaluate call to endorser returned error: chaincode response 500, <message>`.
 */
export class GatewayError extends Error {
  /** gRPC status code. */
  readonly code: number;
  readonly details: ErrorDetail[];
  /**
   * The chaincode's own error message, without Fabric's decoration. Only the embedded ledger has it
   * directly; over Fabric it is the text after `chaincode response <status>, ` in details[0].message.
   */
  readonly chaincodeMessage: string;

  constructor(properties: { code: number; details: ErrorDetail[]; chaincodeMessage: string; message: string }) {
    super(properties.message);
    this.name = 'GatewayError';
    this.code = properties.code;
    this.details = properties.details;
    this.chaincodeMessage = properties.chaincodeMessage;
  }
}

/** Endorsement of a transaction failed: the chaincode answered with an error status. Nothing was written. */
export class EndorseError extends GatewayError {
  readonly transactionId: string;

  constructor(properties: ConstructorParameters<typeof GatewayError>[0] & { transactionId: string }) {
    super(properties);
    this.name = 'EndorseError';
    this.transactionId = properties.transactionId;
  }
}

/** The transaction was ordered into a block but failed validation; it is in the block, marked invalid. */
export class CommitError extends Error {
  /** Fabric TxValidationCode, e.g. 11 MVCC_READ_CONFLICT, 12 PHANTOM_READ_CONFLICT. */
  readonly code: number;
  readonly transactionId: string;

  constructor(properties: { code: number; transactionId: string }) {
    super(
      `Transaction ${properties.transactionId} failed to commit with status code ${properties.code} (${validationCodeName(properties.code)})`,
    );
    this.name = 'CommitError';
    this.code = properties.code;
    this.transactionId = properties.transactionId;
  }
}

/** The identity is not a member of the channel: unknown MSP id, or a certificate its MSP did not issue. */
export class IdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentityError';
  }
}

export function validationCodeName(code: number): string {
  const entry = Object.entries(TxValidationCode).find(([, value]) => value === code);
  return entry ? entry[0] : `UNKNOWN_${code}`;
}
