/**
 * @henan-chain/evidence: offline evidence bundles (henan-chain/evidence-bundle/v1). Depends on
 * @henan-chain/crypto only and uses no Node API of its own, so the CLI, the gateway and the portal (in
 * the browser) share one verifier. This file is its whole public surface.
 */
export * from './bundle';
export { verifyBundle, verifyBundleText, stateKey, signedActsOf, type SignedAct, type BundleVerification, type BundleVerdict, type Check } from './verify';
export { readTransaction, headerHash, dataHashOf, type ReadTransaction } from './embedded-transaction';
