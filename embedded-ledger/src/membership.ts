import { IdentityError } from './errors';
import type { Identity, MspDefinition } from './identities';
import { x509 } from './x509';

/** The NodeOU roles of an MSP with NodeOUs enabled, as cryptogen's and Fabric CA's config.yaml name them. */
const NODE_OU_ROLES = ['client', 'peer', 'admin', 'orderer'];

/**
 * The channel's members: decides whether an identity may send a proposal, as a peer does before
 * endorsing. Its MSP's validation: the MSP id must be known, the certificate must be signed by that MSP's
 * root CA, must not itself be a CA (msp/mspimpl.go getCertificationChainForBCCSPIdentity) and must carry
 * exactly one NodeOU role (msp/mspimplvalidate.go validateIdentityOUsV142). Fabric's MSP does not look at
 * expiry (msp/mspimpl.go getValidityOptsForCert), but the peer's default ExpirationCheck auth filter
 * (core/handlers/auth/filter/expiration.go, on in sampleconfig/core.yaml) refuses a proposal whose
 * creator's certificate has expired, for endorsement and evaluation alike: so does this.
 * The MSP's results, good or bad, are cached per certificate (a signature check costs about a
 * millisecond, and an identity submits many transactions); expiry is checked on every proposal.
 */
export class Membership {
  private readonly roots = new Map<string, x509.X509Certificate>();
  /** Per certificate: the MSP's verdict, resolving to the certificate's notAfter when it is a member. */
  private readonly verdicts = new Map<string, Promise<Date>>();

  constructor(
    msps: readonly MspDefinition[],
    private readonly channelId: string,
  ) {
    for (const msp of msps) this.roots.set(msp.mspId, new x509.X509Certificate(msp.rootCertificate));
  }

  /** Resolves when the identity is a member; rejects with {@link IdentityError} otherwise. */
  validate(identity: Identity): Promise<void> {
    const cacheKey = `${identity.mspId}\n${identity.certificate}`;
    let verdict = this.verdicts.get(cacheKey);
    if (!verdict) {
      verdict = this.check(identity);
      // Keep the settled promise; swallow here so an unawaited cached rejection is not "unhandled".
      verdict.catch(() => undefined);
      this.verdicts.set(cacheKey, verdict);
    }
    return verdict.then((notAfter) => {
      // expiration.go: `!expirationTime.IsZero() && time.Now().After(expirationTime)`, in its words.
      if (Date.now() > notAfter.getTime()) throw new IdentityError('proposal client identity expired');
    });
  }

  private async check(identity: Identity): Promise<Date> {
    const root = this.roots.get(identity.mspId);
    if (!root) {
      throw new IdentityError(`MSP ${JSON.stringify(identity.mspId)} is not a member of channel ${this.channelId}`);
    }
    let certificate: x509.X509Certificate;
    try {
      certificate = new x509.X509Certificate(identity.certificate);
    } catch (err) {
      throw new IdentityError(`the certificate of an identity of ${identity.mspId} is not a valid X.509 certificate: ${String(err)}`);
    }
    const issued =
      certificate.issuer === root.subject &&
      (await certificate.verify({ publicKey: root.publicKey, signatureOnly: true }).catch(() => false));
    if (!issued) {
      throw new IdentityError(`certificate of "${certificate.subject}" was not issued by the root CA of MSP ${identity.mspId}`);
    }
    if (certificate.getExtension(x509.BasicConstraintsExtension)?.ca) {
      throw new IdentityError('An X509 certificate with Basic Constraint: Certificate Authority equals true cannot be used as an identity');
    }
    const units = certificate.subjectName.getField('OU');
    const roles = units.filter((unit) => NODE_OU_ROLES.includes(unit));
    if (roles.length !== 1) {
      throw new IdentityError(
        `the identity must have exactly one client, peer, orderer or admin OU role to be valid. OUs: [${units.join(', ')}], MSP: [${identity.mspId}]`,
      );
    }
    return certificate.notAfter;
  }
}
