/** The verdicts of a signature and of a document, worst first (the order decides which one a mix gives). */
export const OFD_VERDICTS = [
  'malformed', // cannot be read as what it claims to be
  'tampered', // a referenced file, or Signature.xml itself, is not what was signed
  'signature_invalid', // the signer's signature does not verify
  'certificate_invalid', // no usable signer certificate, or it was not valid when signing
  'seal_invalid', // the maker's signature over the seal fails, or the seal does not name the signer
  'seal_expired_at_signing', // the seal was outside its validity period when the document was sealed
  'unsigned', // the document carries no signature
  'valid',
] as const;
export type OfdVerdict = (typeof OFD_VERDICTS)[number];

/** One failed check: the verdict it leads to and why, in words a clerk can act on. */
export interface Finding {
  verdict: Exclude<OfdVerdict, 'valid' | 'unsigned'>;
  reason: string;
}

/** The worst verdict of the findings; `valid` when there are none. */
export function worstOf(findings: readonly { verdict: OfdVerdict }[]): OfdVerdict {
  let worst: OfdVerdict = 'valid';
  for (const f of findings) if (OFD_VERDICTS.indexOf(f.verdict) < OFD_VERDICTS.indexOf(worst)) worst = f.verdict;
  return worst;
}
