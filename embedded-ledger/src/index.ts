/**
 * @henan-chain/embedded-ledger: the development ledger of 河南链. The project's Fabric contracts run in
 * this process against LevelDB state with Fabric's endorsement, ordering and validation semantics,
 * committing into SM3 hash-linked blocks. This file is its whole public surface.
 */
export { createMsp, issueIdentity, type Identity, type MspAuthority, type MspDefinition } from './identities';
export { chaincodeFromContracts, type ChaincodeLike } from './chaincode';
export {
  EmbeddedLedger,
  type EmbeddedLedgerOptions,
  type Endorsement,
  type PreparedSubmission,
  type SubmitResult,
  type TransactionRecord,
  type TransactionPlace,
  type TransactionProof,
} from './ledger';
export type { ChaincodeEvent, CloseableAsyncIterable } from './events';
export type {
  Block,
  BlockHeader,
  BlockTransaction,
  ConfigTransaction,
  Creator,
  EndorserTransaction,
  ProposalResponse,
  TransactionEvent,
} from './block';
export { blockHeaderBytes } from './block';
export type { KVRead, KVWrite, RangeQueryInfo, Version } from './rwset';
export type { BlockCutting } from './orderer';
export {
  BROKEN_CHECKS,
  LedgerDamagedError,
  chainVerificationJson,
  verifyLedgerDirectory,
  type BrokenCheck,
  type BrokenLink,
  type ChainVerification,
  type ChainVerificationJson,
  type VerifyOptions,
} from './verify';
export { LedgerDirectoryError } from './ledger-copy';
export {
  CommitError,
  EndorseError,
  GatewayError,
  IdentityError,
  TxValidationCode,
  type ErrorDetail,
} from './errors';
