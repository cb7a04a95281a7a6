import { Contract, JSONSerializer } from 'fabric-contract-api';
import type { ChaincodeResponse, ChaincodeStub } from 'fabric-shim';
import './chaincode-logs';
import './client-certificates';
import { ChaincodeFromContract } from './shim';

/** A chaincode as a peer calls it: fabric-shim's ChaincodeInterface. */
export interface ChaincodeLike {
  Init(stub: ChaincodeStub): Promise<ChaincodeResponse>;
  Invoke(stub: ChaincodeStub): Promise<ChaincodeResponse>;
}

/**
 * Builds the chaincode fabric-shim would start from these contract classes: its ChaincodeFromContract with
 * fabric-contract-api's JSON serializer as the default serialization, exactly as lib/contract-spi/bootstrap.js
 * does for a module that declares no serializers and ships no metadata file. Routing (`Contract:fn`, the
 * first class as default), argument marshalling, the system contract's metadata and error handling are
 * therefore the code that runs on a peer. `title` and `version` fill the metadata's info, as the
 * chaincode package's name and version do there.
 */
export function chaincodeFromContracts(
  contractClasses: (new () => Contract)[],
  info: { title?: string; version?: string } = {},
): ChaincodeLike {
  const serializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } };
  // ChaincodeFromContract appends its system contract to the array it is given: give it a copy.
  return new ChaincodeFromContract([...contractClasses], serializers, {}, info.title, info.version) as ChaincodeLike;
}
