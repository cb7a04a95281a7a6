/**
 * @henan-chain/chaincode: the rules of record of 河南链. fabric-chaincode-node loads `contracts`
 * from here; the gateway uses the error parser, the record types and the request schemas.
 */
export { contracts } from './contracts';
export { ChaincodeError, parseChaincodeError, type ChaincodeErrorBody, type ChaincodeErrorCode } from './common/errors';
export { operationOf, signedBytes } from './common/signed-request';
export type { RecordEvent } from './common/events';
export { RECORD_KINDS, type RecordKind } from './common/keys';
export { possessionStatement } from './agency/agency-contract';
/** Field schemas (zod) shared with the gateway, so both validate a field the same way. */
export * as fields from './common/validation';
export * from './agency/model';
export { SEAL_TYPES, PICTURE_MEDIA_TYPES, sealingStatement, sealingIdOf, type Seal, type Sealing, type SealType, type SealRevocation, type SealingFields } from './seal/model';
export { SEAL_VERDICTS, type SealVerdict, type SealVerification } from './seal/verify';
export type { OfdSealing, OfdSealStatus, OfdSealingVerification, OfdSignatureRecord } from './seal/ofd-sealing';
export { anchorIdOf, type Anchor } from './anchor/model';
export { LICENCE_STATUSES, type Licence, type LicenceContent, type LicenceDocument, type LicenceHolder, type LicenceStatus } from './licence/model';
export { chinaDate } from './licence/rules';
export { LICENCE_VERDICTS, type Verdict as LicenceVerdict, type Verification as LicenceVerification } from './licence/verify';
export type { HistoryEntry } from './audit/audit-contract';
export type { SignatureCheck } from './audit/action-check';
export { SHARE_CLASSES, RECEIPT_STATES, OBJECTION_CATEGORIES, deliveryDigest, type Receipt, type Delivery, type DeliveryRecord, type Acknowledgement, type Objection, type ReceiptState } from './receipt/model';
export { CASE_MODES, CASE_STATES, CASE_ACTIONS, TRANSITIONS as CASE_TRANSITIONS, type CaseMode, type CaseState, type CaseAction } from './case/transitions';
/** Request schemas of the chaincode families, from which the gateway derives its HTTP bodies. */
export * as receiptSchemas from './receipt/schemas';
export * as caseSchemas from './case/schemas';
export * as licenceSchemas from './licence/schemas';
export * as sealSchemas from './seal/schemas';
export * as anchorSchemas from './anchor/schemas';
export { effectiveDeadline, type ServiceCase, type CaseStep, type CaseResult } from './case/model';
