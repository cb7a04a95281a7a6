import test from 'ava';
import { sm3Hex, utf8 } from '@henan-chain/crypto';
import { SAMPLES, renameInZip, replaceBytes, sampleEntries, sampleFile, zipOf } from './testing/ofd-files';
import { addSealedSignature } from './testing/sealed-ofd';
import { verifyOfd } from './verify';

const NOW = new Date('2026-12-01T00:00:00Z');

test('AztSign (安证通), two seals: valid, with the maker\u2019s lax DER stated', async (t) => {
  const { report } = await verifyOfd(sampleFile(SAMPLES.aztSign), { now: NOW });
  t.is(report.verdict, 'valid');
  t.deepEqual(report.reasons, []);
  t.is(report.signatures.length, 2);
  for (const s of report.signatures) {
    t.is(s.verdict, 'valid');
    t.is(s.form, 'GB/T 38540');
    t.is(s.references.mismatched.length, 0);
    t.true(s.notes.some((n) => n.includes('read leniently')));
    t.true(s.notes.some((n) => n.includes('not valid now')));
  }
  t.is(report.document.sm3, sm3Hex(sampleFile(SAMPLES.aztSign)));
  t.deepEqual(report.document.unprotected, []);
});

test('KingGrid (金格), a GM/T 0031 seal: valid, signed inside the seal\u2019s validity', async (t) => {
  const { report, seals } = await verifyOfd(sampleFile(SAMPLES.kingGrid), { now: NOW });
  t.is(report.verdict, 'valid');
  const [s] = report.signatures;
  t.is(s!.form, 'GM/T 0031');
  t.is(s!.signTime, '2021-10-14T03:34:04.000Z');
  t.is(s!.seal!.name, '金格演示公章');
  t.is(s!.seal!.validStart, '2018-11-27T09:57:18.000Z');
  t.is(s!.seal!.validEnd, '2023-11-01T09:57:18.000Z');
  t.deepEqual(s!.stamps, [{ page: 4, pageRef: '4', boundary: '136.5475 174.73495 40.0 39.0' }]);
  t.is(s!.references.total, 13);
  t.is(s!.references.matched, 13);
  t.is(report.document.pages, 5);
  t.is(seals.get(s!.id)!.picture.type, 'gif');
});

test('SESV4SignDoc (ofdrw, GB/T 38540): certificate_invalid, signed years after its certificate and seal expired', async (t) => {
  const { report } = await verifyOfd(sampleFile(SAMPLES.sesV4), { now: NOW });
  t.is(report.verdict, 'certificate_invalid');
  const [s] = report.signatures;
  t.is(s!.form, 'GB/T 38540');
  t.is(s!.references.matched, s!.references.total);
  t.true(s!.reasons.some((r) => r.includes('signer\u2019s certificate was not valid at the signing time 2026-08-04')));
  t.true(s!.reasons.some((r) => r.includes('seal had expired')));
});

test('the invoice (发票): tampered, exactly one of its 13 references does not match', async (t) => {
  const { report } = await verifyOfd(sampleFile(SAMPLES.invoice), { now: NOW });
  t.is(report.verdict, 'tampered');
  const [s] = report.signatures;
  t.is(s!.references.total, 13);
  t.deepEqual(s!.references.mismatched, ['Doc_0/Document.xml']);
  t.is(s!.seal!.name, '测试全国统一发票监制章国家税务总局重庆市税务局');
});

test('DigitalSign: a bare SM2 signature names no certificate, so certificate_invalid', async (t) => {
  const { report } = await verifyOfd(sampleFile(SAMPLES.digitalSign), { now: NOW });
  t.is(report.verdict, 'certificate_invalid');
  t.is(report.signatures[0]!.type, 'Sign');
  t.is(report.signatures[0]!.references.matched, 4);
});

test('a document without signatures is unsigned', async (t) => {
  const entries = await sampleEntries(SAMPLES.digitalSign);
  entries.set('OFD.xml', utf8(new TextDecoder().decode(entries.get('OFD.xml')).replace(/<ofd:Signatures>.*<\/ofd:Signatures>/, '')));
  for (const name of [...entries.keys()]) if (name.includes('/Signs/')) entries.delete(name);
  const { report } = await verifyOfd(await zipOf(entries), { now: NOW });
  t.is(report.verdict, 'unsigned');
  t.deepEqual(report.signatures, []);
});

// ---- mutations of valid documents ----

test('a changed page makes a valid document tampered', async (t) => {
  const entries = await sampleEntries(SAMPLES.kingGrid);
  const page = 'Doc_0/Pages/Page_1/Content.xml';
  entries.set(page, utf8(new TextDecoder().decode(entries.get(page)).replace('</ofd:Page>', '<!-- x --></ofd:Page>')));
  const { report } = await verifyOfd(await zipOf(entries), { now: NOW });
  t.is(report.verdict, 'tampered');
  t.deepEqual(report.signatures[0]!.references.mismatched, [page]);
});

test('an added page file that no signature protects makes the document tampered', async (t) => {
  const entries = await sampleEntries(SAMPLES.kingGrid);
  entries.set('Doc_0/Pages/Page_9/Content.xml', utf8('<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"/>'));
  const { report } = await verifyOfd(await zipOf(entries), { now: NOW });
  t.is(report.verdict, 'tampered');
  t.deepEqual(report.document.unprotected, ['Doc_0/Pages/Page_9/Content.xml']);
});

test('signed values swapped between two seals: each no longer fits its Signature.xml', async (t) => {
  const entries = await sampleEntries(SAMPLES.aztSign);
  const [a, b] = ['Doc_0/Signs/Sign_0/SignedValue.dat', 'Doc_0/Signs/Sign_1/SignedValue.dat'];
  const first = entries.get(a)!;
  entries.set(a, entries.get(b)!);
  entries.set(b, first);
  const { report } = await verifyOfd(await zipOf(entries), { now: NOW });
  t.is(report.verdict, 'tampered');
  for (const s of report.signatures) t.true(s.reasons.some((r) => r.includes('Signature.xml is not what was signed')));
});

test('a signature moved into another document protects files that are not there or not the same', async (t) => {
  const donor = await sampleEntries(SAMPLES.kingGrid);
  const target = await sampleEntries(SAMPLES.digitalSign);
  for (const name of [...target.keys()]) if (name.includes('/Signs/')) target.delete(name);
  for (const [name, data] of donor) if (name.startsWith('Doc_0/Signs/')) target.set(name, data);
  const { report } = await verifyOfd(await zipOf(target), { now: NOW });
  t.is(report.verdict, 'tampered');
  const [s] = report.signatures;
  t.true(s!.references.missing.includes('Doc_0/Res/IM8-7.jpg'));
  t.true(s!.references.mismatched.includes('Doc_0/Document.xml'));
});

test('a replaced seal picture breaks the signer\u2019s and the maker\u2019s signatures', async (t) => {
  const entries = await sampleEntries(SAMPLES.kingGrid);
  const { seals } = await verifyOfd(sampleFile(SAMPLES.kingGrid), { now: NOW });
  const picture = [...seals.values()][0]!.picture.data;
  const part = picture.subarray(100, 132);
  const changed = part.map((b) => b ^ 0xff);
  const value = 'Doc_0/Signs/Sign_0/SignedValue.dat';
  entries.set(value, replaceBytes(entries.get(value)!, part, changed));
  const { report } = await verifyOfd(await zipOf(entries), { now: NOW });
  const [s] = report.signatures;
  t.is(s!.verdict, 'signature_invalid');
  t.true(s!.reasons.some((r) => r.includes('seal maker\u2019s signature over the seal does not verify')));
  t.true(s!.reasons.some((r) => r.includes('Seal.esl is not the seal embedded')));
});

test('a truncated signed value is malformed, and says so', async (t) => {
  const entries = await sampleEntries(SAMPLES.aztSign);
  const value = 'Doc_0/Signs/Sign_1/SignedValue.dat';
  entries.set(value, entries.get(value)!.subarray(0, 5000));
  const { report } = await verifyOfd(await zipOf(entries), { now: NOW });
  t.is(report.verdict, 'malformed');
  t.is(report.signatures[0]!.verdict, 'valid');
  t.is(report.signatures[1]!.verdict, 'malformed');
  t.regex(report.signatures[1]!.reasons.join(' '), /signed value cannot be read/);
});

test('an entry renamed in the zip is a missing protected file', async (t) => {
  const entries = await sampleEntries(SAMPLES.digitalSign);
  const zip = renameInZip(await zipOf(entries), 'Doc_0/PublicRes.xml', 'Doc_0/PublicRes.xmX');
  const { report } = await verifyOfd(zip, { now: NOW });
  t.deepEqual(report.signatures[0]!.references.missing, ['Doc_0/PublicRes.xml']);
});

test('a DocRoot pointed at a forged document that another signer protects: tampered, its own signatures do not cover it', async (t) => {
  // KingGrid does not protect OFD.xml. Doc_1 shows Doc_0's pages but a forged page 0, and a seal made
  // here protects Doc_1's files: every file is protected by some valid signature, which once sufficed.
  const entries = await sampleEntries(SAMPLES.kingGrid);
  const text = (path: string) => new TextDecoder().decode(entries.get(path));
  const forgedDocument = text('Doc_0/Document.xml')
    .replace(/BaseLoc="Pages\/Page_([1-9])/g, 'BaseLoc="/Doc_0/Pages/Page_$1')
    .replace('<ofd:PublicRes>PublicRes.xml', '<ofd:PublicRes>/Doc_0/PublicRes.xml');
  entries.set('Doc_1/Document.xml', utf8(forgedDocument));
  entries.set('Doc_1/Pages/Page_0/Content.xml', utf8(text('Doc_0/Pages/Page_0/Content.xml').replace('</ofd:Layer>', '<ofd:TextObject ID="999"/></ofd:Layer>')));
  entries.set('Doc_1/Copy.xml', utf8(forgedDocument)); // the second signer's own document: one DocRoot may serve one DocBody
  addSealedSignature(entries, 'Doc_1/Signs', ['Doc_1/Document.xml', 'Doc_1/Copy.xml', 'Doc_1/Pages/Page_0/Content.xml']);
  const secondBody = '<ofd:DocBody><ofd:DocRoot>Doc_1/Copy.xml</ofd:DocRoot><ofd:Signatures>/Doc_1/Signs/Signatures.xml</ofd:Signatures></ofd:DocBody>';
  entries.set('OFD.xml', utf8(text('OFD.xml').replace('<ofd:DocRoot>Doc_0/Document.xml', '<ofd:DocRoot>Doc_1/Document.xml').replace('</ofd:OFD>', `${secondBody}</ofd:OFD>`)));
  const { report } = await verifyOfd(await zipOf(entries), { now: NOW });
  t.is(report.verdict, 'tampered');
  t.true(report.signatures.every((s) => s.verdict === 'valid'));
  t.true(report.reasons.includes('Doc_1/Pages/Page_0/Content.xml is shown with Doc_1/Document.xml, but no signature of its DocBody protects it'));
  t.true(report.document.unprotected.includes('Doc_1/Document.xml'));
});
