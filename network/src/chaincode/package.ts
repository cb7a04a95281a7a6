import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { toolPath, type FabricInstall } from '../fabric-binaries';
import { run } from '../run';

/**
 * A chaincode-as-a-service package for one organisation: metadata.json {"type":"ccaas"} (our
 * builder claims it) and code.tar.gz holding only connection.json, the address of the
 * organisation's chaincode server. Its package id is Fabric's (label:sha256 of the file), which the
 * server must present as --chaincode-id.
 */
export async function ccaasPackage(
  fabric: FabricInstall,
  file: string,
  label: string,
  server: { host: string; port: number },
): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'hnc-ccaas-'));
  try {
    const connection = { address: `${server.host}:${server.port}`, dial_timeout: '10s', tls_required: false };
    await writeFile(join(scratch, 'connection.json'), JSON.stringify(connection));
    await writeFile(join(scratch, 'metadata.json'), JSON.stringify({ type: 'ccaas', label }));
    await run('tar', ['-C', scratch, '-czf', join(scratch, 'code.tar.gz'), 'connection.json'], process.env);
    await run('tar', ['-C', scratch, '-czf', file, 'metadata.json', 'code.tar.gz'], process.env);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const id = (await run(toolPath(fabric, 'peer'), ['lifecycle', 'chaincode', 'calculatepackageid', file], { ...process.env, FABRIC_CFG_PATH: fabric.config })).trim();
  if (!id.startsWith(`${label}:`)) throw new Error(`unexpected package id for ${file}: ${id}`);
  return id;
}
