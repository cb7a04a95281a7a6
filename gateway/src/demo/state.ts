import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { httpClient } from '../http/client';
import type { RunningGateway } from '../server';
import { type DemoData, seedDemo } from './seed';

/**
 * Seeds the demo once per data directory and keeps what it made (tokens, a licence to try) in
 * DATA_DIR/demo.json (mode 0600), so every later start can print them again.
 */
export async function loadOrSeedDemo(gateway: RunningGateway): Promise<DemoData> {
  const file = join(gateway.services.config.dataDir, 'demo.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DemoData;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const demo = await seedDemo(httpClient(gateway.url), gateway.services.governanceToken);
  await writeFile(file, JSON.stringify(demo, null, 2), { mode: 0o600 });
  return demo;
}
