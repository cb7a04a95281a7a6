import type { z } from 'zod';
import { agencyRequestBody } from '../http/request-body';
import { defineRoute } from '../http/route';
import { writeResult } from '../http/schemas';
import type { Services } from '../services';
import { bindFields } from '../submission';

export interface SignedWrite<S extends z.ZodRawShape, K extends keyof S & string> {
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** The chaincode transaction, `family:fn`, that takes the body as its signed request. */
  fn: string;
  /** The chaincode's request schema; the HTTP body is derived from it. */
  request: z.ZodObject<S>;
  /** The request field the path's `:id` fills, with the reader that checks the id. */
  id?: { field: K; read: (params: Record<string, string>) => string };
  /** 201 when the write creates the record, 200 for a step on an existing one. */
  status: 200 | 201;
  record: z.ZodType;
}

/**
 * A write an agency makes with its token: the body, signed by the agency (or by the gateway with the
 * agency's kept key), goes as the request of one chaincode transaction, and the answer comes after the
 * commit. Whether this agency may make it is the chaincode's decision (403 FORBIDDEN otherwise).
 */
export function signedWriteRoute<S extends z.ZodRawShape, K extends keyof S & string = never>(s: Services, w: SignedWrite<S, K>) {
  return defineRoute({
    method: 'post',
    path: w.path,
    tag: w.tag,
    summary: w.summary,
    ...(w.description !== undefined && { description: w.description }),
    access: 'agency',
    body: agencyRequestBody(w.request, w.fn, w.id ? [w.id.field] : []),
    responses: { [w.status]: { description: 'The record after the write, committed', schema: writeResult(w.record) } },
    async handler({ principal, params, body }) {
      const request = w.id ? bindFields(body, { [w.id.field]: w.id.read(params) }) : body;
      return { status: w.status, body: await s.submitter.asAgency(principal!, w.fn, request) };
    },
  });
}
