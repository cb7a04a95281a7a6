import test from 'ava';
import { randomInt } from 'node:crypto';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GatewayProcess, spawnGateway } from '../testing/gateway-process';
import type { DemoData } from './seed';

/** The demo's writes answered so far by this process (its request log, at LOG_LEVEL=info). */
const writesAnswered = (gw: GatewayProcess) => [...gw.output().matchAll(/"method":"POST"[^\n]*"status":20[01]/g)].length;

/** Starts the demo gateway on `dataDir` and kills it (SIGKILL) once it has answered `writes` writes. */
async function crashWhileSeeding(dataDir: string, writes: number): Promise<void> {
  const gw = spawnGateway(dataDir, { DEMO: 'true', LOG_LEVEL: 'info' });
  const ended = gw.exited.then(() => true);
  while (writesAnswered(gw) < writes) {
    if (await Promise.race([ended, new Promise((resolve) => setTimeout(() => resolve(false), 20))])) {
      throw new Error(`the gateway ended before it answered ${writes} writes:\n${gw.output()}`);
    }
  }
  await gw.crash();
}

/** Every audit event of the ledger as `kind id action` (a sealing's id names its sign time, so it is left out), sorted. */
async function auditTrail(url: string, token: string): Promise<string[]> {
  const events: string[] = [];
  let cursor = '';
  do {
    const page: any = await (await fetch(`${url}/v1/audit/events?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${token}` } })).json();
    events.push(...page.events.map((e: { kind: string; id: string; action: string }) => `${e.kind} ${e.kind === 'sealing' ? '*' : e.id} ${e.action}`));
    cursor = page.events.length > 0 ? page.cursor : '';
  } while (cursor);
  return events.sort();
}

/** The audit trail once the gateway's index has caught up with the ledger. */
async function settledTrail(url: string, dataDir: string): Promise<string[]> {
  const token = (await readFile(join(dataDir, 'governance-token'), 'utf8')).trim();
  for (let i = 0; ; i++) {
    const health: any = await (await fetch(`${url}/healthz`)).json();
    const trail = await auditTrail(url, token);
    if (health.ledger.indexedTo === String(BigInt(health.ledger.height) - 1n) || i >= 50) return trail;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('a demo seed killed at several points resumes on the next start and ends as an uninterrupted one, its tokens shown once', async (t) => {
  const crashed = await mkdtemp(join(tmpdir(), 'hnc-demo-crash-'));
  const whole = await mkdtemp(join(tmpdir(), 'hnc-demo-whole-'));
  const running: GatewayProcess[] = [];
  try {
    // Killed while registering the agencies, among the licences and seals, and among the receipts and cases.
    const points = [randomInt(1, 4), randomInt(6, 22), randomInt(25, 48)];
    for (const writes of points) await crashWhileSeeding(crashed, writes);
    const resumed = spawnGateway(crashed, { DEMO: 'true' });
    const reference = spawnGateway(whole, { DEMO: 'true' });
    running.push(resumed, reference);
    const [url, referenceUrl] = await Promise.all([resumed.ready, reference.ready]);
    t.log(`killed after ${points.join(', ')} answered writes`);

    await t.throwsAsync(access(join(crashed, 'demo-progress.json')), undefined, 'no progress is left once the demo is complete');
    const trail = await settledTrail(url, crashed);
    t.true(trail.length >= 50, `the demo's writes are all in the trail (${trail.length} events)`);
    t.deepEqual(trail, await settledTrail(referenceUrl, whole), 'the same records and changes as an uninterrupted seed');

    const demo = JSON.parse(await readFile(join(crashed, 'demo.json'), 'utf8')) as DemoData;
    const agencies = demo.tokens.filter((x) => x.label !== 'governance');
    t.is(agencies.length, 4);
    for (const { token, label } of agencies) {
      const self = await fetch(`${url}/v1/audit/events?limit=1`, { headers: { authorization: `Bearer ${token}` } });
      t.is(self.status, 200, `${label}'s token works`);
      t.true(resumed.output().includes(token), `the start that finished the demo shows ${label}'s token`);
    }
    const verdict: any = await (
      await fetch(`${url}/v1/verify/licence`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: demo.sampleLicenceId }) })
    ).json();
    t.is(verdict.verdict, 'valid');

    // Once shown, a secret is not printed again: later starts say where it is kept.
    t.is(await resumed.stop(), 0);
    const later = spawnGateway(crashed, { DEMO: 'true' });
    running.push(later);
    await later.ready;
    t.false(/hnc_/.test(later.output()), later.output());
    t.true(later.output().includes(join(crashed, 'demo.json')));
  } finally {
    await Promise.all(running.map((gw) => gw.stop()));
    await rm(crashed, { recursive: true, force: true });
    await rm(whole, { recursive: true, force: true });
  }
});
