import test from 'ava';
import { buildLicenceId, makeUscc } from '@henan-chain/crypto';
import type { RecordEvent } from '@henan-chain/chaincode';
import { LicenceVerdictCache, type VerifiedLicence } from './licence-verdict-cache';

const ISSUER = makeUscc('11410000MA0000001');
const licenceId = (serialNumber: string, version = '001'): string => buildLicenceId({ licenceTypeCode: `${makeUscc('11100000MB0000002')}001`, issuerCode: ISSUER, serialNumber, version });
const UUID = '0123456789abcdef0123456789abcdef';
const V1 = licenceId(UUID.toUpperCase());
const V2 = licenceId(UUID.toUpperCase(), '002');
const CHECKED = Date.parse('2026-06-01T00:00:00Z');

/** A verdict on V1 checked at CHECKED (only the fields the cache reads are real). */
function verdict(record: { validFrom?: string; validUntil?: string | null } | null = {}): VerifiedLicence {
  return {
    verdict: record ? 'valid' : 'not_found',
    reasons: [],
    findings: [],
    record: record && ({ licenceId: V1, issuerId: ISSUER, issuance: { agencyId: ISSUER }, validFrom: '2026-01-01T00:00:00Z', validUntil: null, ...record } as unknown as VerifiedLicence['record']),
    evidence: null,
    checkedAt: new Date(CHECKED).toISOString(),
  };
}

const json = (answer: VerifiedLicence): Buffer => Buffer.from(JSON.stringify(answer));

const event = (kind: RecordEvent['kind'], id: string): RecordEvent => ({ kind, id, action: 'x', agencyId: ISSUER, mspId: 'HenanProvinceMSP', txId: 't', timestamp: '' });

function cache(options: { caughtUp?: boolean; entries?: number } = {}) {
  const state = { caughtUp: options.caughtUp ?? true };
  const c = new LicenceVerdictCache(async () => state.caughtUp, { entries: options.entries ?? 10, ttlMs: 60_000 });
  const stored = (id = V1, answer = verdict(), sm3 = '') => c.store(id, sm3, answer, json(answer), c.mark());
  return { c, state, stored };
}

test('an entry is not used while the index is behind the ledger, and is again once it caught up', async (t) => {
  const { c, state, stored } = cache();
  stored();
  state.caughtUp = false;
  t.deepEqual(await c.lookup(V1, '', CHECKED + 1), { outcome: 'bypass' });
  state.caughtUp = true;
  t.deepEqual(await c.lookup(V1, '', CHECKED + 1), { outcome: 'hit', json: json(verdict()) });
});

test('keyed by licence id and document digest', async (t) => {
  const { c, stored } = cache();
  stored(V1, verdict(), 'a'.repeat(64));
  t.is((await c.lookup(V1, '', CHECKED)).outcome, 'miss');
  t.is((await c.lookup(V1, 'a'.repeat(64), CHECKED)).outcome, 'hit');
});

test('an entry ends at the TTL, at the next validity boundary after checkedAt, and is not served before checkedAt', async (t) => {
  const { c, stored } = cache();
  stored();
  t.is((await c.lookup(V1, '', CHECKED - 1)).outcome, 'miss', 'a clock set back');
  stored();
  t.is((await c.lookup(V1, '', CHECKED + 59_999)).outcome, 'hit');
  t.is((await c.lookup(V1, '', CHECKED + 60_000)).outcome, 'miss');

  stored(V1, verdict({ validUntil: new Date(CHECKED + 5_000).toISOString() }));
  t.is((await c.lookup(V1, '', CHECKED + 4_999)).outcome, 'hit');
  t.is((await c.lookup(V1, '', CHECKED + 5_000)).outcome, 'miss', 'expired from validUntil on');
  stored(V1, verdict({ validFrom: new Date(CHECKED + 5_000).toISOString() }));
  t.is((await c.lookup(V1, '', CHECKED + 5_000)).outcome, 'miss', 'in force from validFrom on');
  stored(V1, verdict({ validUntil: new Date(CHECKED - 5_000).toISOString() }));
  t.is((await c.lookup(V1, '', CHECKED + 59_999)).outcome, 'hit', 'a boundary already past changes nothing');
});

test('a licence event evicts its whole series, not_found answers included; an agency event the licences it issued', async (t) => {
  const { c, stored } = cache();
  const other = licenceId('440000000002');
  stored(V1);
  stored(V2, verdict(null));
  stored(other);
  c.evict(event('licence', V2));
  t.is((await c.lookup(V1, '', CHECKED)).outcome, 'miss', 'a renewal supersedes the previous version');
  t.is((await c.lookup(V2, '', CHECKED)).outcome, 'miss');
  t.is((await c.lookup(other, '', CHECKED)).outcome, 'hit');
  c.evict(event('seal', other));
  t.is((await c.lookup(other, '', CHECKED)).outcome, 'hit');
  stored(V2, verdict(null));
  c.evict(event('agency', ISSUER));
  t.is((await c.lookup(other, '', CHECKED)).outcome, 'miss');
  t.is((await c.lookup(V2, '', CHECKED)).outcome, 'hit', 'a not_found answer rests on no agency');
});

test('an id asked for with its UUID serial in lower case is evicted by the event naming the canonical one', async (t) => {
  const { c, stored } = cache();
  const lower = V1.replace(UUID.toUpperCase(), UUID);
  t.not(lower, V1);
  stored(lower);
  t.is((await c.lookup(lower, '', CHECKED)).outcome, 'hit');
  c.evict(event('licence', V1));
  t.is((await c.lookup(lower, '', CHECKED)).outcome, 'miss');
});

test('an answer evaluated across an eviction is not stored', async (t) => {
  const { c } = cache();
  const mark = c.mark();
  c.evict(event('agency', 'someone else'));
  c.store(V1, '', verdict(), json(verdict()), mark);
  t.is((await c.lookup(V1, '', CHECKED)).outcome, 'miss');
});

test('bounded: the least recently used entry goes first', async (t) => {
  const { c, stored } = cache({ entries: 2 });
  const third = licenceId('440000000003');
  stored(V1);
  stored(V2);
  await c.lookup(V1, '', CHECKED);
  stored(third);
  t.is((await c.lookup(V2, '', CHECKED)).outcome, 'miss');
  t.is((await c.lookup(V1, '', CHECKED)).outcome, 'hit');
  t.is((await c.lookup(third, '', CHECKED)).outcome, 'hit');
});

test('an entry stored again, or stored after others were dropped for space, is still evicted by its series and its agency', async (t) => {
  const { c, stored } = cache({ entries: 2 });
  const second = licenceId('440000000002');
  const third = licenceId('440000000003');
  stored(V1);
  stored(V1, verdict(), '');
  c.evict(event('licence', V1));
  t.is((await c.lookup(V1, '', CHECKED)).outcome, 'miss', 'the entry that replaced the first');
  stored(V1);
  stored(second);
  stored(third); // V1 goes for space
  c.evict(event('licence', V1)); // names nothing held
  t.is((await c.lookup(second, '', CHECKED)).outcome, 'hit');
  stored(V1); // third goes for space (second was just used)
  c.evict(event('agency', ISSUER));
  for (const id of [V1, second, third]) t.is((await c.lookup(id, '', CHECKED)).outcome, 'miss', id);
});
