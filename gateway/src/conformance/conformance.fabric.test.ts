import anyTest, { type TestFn } from 'ava';
import { fabricTestNetwork, type FabricTestNetwork } from '../testing/fabric-network';
import { type ConformanceContext, conformanceSuite } from './suite';
import { fabricTarget } from './target';

/**
 * The conformance suite on a real Fabric network (npm run test:fabric): the province's and the city's
 * gateways, each with its organisation's identity and peer, over the network's two organisations.
 */
const test = anyTest as TestFn<ConformanceContext>;
let network: FabricTestNetwork | undefined;

conformanceSuite(test, async () => {
  network = await fabricTestNetwork();
  if (network.upSeconds !== undefined) console.log(`network up in ${network.upSeconds.toFixed(1)} s, chaincode deployed in ${network.deploySeconds!.toFixed(1)} s`);
  const target = await fabricTarget(network.dir).catch(async (err) => {
    await network?.stop();
    throw err;
  });
  return {
    ...target,
    async close() {
      await target.close();
      await network?.stop();
    },
  };
});
