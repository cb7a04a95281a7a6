import { status as GrpcStatus } from '@grpc/grpc-js';
import { CommitError, GatewayError } from '@hyperledger/fabric-gateway';
import { parseChaincodeError } from '@henan-chain/chaincode';
import { ApiError } from '../../errors';
import { apiErrorFromChaincode } from '../chaincode-errors';
import { conflictError } from '../conflicts';

/** peer.TxValidationCode values that a fresh proposal may get past. */
const MVCC_READ_CONFLICT = 11;
const PHANTOM_READ_CONFLICT = 12;

/** How long a client is told to wait when the peer (or the ordering service behind it) is out of reach. */
export const RETRY_AFTER_SECONDS = 5;

/** gRPC codes that say the network is out of reach or overloaded, not that the request was wrong. */
const UNAVAILABLE_CODES = new Set<number>([GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED, GrpcStatus.RESOURCE_EXHAUSTED, GrpcStatus.CANCELLED]);

/** The peer reports a chaincode's answer as `chaincode response <status>, <message>`. */
const CHAINCODE_RESPONSE = /chaincode response \d+, ([\s\S]*)$/;

/**
 * A chaincode server or peer out of reach: Fabric's text for it, on endorse and on evaluate alike (with
 * an organisation's peer down, the gateway's discovery finds no set of peers for the endorsement policy;
 * during an upgrade, Fabric refuses the invoke in flight when the new definition commits).
 */
const CHAINCODE_UNREACHABLE = /could not launch chaincode|connection refused|error sending|chaincode .* not available|no peers available|no combination of peers can be derived|chaincode definition for '[^']*' changed during invoke/i;

/** A transaction ordered into a block and marked invalid there: nothing of it was written. */
export function commitFailure(code: number, transactionId: string): ApiError {
  if (code === MVCC_READ_CONFLICT || code === PHANTOM_READ_CONFLICT) return conflictError(transactionId);
  return new ApiError(500, 'INTERNAL', `transaction ${transactionId} was invalidated at commit (code ${code})`);
}

export function unavailable(what: string, cause: string): ApiError {
  return new ApiError(503, 'LEDGER_UNAVAILABLE', `${what}: ${cause}; retry later`, undefined, RETRY_AFTER_SECONDS);
}

/**
 * Maps what @hyperledger/fabric-gateway throws onto the API's errors, as the embedded adapter maps the
 * embedded ledger's: a chaincode refusal gets its own 4xx code (HNC:{…} in the peer's message), an
 * MVCC or phantom read conflict LEDGER_CONFLICT (the caller re-proposes), a network out of reach 503
 * with Retry-After; anything else is our defect (500), never blamed on the client.
 */
export function apiErrorFromFabric(err: unknown): Error {
  if (err instanceof ApiError) return err;
  if (err instanceof CommitError) return commitFailure(err.code, err.transactionId);
  if (!(err instanceof GatewayError)) return err instanceof Error ? err : new Error(String(err));
  const messages = [...err.details.map((d) => d.message), err.message];
  // The chaincode's own refusal wins over whatever else the text says.
  const refusal = messages.find((m) => parseChaincodeError(m));
  if (refusal) return apiErrorFromChaincode(refusal);
  if (UNAVAILABLE_CODES.has(err.code) || messages.some((m) => CHAINCODE_UNREACHABLE.test(m))) {
    return unavailable('the Fabric network does not answer', err.details[0]?.message ?? err.message);
  }
  const answered = messages.map((m) => CHAINCODE_RESPONSE.exec(m)?.[1]).find((m) => m !== undefined);
  if (answered !== undefined) return apiErrorFromChaincode(answered);
  return new ApiError(500, 'INTERNAL', `the Fabric gateway failed: ${err.message}`, { details: err.details.map((d) => `${d.mspId} ${d.address}: ${d.message}`) });
}
