import anyTest, { type TestFn } from 'ava';
import { TestNetwork } from './testing/network';
import { issueLicence, newIssuer } from './licence/test-fixtures';

const test = anyTest as TestFn<{ net: TestNetwork }>;
test.before(async (t) => {
  t.context.net = await TestNetwork.start();
});
test.after.always(async (t) => t.context.net.close());

test('after a restart every record, its history, every block and transaction are intact', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const licence = await issueLicence(net, issuer);
  await net.submitSigned(issuer, 'licence:suspend', { licenceId: licence.licenceId, reason: '年检未通过' });
  const before = {
    licence: await net.evaluate(issuer.identity, 'licence:get', licence.licenceId),
    agency: await net.evaluate(issuer.identity, 'agency:get', issuer.agencyId),
    history: await net.evaluate(issuer.identity, 'audit:history', 'licence', licence.licenceId),
    height: await net.ledger.height(),
    chain: await net.ledger.verifyChain(),
  };
  const blocks = [];
  for (let n = 0n; n < before.height; n++) blocks.push(await net.ledger.getBlock(n));
  const suspension = await net.ledger.getTransaction(before.licence.txId);

  await net.restart();

  t.is(await net.ledger.height(), before.height);
  t.like(before.chain, { valid: true, height: before.height });
  t.deepEqual(await net.ledger.verifyChain(), before.chain);
  for (let n = 0n; n < before.height; n++) t.deepEqual(await net.ledger.getBlock(n), blocks[Number(n)], `block ${n}`);
  t.deepEqual(await net.ledger.getTransaction(before.licence.txId), suspension);
  t.deepEqual(await net.evaluate(issuer.identity, 'licence:get', licence.licenceId), before.licence);
  t.deepEqual(await net.evaluate(issuer.identity, 'agency:get', issuer.agencyId), before.agency);
  const history = await net.evaluate(issuer.identity, 'audit:history', 'licence', licence.licenceId);
  t.deepEqual(history, before.history);
  t.deepEqual(history.versions.map((v: any) => v.value.status), ['valid', 'suspended']);

  // And it keeps working: a write after the restart extends the same chain.
  await net.submitSigned(issuer, 'licence:reinstate', { licenceId: licence.licenceId, reason: '整改完成' });
  t.is(await net.ledger.height(), before.height + 1n);
  t.is((await net.ledger.verifyChain()).valid, true);
});
