/**
 * 签章核验 of a whole OFD: the container read within limits, every signature of every document
 * judged (signature-check.ts), files that no signature protects reported, and one verdict for the
 * document: `unsigned` without signatures, else the worst of its signatures and its own findings.
 */
import { sm3Hex } from '@henan-chain/crypto';
import { type ContainerLimits, DEFAULT_CONTAINER_LIMITS, readContainer } from './container';
import { FileDigests } from './digests';
import { type OfdPackage, readOfd } from './document';
import { RenderedFiles } from './rendered';
import { type SignatureReport, checkSignature } from './signature-check';
import type { ElectronicSeal } from './ses';
import { type Finding, type OfdVerdict, worstOf } from './verdicts';

export interface OfdReport {
  verdict: OfdVerdict;
  /** Why: the document's own findings, then each non-valid signature's, prefixed with its id. */
  reasons: string[];
  signatures: SignatureReport[];
  document: {
    /** SM3 of the OFD file as given: what an anchored sealing records. */
    sm3: string;
    bytes: number;
    pages: number;
    /** Files that no signature protects (outside the signatures' own files), or that a document shows unprotected by its own signatures. */
    unprotected: string[];
  };
}

export interface VerifyOptions {
  /** The time "now" is for notes on certificates expired since and times in the future; default the clock. */
  now?: Date;
  limits?: ContainerLimits;
}

export interface Verification {
  report: OfdReport;
  /** The decoded seal of each signature, by signature id (its picture is served as an image). */
  seals: Map<string, ElectronicSeal>;
}

/**
 * Files a signature itself brings: they cannot be protected by it, and later signatures change
 * Signatures.xml. A signature list counts only when signatures were read from it, so no DocBody can
 * exempt a file by naming it as its list.
 */
function signatureParts(ofd: OfdPackage): Set<string> {
  // OFD.xml gains its Signatures entry with the first signature, after what that signature protects.
  const parts = new Set<string>(['OFD.xml']);
  for (const doc of ofd.documents) {
    if (doc.signaturesPath && doc.signatures.length > 0) parts.add(doc.signaturesPath);
    for (const s of doc.signatures) [s.path, s.signedValuePath, s.sealPath].forEach((p) => p && parts.add(p));
  }
  return parts;
}

/** Verifies an OFD file's bytes. Throws OfdError when the file cannot be read as an OFD at all. */
export async function verifyOfd(file: Uint8Array, options: VerifyOptions = {}): Promise<Verification> {
  const now = options.now ?? new Date();
  const container = await readContainer(file, options.limits ?? DEFAULT_CONTAINER_LIMITS);
  const ofd = readOfd(container);
  const seals = new Map<string, ElectronicSeal>();
  const signatures: SignatureReport[] = [];
  const digests = new FileDigests(container);
  for (const doc of ofd.documents) {
    for (const declared of doc.signatures) {
      const { report, seal } = checkSignature(container, declared, now, digests);
      signatures.push(report);
      if (seal) seals.set(report.id, seal);
    }
  }
  const findings: Finding[] = [];
  const protectedFiles = new Set(ofd.documents.flatMap((d) => d.signatures.flatMap((s) => s.references.map((r) => r.path))));
  const parts = signatureParts(ofd);
  const unprotected = new Set([...container.keys()].filter((path) => !protectedFiles.has(path) && !parts.has(path)));
  if (signatures.length > 0) {
    for (const path of [...unprotected].sort()) findings.push({ verdict: 'tampered', reason: `${path} is protected by no signature: it was added or left out after signing` });
    const rendered = new RenderedFiles(container);
    for (const doc of ofd.documents) {
      for (const path of rendered.unprotected(doc).filter((p) => !unprotected.has(p))) {
        unprotected.add(path);
        findings.push({ verdict: 'tampered', reason: `${path} is shown with ${doc.path}, but no signature of its DocBody protects it` });
      }
    }
  }
  const verdict: OfdVerdict = signatures.length === 0 ? 'unsigned' : worstOf([...findings, ...signatures]);
  const reasons = [
    ...(signatures.length === 0 ? ['the document carries no signature (no Signatures.xml entry)'] : []),
    ...findings.map((f) => f.reason),
    ...signatures.flatMap((s) => s.reasons.map((r) => `${s.id}: ${r}`)),
  ];
  return {
    report: {
      verdict,
      reasons,
      signatures,
      document: { sm3: sm3Hex(file), bytes: file.length, pages: ofd.documents.reduce((n, d) => n + d.pages.length, 0), unprotected: [...unprotected].sort() },
    },
    seals,
  };
}
