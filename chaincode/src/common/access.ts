import { X509Certificate } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { ChaincodeError } from './errors';
import { CONFIG_KEY } from './keys';
import { readJson } from './state';

/** Channel-wide settings, written once by the governance organisation's admin. */
export interface ChainConfig {
  /** The MSP whose admins register and suspend agencies and their keys. */
  governanceMspId: string;
}

export async function readConfig(ctx: Context): Promise<ChainConfig> {
  const config = await readJson<ChainConfig>(ctx, CONFIG_KEY);
  if (!config) throw new ChaincodeError('NOT_INITIALISED', 'the chain configuration has not been initialised');
  return config;
}

/**
 * True when the caller's certificate carries the Fabric NodeOU `admin`: an OU attribute of its
 * subject whose value is exactly `admin`, as Fabric's MSP reads NodeOUs from
 * `cert.Subject.OrganizationalUnit` (msp/identities.go GetOrganizationalUnits, msp/mspimplvalidate.go
 * validateIdentityOUsV142). The subject is read from the certificate itself, never from
 * ClientIdentity.getID(): fabric-shim escapes only the first `/` of each value there, so a client
 * certificate with CN `a/b/OU=admin` would render as `.../CN=a\/b/OU=admin` and pass for an admin.
 */
export function callerIsAdmin(ctx: Context): boolean {
  return subjectOrganisationalUnits(ctx.clientIdentity.getIDBytes()).includes('admin');
}

/**
 * The OU values of a PEM certificate's subject. Node prints the subject one RDN per line, the
 * attributes of a multi-valued RDN joined by ` + `, and escapes control characters, `+` and `,`
 * inside values (RFC 2253), so neither separator can come from an attribute's value.
 */
function subjectOrganisationalUnits(pem: Uint8Array): string[] {
  let subject: string;
  try {
    subject = new X509Certificate(Buffer.from(pem)).subject;
  } catch {
    return [];
  }
  return subject
    .split('\n')
    .flatMap((rdn) => rdn.split(' + '))
    .filter((attribute) => attribute.startsWith('OU='))
    .map((attribute) => attribute.slice('OU='.length));
}

export async function requireGovernanceAdmin(ctx: Context): Promise<ChainConfig> {
  const config = await readConfig(ctx);
  const mspId = ctx.clientIdentity.getMSPID();
  if (mspId !== config.governanceMspId || !callerIsAdmin(ctx)) {
    throw new ChaincodeError('FORBIDDEN', `only an admin of the governance organisation ${config.governanceMspId} may do this`, {
      callerMspId: mspId,
    });
  }
  return config;
}
