import { networkTest } from '../testing/network';
import { holderCommitment, issueLicence, newIssuer } from '../licence/test-fixtures';

const test = networkTest();

test('a bookmark from outside the queried index range is refused, not followed', async (t) => {
  const { net } = t.context;
  const issuer = await newIssuer(net);
  const mine = holderCommitment();
  const theirs = holderCommitment();
  await issueLicence(net, issuer, { holder: { commitment: theirs, codeType: '001' } });
  // A bookmark that points into another holder's entries, before this holder's range.
  const forged = `\u0000licence~holder\u0000${'0'.repeat(64)}\u0000`;
  t.is(await net.errorCode(net.evaluate(issuer.identity, 'licence:byHolder', mine, '10', forged)), 'VALIDATION_FAILED');
  // The honest query for the other holder still pages normally.
  const page = await net.evaluate(issuer.identity, 'licence:byHolder', theirs, '10', '');
  t.is(page.records.length, 1);
});
