/** @henan-chain/ofd: read OFD documents (GB/T 33190) and verify their seals and signatures (GB/T 38540, GM/T 0031). The whole public surface. */
export { OfdError, type OfdErrorCode } from './errors';
export { type Container, type ContainerLimits, DEFAULT_CONTAINER_LIMITS, readContainer } from './container';
export { type OfdPackage, type OfdDocument, type DeclaredSignature, readOfd } from './document';
export { type OfdVerdict, OFD_VERDICTS, worstOf } from './verdicts';
export { type ElectronicSeal, type ElectronicSignature, decodeSeal, decodeSignature } from './ses';
export type { SignatureReport, SealSummary, CertificateSummary } from './signature-check';
export { type OfdReport, type Verification, type VerifyOptions, verifyOfd } from './verify';
export { sealPicture, type SealPicture } from './picture';
