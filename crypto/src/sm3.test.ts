import test from 'ava';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sm3 as smCryptoV2Sm3 } from 'sm-crypto-v2';
import { toHex, utf8 } from './bytes';
import { hmacSm3, sm3, sm3File, sm3Hex, sm3Stream } from './sm3';

// sm-crypto ships no type declarations; this is the one function the tests use.
const smCrypto: { sm3(input: string | number[]): string } = require('sm-crypto');

const VECTORS: Array<[string, string]> = [
  ['abc', '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0'],
  ['abcd'.repeat(16), 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732'],
  ['', '1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b'],
];

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8' }).trim();
}

async function withTempFile(content: Uint8Array, use: (path: string) => unknown): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sm3-test-'));
  const path = join(dir, 'data.bin');
  writeFileSync(path, content);
  try {
    await use(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function* chunksOf(data: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const size of sizes) {
    if (at >= data.length) break;
    yield data.subarray(at, at + size);
    at += size;
  }
  if (at < data.length) yield data.subarray(at);
}

test('GB/T 32905 vectors, from strings and from bytes', (t) => {
  for (const [input, digest] of VECTORS) {
    t.is(sm3Hex(input), digest);
    t.is(toHex(sm3(utf8(input))), digest);
  }
  t.is(sm3('abc').constructor, Uint8Array);
  t.is(sm3('abc').length, 32);
});

test('agrees with sm-crypto on random inputs', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => sm3Hex(bytes) === smCrypto.sm3(Array.from(bytes))),
  );
  t.pass();
});

test('agrees with openssl dgst -sm3 on a random file, one-shot and streamed from disk', async (t) => {
  const content = randomBytes(3 * 1024 * 1024 + 17);
  await withTempFile(content, async (path) => {
    const expected = openssl(['dgst', '-sm3', '-r', path]).split(' ')[0];
    t.is(sm3Hex(content), expected);
    t.is(toHex(await sm3File(path)), expected);
  });
});

test('HMAC-SM3 agrees with sm-crypto-v2 on random keys and messages', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), fc.uint8Array({ maxLength: 200 }), (key, data) =>
      toHex(hmacSm3(key, data)) === smCryptoV2Sm3(data, { key, mode: 'hmac' }),
    ),
  );
  t.pass();
});

test('HMAC-SM3 agrees with openssl dgst -hmac and openssl mac', async (t) => {
  const content = randomBytes(100_000);
  const key = randomBytes(40); // shorter than SM3's 64-byte block: zero-padded
  const longKey = randomBytes(100); // longer than the block: HMAC hashes it first
  await withTempFile(content, (path) => {
    const textKey = '河南链 key';
    t.is(toHex(hmacSm3(utf8(textKey), content)), openssl(['dgst', '-sm3', '-hmac', textKey, '-r', path]).split(' ')[0]);
    for (const k of [key, longKey]) {
      const viaMac = openssl(['mac', '-digest', 'SM3', '-macopt', `hexkey:${toHex(k)}`, '-in', path, 'HMAC']);
      t.is(toHex(hmacSm3(k, content)), viaMac.toLowerCase());
    }
  });
});

test('streaming equals one-shot for any chunking', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 2000 }),
      fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 30 }),
      async (data, sizes) => toHex(await sm3Stream(chunksOf(data, sizes))) === sm3Hex(data),
    ),
  );
  t.pass();
});
