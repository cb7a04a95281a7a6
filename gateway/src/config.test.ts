import test from 'ava';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, misspeltSettings } from './config';

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

test('numbers are written in decimal: a blank, hex or exponent PORT is refused, not read as 0 or 8080', (t) => {
  for (const port of [' ', '0x1f90', '1e3', '-1', '70000', '80.5']) {
    t.throws(() => loadConfig({ PORT: port }), { instanceOf: ConfigError, message: /PORT must/ }, JSON.stringify(port));
  }
  t.is(loadConfig({ PORT: '9090' }).port, 9090);
  t.is(loadConfig({}).port, 8080);
  t.throws(() => loadConfig({ BODY_LIMIT: '0x100000' }), { instanceOf: ConfigError, message: /BODY_LIMIT must be written in decimal digits/ });
  t.throws(() => loadConfig({ UPLOAD_LIMIT: '1e9' }), { instanceOf: ConfigError, message: /UPLOAD_LIMIT must be written in decimal digits/ });
  t.throws(() => loadConfig({ TOKEN_TTL_DAYS: '0x10' }), { instanceOf: ConfigError, message: /TOKEN_TTL_DAYS must be written in decimal digits/ });
  t.is(loadConfig({ TOKEN_TTL_DAYS: '0.5' }).tokenTtlDays, 0.5);
  t.is(loadConfig({}).bodyLimit, 256 * 1024);
});

test('a variable that looks like a misspelt setting is named with the setting meant; others are left alone', (t) => {
  const env = { HOLDER_SECERT: 'x', TOKEN_TTL_DAY: '90', PUBLIC_BASE_URl: 'https://x', HOLDER_SECRET: 'y', PATH: '/bin', HOSTNAME: 'box', LOGNAME: 'root', NODE_ENV: 'production' };
  t.deepEqual(misspeltSettings(env), [
    { given: 'HOLDER_SECERT', meant: 'HOLDER_SECRET' },
    { given: 'TOKEN_TTL_DAY', meant: 'TOKEN_TTL_DAYS' },
    { given: 'PUBLIC_BASE_URl', meant: 'PUBLIC_BASE_URL' },
  ]);
});
