import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../config';
import type { LedgerIdentity } from '../ledger';

/**
 * An organisation's connection profile (.fabric/connection/<mspId>.json, written by `npm run
 * network:up`; network-config/README.md describes it): Fabric's common connection profile plus the
 * channel, the chaincode, the governance organisation and the organisation's admin and client users.
 */

const pemOrPath = z
  .object({ pem: z.string().min(1).optional(), path: z.string().min(1).optional() })
  .refine((v) => v.pem !== undefined || v.path !== undefined, 'needs pem or path');

const endpoint = z.object({
  url: z.string().regex(/^grpcs:\/\/[^/\s]+:\d{1,5}$/, 'must be grpcs://host:port (TLS is required)'),
  tlsCACerts: pemOrPath,
  grpcOptions: z.object({ 'ssl-target-name-override': z.string().min(1).optional() }).optional(),
});

const identityFiles = z.object({ mspId: z.string().min(1), certPath: z.string().min(1), keyPath: z.string().min(1) });

const profileSchema = z.object({
  channel: z.string().min(1),
  chaincode: z.string().min(1),
  governanceMspId: z.string().min(1),
  organizations: z.record(
    z.string(),
    z.object({
      mspid: z.string().min(1),
      peers: z.array(z.string()),
      identities: z.object({ admin: identityFiles, client: identityFiles }).optional(),
    }),
  ),
  peers: z.record(z.string(), endpoint),
});

/** What the gateway needs to reach its organisation's peer and act as its users. */
export interface FabricConnection {
  mspId: string;
  channel: string;
  chaincode: string;
  governanceMspId: string;
  peer: { name: string; address: string; tlsRootCert: string; hostOverride?: string };
  /** Governance acts (agency registration, key revocation) need the governance organisation's admin. */
  admin: LedgerIdentity;
  client: LedgerIdentity;
}

/** Reads `file`, the connection profile of organisation `mspId`; every mistake is a ConfigError saying what to fix. */
export async function loadConnectionProfile(file: string, mspId: string): Promise<FabricConnection> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError(`FABRIC_PROFILE ${file}: ${(err as Error).message}`);
    const others = await profilesBeside(file);
    if (others.length > 0) {
      // The network is up: this organisation has no peer (the ordering organisation), or its name is mistyped.
      throw new ConfigError(`no connection profile for ${mspId} at ${file}: the network has profiles for ${others.join(', ')} (organisations with a peer serve a gateway)`);
    }
    throw new ConfigError(`no connection profile at ${file}: start the network (npm run network:up) or set FABRIC_PROFILE`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`FABRIC_PROFILE ${file} is not JSON: ${(err as Error).message}`);
  }
  const parsed = profileSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`FABRIC_PROFILE ${file} is not a connection profile:\n  ${lines.join('\n  ')}`);
  }
  const profile = parsed.data;
  const base = dirname(file);
  const org = Object.values(profile.organizations).find((o) => o.mspid === mspId);
  if (!org) {
    const known = Object.values(profile.organizations).map((o) => o.mspid);
    throw new ConfigError(`FABRIC_PROFILE ${file} has no organisation ${mspId} (it has ${known.join(', ')}); set FABRIC_ORG or FABRIC_PROFILE`);
  }
  if (!org.identities) throw new ConfigError(`FABRIC_PROFILE ${file} holds no identities of ${mspId}: use that organisation's own profile`);
  const peerName = org.peers.find((name) => profile.peers[name]);
  if (!peerName) throw new ConfigError(`FABRIC_PROFILE ${file} names no peer of ${mspId}`);
  const peer = profile.peers[peerName]!;
  return {
    mspId,
    channel: profile.channel,
    chaincode: profile.chaincode,
    governanceMspId: profile.governanceMspId,
    peer: {
      name: peerName,
      address: peer.url.slice('grpcs://'.length),
      tlsRootCert: peer.tlsCACerts.pem ?? (await readProfileFile(file, resolve(base, peer.tlsCACerts.path!), `the TLS CA of ${peerName}`)),
      hostOverride: peer.grpcOptions?.['ssl-target-name-override'],
    },
    admin: await identityOf(file, base, mspId, 'admin', org.identities.admin),
    client: await identityOf(file, base, mspId, 'client', org.identities.client),
  };
}

async function identityOf(file: string, base: string, mspId: string, role: string, files: z.infer<typeof identityFiles>): Promise<LedgerIdentity> {
  if (files.mspId !== mspId) throw new ConfigError(`FABRIC_PROFILE ${file}: the ${role} identity of ${mspId} names ${files.mspId}`);
  return {
    mspId,
    certificate: await readProfileFile(file, resolve(base, files.certPath), `the ${role} certificate of ${mspId}`),
    privateKey: await readProfileFile(file, resolve(base, files.keyPath), `the ${role} key of ${mspId}`),
  };
}

async function readProfileFile(file: string, path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`FABRIC_PROFILE ${file}: cannot read ${what} at ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); has the network been taken down?`);
  }
}

/** The organisations whose profiles lie in the folder of `file`, none when there is no such folder. */
async function profilesBeside(file: string): Promise<string[]> {
  try {
    return (await readdir(dirname(file))).filter((name) => name.endsWith('.json')).map((name) => basename(name, '.json')).sort();
  } catch {
    return [];
  }
}
