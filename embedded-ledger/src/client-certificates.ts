/**
 * fabric-shim's ClientIdentity, built for every invocation, parses the creator's certificate with
 * @fidm/x509's Certificate.fromPEM: about a quarter of a millisecond, for the same few certificates
 * (one per organisation's client and admin) over and over. This keeps the certificates it parsed, so
 * the contracts still get fabric-shim's own ClientIdentity, with the same id, MSP id and attributes.
 * A certificate that does not parse is not kept: it throws each time, as before.
 */

interface CertificateClass {
  fromPEM(pem: string | Buffer): unknown;
}

/** Enough for every identity a gateway submits with; least recently used first out. */
const KEPT_CERTIFICATES = 64;

/** fabric-shim's own copy of @fidm/x509, whichever version it depends on. */
const { Certificate } = require(require.resolve('@fidm/x509', { paths: [require.resolve('fabric-shim')] })) as {
  Certificate: CertificateClass;
};

const parse = Certificate.fromPEM.bind(Certificate);
const kept = new Map<string, unknown>();

// ClientIdentity only reads the parsed certificate (subject, issuer, extensions), so one object may serve every invocation.
Certificate.fromPEM = (pem) => {
  const key = typeof pem === 'string' ? pem : pem.toString('latin1');
  let certificate = kept.get(key);
  if (certificate === undefined) {
    certificate = parse(pem);
    if (kept.size >= KEPT_CERTIFICATES) kept.delete(kept.keys().next().value!);
  } else {
    kept.delete(key); // re-insert: Map order is the LRU order
  }
  kept.set(key, certificate);
  return certificate;
};
