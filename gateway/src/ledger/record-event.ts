import type { RecordEvent } from '@henan-chain/chaincode';

/** The chaincode's record event in a chaincode event's payload (JSON); undefined when it is not JSON. */
export function recordEventOf(payload: Uint8Array): RecordEvent | undefined {
  try {
    // A view of the payload's bytes, not a copy.
    return JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8')) as RecordEvent;
  } catch {
    return undefined;
  }
}
