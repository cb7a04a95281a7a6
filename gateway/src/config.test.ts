import test from 'ava';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from './config';

test('the embedded ledger is the default, with demo data in ./data', (t) => {
  const config = loadConfig({});
  t.like(config, { ledger: 'embedded', demo: true, dataDir: resolve('data'), fabric: undefined });
});

test('on Fabric: the province by default, its profile from the network folder, a data folder per organisation, no demo', (t) => {
  const province = loadConfig({ HNC_FABRIC_DIR: '/srv/net' }, { LEDGER: 'fabric' });
  t.like(province, { ledger: 'fabric', demo: false, dataDir: resolve('data', 'fabric', 'HenanProvinceMSP') });
  t.deepEqual(province.fabric, { org: 'HenanProvinceMSP', profile: join('/srv/net', 'connection', 'HenanProvinceMSP.json') });
  const city = loadConfig({ LEDGER: 'fabric', FABRIC_ORG: 'ZhengzhouMSP', FABRIC_PROFILE: '/etc/zz.json', DATA_DIR: '/var/zz' });
  t.deepEqual(city.fabric, { org: 'ZhengzhouMSP', profile: '/etc/zz.json' });
  t.is(city.dataDir, '/var/zz');
});

test('settings that cannot work are refused with what to fix', (t) => {
  t.throws(() => loadConfig({ LEDGER: 'fabric', DEMO: 'true' }), { instanceOf: ConfigError, message: /DEMO: demo data is seeded on the embedded ledger only/ });
  t.throws(() => loadConfig({ LEDGER: 'besu' }), { instanceOf: ConfigError, message: /LEDGER must be 'embedded' or 'fabric'/ });
  t.throws(() => loadConfig({ LEDGER: 'fabric', FABRIC_ORG: 'Zhengzhou MSP' }), { instanceOf: ConfigError, message: /FABRIC_ORG must be an MSP id/ });
});
