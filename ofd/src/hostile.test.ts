import { randomBytes } from 'node:crypto';
import test from 'ava';
import { utf8 } from '@henan-chain/crypto';
import { DEFAULT_CONTAINER_LIMITS } from './container';
import { OfdError, type OfdErrorCode } from './errors';
import { SAMPLES, renameInZip, sampleEntries, zipOf } from './testing/ofd-files';
import { verifyOfd } from './verify';

const OFD_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"';

/** The DigitalSign sample with one entry replaced. */
async function withEntry(name: string, content: string | Uint8Array, compress = true): Promise<Uint8Array> {
  const entries = await sampleEntries(SAMPLES.digitalSign);
  entries.set(name, typeof content === 'string' ? utf8(content) : content);
  return zipOf(entries, { compress });
}

const signatureEntries = (n: number, baseLoc: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => `<ofd:Signature ID="${i}" Type="Sign" BaseLoc="${baseLoc(i)}"/>`).join('');

/** DigitalSign whose signature names these files. */
async function withReferences(files: string[]): Promise<Uint8Array> {
  const path = 'Doc_0/Signs/Sign_0/Signature.xml';
  const signature = new TextDecoder().decode((await sampleEntries(SAMPLES.digitalSign)).get(path));
  const references = files.map((file) => `<ofd:Reference FileRef="${file}"><ofd:CheckValue>AAAA</ofd:CheckValue></ofd:Reference>`).join('');
  return withEntry(path, signature.replace(/<ofd:References CheckMethod="SM3">.*<\/ofd:References>/, `<ofd:References CheckMethod="SM3">${references}</ofd:References>`));
}

const deep = (n: number) => `<ofd:OFD ${OFD_NS}>${'<a>'.repeat(n)}${'</a>'.repeat(n)}</ofd:OFD>`;

/** Each hostile file and the refusal it must get: an OfdError with this code, never a crash or a hang. */
const HOSTILE: [string, () => Promise<Uint8Array>, OfdErrorCode, RegExp][] = [
  ['random bytes', async () => utf8('this is not a zip archive at all'), 'NOT_A_ZIP', /not a readable zip/],
  ['a zip cut in half', async () => (await zipOf(await sampleEntries(SAMPLES.kingGrid))).subarray(0, 200_000), 'NOT_A_ZIP', /zip/],
  ['a zip without OFD.xml', () => zipOf([['hello.txt', 'hi']]), 'NOT_OFD', /no OFD\.xml/],
  ['a zip bomb (20 MB of zeros)', () => withEntry('Doc_0/Res/bomb.bin', new Uint8Array(20 * 1024 * 1024)), 'ZIP_LIMIT', /zip bomb/],
  ['an entry with ..', async () => renameInZip(await withEntry('Doc_0/xxxxx/evil.xml', 'x'), 'Doc_0/xxxxx/evil.xml', 'Doc_0/../../evil.xml'), 'UNSAFE_PATH', /path|\.\./],
  ['an absolute entry name', async () => renameInZip(await withEntry('Xetc/passwd', 'x'), 'Xetc/passwd', '/etc/passwd'), 'UNSAFE_PATH', /absolute|path/],
  ['an entry twice', async () => renameInZip(await withEntry('OFD.xmX', 'x'), 'OFD.xmX', 'OFD.xml'), 'UNSAFE_PATH', /twice/],
  [
    'XXE: an external entity',
    () => withEntry('OFD.xml', `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><ofd:OFD ${OFD_NS}>&xxe;</ofd:OFD>`),
    'BAD_XML',
    /DOCTYPE/,
  ],
  [
    'entity expansion (billion laughs)',
    () => withEntry('OFD.xml', `<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><ofd:OFD ${OFD_NS}>&b;</ofd:OFD>`),
    'BAD_XML',
    /DOCTYPE/,
  ],
  ['an undeclared entity', () => withEntry('OFD.xml', `<ofd:OFD ${OFD_NS}>&xxe;</ofd:OFD>`), 'BAD_XML', /entity/],
  ['deeply nested XML', () => withEntry('OFD.xml', deep(100_000)), 'BAD_XML', /deeper than 64/],
  ['huge XML (a million elements)', () => withEntry('OFD.xml', `<ofd:OFD ${OFD_NS}>${'<b/>'.repeat(1_000_000)}</ofd:OFD>`, false), 'BAD_XML', /more than 100000 elements/],
  ['not XML at all', () => withEntry('OFD.xml', 'PK\u0003\u0004 binary'), 'BAD_XML', /OFD\.xml/],
  [
    'a reference outside the container',
    async () => {
      const entries = await sampleEntries(SAMPLES.digitalSign);
      const path = 'Doc_0/Signs/Sign_0/Signature.xml';
      entries.set(path, utf8(new TextDecoder().decode(entries.get(path)).replace('FileRef="/Doc_0/PublicRes.xml"', 'FileRef="/Doc_0/../../../etc/passwd"')));
      return zipOf(entries);
    },
    'UNSAFE_PATH',
    /outside the container/,
  ],
  [
    'a page named as a signature list (it would be exempt from protection)',
    async () => {
      const entries = await sampleEntries(SAMPLES.digitalSign);
      entries.set('OFD.xml', utf8(new TextDecoder().decode(entries.get('OFD.xml')).replace('/Doc_0/Signs/Signatures.xml', '/Doc_0/Pages/Page_0/Content.xml')));
      return zipOf(entries);
    },
    'NOT_OFD',
    /Content\.xml is named as Signatures but holds Page/,
  ],
  [
    'a signature listed twice (verified twice)',
    () => withEntry('Doc_0/Signs/Signatures.xml', `<ofd:Signatures ${OFD_NS}>${signatureEntries(2, () => '/Doc_0/Signs/Sign_0/Signature.xml')}</ofd:Signatures>`),
    'NOT_OFD',
    /names the signature Doc_0\/Signs\/Sign_0\/Signature\.xml again/,
  ],
  [
    'more signatures than allowed',
    () => withEntry('Doc_0/Signs/Signatures.xml', `<ofd:Signatures ${OFD_NS}>${signatureEntries(101, (i) => `Sign_${i}/Signature.xml`)}</ofd:Signatures>`),
    'OFD_LIMIT',
    /more than the 100 signatures allowed/,
  ],
  ['a file referenced twice by one signature (hashed twice)', () => withReferences(['/Doc_0/Document.xml', '/Doc_0/Document.xml']), 'NOT_OFD', /names the file Doc_0\/Document\.xml again/],
  ['more references than allowed', () => withReferences(Array.from({ length: 5001 }, (_, i) => `/Doc_0/Res/${i}`)), 'OFD_LIMIT', /5001 references, more than the 5000 allowed/],
  [
    'a document root outside the container',
    async () => {
      const entries = await sampleEntries(SAMPLES.digitalSign);
      entries.set('OFD.xml', utf8(new TextDecoder().decode(entries.get('OFD.xml')).replace('Doc_0/Document.xml', '../Doc_0/Document.xml')));
      return zipOf(entries);
    },
    'UNSAFE_PATH',
    /outside the container/,
  ],
];

for (const [name, make, code, message] of HOSTILE) {
  test(`hostile: ${name} is refused with ${code}`, async (t) => {
    const error = await t.throwsAsync(verifyOfd(await make()), { instanceOf: OfdError });
    t.is(error!.code, code);
    t.regex(error!.message, message);
  });
}

test('hostile: more entries than allowed', async (t) => {
  const entries = await sampleEntries(SAMPLES.digitalSign);
  const error = await t.throwsAsync(verifyOfd(await zipOf(entries), { limits: { ...DEFAULT_CONTAINER_LIMITS, maxEntries: 5 } }), { instanceOf: OfdError });
  t.is(error!.code, 'ZIP_LIMIT');
});

test('hostile: more inflated bytes than allowed in total', async (t) => {
  const entries = await sampleEntries(SAMPLES.kingGrid);
  const error = await t.throwsAsync(verifyOfd(await zipOf(entries), { limits: { ...DEFAULT_CONTAINER_LIMITS, maxTotalBytes: 500_000 } }), { instanceOf: OfdError });
  t.is(error!.code, 'ZIP_LIMIT');
});

test('an oversized signed value is malformed, not decoded', async (t) => {
  const big = new Uint8Array(randomBytes(5 * 1024 * 1024));
  big.set([0x30, 0x84, 0x00, 0x50, 0x00, 0x00]);
  const { report } = await verifyOfd(await withEntry('Doc_0/Signs/Sign_0/SignedValue.dat', big));
  t.is(report.verdict, 'malformed');
  t.regex(report.reasons.join(' '), /more than the 4194304 allowed/);
});

test('a signed value with bytes after its DER is malformed', async (t) => {
  const entries = await sampleEntries(SAMPLES.kingGrid);
  const path = 'Doc_0/Signs/Sign_0/SignedValue.dat';
  entries.set(path, Uint8Array.from([...entries.get(path)!, 0, 0]));
  const { report } = await verifyOfd(await zipOf(entries));
  t.is(report.verdict, 'malformed');
  t.regex(report.reasons.join(' '), /2 byte\(s\) after its DER value/);
});
