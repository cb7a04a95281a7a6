import { join } from 'node:path';
import type { Services } from '../services';
import { BatchAnchorer } from './anchoring';
import { AnchorLog } from './log';

export type { AgencyPrincipal, BatchAnchorer, BatchRequest, BatchResult } from './anchoring';
export { LEAF_BYTES, type AgencyLog, type AnchorLog, type BatchInfo } from './log';
export { CHECKPOINT_KEY_NAME, gatewayKeyInfo, signedTreeHead } from './checkpoint';

export interface Anchors {
  log: AnchorLog;
  anchorer: BatchAnchorer;
}

const perGateway = new WeakMap<Services, Anchors>();

/**
 * The anchor log and anchorer of a running gateway: one per Services, whoever asks (the routes, the
 * demo seed), since the trees are cached in memory and the batches of an agency share one lock.
 */
export function anchorsOf(s: Services): Anchors {
  let anchors = perGateway.get(s);
  if (!anchors) {
    const log = new AnchorLog(s.db, join(s.config.dataDir, 'anchor-leaves'));
    anchors = { log, anchorer: new BatchAnchorer(s, log) };
    perGateway.set(s, anchors);
  }
  return anchors;
}
