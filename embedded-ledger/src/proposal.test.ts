import test from 'ava';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { createMsp, issueIdentity } from './identities';
import { createProposal } from './proposal';

function creatorAndNonce(signedProposal: peer.SignedProposal): { mspId: string; pem: string; nonce: string } {
  const proposal = peer.Proposal.deserializeBinary(signedProposal.getProposalBytes_asU8());
  const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
  const signature = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
  const creator = msp.SerializedIdentity.deserializeBinary(signature.getCreator_asU8());
  return { mspId: creator.getMspid(), pem: Buffer.from(creator.getIdBytes_asU8()).toString('utf8'), nonce: Buffer.from(signature.getNonce_asU8()).toString('hex') };
}

test('each proposal names its own identity as creator and has a nonce and transaction id of its own', async (t) => {
  const org = await createMsp('Org1MSP');
  const alice = await issueIdentity(org, { commonName: 'alice', nodeOU: 'client' });
  // The same certificate presented under another MSP id is another creator.
  const impostor = { ...alice, mspId: 'Org2MSP' };
  const nonces = new Set<string>();
  const txIds = new Set<string>();
  for (let i = 0; i < 400; i++) {
    const identity = i % 2 === 0 ? alice : impostor;
    const proposal = createProposal({ identity, channelId: 'henan', chaincodeName: 'henan-chain', fn: 'licence:verify', args: [String(i)] });
    const { mspId, pem, nonce } = creatorAndNonce(proposal.signedProposal);
    t.is(mspId, identity.mspId);
    t.is(pem, alice.certificate);
    t.is(nonce.length, 48);
    nonces.add(nonce);
    txIds.add(proposal.txId);
  }
  t.is(nonces.size, 400);
  t.is(txIds.size, 400);
});
