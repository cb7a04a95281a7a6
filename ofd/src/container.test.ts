import zlib from 'node:zlib';
import test from 'ava';
import { utf8 } from '@henan-chain/crypto';
import { readContainer } from './container';
import { OfdError } from './errors';
import { SAMPLES, renameInZip, replaceBytes, sampleEntries, sampleFile, zipOf } from './testing/ofd-files';

const PAGE = 'Doc_0/Pages/Page_0/Content.xml';

async function refusal(zip: Uint8Array): Promise<OfdError> {
  return (await readContainer(zip).then(() => undefined, (err: unknown) => err)) as OfdError;
}

/** An Info-ZIP Unicode Path extra field (0x7075) for an entry whose raw name is `raw`. */
function unicodePath(raw: string, name: string): Uint8Array {
  const body = Buffer.concat([Buffer.from([1]), Buffer.alloc(4), Buffer.from(name)]);
  body.writeUInt32LE(zlib.crc32(raw), 1);
  const header = Buffer.alloc(4);
  header.writeUInt16LE(0x7075, 0);
  header.writeUInt16LE(body.length, 2);
  return Buffer.concat([header, body]);
}

test('every sample reads', async (t) => {
  for (const sample of Object.values(SAMPLES)) t.true((await readContainer(sampleFile(sample))).has('OFD.xml'), sample);
});

test('an entry after those the end record counts is refused: other readers list it', async (t) => {
  // A forged copy of a page last in the central directory; the end record counts only the genuine entries.
  const entries = await sampleEntries(SAMPLES.digitalSign);
  entries.set('Doc_0/Pages/Page_0/Content.xmX', utf8('<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"/>'));
  const zip = Buffer.from(renameInZip(await zipOf(entries), 'Doc_0/Pages/Page_0/Content.xmX', PAGE));
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  zip.writeUInt16LE(entries.size - 1, end + 8);
  zip.writeUInt16LE(entries.size - 1, end + 10);
  const error = await refusal(zip);
  t.is(error.code, 'NOT_A_ZIP');
  t.regex(error.message, /central directory holds more than the entries its end record counts/);
});

test('a local entry the central directory does not list is refused: streaming readers read it', async (t) => {
  // A forged page's local entry slipped in before the central directory, whose offset the end record moves on.
  const genuine = Buffer.from(await zipOf(await sampleEntries(SAMPLES.digitalSign)));
  const single = Buffer.from(await zipOf([[PAGE, '<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"/>']]));
  const hidden = single.subarray(0, single.readUInt32LE(single.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) + 16));
  const end = genuine.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const directory = genuine.readUInt32LE(end + 16);
  const zip = Buffer.concat([genuine.subarray(0, directory), hidden, genuine.subarray(directory)]);
  zip.writeUInt32LE(directory + hidden.length, end + hidden.length + 16);
  const error = await refusal(zip);
  t.is(error.code, 'NOT_A_ZIP');
  t.regex(error.message, new RegExp(`bytes at ${directory} belong to no entry the central directory lists`));
});

test('a Unicode Path field naming another file than the raw name is refused', async (t) => {
  // yauzl reads the raw name Content.xmZ as Content.xml; a reader ignoring the field would not.
  const entries = await sampleEntries(SAMPLES.digitalSign);
  const raw = 'Doc_0/Pages/Page_0/Content.xmZ';
  const zip = await zipOf(
    [...entries].map(([name, data]) => [name === PAGE ? raw : name, data]),
    { extraFields: new Map([[raw, unicodePath(raw, PAGE)]]) },
  );
  const error = await refusal(zip);
  t.is(error.code, 'UNSAFE_PATH');
  t.regex(error.message, /Unicode Path field naming another file/);
});

test('a Unicode Path field that repeats the raw name is read', async (t) => {
  const entries = await sampleEntries(SAMPLES.digitalSign);
  const files = await readContainer(await zipOf(entries, { extraFields: new Map([[PAGE, unicodePath(PAGE, PAGE)]]) }));
  t.deepEqual(files.get(PAGE), entries.get(PAGE));
});

test('an entry whose local header names another file is refused: streaming readers go by that name', async (t) => {
  const entries = await sampleEntries(SAMPLES.digitalSign);
  // The first occurrence of a name is in its entry's local header, before the central directory.
  const error = await refusal(replaceBytes(await zipOf(entries), utf8('Doc_0/PublicRes.xml'), utf8('Doc_0/PublicRes.xmX')));
  t.is(error.code, 'UNSAFE_PATH');
  t.regex(error.message, /Doc_0\/PublicRes\.xml has another name in its local header/);
});

test('a folder entry that holds data is refused', async (t) => {
  const entries = await sampleEntries(SAMPLES.digitalSign);
  entries.set('Doc_0/Res/evilX', utf8('hidden from this reader, a file to others'));
  const error = await refusal(renameInZip(await zipOf(entries), 'Doc_0/Res/evilX', 'Doc_0/Res/evil/'));
  t.is(error.code, 'UNSAFE_PATH');
  t.regex(error.message, /named as a folder but holds data/);
});

test('an entry whose CRC-32 does not match its content is refused', async (t) => {
  const entries = await sampleEntries(SAMPLES.digitalSign);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(zlib.crc32(entries.get(PAGE)!));
  const wrong = crc.map((b, i) => (i === 0 ? b ^ 1 : b));
  const error = await refusal(renameInZip(await zipOf(entries), crc, wrong));
  t.is(error.code, 'NOT_A_ZIP');
  t.regex(error.message, /Content\.xml does not match its CRC-32/);
});

test('entries each at the ratio floor that inflate far beyond the archive in all are a zip bomb', async (t) => {
  // Each 1 MiB of zeros deflates about 1000-fold but is not above the 1 MiB floor of the per-entry ratio.
  const entries = await sampleEntries(SAMPLES.digitalSign);
  for (let i = 0; i < 20; i++) entries.set(`Doc_0/Res/zeros${i}.bin`, new Uint8Array(1024 * 1024));
  const error = await refusal(await zipOf(entries));
  t.is(error.code, 'ZIP_LIMIT');
  t.regex(error.message, /inflates to more than 200 times its \d+ bytes: a zip bomb/);
});
