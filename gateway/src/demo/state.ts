import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { httpClient } from '../http/client';
import type { RunningGateway } from '../server';
import { type DemoData, type DemoProgress, seedDemo } from './seed';

/** The demo of a data directory: what it made, where that is kept, and whether this start made it. */
export interface SeededDemo {
  data: DemoData;
  file: string;
  seededNow: boolean;
}

/**
 * Seeds the demo once per data directory and keeps what it made (tokens, a licence to try) in
 * DATA_DIR/demo.json (mode 0600). Until then its progress is kept in DATA_DIR/demo-progress.json, so a
 * start after a crash while seeding resumes where the last one stopped.
 */
export async function loadOrSeedDemo(gateway: RunningGateway): Promise<SeededDemo> {
  const { dataDir } = gateway.services.config;
  const file = join(dataDir, 'demo.json');
  const done = await readJson<DemoData>(file);
  if (done) return { data: done, file, seededNow: false };
  const progressFile = join(dataDir, 'demo-progress.json');
  const progress = (await readJson<DemoProgress>(progressFile)) ?? { startedAt: Date.now(), tokens: {} };
  const keep = (p: DemoProgress) => writeJsonAtomically(progressFile, p);
  await keep(progress);
  const data = await seedDemo(httpClient(gateway.url), gateway.services.governanceToken, progress, keep);
  await writeJsonAtomically(file, data);
  await rm(progressFile, { force: true });
  return { data, file, seededNow: true };
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Written aside and renamed into place, so a crash leaves the old file or the new one, never half of one. */
async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  const aside = `${file}.tmp`;
  await writeFile(aside, JSON.stringify(value, null, 2), { mode: 0o600, flush: true });
  await rename(aside, file);
}
