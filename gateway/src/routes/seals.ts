import { z } from 'zod';
import { generateKeyPair, toHex } from '@henan-chain/crypto';
import { sealSchemas, type Seal } from '@henan-chain/chaincode';
import { ApiError } from '../errors';
import { defineRoute, validate } from '../http/route';
import { agencyRequestBody } from '../http/request-body';
import { writeResult } from '../http/schemas';
import { sealKeyOwner, sealRecord } from '../seals/model';
import type { Services } from '../services';
import { bindFields } from '../submission';
import { sealedDocumentRoutes } from './sealed-documents';

const { registerSealSchema, revokeSealSchema } = sealSchemas;
const registerBody = agencyRequestBody(
  registerSealSchema.extend({
    publicKey: registerSealSchema.shape.publicKey
      .optional()
      .describe('the seal\u2019s SM2 key (04||x||y hex); omit to let the gateway make it and keep it, so the owner can seal documents through the gateway'),
  }),
  'seal:register',
);

export const sealIdOf = (params: Record<string, string>) => validate(z.strictObject({ id: sealSchemas.sealId }), params, 'path').id;

export function sealRoutes(s: Services) {
  return [
    defineRoute({
      method: 'post',
      path: '/v1/seals',
      tag: 'seals',
      summary: '印章注册: a seal maker (制章机构) registers an electronic seal for an owner agency (用章单位)',
      description: 'By an agency with the seal_maker role, for an owner with the seal_owner role. Without publicKey the gateway makes the seal\u2019s SM2 key and keeps it.',
      access: 'agency',
      body: registerBody,
      responses: { 201: { description: 'The seal, committed', schema: writeResult(sealRecord) } },
      async handler({ principal, body }) {
        if (body.publicKey === undefined && body.signature !== undefined) {
          throw new ApiError(400, 'VALIDATION_FAILED', 'body.publicKey: a body the agency signs itself must name the seal key');
        }
        // The gateway makes the seal key only for a new request (a retry with the same requestId gets the
        // first registration back); the key is kept pending until the registration is committed.
        const made =
          body.publicKey === undefined
            ? s.keyCustody.made(sealKeyOwner(body.sealId), () => {
                const pair = generateKeyPair();
                return { privateKey: pair.privateKey, fields: { publicKey: toHex(pair.publicKey) } };
              })
            : undefined;
        return { status: 201, body: await s.submitter.asAgency(principal!, 'seal:register', body, made) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/seals/:id',
      tag: 'seals',
      summary: 'A seal: maker, owner, validity, SM2 key, status and any revocation',
      access: 'public',
      responses: { 200: { description: 'The seal record', schema: sealRecord } },
      async handler({ params }) {
        return { body: await s.query<Seal>('seal:get', sealIdOf(params)) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/seals/:id/revoke',
      tag: 'seals',
      summary: '印章注销: the maker or the owner revokes a seal; signatures from effectiveFrom on are invalid (only the maker may date it back)',
      access: 'agency',
      body: agencyRequestBody(revokeSealSchema, 'seal:revoke', ['sealId']),
      responses: { 200: { description: 'The revoked seal, committed', schema: writeResult(sealRecord) } },
      async handler({ principal, params, body }) {
        return { body: await s.submitter.asAgency(principal!, 'seal:revoke', bindFields(body, { sealId: sealIdOf(params) })) };
      },
    }),
    ...sealedDocumentRoutes(s),
  ];
}
