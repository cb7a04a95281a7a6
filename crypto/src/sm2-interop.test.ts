/**
 * Cross-checks against two independent implementations: the system OpenSSL (3.x, which signs real
 * SM2 only with `-sigopt distid:`) and sm-crypto 0.5.8. Keys are generated at test time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { fromHex, toHex, utf8 } from './bytes';
import { decrypt, encrypt } from './sm2-encrypt';
import { generateKeyPair, privateKeyFromPem, privateKeyToPem, publicKeyFromPem, publicKeyFromPrivateKey, publicKeyToPem } from './sm2-keys';
import { sign, signatureToRaw, verify } from './sm2';

const dir = mkdtempSync(join(tmpdir(), 'sm2-interop-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => join(dir, name);

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const otest = hasOpenssl ? test : test.skip;

function openssl(...args: string[]): Buffer {
  return execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `openssl dgst -verify` exits 0 only for a good signature. */
function opensslVerifies(pubPem: string, message: Uint8Array, signature: Uint8Array, id: string): boolean {
  writeFileSync(file('v-pub.pem'), pubPem);
  writeFileSync(file('v-msg'), message);
  writeFileSync(file('v-sig'), signature);
  const args = ['dgst', '-sm3', '-verify', file('v-pub.pem'), '-sigopt', `distid:${id}`, '-signature', file('v-sig'), file('v-msg')];
  return spawnSync('openssl', args).status === 0;
}

function opensslSign(keyFile: string, message: Uint8Array, id: string): Uint8Array {
  writeFileSync(file('s-msg'), message);
  openssl('dgst', '-sm3', '-sign', keyFile, '-sigopt', `distid:${id}`, '-out', file('s-sig'), file('s-msg'));
  return new Uint8Array(readFileSync(file('s-sig')));
}

const DEFAULT_ID = '1234567812345678';
const CUSTOM_ID = 'henan-agency-410000@example.cn';
const message = utf8('河南链 licence record {"id":"410000-2024-000001"}');

for (const algorithm of [['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2'], ['-algorithm', 'SM2']]) {
  otest(`openssl genpkey ${algorithm.join(' ')}: keys load, byte-identical PEM, signatures verify both ways`, (t) => {
    const keyFile = file(`key-${algorithm.length}.pem`);
    openssl('genpkey', ...algorithm, '-out', keyFile);
    const keyPem = readFileSync(keyFile, 'utf8');
    const pubPem = openssl('pkey', '-in', keyFile, '-pubout').toString();
    const d = privateKeyFromPem(keyPem);
    const publicKey = publicKeyFromPem(pubPem);
    t.is(toHex(publicKeyFromPrivateKey(d)), toHex(publicKey));
    // We write exactly what OpenSSL writes.
    t.is(privateKeyToPem(d), keyPem);
    t.is(publicKeyToPem(publicKey), pubPem);
    // The SEC1 form OpenSSL 3 labels "SM2 PRIVATE KEY" (with the curve as [0] parameters).
    const sec1 = openssl('ec', '-in', keyFile).toString();
    t.regex(sec1, /BEGIN (SM2|EC) PRIVATE KEY/);
    t.is(toHex(privateKeyFromPem(sec1)), toHex(d));

    for (const id of [DEFAULT_ID, CUSTOM_ID]) {
      const theirs = opensslSign(keyFile, message, id);
      t.deepEqual(verify(message, theirs, publicKey, { id }), { valid: true }, `openssl signature, id ${id}`);
      t.deepEqual(verify(message, toHex(signatureToRaw(theirs)), toHex(publicKey), { id }), { valid: true });
      t.false(verify(message, theirs, publicKey, { id: id + 'x' }).valid);
      t.true(opensslVerifies(pubPem, message, sign(message, d, { id }), id), `our signature, id ${id}`);
      t.true(opensslVerifies(pubPem, message, sign(message, d, { id, deterministic: true }), id));
      t.false(opensslVerifies(pubPem, message, sign(utf8('other'), d, { id }), id));
    }
  });
}

otest('openssl ecparam -name SM2 -genkey: the key file loads, parameters block and all, and signs as openssl does', (t) => {
  openssl('ecparam', '-name', 'SM2', '-genkey', '-out', file('ecparam.pem'));
  const pem = readFileSync(file('ecparam.pem'), 'utf8');
  t.regex(pem, /^-----BEGIN (SM2|EC) PARAMETERS-----\n/);
  const d = privateKeyFromPem(pem);
  const publicKey = publicKeyFromPem(openssl('pkey', '-in', file('ecparam.pem'), '-pubout').toString());
  t.is(toHex(publicKeyFromPrivateKey(d)), toHex(publicKey));
  t.true(verify(message, opensslSign(file('ecparam.pem'), message, DEFAULT_ID), publicKey).valid);
  t.true(opensslVerifies(publicKeyToPem(publicKey), message, sign(message, d), DEFAULT_ID));
  openssl('ecparam', '-name', 'SM2', '-genkey', '-param_enc', 'explicit', '-out', file('explicit.pem'));
  t.throws(() => privateKeyFromPem(readFileSync(file('explicit.pem'), 'utf8')), { message: /not explicit curve parameters/ });
});

otest('openssl reads our PEM keys and signs with them; we verify', (t) => {
  const { privateKey, publicKey } = generateKeyPair();
  writeFileSync(file('ours.pem'), privateKeyToPem(privateKey));
  t.is(openssl('pkey', '-in', file('ours.pem'), '-pubout').toString(), publicKeyToPem(publicKey));
  writeFileSync(file('ours-pub.pem'), publicKeyToPem(publicKey));
  t.regex(openssl('pkey', '-pubin', '-in', file('ours-pub.pem'), '-text', '-noout').toString(), /ASN1 OID: SM2/);
  const theirs = opensslSign(file('ours.pem'), message, CUSTOM_ID);
  t.true(verify(message, theirs, publicKey, { id: CUSTOM_ID }).valid);
});

otest('openssl pkeyutl SM2 encryption, both directions (GM/T 0009 DER)', (t) => {
  const { privateKey, publicKey } = generateKeyPair();
  writeFileSync(file('enc-key.pem'), privateKeyToPem(privateKey));
  writeFileSync(file('enc-pub.pem'), publicKeyToPem(publicKey));
  for (const plaintext of [utf8('x'), utf8('身份证号 410102199001011234'), new Uint8Array(1000).map((_, i) => i)]) {
    writeFileSync(file('ct-ours'), encrypt(publicKey, plaintext));
    t.is(toHex(openssl('pkeyutl', '-decrypt', '-inkey', file('enc-key.pem'), '-in', file('ct-ours'))), toHex(plaintext));
    writeFileSync(file('pt'), plaintext);
    openssl('pkeyutl', '-encrypt', '-pubin', '-inkey', file('enc-pub.pem'), '-in', file('pt'), '-out', file('ct-theirs'));
    t.is(toHex(decrypt(privateKey, readFileSync(file('ct-theirs')))), toHex(plaintext));
  }
});

/** sm-crypto 0.5.8 has no types: the part used here. */
interface LegacySm2 {
  generateKeyPairHex(): { privateKey: string; publicKey: string };
  doSignature(msg: string | Uint8Array, privateKey: string, options: { hash: true; der: true; userId?: string }): string;
  doVerifySignature(msg: string | Uint8Array, signature: string, publicKey: string, options: { hash: true; der: true; userId?: string }): boolean;
}
const legacy = (require('sm-crypto') as { sm2: LegacySm2 }).sm2;

test('sm-crypto cross-check of signatures, both directions, keys made by each side', (t) => {
  const theirKeys = legacy.generateKeyPairHex();
  const ourKeys = generateKeyPair();
  const pairs = [
    { privateHex: theirKeys.privateKey.padStart(64, '0'), publicHex: theirKeys.publicKey },
    { privateHex: toHex(ourKeys.privateKey), publicHex: toHex(ourKeys.publicKey) },
  ];
  for (const { privateHex, publicHex } of pairs) {
    for (const msg of ['', 'message digest', '电子证照', 'x'.repeat(1000)]) {
      for (const userId of [undefined, CUSTOM_ID]) {
        const options = { hash: true as const, der: true as const, ...(userId ? { userId } : {}) };
        const theirs = legacy.doSignature(msg, privateHex, options);
        t.true(verify(msg, theirs, publicHex, { id: userId }).valid, `sm-crypto -> ours, ${userId}`);
        const ours = sign(msg, fromHex(privateHex, 'key'), { id: userId });
        t.true(legacy.doVerifySignature(msg, toHex(ours), publicHex, options), `ours -> sm-crypto, ${userId}`);
      }
    }
  }
});
