/**
 * fabric-shim's contract router makes a ClientIdentity for every transaction, and its constructor parses
 * the creator's PEM certificate with @fidm/x509: some 10 % of a licence verification in this process,
 * for the few identities that ever send proposals. Here the parse is kept per PEM. Nothing of the parsed
 * certificate reaches a contract — ClientIdentity copies out the id it formats and parses its attributes
 * afresh — so sharing one parse between transactions changes no outcome; a PEM that fails to parse is
 * not kept and fails again, as before.
 */
import { createRequire } from 'node:module';

/** The part of @fidm/x509's Certificate that ClientIdentity calls. */
interface CertificateClass {
  fromPEM(data: Buffer | string): object;
}

/** More than the identities of any channel this ledger serves; past it the cache starts again. */
const MAX_CERTIFICATES = 1_000;

const KEPT = Symbol('henan-chain: parses kept per PEM');

function keepParses(certificate: CertificateClass & { [KEPT]?: true }): void {
  if (certificate[KEPT]) return;
  const parse = certificate.fromPEM.bind(certificate);
  const parsed = new Map<string, object>();
  certificate.fromPEM = (data) => {
    const pem = typeof data === 'string' ? data : data.toString('latin1');
    let found = parsed.get(pem);
    if (!found) {
      found = parse(data);
      if (parsed.size >= MAX_CERTIFICATES) parsed.clear();
      parsed.set(pem, found);
    }
    return found;
  };
  certificate[KEPT] = true;
}

// The @fidm/x509 fabric-shim loads, wherever npm placed it.
keepParses(createRequire(require.resolve('fabric-shim'))('@fidm/x509').Certificate as CertificateClass);
