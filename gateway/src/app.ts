import Koa from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { duplicateMember } from '@henan-chain/crypto';
import { messageZh } from './http/messages-zh';
import { portalSite } from './http/portal-site';
import { ApiError } from './errors';
import { defineRoute, mountRoutes, type RouteSpec } from './http/route';
import { buildOpenApi } from './http/openapi';
import type { Services } from './services';

/** Anchor batches carry up to 100,000 digests (~7 MB of JSON); everything else stays small. */
const ANCHOR_BODY_LIMIT = 12 * 1024 * 1024;

/**
 * The whole request pipeline, in order: request id and access log, metrics, errors as
 * `{"error": {...}}`, bearer-token authentication, JSON bodies with size limits and distinct member
 * names, then the routes.
 */
export function createApp(services: Services, specs: RouteSpec<any, any>[]): Koa {
  const app = new Koa();
  app.proxy = false;
  const { log, metrics } = services;

  app.use(async (ctx, next) => {
    const started = process.hrtime.bigint();
    // A caller's request id is echoed and logged, so only a short, plain one is taken.
    const given = ctx.get('x-request-id');
    ctx.state.requestId = /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
    ctx.set('x-request-id', ctx.state.requestId);
    // On every answer, refusals before any route included: a JSON body, an SVG or a script is only
    // ever taken as the type it is sent as.
    ctx.set('X-Content-Type-Options', 'nosniff');
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      metrics.httpDuration.observe({ method: ctx.method, route, status: String(ctx.status) }, seconds);
      log.info({ requestId: ctx.state.requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(seconds * 1000) }, 'request');
    }
  });

  app.use(async (ctx, next) => {
    try {
      await next();
      // The router (and the portal) answer a method a path does not take with Allow set and no body.
      if ((ctx.status === 405 || ctx.status === 501) && ctx.body === undefined) {
        throw new ApiError(405, 'METHOD_NOT_ALLOWED', `${ctx.method} is not allowed on ${ctx.path}${ctx.response.get('Allow') ? `: use ${ctx.response.get('Allow')}` : ''}`);
      }
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new ApiError(404, 'ROUTE_NOT_FOUND', `no route ${ctx.method} ${ctx.path}`);
      }
    } catch (err) {
      const apiError = toApiError(err);
      if (apiError.status >= 500) log.error({ err, requestId: ctx.state.requestId }, 'request failed');
      ctx.status = apiError.status;
      if (apiError.retryAfter !== undefined) ctx.set('Retry-After', String(apiError.retryAfter));
      ctx.body = {
        error: {
          code: apiError.code,
          message: apiError.message,
          messageZh: messageZh(apiError.status, apiError.code, apiError.details),
          ...(apiError.details ? { details: apiError.details } : {}),
        },
      };
    }
  });

  app.use(async (ctx, next) => {
    // Node keeps the first of two Authorization headers and drops the other: which credential was meant is the client's to say.
    const given = ctx.req.headersDistinct.authorization?.length ?? 0;
    if (given > 1) throw new ApiError(400, 'VALIDATION_FAILED', `headers.authorization: send one Authorization header, not ${given}`);
    const header = ctx.get('authorization');
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new ApiError(401, 'UNAUTHENTICATED', 'the bearer token is not valid');
      const principal = await services.tokens.authenticate(match[1]!);
      // Wherever it is presented: a public route may still act on who the caller is (a lookup by holder).
      if (principal.kind === 'agency' && (await services.agencyStatus.status(principal.agencyId)) === 'suspended') {
        throw new ApiError(403, 'AGENCY_SUSPENDED', `agency ${principal.agencyId} is suspended: its tokens are refused until it is reinstated`);
      }
      ctx.state.principal = principal;
    }
    await next();
  });

  const onError = (err: Error) => {
    throw bodyError(err);
  };
  const json = bodyParser({ enableTypes: ['json'], jsonLimit: services.config.bodyLimit, jsonStrict: true, encoding: 'utf-8', onError });
  const anchorJson = bodyParser({ enableTypes: ['json'], jsonLimit: ANCHOR_BODY_LIMIT, jsonStrict: true, encoding: 'utf-8', onError });
  app.use((ctx, next) => {
    const unique = () => {
      // I-JSON (RFC 7493 §2.3): a name given twice is refused, not read as its last value.
      const raw = (ctx.request as { rawBody?: unknown }).rawBody;
      const duplicate = typeof raw === 'string' ? duplicateMember(raw) : undefined;
      if (duplicate) throw new ApiError(400, 'MALFORMED_JSON', `body.${duplicate.join('.')}: the member name appears twice in its object (I-JSON, RFC 7493, forbids duplicate names)`);
      return next();
    };
    if (ctx.method !== 'POST' || ctx.path !== '/v1/anchors') return json(ctx, unique);
    // Only an authenticated caller gets a batch's 12 MiB read and parsed.
    if (!ctx.state.principal) throw new ApiError(401, 'UNAUTHENTICATED', 'a bearer token is required (Authorization: Bearer <token>)');
    return anchorJson(ctx, unique);
  });

  const router = new Router();
  // Declared like every other route, so the document lists itself and matches the router one to one.
  const openApiRoute = defineRoute({
    method: 'get',
    path: '/openapi.json',
    tag: 'operations',
    summary: 'This OpenAPI 3.1 document',
    access: 'public',
    responses: {
      200: {
        description: 'The OpenAPI document',
        schema: z.looseObject({
          openapi: z.literal('3.1.0'),
          info: z.looseObject({ title: z.string(), version: z.string() }),
          paths: z.record(z.string(), z.record(z.string(), z.unknown())),
        }),
      },
    },
    async handler() {
      return { body: document };
    },
  });
  const routes = [openApiRoute, ...specs];
  const document = buildOpenApi(routes, { title: '河南链 Henan Chain gateway', version: '1.0.0' });
  mountRoutes(router, routes, { uploadLimit: services.config.uploadLimit });
  app.use(portalSite(services.config.portalDir));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

/**
 * The body parser's refusals, as the API's errors. Each is the client's: JSON that does not parse, a
 * body over the limit, a charset or Content-Encoding not accepted, a body cut short, or bytes that do
 * not decode as their Content-Encoding says (zlib's errors carry no HTTP status, so would be a 500).
 */
function bodyError(err: unknown): ApiError {
  const e = err as { status?: number; code?: string; message?: string };
  if (e.status !== undefined && e.status >= 500) return toApiError(err); // raw-body's own misuse: ours
  if (e.status === 413 || e.status === 415) return toApiError(err);
  if (typeof e.code === 'string' && e.code.startsWith('Z_')) {
    return new ApiError(400, 'MALFORMED_JSON', `the body does not decode as its Content-Encoding says: ${e.message}`);
  }
  return new ApiError(400, 'MALFORMED_JSON', `the body is not valid JSON: ${e.message}`);
}

/** Errors from Koa's body parser, as the API's own errors; anything else is ours (500). */
function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { status?: number; statusCode?: number; message?: string };
  const status = e.status ?? e.statusCode;
  if (status === 413) return new ApiError(413, 'BODY_TOO_LARGE', 'the request body is larger than this endpoint accepts');
  if (status === 415) return new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', e.message ?? 'unsupported media type');
  return new ApiError(500, 'INTERNAL', 'internal error');
}
