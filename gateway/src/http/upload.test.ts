import test from 'ava';
import { allRoutes } from '../routes';
import { withTestGateway } from '../testing/harness';
import { sealRegistration } from '../testing/seal-fixtures';

/** A form naming a registered seal, whose file is `bytes`. */
function form(field: string, bytes: Uint8Array, sealId: string): FormData {
  const data = new FormData();
  data.append('sealId', sealId);
  data.append(field, new Blob([Buffer.from(bytes)]), 'document.bin');
  return data;
}

test('every upload route refuses an empty file with 400 EMPTY_UPLOAD, and nothing is written', async (t) => {
  await withTestGateway(async (gw) => {
    const maker = await gw.registerAgency({ name: '河南省电子印章制作中心', roles: ['seal_maker'] });
    const owner = await gw.registerAgency({ name: '郑州市行政审批和政务信息管理局', roles: ['seal_owner'], mspId: 'ZhengzhouMSP', regionCode: '410100' });
    const sealId = `ZZ-EMPTY-${Date.now()}`;
    t.is((await gw.request('POST', '/v1/seals', { token: maker.token, json: sealRegistration(sealId, owner.agencyId) })).status, 201);
    const { ledger } = gw.gateway.services;
    const uploads = allRoutes(gw.gateway.services, gw.url).filter((r) => r.multipart);
    t.true(uploads.length >= 7, 'the upload routes are found');
    for (const route of uploads) {
      const before = await ledger.height();
      const field = route.multipart!.fileField;
      const reply = await gw.request('POST', route.path, { token: owner.token, raw: form(field, new Uint8Array(0), sealId) });
      t.is(reply.status, 400, `${route.path}: ${reply.text}`);
      t.is(reply.body?.error?.code, 'EMPTY_UPLOAD', route.path);
      t.is(reply.body.error.message, `body.${field}: the uploaded file is empty`, route.path);
      t.is(await ledger.height(), before, `${route.path}: the ledger did not grow`);
    }
    // The same form with one byte is sealed: the refusal above was the empty file's alone.
    const sealed = await gw.request('POST', '/v1/sealed-documents', { token: owner.token, raw: form('document', new Uint8Array([0x25]), sealId) });
    t.is(sealed.status, 201, sealed.text);
  });
});
