import { z } from 'zod';
import { SM3, fromHex, hashLeaf, toHex, verifyInclusion } from '@henan-chain/crypto';
import { anchorSchemas, fields, type Anchor } from '@henan-chain/chaincode';
import { LEAF_BYTES, anchorsOf, gatewayKeyInfo, signedTreeHead, type AgencyLog, type AgencyPrincipal, type BatchInfo } from '../anchors';
import { ApiError } from '../errors';
import { defineRoute, validate } from '../http/route';
import { signingFields, transactionReceipt, writeResult } from '../http/schemas';
import { transactionEvidence } from '../ledger/evidence';
import { uploadedDigest, type UploadedDigest } from '../http/upload';
import type { Services } from '../services';
import type { AnchoredLeaf } from '@henan-chain/evidence';

/** Leaves per batch sent as JSON: 100,000 digests are ~6.7 MB of JSON, inside the anchor route's body limit. */
export const MAX_BATCH_LEAVES = 100_000;
/** Leaves per batch uploaded as raw bytes: 1,000,000 digests are 32 MB, read in memory for the request. */
export const MAX_UPLOADED_LEAVES = 1_000_000;
/** The multipart file field of a batch's leaves as raw bytes. */
const LEAVES_FIELD = 'leaves';
/** An inclusion proof in a tree of at most 2^40 leaves has at most 40 hashes. */
const MAX_INCLUSION_PROOF = 40;

const { root, size, description, consistencyProof } = anchorSchemas.anchorSchema.shape;

const sizeParam = fields.decimalCount.pipe(z.number().max(anchorSchemas.MAX_TREE_SIZE));

const batchBody = z.strictObject({
  leaves: z
    .array(fields.sm3Hex)
    .min(1)
    .max(MAX_BATCH_LEAVES)
    .optional()
    .describe(`SM3 digests (lower-case hex) appended to the agency\u2019s log in this order; or, in multipart/form-data, up to ${MAX_UPLOADED_LEAVES.toLocaleString('en-US')} digests as raw bytes (32 each, back to back) in file field ${LEAVES_FIELD}`),
  description,
  root: root.optional().describe('the tree head after this batch (root, size, consistencyProof): optional, but a body the agency signs itself must name it'),
  // Form fields are text: in multipart/form-data the size comes as its decimal digits.
  size: z.union([size, sizeParam]).optional(),
  consistencyProof: consistencyProof.describe('RFC 9162 proof from the previous anchored size; omitted on the first anchor'),
  ...signingFields('anchor:anchor'),
});

const anchorRecord = z.looseObject({
  kind: z.literal('anchor'),
  anchorId: z.string(),
  agencyId: z.string(),
  sequence: z.number().int(),
  root: z.string(),
  size: z.number().int(),
  description: z.string(),
  previous: z.object({ anchorId: z.string(), root: z.string(), size: z.number().int() }).optional(),
  consistencyProof: z.array(z.string()),
  createdAt: z.string(),
  txId: z.string(),
});

const batchResult = writeResult(anchorRecord).extend({
  batch: z.object({
    anchorId: z.string(),
    sequence: z.number().int(),
    firstLeaf: z.number().int().describe('log position of the batch\u2019s first leaf (from 0)'),
    lastLeaf: z.number().int(),
    leafCount: z.number().int(),
    treeSize: z.number().int().describe('leaves in the agency\u2019s log after this batch'),
    root: z.string(),
  }),
});

const treeHead = z.object({ anchorId: z.string(), size: z.number().int(), root: z.string() });

const inclusionProof = z.object({
  anchorId: z.string(),
  agencyId: z.string(),
  leaf: z.string(),
  leafIndex: z.number().int(),
  treeSize: z.number().int(),
  root: z.string().describe('the root anchored on chain by anchorId'),
  proof: z.array(z.string()).describe('RFC 9162 PATH(leafIndex, treeSize), SM3, leaf end first'),
  evidence: transactionReceipt.describe('the transaction that anchored the root'),
});

const proofBody = z.strictObject({
  leaf: fields.sm3Hex.describe('the leaf digest itself; it is hashed as SM3(0x00 || leaf)'),
  leafIndex: z.number().int().min(0),
  treeSize: z.number().int().min(1).max(anchorSchemas.MAX_TREE_SIZE),
  proof: z.array(fields.sm3Hex).max(MAX_INCLUSION_PROOF),
  root: fields.sm3Hex,
  anchorId: anchorSchemas.anchorIdSchema.optional().describe('also require root and treeSize to be the ones this anchor put on chain'),
});

const proofVerdict = z.object({
  valid: z.boolean(),
  reasons: z.array(z.string()),
  anchor: treeHead.extend({ agencyId: z.string(), evidence: transactionReceipt }).optional(),
});

const agencyQuery = { agency: fields.uscc.describe('the agency (unified social credit code) whose log') };
const consistencyQuery = z
  .strictObject({ ...agencyQuery, from: sizeParam.describe('an anchored tree size'), to: sizeParam.optional().describe('an anchored tree size; the latest when omitted') })
  .refine((q) => q.to === undefined || q.from <= q.to, { message: 'from lies after to', path: ['from'] });

export const anchorIdOf = (params: Record<string, string>) => validate(z.strictObject({ id: anchorSchemas.anchorIdSchema }), params, 'path').id;

function batchView(b: BatchInfo) {
  return { anchorId: b.anchorId, sequence: b.sequence, firstLeaf: b.start, lastLeaf: b.start + b.count - 1, leafCount: b.count, treeSize: b.size, root: b.root };
}

/** The batch's leaves as bytes: the JSON body's hex digests or the uploaded file's raw ones, exactly one of the two. */
function batchLeaves(hex: string[] | undefined, file: UploadedDigest | undefined): Buffer {
  if (hex && file) throw new ApiError(400, 'VALIDATION_FAILED', `body.leaves: send the leaves as hex in the body or as raw bytes in file field ${LEAVES_FIELD}, not both`);
  if (hex) return Buffer.from(hex.join(''), 'hex');
  if (!file?.bytes) throw new ApiError(400, 'VALIDATION_FAILED', `body.leaves: required, as hex SM3 digests in the body or as raw bytes in file field ${LEAVES_FIELD}`);
  if (file.size % LEAF_BYTES !== 0) {
    throw new ApiError(400, 'VALIDATION_FAILED', `body.leaves: the uploaded leaves must be ${LEAF_BYTES}-byte SM3 digests back to back, and ${file.size} bytes are not`);
  }
  return Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.size);
}

/** The batch of the agency's log whose anchored tree has `size` leaves. */
function anchoredAt(log: AgencyLog, size: number): BatchInfo {
  const batch = log.batches.find((b) => b.size === size);
  if (!batch) {
    const sizes = log.batches.map((b) => b.size);
    throw new ApiError(404, 'NOT_FOUND', `no anchor of agency ${log.agencyId} has ${size} leaves; anchored sizes: ${sizes.join(', ') || 'none'}`, { anchoredSizes: sizes });
  }
  return batch;
}

/** The inclusion proof of `leaf` in the tree as anchor `anchorId` put it on chain; 404 when this gateway cannot give one. */
export async function inclusionOf(s: Services, anchorId: string, leaf: string): Promise<{ anchor: Anchor; inclusion: AnchoredLeaf }> {
  const anchor = await s.query<Anchor>('anchor:get', anchorId);
  const agencyLog = await anchorsOf(s).log.agency(anchor.agencyId);
  const batch = agencyLog.batches.find((b) => b.anchorId === anchor.anchorId);
  if (!batch) {
    throw new ApiError(404, 'NOT_FOUND', `this gateway does not hold the leaves of anchor ${anchor.anchorId}: it was anchored through another gateway`);
  }
  // The batch's own leaves first: a scan of the whole log grows with every batch the agency anchors.
  const digest = fromHex(leaf, 'leaf', 32);
  const leafIndex = agencyLog.tree.indexOf(digest, anchor.size, batch.start) ?? agencyLog.tree.indexOf(digest, batch.start);
  if (leafIndex === undefined) {
    throw new ApiError(404, 'NOT_FOUND', `leaf ${leaf} is not among the ${anchor.size} leaves anchored by ${anchor.anchorId}`, { anchorId: anchor.anchorId });
  }
  const proof = agencyLog.tree.inclusionProof(leafIndex, anchor.size).map(toHex);
  return { anchor, inclusion: { anchorId: anchor.anchorId, leaf, leafIndex, treeSize: anchor.size, root: anchor.root, proof } };
}

export function anchorRoutes(s: Services) {
  const { log, anchorer } = anchorsOf(s);

  return [
    defineRoute({
      method: 'post',
      path: '/v1/anchors',
      tag: 'anchors',
      summary: `批量存证: append up to ${MAX_UPLOADED_LEAVES.toLocaleString('en-US')} SM3 digests to the agency\u2019s log and anchor the new Merkle root on chain`,
      description:
        'The gateway builds the agency\u2019s SM3 Merkle tree (RFC 9162), anchors its root and size with the consistency proof from the previous anchor, and keeps the leaves once committed. ' +
        `Leaves as hex in a JSON body (up to ${MAX_BATCH_LEAVES.toLocaleString('en-US')}), or as raw bytes in multipart/form-data file field ${LEAVES_FIELD} (up to ${MAX_UPLOADED_LEAVES.toLocaleString('en-US')}, the other fields as form fields). ` +
        'One batch per agency at a time (409 ANCHOR_IN_PROGRESS otherwise). A body the agency signs itself names the resulting root, size and consistencyProof; its signature covers the body without signature and leaves.',
      access: 'agency',
      body: batchBody,
      multipart: { fileField: LEAVES_FIELD, keepBytes: true, maxBytes: MAX_UPLOADED_LEAVES * LEAF_BYTES },
      responses: { 201: { description: 'Anchored and committed', schema: batchResult } },
      async handler({ koa, principal, body }) {
        const { leaves, ...fields } = body;
        // access 'agency' has let only agency tokens through
        const { batch, transaction, record } = await anchorer.anchor(principal as AgencyPrincipal, { ...fields, leaves: batchLeaves(leaves, uploadedDigest(koa)) });
        return { status: 201, body: { batch: batchView(batch), transaction, record } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/anchors/checkpoint',
      tag: 'anchors',
      summary: 'The agency\u2019s latest anchored tree head as a C2SP tlog-checkpoint signed with the gateway\u2019s SM2 key',
      description: 'Origin henan-chain.gov.cn/anchors/<agencyId>; check it with the key from GET /v1/gateway/key.',
      access: 'public',
      query: z.strictObject(agencyQuery),
      responses: { 200: { description: 'The signed checkpoint note', schema: z.string(), mediaType: 'text/plain' } },
      async handler({ query }) {
        const head = await s.query<Anchor>('anchor:head', query.agency);
        return { body: signedTreeHead(s.gatewayKey, head), type: 'text/plain' };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/anchors/consistency',
      tag: 'anchors',
      summary: 'RFC 9162 consistency proof between two anchored sizes of an agency\u2019s log',
      access: 'public',
      query: consistencyQuery,
      responses: {
        200: {
          description: 'The proof that the tree of `to` leaves extends the tree of `from` leaves',
          schema: z.object({ agencyId: z.string(), from: treeHead, to: treeHead, proof: z.array(z.string()) }),
        },
      },
      async handler({ query }) {
        const agencyLog = await log.agency(query.agency);
        const from = anchoredAt(agencyLog, query.from);
        const to = query.to === undefined ? agencyLog.batches.at(-1)! : anchoredAt(agencyLog, query.to);
        const head = (b: BatchInfo) => ({ anchorId: b.anchorId, size: b.size, root: b.root });
        const proof = agencyLog.tree.consistencyProof(from.size, to.size).map(toHex);
        return { body: { agencyId: query.agency, from: head(from), to: head(to), proof } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/anchors/:id/proof',
      tag: 'anchors',
      summary: 'Inclusion proof of a leaf in the tree as anchored by this anchor, with the on-chain root and its transaction',
      access: 'public',
      query: z.strictObject({ leaf: fields.sm3Hex.describe('the leaf digest (hex)') }),
      responses: { 200: { description: 'The proof; POST it to /v1/verify/proof (without agencyId and evidence) to check it', schema: inclusionProof } },
      async handler({ params, query }) {
        const { anchor, inclusion } = await inclusionOf(s, anchorIdOf(params), query.leaf);
        return { body: { ...inclusion, agencyId: anchor.agencyId, evidence: await transactionEvidence(s.ledger, anchor.txId) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/verify/proof',
      tag: 'anchors',
      summary: 'Check an inclusion proof (RFC 9162, SM3); with anchorId, also that root and size are the anchored ones',
      access: 'public',
      body: proofBody,
      responses: { 200: { description: 'The verdict and its reasons', schema: proofVerdict } },
      async handler({ body }) {
        const { leaf, leafIndex, treeSize } = body;
        const root = fromHex(body.root, 'root', 32);
        const included = verifyInclusion(SM3, leafIndex, treeSize, hashLeaf(SM3, fromHex(leaf, 'leaf', 32)), body.proof.map((p, i) => fromHex(p, `proof[${i}]`, 32)), root);
        const reasons = [
          included
            ? `the proof leads from leaf ${leaf} at index ${leafIndex} to root ${body.root} of a tree of ${treeSize} leaves`
            : `the proof does not lead from leaf ${leaf} at index ${leafIndex} of a tree of ${treeSize} leaves to root ${body.root}`,
        ];
        if (body.anchorId === undefined) return { body: { valid: included, reasons } };

        const anchor = await s.query<Anchor>('anchor:get', body.anchorId);
        const matches = anchor.root === body.root && anchor.size === treeSize;
        reasons.push(
          matches
            ? `anchor ${anchor.anchorId} put this root and size on chain`
            : `anchor ${anchor.anchorId} put root ${anchor.root} of ${anchor.size} leaves on chain, not root ${body.root} of ${treeSize}`,
        );
        const evidence = await transactionEvidence(s.ledger, anchor.txId);
        return {
          body: {
            valid: included && matches,
            reasons,
            anchor: { anchorId: anchor.anchorId, agencyId: anchor.agencyId, size: anchor.size, root: anchor.root, evidence },
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/gateway/key',
      tag: 'gateway',
      summary: 'The gateway\u2019s own SM2 public key, which signs anchor checkpoints, and its signed-note key name and id',
      access: 'public',
      responses: {
        200: {
          description: 'The public key',
          schema: z.object({
            keyId: z.string(),
            publicKey: z.string().describe('uncompressed 04||x||y, hex'),
            publicKeyPem: z.string(),
            checkpoint: z.object({ keyName: z.string(), keyId: z.string().describe('signed-note key ID, 8 hex digits') }),
          }),
        },
      },
      async handler() {
        return { body: gatewayKeyInfo(s.gatewayKey) };
      },
    }),
  ];
}
