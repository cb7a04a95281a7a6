import test from 'ava';
import * as asn1js from 'asn1js';
import { FileDigests } from './digests';
import { readOfd } from './document';
import { checkSignature } from './signature-check';
import { SAMPLES, sampleEntries } from './testing/ofd-files';

const NOW = new Date('2026-12-01T00:00:00Z');

/** Every GeneralizedTime and UTCTime in a DER value, certificates' included: offset and kind. */
function times(der: Uint8Array): { at: number; generalized: boolean }[] {
  const found: { at: number; generalized: boolean }[] = [];
  const walk = (block: asn1js.BaseBlock) => {
    if (block instanceof asn1js.GeneralizedTime || block instanceof asn1js.UTCTime) {
      found.push({ at: block.valueBeforeDecodeView.byteOffset - der.byteOffset, generalized: block instanceof asn1js.GeneralizedTime });
    }
    const items = (block as asn1js.Sequence).valueBlock?.value;
    if (Array.isArray(items)) items.forEach(walk);
  };
  walk(asn1js.fromBER(der).result);
  return found;
}

// asn1js throws a plain Error for a GeneralizedTime whose digits are not digits; it once escaped as a
// crash (HTTP 500). A UTCTime's flipped digit decodes, and the signatures over it then fail.
for (const sample of [SAMPLES.sesV4, SAMPLES.aztSign, SAMPLES.kingGrid, SAMPLES.invoice]) {
  test(`${sample}: a flipped digit in any time of a signed value is judged, a GeneralizedTime's as malformed`, async (t) => {
    const entries = await sampleEntries(sample);
    for (const declared of readOfd(entries).documents.flatMap((d) => d.signatures)) {
      const genuine = entries.get(declared.signedValuePath)!;
      const found = times(genuine);
      t.true(found.length >= 5);
      for (const { at, generalized } of found) {
        const flipped = genuine.slice();
        flipped[at + 2]! ^= 0xff; // the first digit, after the tag and length bytes
        const container = new Map(entries).set(declared.signedValuePath, flipped);
        const { report } = checkSignature(container, declared, NOW, new FileDigests(container));
        if (generalized) t.is(report.verdict, 'malformed', `${declared.signedValuePath} at ${at}`);
        else t.not(report.verdict, 'valid', `${declared.signedValuePath} at ${at}`);
      }
    }
  });
}

test('files that several signatures protect are hashed once per verification', async (t) => {
  const entries = await sampleEntries(SAMPLES.aztSign);
  const reads = new Map<string, number>();
  const container = new Map(entries);
  container.get = (path: string) => {
    reads.set(path, (reads.get(path) ?? 0) + 1);
    return entries.get(path);
  };
  const digests = new FileDigests(container);
  const declared = readOfd(entries).documents[0]!.signatures;
  t.is(declared.length, 2);
  for (const signature of declared) t.is(checkSignature(container, signature, NOW, digests).report.verdict, 'valid');
  for (const page of readOfd(entries).documents[0]!.pages) t.is(reads.get(page.path), 1, page.path);
});
