import { z } from 'zod';
import type { RouteSpec } from './route';
import { errorBody } from './schemas';

/** Koa-router `:param` → OpenAPI `{param}`. */
function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

const ERROR_RESPONSES: Record<number, string> = {
  400: 'The request is malformed or fails validation',
  401: 'No or an unknown bearer token',
  403: 'The caller may not do this, or its token is of a suspended agency (AGENCY_SUSPENDED)',
  404: 'No such record',
  409: 'Conflicts with the record\u2019s state, or a reused request id',
  413: 'The body is too large',
  415: 'Unsupported media type',
  422: 'A signature, key or proof does not verify',
  503: 'The ledger is unavailable; retry after the time given',
};

/**
 * The errors an operation can answer with, from what it takes: only what it takes can be malformed,
 * too large or of the wrong type; only writes conflict or carry signatures. Any request may carry a
 * bad token (401) or a suspended agency's (403), and meet an unavailable ledger (503).
 */
function errorStatuses(spec: RouteSpec<any, any>): number[] {
  const takesInput = spec.body !== undefined || spec.query !== undefined || spec.path.includes(':');
  const statuses = [401, 403, 503];
  if (takesInput) statuses.push(400, 404);
  if (spec.body !== undefined) statuses.push(413, 415);
  if (spec.method === 'post') statuses.push(409, 422);
  return statuses.sort();
}

/** The OpenAPI 3.1 document of the routes, generated from the same declarations that serve them. */
export function buildOpenApi(specs: RouteSpec<any, any>[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const params = [...spec.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams = spec.query ? queryParameters(spec.query) : [];
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(spec.responses)) {
      const media = { ...(r.schema ? { [r.mediaType ?? 'application/json']: r.schema } : {}), ...r.otherMedia };
      const content = Object.fromEntries(Object.entries(media).map(([type, schema]) => [type, { schema: jsonSchema(schema, 'output') }]));
      responses[status] = Object.keys(content).length > 0 ? { description: r.description, content } : { description: r.description };
    }
    for (const status of errorStatuses(spec)) {
      if (!(status in responses)) {
        responses[status] = { description: ERROR_RESPONSES[status], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
      }
    }
    const operation: Record<string, unknown> = {
      tags: [spec.tag],
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      operationId: `${spec.method}${openApiPath(spec.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      parameters: [...params, ...queryParams],
      responses,
      ...(spec.access === 'public' ? { security: [] } : {}),
    };
    if (spec.body) {
      const schema = jsonSchema(spec.body, 'input');
      operation.requestBody = {
        required: true,
        content: spec.multipart
          ? {
              'application/json': { schema },
              'multipart/form-data': {
                schema: {
                  ...schema,
                  properties: { ...(schema.properties as object), [spec.multipart.fileField]: { type: 'string', contentMediaType: 'application/octet-stream' } },
                },
              },
            }
          : { 'application/json': { schema } },
      };
    }
    (paths[openApiPath(spec.path)] ??= {})[spec.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: jsonSchema(errorBody, 'output') },
    },
  };
}

function queryParameters(schema: z.ZodType): Record<string, unknown>[] {
  const json = jsonSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => ({ name, in: 'query', required: required.has(name), schema: s }));
}
