import test from 'ava';
import { createHash } from 'node:crypto';
import { checkpointKeyId, formatCheckpoint, parseCheckpoint, signCheckpoint, verifyCheckpoint } from './checkpoint';
import { CryptoError } from './errors';
import { MerkleTree, SM3 } from './merkle';
import { generateKeyPair } from './sm2-keys';
import { toHex } from './bytes';

const LOG = 'chain.ha.gov.cn/licences';
const key = generateKeyPair();
const other = generateKeyPair();
const tree = MerkleTree.fromLeaves(SM3, ['a', 'b', 'c'].map((s) => new Uint8Array(Buffer.from(s))));
const body = formatCheckpoint({ origin: LOG, size: tree.size, root: tree.root() });
const signed = signCheckpoint(body, LOG, key.privateKey, key.publicKey);

function checkpointError(f: () => unknown): CryptoError | undefined {
  try {
    f();
  } catch (err) {
    return err instanceof CryptoError ? err : undefined;
  }
  return undefined;
}

test('format gives the tlog-checkpoint body', (t) => {
  t.is(body, `${LOG}\n3\n${Buffer.from(tree.root()).toString('base64')}\n`);
  const withExt = formatCheckpoint({ origin: LOG, size: 0, root: SM3.digest(new Uint8Array(0)), extensions: ['区块 1024', 'x'] });
  t.is(withExt.split('\n').length, 6);
});

test('sign then verify round trip', (t) => {
  t.true(signed.startsWith(body + '\n\u2014 ' + LOG + ' '));
  t.true(signed.endsWith('\n'));
  const result = verifyCheckpoint(signed, LOG, key.publicKey);
  if (!result.valid) return t.fail(result.reason);
  const cp = result.checkpoint;
  t.is(cp.origin, LOG);
  t.is(cp.size, 3);
  t.is(toHex(cp.root), toHex(tree.root()));
  t.deepEqual(cp.extensions, []);
  t.is(cp.body, body);
  t.is(cp.signatures.length, 1);
  t.is(cp.signatures[0]!.keyId, checkpointKeyId(LOG, key.publicKey));
  t.is(cp.signatures[0]!.signature[0], 0x30, 'DER SEQUENCE');
  // Hex and compressed forms of the same key name the same key.
  t.true(verifyCheckpoint(signed, LOG, toHex(key.publicKey)).valid);
  const compressed = Uint8Array.of(2 + (key.publicKey[64]! & 1), ...key.publicKey.subarray(1, 33));
  t.true(verifyCheckpoint(signed, LOG, compressed).valid);
});

test('key ID is SHA-256(name || 0x0A || 0xff || SM2-with-SM3 OID || 04||x||y)[:4]', (t) => {
  const expected = createHash('sha256')
    .update(Buffer.concat([Buffer.from(LOG + '\n'), Buffer.from([0xff]), Buffer.from('1.2.156.10197.1.501'), key.publicKey]))
    .digest()
    .readUInt32BE(0);
  t.is(checkpointKeyId(LOG, key.publicKey), expected);
  t.not(checkpointKeyId(LOG + '/x', key.publicKey), expected);
  const payload = Buffer.from(signed.trimEnd().split(' ').pop()!, 'base64');
  t.is(payload.readUInt32BE(0), expected);
});

test('tampering is detected with a reason', (t) => {
  const invalid = (text: string, name = LOG, pub: Uint8Array = key.publicKey): string => {
    const r = verifyCheckpoint(text, name, pub);
    t.false(r.valid, text);
    return r.valid ? '' : r.reason;
  };
  const [, sigLine] = signed.split('\n\n');
  const otherRoot = Buffer.from(SM3.digest(Buffer.from('x'))).toString('base64');
  t.regex(invalid(signed.replace('\n3\n', '\n4\n')), /does not match/);
  t.regex(invalid(signed.replace(Buffer.from(tree.root()).toString('base64'), otherRoot)), /does not match/);
  t.regex(invalid(`${LOG}x\n${signed.slice(LOG.length + 1)}`), /does not match/);
  t.regex(invalid(signed.replace('\n\n', '\nextension\n\n')), /does not match/);
  t.regex(invalid(signed, LOG, other.publicKey), /no signature by/);
  t.regex(invalid(signed, 'chain.ha.gov.cn/other'), /no signature by/);
  // Same name and key ID, but a broken signature: the line is the key's, so it must verify.
  const payload = Buffer.from(sigLine!.trim().split(' ')[2]!, 'base64');
  payload[payload.length - 1]! ^= 1;
  t.truthy(invalid(`${body}\n\u2014 ${LOG} ${payload.toString('base64')}\n`));
  // Truncated line: shorter base64 is no longer canonical, or no longer DER.
  const line = sigLine!.trimEnd();
  t.regex(invalid(`${body}\n${line.slice(0, -1)}\n`), /line 5/);
  t.regex(invalid(`${body}\n${line.slice(0, -4)}\n`), /signature/);
  t.regex(invalid(signed.slice(0, -1)), /newline/);
  t.regex(invalid(body), /no signature lines/);
});

test('cosignatures: each key verifies its own line; other lines are ignored', (t) => {
  const witness = 'witness.ha.gov.cn';
  const cosigned = signCheckpoint(signed, witness, other.privateKey, other.publicKey);
  t.is(parseCheckpoint(cosigned).signatures.length, 2);
  t.true(verifyCheckpoint(cosigned, LOG, key.publicKey).valid);
  t.true(verifyCheckpoint(cosigned, witness, other.publicKey).valid);
  // A line by an unknown key that shares only the name is ignored...
  const stranger = signCheckpoint(signed, LOG, other.privateKey, other.publicKey);
  t.true(verifyCheckpoint(stranger, LOG, key.publicKey).valid);
  // ...but a bad line with the key's own name and ID rejects the note.
  const lines = signed.split('\n');
  const forged = lines[4]!.replace(/.{8}$/, 'AAAAAAA=');
  const verdict = verifyCheckpoint(`${signed}${forged}\n`, LOG, key.publicKey);
  t.false(verdict.valid);
  t.regex(verdict.valid ? '' : verdict.reason, /^signature by /);
  t.is(t.throws(() => signCheckpoint(body, LOG, key.privateKey, other.publicKey), { instanceOf: CryptoError })?.code, 'KEY_MISMATCH');
});

test('parses the C2SP tlog-checkpoint example (Ed25519 line kept opaque)', (t) => {
  const text =
    'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n' +
    '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n';
  const cp = parseCheckpoint(text);
  t.is(cp.origin, 'example.com/behind-the-sofa');
  t.is(cp.size, 20852163);
  t.is(cp.root.length, 32);
  t.is(cp.signatures[0]!.keyName, 'example.com/behind-the-sofa');
  t.is(cp.signatures[0]!.keyId, 0x033de0ae);
  t.is(cp.signatures[0]!.signature.length, 64);
  const r = verifyCheckpoint(text, 'example.com/behind-the-sofa', key.publicKey);
  t.regex(r.valid ? '' : r.reason, /no signature by/);
});

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Same bytes, but a non-zero unused low bit in the last character: decoders differ on it. */
const strayBits = (b64: string): string => {
  const i = b64.indexOf('=') - 1;
  return b64.slice(0, i) + B64[B64.indexOf(b64[i]!) ^ 1] + b64.slice(i + 1);
};

test('malformed checkpoints name the line', (t) => {
  const root = Buffer.from(tree.root()).toString('base64');
  const sig = signed.split('\n')[4]!;
  const cases: [string, number | undefined, RegExp][] = [
    [`\n3\n${root}\n\n${sig}\n`, 1, /origin is empty|needs origin/],
    [`${LOG}\n03\n${root}\n\n${sig}\n`, 2, /tree size/],
    [`${LOG}\n-1\n${root}\n\n${sig}\n`, 2, /tree size/],
    [`${LOG}\n 3\n${root}\n\n${sig}\n`, 2, /tree size/],
    [`${LOG}\n9007199254740993\n${root}\n\n${sig}\n`, 2, /2\^53/],
    [`${LOG}\n3\n${root.slice(0, -1)}\n\n${sig}\n`, 3, /base64/],
    [`${LOG}\n3\n${Buffer.from(tree.root().subarray(1)).toString('base64')}\n\n${sig}\n`, 3, /31 bytes/],
    [`${LOG}\n3\n${root.replace(/=$/, 'A')}\n\n${sig}\n`, 3, /33 bytes/],
    [`${LOG}\n3\n${strayBits(root)}\n\n${sig}\n`, 3, /canonical base64/],
    [`${LOG}\n3\n${root.replace(/=$/, '')}\n\n${sig}\n`, 3, /canonical base64/],
    [`${LOG}\n3\n\n${sig}\n`, 3, /needs origin, size and root/],
    [`${LOG}\r\n3\n${root}\n\n${sig}\n`, 1, /control/],
    [`${LOG}\ud800\n3\n${root}\n\n${sig}\n`, 1, /lone surrogate/],
    [`${LOG}\n3\n${root}\n\n${sig.replace(LOG, `${LOG}\udc00`)}\n`, 5, /lone surrogate/],
    [`${LOG}\n3\n${root}\n\n${sig}\n\n`, 6, /must start with/],
    [`${LOG}\n3\n${root}\n\n${sig.replace('\u2014', '-')}\n`, 5, /must start with/],
    [`${LOG}\n3\n${root}\n\n${sig.replace(LOG, 'a+b')}\n`, 5, /key name/],
    [`${LOG}\n3\n${root}\n\n${sig.replace(' ', '  ')}\n`, 5, /signature line must be/],
    [`${LOG}\n3\n${root}\n\n\u2014 ${LOG} AAAA\n`, 5, /shorter/],
    [`${LOG}\n3\n${root}\nx\n\n${sig}`, 6, /newline/],
    [`${LOG}\n3\n${root}\n\n${`${sig}\n`.repeat(101)}`, undefined, /more than 100/],
  ];
  for (const [text, line, message] of cases) {
    const err = checkpointError(() => parseCheckpoint(text));
    t.is(err?.code, 'BAD_CHECKPOINT', JSON.stringify(text));
    t.is(err?.part, line === undefined ? undefined : `line ${line}`, JSON.stringify(text));
    t.regex(err?.message ?? '', message);
    if (line !== undefined) t.regex(err?.message ?? '', new RegExp(`^checkpoint line ${line}:`));
    const verdict = verifyCheckpoint(text, LOG, key.publicKey);
    t.false(verdict.valid);
  }
});

test('format refuses what would not parse', (t) => {
  const root = tree.root();
  const cases: [Parameters<typeof formatCheckpoint>[0], number][] = [
    [{ origin: '', size: 1, root }, 1],
    [{ origin: 'a\nb', size: 1, root }, 1],
    [{ origin: LOG, size: 1.5, root }, 2],
    [{ origin: LOG, size: -1, root }, 2],
    [{ origin: LOG, size: 2 ** 53, root }, 2],
    [{ origin: LOG, size: 1, root: root.subarray(2) }, 3],
    [{ origin: LOG, size: 1, root, extensions: ['ok', ''] }, 5],
    [{ origin: LOG, size: 1, root, extensions: ['a\n\nb'] }, 4],
    [{ origin: 'tab\there', size: 1, root }, 1],
  ];
  for (const [fields, line] of cases) {
    const err = checkpointError(() => formatCheckpoint(fields));
    t.is(err?.code, 'BAD_CHECKPOINT', JSON.stringify(fields.origin));
    t.is(err?.part, `line ${line}`, JSON.stringify(fields));
  }
  t.is(checkpointError(() => signCheckpoint(body, 'bad name', key.privateKey, key.publicKey))?.code, 'BAD_ARGUMENT');
  t.is(checkpointError(() => signCheckpoint('not a checkpoint\n', LOG, key.privateKey, key.publicKey))?.code, 'BAD_CHECKPOINT');
});
