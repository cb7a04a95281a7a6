import test from 'ava';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_AGENCIES } from './demo/agencies';
import { npmStart as start } from './testing/npm-start';

test('npm start serves the seeded demo, prints its tokens on the start that made them only, and keeps them across a restart', async (t) => {
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
    t.is(tokens.length, 4, 'the four demo agencies\' tokens are printed');
    t.is((await stat(join(dataDir, 'demo.json'))).mode & 0o777, 0o600);
    t.is(await first.stop(), 0, 'Ctrl-C stops it cleanly');

    t.truthy(first.governanceToken, 'the first start shows the governance token it made');
    const second = await start(t, dataDir);
    const height = ((await (await fetch(`${second.url}/healthz`)).json()) as any).ledger.height;
    t.is(height, health.ledger.height, 'a restart does not seed again');
    t.false(/hnc_/.test(second.output), 'a later start prints no secret');
    t.regex(second.output, /governance token: kept in .*governance-token/);
    t.regex(second.output, /demo agency tokens: kept in .*demo\.json/);
    const listed = await fetch(`${second.url}/v1/agencies/${DEMO_AGENCIES.market.agencyId}/tokens`, { headers: { authorization: `Bearer ${first.governanceToken}` } });
    t.is(listed.status, 200, 'the governance token printed by the first start still works');
    t.is(await second.stop(), 0);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
