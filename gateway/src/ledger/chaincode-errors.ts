import { parseChaincodeError } from '@henan-chain/chaincode';
import { ApiError, CHAINCODE_STATUS } from '../errors';

/**
 * Turns the text a ledger reports for a chaincode failure into the API error it stands for.
 * Every rejection the contracts mean to make is structured; anything else (a TypeError, an unknown
 * function) is a defect on our side and is reported as one, not blamed on the client.
 */
export function apiErrorFromChaincode(text: string): ApiError {
  const body = parseChaincodeError(text);
  if (body) return new ApiError(CHAINCODE_STATUS[body.code] ?? 400, body.code, body.message, body.details);
  return new ApiError(500, 'INTERNAL', 'the chaincode failed unexpectedly', { chaincodeMessage: text });
}
