import test from 'ava';
import { sm3Hex } from '@henan-chain/crypto';
import { SAMPLES, sampleEntries, sampleFile, zipOf } from '@henan-chain/ofd/testing';
import { startTestGateway, type TestGateway } from '../testing/harness';

let gw: TestGateway;
let maker: { agencyId: string; token: string };
let owner: { agencyId: string; token: string };
let consumer: { agencyId: string; token: string };

test.before(async () => {
  gw = await startTestGateway();
  maker = await gw.registerAgency({ name: '河南省电子印章制作中心', roles: ['seal_maker'] });
  owner = await gw.registerAgency({ name: '天津市某测试单位', roles: ['seal_owner'] });
  consumer = await gw.registerAgency({ name: '郑州市大数据管理局', roles: ['consumer'] });
});
test.after.always(async () => {
  await gw?.stop();
});

function form(bytes: Uint8Array, name = 'document.ofd'): FormData {
  const data = new FormData();
  data.append('file', new Blob([Buffer.from(bytes)], { type: 'application/ofd' }), name);
  return data;
}

const verify = (bytes: Uint8Array) => gw.request('POST', '/v1/verify/ofd', { raw: form(bytes) });
const record = (bytes: Uint8Array, token = owner.token) => gw.request('POST', '/v1/sealed-documents/ofd', { token, raw: form(bytes) });

test('every sample gets its verdict over HTTP, with the document\u2019s SM3', async (t) => {
  const expected: [string, string][] = [
    [SAMPLES.aztSign, 'valid'],
    [SAMPLES.kingGrid, 'valid'],
    [SAMPLES.sesV4, 'certificate_invalid'],
    [SAMPLES.invoice, 'tampered'],
    [SAMPLES.digitalSign, 'certificate_invalid'],
  ];
  for (const [name, verdict] of expected) {
    const reply = await verify(sampleFile(name));
    t.is(reply.status, 200, reply.text);
    t.is(reply.body.verdict, verdict, name);
    t.is(reply.body.document.sm3, sm3Hex(sampleFile(name)));
    // Other tests here record the valid ones; nobody can record the others.
    if (verdict !== 'valid') t.false(reply.body.ledger.recorded);
  }
});

test('the seal picture of a signature is served as the image its bytes are', async (t) => {
  const file = sampleFile(SAMPLES.kingGrid);
  const report = (await verify(file)).body;
  const signature = report.signatures[0];
  const res = await fetch(`${gw.url}/v1/verify/ofd/seal-picture?signature=${signature.id}`, { method: 'POST', body: form(file) });
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'image/gif');
  t.is(res.headers.get('x-content-type-options'), 'nosniff');
  const bytes = new Uint8Array(await res.arrayBuffer());
  t.is(sm3Hex(bytes), signature.seal.picture.sm3);
  const unknown = await gw.request('POST', '/v1/verify/ofd/seal-picture?signature=nope', { raw: form(file) });
  t.is(unknown.status, 404);
  const bare = await gw.request('POST', `/v1/verify/ofd/seal-picture?signature=s001`, { raw: form(sampleFile(SAMPLES.digitalSign)) });
  t.is(bare.status, 404);
});

test('files that are no OFD get a 4xx naming why, and nothing is recorded', async (t) => {
  const junk = await verify(new TextEncoder().encode('not a zip'));
  t.is(junk.status, 422);
  t.is(junk.body.error.code, 'OFD_UNREADABLE');
  t.is(junk.body.error.details.reason, 'NOT_A_ZIP');
  t.is(junk.body.error.messageZh, '上传的文件不是可读取的 OFD 文件：不是完整的 ZIP 容器');
  const entries = await sampleEntries(SAMPLES.digitalSign);
  entries.set('Doc_0/Res/bomb.bin', new Uint8Array(20 * 1024 * 1024));
  const bomb = await verify(await zipOf(entries));
  t.is(bomb.status, 413);
  t.is(bomb.body.error.details.reason, 'ZIP_LIMIT');
  const dtd = await sampleEntries(SAMPLES.digitalSign);
  dtd.set('OFD.xml', new TextEncoder().encode('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><OFD>&x;</OFD>'));
  const xxe = await verify(await zipOf(dtd));
  t.is(xxe.status, 422);
  t.is(xxe.body.error.details.reason, 'BAD_XML');
  const many = await sampleEntries(SAMPLES.digitalSign);
  const list = Array.from({ length: 101 }, (_, i) => `<ofd:Signature ID="${i}" BaseLoc="Sign_${i}/Signature.xml"/>`).join('');
  many.set('Doc_0/Signs/Signatures.xml', new TextEncoder().encode(`<ofd:Signatures xmlns:ofd="http://www.ofdspec.org/2016">${list}</ofd:Signatures>`));
  const work = await verify(await zipOf(many));
  t.is(work.status, 413);
  t.is(work.body.error.details.reason, 'OFD_LIMIT');
  t.is(work.body.error.messageZh, '上传的文件不是可读取的 OFD 文件：文档、签章或引用数超出限制');
  const none = await gw.request('POST', '/v1/verify/ofd', { json: {} });
  t.is(none.status, 400);
  t.regex(none.body.error.message, /multipart/);
  t.is((await record(new TextEncoder().encode('not a zip'))).status, 422);
});

test('anchoring round trip: the sealing of an OFD is recorded, and verification then says when, in which block', async (t) => {
  const file = sampleFile(SAMPLES.kingGrid);
  const recorded = await record(file);
  t.is(recorded.status, 201, recorded.text);
  const sealing = recorded.body.record;
  t.is(sealing.documentSm3, sm3Hex(file));
  t.is(sealing.ownerId, owner.agencyId);
  t.deepEqual(sealing.signatures.map((s: any) => s.sealId), ['6a1cf81ad6264f0cb7583c162456f35a']);
  t.is(sealing.lastAction.operation ?? 'seal.recordOfdSealing', 'seal.recordOfdSealing');
  const after = (await verify(file)).body;
  t.is(after.verdict, 'valid');
  t.true(after.ledger.recorded);
  t.is(after.ledger.sealing.txId, recorded.body.transaction.txId);
  t.is(after.ledger.sealing.blockNumber, recorded.body.transaction.blockNumber);
  t.is(after.ledger.sealing.ownerId, owner.agencyId);
  t.true(after.signatures[0].ledger.recorded);
  t.is(after.signatures[0].ledger.seal.status, 'not_registered');
  t.is((await record(file)).status, 409);
});

test('only the sealing agency, with a valid document, records: a tampered OFD and a consumer are refused', async (t) => {
  const tampered = await record(sampleFile(SAMPLES.invoice));
  t.is(tampered.status, 422);
  t.is(tampered.body.error.code, 'OFD_NOT_VALID', 'its own code: INVALID_STATE is a 409 of a record\u2019s state');
  t.is(tampered.body.error.details.verdict, 'tampered');
  t.regex(tampered.body.error.message, /tampered/);
  t.is((await record(sampleFile(SAMPLES.kingGrid), consumer.token)).status, 403);
  t.is((await gw.request('POST', '/v1/sealed-documents/ofd', { raw: form(sampleFile(SAMPLES.kingGrid)) })).status, 401);
  t.is((await gw.request('POST', '/v1/sealed-documents/ofd', { token: owner.token, json: {} })).status, 400);
});

test('a seal registered here and revoked after the sealing was recorded leaves the document valid; unrecorded, the revocation counts', async (t) => {
  // The AztSign seal's esID registered on this ledger for the owner, valid since before the document was sealed.
  const sealId = '120106109000000001';
  const registered = await gw.request('POST', '/v1/seals', {
    token: maker.token,
    json: {
      sealId,
      ownerId: owner.agencyId,
      sealType: 'official',
      name: '测试',
      validFrom: '2021-01-01T00:00:00Z',
      validTo: new Date(Date.now() + 365 * 86400_000).toISOString(),
      picture: { sm3: sm3Hex('picture'), mediaType: 'image/png', width: 160, height: 160 },
    },
  });
  t.is(registered.status, 201, registered.text);
  const file = sampleFile(SAMPLES.aztSign);
  t.is((await record(file)).status, 201);
  const revoked = await gw.request('POST', `/v1/seals/${sealId}/revoke`, { token: owner.token, json: { reason: '印章更换' } });
  t.is(revoked.status, 200, revoked.text);
  const recorded = (await verify(file)).body;
  t.is(recorded.verdict, 'valid');
  for (const s of recorded.signatures) {
    t.is(s.ledger.seal.status, 'active');
    t.is(s.ledger.seal.revocation.reason, '印章更换');
  }
  // The same content in another zip is another file: its sealing was never recorded.
  const copy = await zipOf(await sampleEntries(SAMPLES.aztSign));
  const unrecorded = (await verify(copy)).body;
  t.false(unrecorded.ledger.recorded);
  t.is(unrecorded.verdict, 'seal_invalid');
  t.regex(unrecorded.reasons.join(' '), /never recorded, so its signing time is only claimed/);
});
