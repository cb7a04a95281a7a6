import { z } from 'zod';
import { BUNDLE_FORMAT, SUBJECT_KINDS } from '@henan-chain/evidence';
import { fields, receiptSchemas, sealSchemas } from '@henan-chain/chaincode';
import { CHECKPOINT_KEY_NAME, signedTreeHead } from '../anchors';
import { buildEvidence } from '../evidence/build';
import { pathId } from '../http/path-id';
import { defineRoute } from '../http/route';
import type { Services } from '../services';
import { anchorIdOf, inclusionOf } from './anchors';
import { checkLicenceId } from './licences';

/** The outline of henan-chain/evidence-bundle/v1; its full JSON Schema is evidence/schema/evidence-bundle-v1.schema.json. */
export const evidenceBundle = z.looseObject({
  format: z.literal(BUNDLE_FORMAT),
  subject: z.object({ kind: z.enum(SUBJECT_KINDS), id: z.string() }),
  createdAt: z.string(),
  ledger: z.object({ kind: z.enum(['embedded', 'fabric']), height: z.string() }),
  records: z.array(z.looseObject({ kind: z.string(), id: z.string(), txId: z.string(), value: z.record(z.string(), z.unknown()) })),
  transactions: z.array(z.looseObject({ ledger: z.enum(['embedded', 'fabric']), txId: z.string(), blockNumber: z.string(), blockHash: z.string() })),
  anchoredLeaf: z.looseObject({ leaf: z.string(), leafIndex: z.number(), treeSize: z.number(), root: z.string(), proof: z.array(z.string()) }).optional(),
});

const DESCRIPTION =
  'One JSON file (henan-chain/evidence-bundle/v1) that proves the record without the gateway: the record byte for byte as its ' +
  'transaction wrote it, every agency signature it carries with the agency\u2019s keys, and for each transaction the block header ' +
  'and the block\u2019s transactions (embedded ledger: SM3 data hash and block hash, and the next block\u2019s link). Check it with ' +
  '`henan-chain verify-evidence FILE` or the portal\u2019s offline check.';

const bundleResponse = { 200: { description: 'The evidence bundle', schema: evidenceBundle } };
/** Saved as a file by browsers and curl -OJ. */
const download = (name: string) => ({ 'content-disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}.evidence.json"` });

const sealingIdOf = pathId(sealSchemas.sealingId);
const receiptIdOf = pathId(receiptSchemas.receiptId);

export function evidenceRoutes(s: Services) {
  return [
    defineRoute({
      method: 'get',
      path: '/v1/licences/:id/evidence',
      tag: 'evidence',
      summary: 'Offline evidence bundle of a licence version (证照)',
      description: DESCRIPTION,
      access: 'public',
      responses: bundleResponse,
      async handler({ params }) {
        const id = checkLicenceId(params.id!, 'path.id');
        return { body: await buildEvidence(s, { kind: 'licence', id }, { kind: 'licence', id }), headers: download(id) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/sealed-documents/:id/evidence',
      tag: 'evidence',
      summary: 'Offline evidence bundle of a recorded sealing (签章存证), with its seal',
      description: DESCRIPTION,
      access: 'public',
      responses: bundleResponse,
      async handler({ params }) {
        const id = sealingIdOf(params);
        return { body: await buildEvidence(s, { kind: 'sealing', id }, { kind: 'sealing', id }), headers: download(id) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/receipts/:id/evidence',
      tag: 'evidence',
      summary: 'Offline evidence bundle of a data-sharing receipt (数据共享回执), with every step\u2019s signature',
      description: DESCRIPTION,
      access: 'public',
      responses: bundleResponse,
      async handler({ params }) {
        const id = receiptIdOf(params);
        return { body: await buildEvidence(s, { kind: 'receipt', id }, { kind: 'receipt', id }), headers: download(id) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/anchors/:id/evidence',
      tag: 'evidence',
      summary: 'Offline evidence bundle of an anchored leaf (批量存证): the anchor, its inclusion proof and the gateway\u2019s signed checkpoint',
      description: DESCRIPTION,
      access: 'public',
      query: z.strictObject({ leaf: fields.sm3Hex.describe('the leaf digest (hex)') }),
      responses: bundleResponse,
      async handler({ params, query }) {
        const { anchor, inclusion } = await inclusionOf(s, anchorIdOf(params), query.leaf);
        const checkpoint = { text: signedTreeHead(s.gatewayKey, { agencyId: anchor.agencyId, size: anchor.size, root: anchor.root }), keyName: CHECKPOINT_KEY_NAME, publicKey: s.gatewayKey.publicKey };
        const bundle = await buildEvidence(s, { kind: 'anchored-leaf', id: query.leaf }, { kind: 'anchor', id: anchor.anchorId }, { anchoredLeaf: { ...inclusion, checkpoint } });
        return { body: bundle, headers: download(`${anchor.anchorId}-${query.leaf.slice(0, 16)}`) };
      },
    }),
  ];
}

