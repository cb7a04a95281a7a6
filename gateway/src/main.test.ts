import test from 'ava';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npmStart as start } from './testing/npm-start';

test('npm start serves the seeded demo, prints its tokens, and keeps them across a restart', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'hnc-start-'));
  try {
    const first = await start(t, dataDir);
    const health: any = await (await fetch(`${first.url}/healthz`)).json();
    t.is(health.status, 'ok');
    const verdict: any = await (
      await fetch(`${first.url}/v1/verify/licence`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: first.licenceId }) })
    ).json();
    t.is(verdict.verdict, 'valid');
    const overdue: any = await (await fetch(`${first.url}/v1/cases?overdue=true&region=410100`)).json();
    t.is(overdue.records.length, 1, 'the demo has one overdue case');
    const tokens = [...first.output.matchAll(/^\s+(hnc_\S+)\s+(.+)$/gm)].map((m) => m[1]);
    t.true(tokens.length >= 5, 'governance and four agency tokens are printed');
    t.is((await stat(join(dataDir, 'demo.json'))).mode & 0o777, 0o600);
    t.is(await first.stop(), 0, 'Ctrl-C stops it cleanly');

    const second = await start(t, dataDir);
    const height = ((await (await fetch(`${second.url}/healthz`)).json()) as any).ledger.height;
    t.is(height, health.ledger.height, 'a restart does not seed again');
    t.deepEqual([...second.output.matchAll(/^\s+(hnc_\S+)\s+(.+)$/gm)].map((m) => m[1]), tokens);
    t.is(await second.stop(), 0);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
