import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FABRIC_TOOLS, type FabricInstall, type FabricTool } from './fabric-binaries';

/**
 * A Fabric release in `dir` whose tools are shell scripts (for tests): `peer` runs `peerScript`,
 * the others exit 0; the tools in `omit` are left out. Its config/ has core.yaml and orderer.yaml.
 */
export async function fakeFabric(dir: string, peerScript: string, omit: FabricTool[] = []): Promise<FabricInstall> {
  const bin = join(dir, 'bin');
  const config = join(dir, 'config');
  await mkdir(bin, { recursive: true });
  await mkdir(config, { recursive: true });
  for (const tool of FABRIC_TOOLS.filter((t) => !omit.includes(t))) {
    await writeFile(join(bin, tool), `#!/bin/sh\n${tool === 'peer' ? peerScript : 'exit 0'}\n`);
    await chmod(join(bin, tool), 0o755);
  }
  for (const file of ['core.yaml', 'orderer.yaml']) await writeFile(join(config, file), '');
  return { bin, config, source: 'FABRIC_BIN' };
}
