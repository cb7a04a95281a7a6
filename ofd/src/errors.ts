/**
 * The one error type of the OFD package: a file that cannot be read as an OFD at all (not a zip, a
 * zip bomb, an unsafe entry name, an XML document with a DTD). `code` is stable and machine-readable;
 * the gateway answers each with a 4xx. Problems inside one signature are not errors but findings
 * of its verdict (see verify.ts), so one bad signature never hides the others.
 */
export type OfdErrorCode =
  | 'NOT_A_ZIP' // the bytes are not a zip archive, or it is cut short
  | 'ZIP_LIMIT' // too many entries, an entry or the total too large, a compression ratio of a zip bomb
  | 'UNSAFE_PATH' // an entry name or a reference that is absolute, has `..` or leaves the container
  | 'BAD_XML' // not well-formed, a DTD or entity, too deep or too large
  | 'NOT_OFD' // a zip, but without the OFD.xml entry point or a document it names, or a signature or reference named twice
  | 'OFD_LIMIT'; // more documents, signatures or references than allowed

export class OfdError extends Error {
  override readonly name = 'OfdError';
  constructor(
    readonly code: OfdErrorCode,
    message: string,
    /** The container path the problem is in, when there is one. */
    readonly path?: string,
  ) {
    super(message);
  }
}
