import { checkpointKeyId, formatCheckpoint, fromHex, publicKeyToPem, signCheckpoint } from '@henan-chain/crypto';
import { anchorOrigin } from '@henan-chain/evidence';
import type { StoredKey } from '../auth/keystore';

/** The signed-note key name under which the gateway signs tree heads (no spaces or '+', as signed-note asks). */
export const CHECKPOINT_KEY_NAME = 'henan-chain.gov.cn/gateway';


/**
 * The agency's anchored tree head as a C2SP tlog-checkpoint, signed with the gateway's SM2 key: a
 * statement, checkable offline, that this gateway saw this head anchored on the ledger.
 */
export function signedTreeHead(key: StoredKey, head: { agencyId: string; size: number; root: string }): string {
  const body = formatCheckpoint({ origin: anchorOrigin(head.agencyId), size: head.size, root: fromHex(head.root, 'root', 32) });
  return signCheckpoint(body, CHECKPOINT_KEY_NAME, key.privateKey, key.publicKey);
}

/** What a verifier needs to check the gateway's checkpoints (and anything else it signs). */
export function gatewayKeyInfo(key: StoredKey) {
  return {
    keyId: key.keyId,
    publicKey: key.publicKey,
    publicKeyPem: publicKeyToPem(key.publicKey),
    checkpoint: { keyName: CHECKPOINT_KEY_NAME, keyId: checkpointKeyId(CHECKPOINT_KEY_NAME, key.publicKey).toString(16).padStart(8, '0') },
  };
}
