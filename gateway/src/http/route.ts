import type Koa from 'koa';
import type Router from '@koa/router';
import { z } from 'zod';
import { isWellFormedText } from '@henan-chain/crypto';
import { ApiError } from '../errors';
import type { Principal } from '../auth/tokens';
import { multipartDigest, uploadError } from './upload';

/** Who may call a route: public verification, any agency, governance, or an auditor. */
export type Access = 'public' | 'agency' | 'governance' | 'agency-or-governance';

export interface RouteContext<B, Q> {
  koa: Koa.ParameterizedContext;
  params: Record<string, string>;
  body: B;
  query: Q;
  principal?: Principal;
}

export interface RouteResult {
  status?: number;
  body: unknown;
  /** The media type of a `body` already in its final form: a string (a CSV report) or bytes (JSON serialised once, sent again). */
  type?: string;
  headers?: Record<string, string>;
}

/**
 * One route, declared once: its path, who may call it, the schemas of what it takes and returns,
 * and its handler. The same declaration registers the Koa route and writes the OpenAPI document,
 * so the two cannot drift.
 */
export interface RouteSpec<B = unknown, Q = unknown> {
  method: 'get' | 'post';
  /** Koa-router path, e.g. `/v1/licences/:id`. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  access: Access;
  body?: z.ZodType<B>;
  /**
   * Multipart upload routes take form fields + one file; their body schema describes the fields. `keepBytes`: the handler reads the file
   * (in memory, never on disk). `maxBytes`: a larger file is a 413 (the gateway's upload limit when omitted).
   */
  multipart?: { fileField: string; keepBytes?: boolean; maxBytes?: number };
  query?: z.ZodType<Q>;
  /** `otherMedia`: the same status in further media types, chosen by the request (a report as JSON or CSV). */
  responses: Record<number, { description: string; schema?: z.ZodType; mediaType?: string; otherMedia?: Record<string, z.ZodType> }>;
  handler(ctx: RouteContext<B, Q>): Promise<RouteResult>;
}

/** Declares a route (an identity function, for type inference of body and query). */
export function defineRoute<B, Q>(spec: RouteSpec<B, Q>): RouteSpec<B, Q> {
  return spec;
}

/** Validates `value` with `schema`, turning failures into a 400 that names each wrong field. */
export function validate<T>(schema: z.ZodType<T>, value: unknown, where: 'body' | 'query' | 'path'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
  const first = issues[0]!;
  throw new ApiError(400, 'VALIDATION_FAILED', `${where}.${first.path}: ${first.message}`, { issues });
}

/**
 * Refuses a body holding a string that is not Unicode text (a lone surrogate): RFC 8785 §3.1 takes
 * I-JSON only (RFC 7493 §2.1: no surrogate code points), so such a request can be neither signed nor
 * recorded, and is the client's mistake, not a failure in the signing. Runs on a validated body,
 * whose depth its schema bounds.
 */
export function requireWellFormed(value: unknown, where: string): void {
  if (typeof value === 'string') {
    if (!isWellFormedText(value)) throw new ApiError(400, 'VALIDATION_FAILED', `${where}: holds a lone UTF-16 surrogate, which is not Unicode text`);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => requireWellFormed(item, `${where}.${i}`));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) requireWellFormed(item, `${where}.${key}`);
  }
}

function requireAccess(access: Access, principal: Principal | undefined): void {
  if (access === 'public') return;
  if (!principal) throw new ApiError(401, 'UNAUTHENTICATED', 'a bearer token is required (Authorization: Bearer <token>)');
  const ok =
    access === 'agency-or-governance' ||
    (access === 'agency' && principal.kind === 'agency') ||
    (access === 'governance' && principal.kind === 'governance');
  if (!ok) throw new ApiError(403, 'FORBIDDEN', `this operation needs a ${access} token`);
}

/** Mounts every declared route on `router`. */
export function mountRoutes(router: Router, specs: RouteSpec<any, any>[], options: { uploadLimit: number }): void {
  for (const spec of specs) {
    const upload = spec.multipart ? multipartDigest(spec.multipart.fileField, spec.multipart.maxBytes ?? options.uploadLimit, spec.multipart.keepBytes) : undefined;
    router[spec.method](spec.path, async (koa) => {
      const principal = koa.state.principal as Principal | undefined;
      requireAccess(spec.access, principal);
      if (upload && koa.is('multipart')) {
        // multer reads the bytes as sent: a coded upload would be digested (or parsed) in its coded form.
        // RFC 9110 §15.5.16: a content coding the server does not accept is a 415.
        const coding = koa.get('content-encoding').trim().toLowerCase();
        if (coding !== '' && coding !== 'identity') {
          throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `Content-Encoding ${coding}: send the multipart upload without a content coding`);
        }
        try {
          await upload(koa, async () => undefined);
        } catch (err) {
          throw uploadError(err);
        }
      }
      const query = spec.query ? validate(spec.query, koa.query, 'query') : undefined;
      const { body: rawBody, rawBody: jsonText } = koa.request as { body?: unknown; rawBody?: unknown };
      // The body parser leaves {} for a media type it does not parse, and keeps the text of what it took as
      // JSON, an empty body too (koa.is() says null for a request without Content-Length or Transfer-Encoding).
      const taken = typeof jsonText === 'string' || (spec.multipart !== undefined && Boolean(koa.is('multipart')));
      if (spec.body && (rawBody === undefined || !taken)) {
        const accepted = spec.multipart ? 'application/json or multipart/form-data' : 'application/json';
        throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `send the body as ${accepted}`);
      }
      const body = spec.body ? validate(spec.body, rawBody, 'body') : undefined;
      requireWellFormed(body, 'body');
      const result = await spec.handler({ koa, params: koa.params, body, query, principal });
      koa.status = result.status ?? 200;
      for (const [name, value] of Object.entries(result.headers ?? {})) koa.set(name, value);
      if (result.type) koa.type = result.type;
      koa.body = result.body;
    });
  }
}
