import test from 'ava';
import { FabricNotFound, fabricVersion, locateFabric, requireFabric3 } from './fabric-binaries';
import { fakeFabric } from './fake-fabric';
import { inTempDir } from './temp-dir';

test('a FABRIC_BIN without a tool names the missing one', async (t) => {
  await inTempDir('hnc-fabric-bin-', async (dir) => {
    const fabric = await fakeFabric(dir, 'exit 0', ['orderer', 'osnadmin']);
    const err = t.throws(() => locateFabric({ FABRIC_BIN: fabric.bin }), { instanceOf: FabricNotFound });
    t.regex(err!.message, /lacks orderer, osnadmin \(missing or not executable\)/);
  });
});

test('a peer whose `peer version` fails or hangs is reported in a line or two, not waited on forever', async (t) => {
  await inTempDir('hnc-fabric-bin-', async (dir) => {
    const failing = await fakeFabric(dir, "echo 'core.yaml unreadable' >&2; exit 1");
    const err = await t.throwsAsync(requireFabric3(failing), { instanceOf: FabricNotFound });
    t.is(err!.message, `cannot tell the Fabric version in ${failing.bin} (from FABRIC_BIN): peer version exited with 1:\n  core.yaml unreadable`);
    const hanging = await fakeFabric(dir, 'exec sleep 30');
    await t.throwsAsync(fabricVersion(hanging, 300), { message: /peer version did not finish within 0\.3 s$/ });
  });
});

test('Fabric 3 passes and Fabric 2 is refused', async (t) => {
  await inTempDir('hnc-fabric-bin-', async (dir) => {
    t.is(await requireFabric3(await fakeFabric(dir, "echo ' Version: v3.1.5'")), '3.1.5');
    await t.throwsAsync(requireFabric3(await fakeFabric(dir, "echo ' Version: 2.5.9'")), { message: /Fabric 2\.5\.9 found .* needs Fabric 3\.x/ });
  });
});
