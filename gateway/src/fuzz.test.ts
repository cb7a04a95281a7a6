// A property-based fuzz of every operation in the OpenAPI document: random and malformed path
// parameters, query strings, bodies, media types and tokens. Whatever is sent: no 5xx, no write after
// a refusal, no stack trace or filesystem path in an answer.
import test from 'ava';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { DEMO_AGENCIES, DEMO_HOLDERS, LICENCE_TYPES } from './demo/agencies';
import { seedDemo } from './demo/seed';
import { httpClient } from './http/client';
import { GOVERNANCE, randomUscc, startTestGateway } from './testing/harness';

type Json = Record<string, any>;

interface Operation {
  method: 'GET' | 'POST';
  template: string;
  pathParams: string[];
  queryParams: { name: string; schema: Json }[];
  body?: Json;
  multipart: boolean;
}

/** Requests in all; each picks one operation, so every operation gets about RUNS / operations. */
const RUNS = 1200;

function operationsOf(doc: Json): Operation[] {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([template, item]) =>
    Object.entries(item).map(([method, op]: [string, Json]) => ({
      method: method.toUpperCase() as Operation['method'],
      template,
      pathParams: [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
      queryParams: (op.parameters ?? []).filter((p: Json) => p.in === 'query').map((p: Json) => ({ name: p.name, schema: p.schema })),
      body: op.requestBody?.content?.['application/json']?.schema,
      multipart: op.requestBody?.content?.['multipart/form-data'] !== undefined,
    })),
  );
}

/** Strings a careless or hostile client sends: traversal, encodings, control characters, prototypes, huge. */
const NASTY = [
  '',
  ' ',
  '..',
  '../../etc/passwd',
  '%2e%2e%2f',
  '%ZZ',
  '%',
  '%00',
  '\u0000',
  '\ud800',
  '__proto__',
  'constructor',
  'toString',
  '-1',
  '0',
  '1e309',
  'NaN',
  'null',
  'true',
  '[]',
  '{}',
  "' OR '1'='1",
  '<script>alert(1)</script>',
  '河南链',
  '😀',
  'a'.repeat(300),
  'a'.repeat(70_000),
  'x\r\nSet-Cookie: a=b',
];

/** Percent-encoding; a lone surrogate, which encodeURIComponent refuses, as the UTF-8 bytes no decoder accepts. */
function uriEncode(value: string): string {
  return [...value].map((c) => (/[\ud800-\udfff]/.test(c) ? '%ED%A0%80' : encodeURIComponent(c))).join('');
}

test('every operation of the OpenAPI document, fuzzed: no 5xx, no write after a refusal, no stack trace or path in an answer', async (t) => {
  const gw = await startTestGateway();
  t.teardown(() => gw.stop());
  const call = httpClient(gw.url);
  const demo = await seedDemo(call, GOVERNANCE, { startedAt: Date.now(), tokens: {} }, async () => undefined);
  const doc = (await gw.request('GET', '/openapi.json')).body as Json;
  const operations = operationsOf(doc);
  const { ledger } = gw.gateway.services;

  // Values that reach deep into the handlers: the demo's own records, next to malformed ones.
  const known = [
    ...Object.values(DEMO_AGENCIES).map((a) => a.agencyId),
    demo.sampleLicenceId,
    ...Object.values(LICENCE_TYPES).map((l) => l.code),
    'KY-2026-000001',
    'LY-ZZ-2026-0001',
    'LY-ZZ-2026-0005',
    'ZZ-GZ-2026-0001',
    'ZZ-HT-2026-0002',
    '410100',
    '410300',
    'licence',
    'agency',
    'case',
    'tok_0123456789abcdef',
    '0'.repeat(32),
    'a'.repeat(64),
    randomUscc(),
    DEMO_HOLDERS[0]!.code,
    '2026-01-01',
    '2026-01-01T00:00:00Z',
  ];
  const tokens = [undefined, GOVERNANCE, ...demo.tokens.map((x) => x.token), 'hnc_not-a-token', 'tok_0123456789abcdef'];
  const scalar = fc.oneof(
    fc.constantFrom(...known),
    fc.constantFrom(...NASTY),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.integer().map(String),
  );
  const jsonValue = fc.oneof(
    scalar,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.jsonValue({ maxDepth: 3 }),
    fc.array(scalar, { maxLength: 4 }),
  );
  /** A body shaped like the operation's own (its properties, some left out, each given any value), or not at all. */
  const bodyFor = (schema: Json | undefined) => {
    const names = Object.keys(schema?.properties ?? {});
    const shaped = names.length === 0 ? fc.dictionary(fc.string({ maxLength: 10 }), jsonValue, { maxKeys: 4 }) : fc.record(Object.fromEntries(names.map((n) => [n, jsonValue])), { requiredKeys: [] });
    return fc.oneof(
      { arbitrary: shaped.map((json) => ({ kind: 'json' as const, text: JSON.stringify(json) })), weight: 6 },
      { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((json) => ({ kind: 'json' as const, text: JSON.stringify(json) ?? 'null' })), weight: 2 },
      { arbitrary: fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('{', '{"a":', '[1,]', '{"a":1}}', '\u0000', '[' .repeat(5000) + ']'.repeat(5000), '{"__proto__":{"polluted":1}}')).map((text) => ({ kind: 'json' as const, text })), weight: 2 },
      { arbitrary: fc.string({ maxLength: 60 }).map((text) => ({ kind: 'text' as const, text })), weight: 1 },
      { arbitrary: fc.string({ maxLength: 60 }).map((text) => ({ kind: 'gzip' as const, text })), weight: 1 },
      { arbitrary: fc.dictionary(fc.constantFrom('id', 'sealingId', 'file', 'document', 'documentSm3', 'x'), scalar, { maxKeys: 3 }).map((fields) => ({ kind: 'form' as const, text: '', fields })), weight: 1 },
    );
  };
  const queryFor = (op: Operation) =>
    fc
      .tuple(
        fc.record(Object.fromEntries(op.queryParams.map((p) => [p.name, scalar])), { requiredKeys: [] }),
        fc.array(fc.tuple(fc.constantFrom('x', '__proto__', 'limit', 'holder', 'a[b]', ''), scalar), { maxLength: 2 }),
        fc.boolean(),
      )
      .map(([named, extra, encode]) => {
        const pairs = [...(Object.entries(named) as [string, string][]), ...extra].map(([k, v]) => `${k}=${encode ? uriEncode(v) : v}`);
        return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
      });
  const request = fc.nat({ max: operations.length - 1 }).chain((i) => {
    const op = operations[i]!;
    return fc.record({
      op: fc.constant(op),
      path: fc.tuple(...op.pathParams.map(() => fc.tuple(scalar, fc.boolean())), fc.constant(null)).map((values) =>
        op.pathParams.reduce((path, name, n) => {
          const [value, encode] = values[n] as [string, boolean];
          return path.replace(`{${name}}`, encode ? uriEncode(value) : value.replace(/[/?#\s]/g, '_'));
        }, op.template),
      ),
      query: queryFor(op),
      token: fc.constantFrom(...tokens),
      body: op.method === 'POST' ? bodyFor(op.body) : fc.constant(undefined),
    });
  });

  const counts: Record<string, number> = {};
  const problems: string[] = [];
  const paths = [process.cwd(), tmpdir(), gw.dataDir, '/node_modules/', '/dist/', '/src/'];
  await fc.assert(
    fc.asyncProperty(request, async ({ op, path, query, token, body }) => {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      let payload: string | FormData | undefined;
      if (body?.kind === 'form') {
        payload = new FormData();
        for (const [name, value] of Object.entries(body.fields!)) payload.set(name, name === 'file' || name === 'document' ? new Blob([value]) : value);
      } else if (body) {
        payload = body.text;
        headers['content-type'] = body.kind === 'text' ? 'text/plain' : 'application/json';
        if (body.kind === 'gzip') headers['content-encoding'] = 'gzip';
      }
      const before = await ledger.height();
      let status: number;
      let text: string;
      try {
        const res = await fetch(gw.url + path + query, { method: op.method, headers, body: payload });
        status = res.status;
        text = await res.text();
      } catch (err) {
        // A URL fetch itself will not send (a raw control character): not the gateway's answer.
        if (err instanceof TypeError && !String((err as Error & { cause?: unknown }).cause ?? '').includes('ECONN')) return;
        throw err;
      }
      const key = `${op.method} ${op.template}`;
      counts[status] = (counts[status] ?? 0) + 1;
      const after = await ledger.height();
      const what = `${op.method} ${path}${query} (${body?.kind ?? 'no body'}${token ? ', token' : ''}) → ${status}: ${text.slice(0, 300)}`;
      if (status >= 500) problems.push(`5xx from ${key}: ${what}`);
      if (status >= 400 && after !== before) problems.push(`a write after a refusal (height ${before} → ${after}): ${what}`);
      if (/\n\s+at .+:\d+:\d+/.test(text) || paths.some((p) => text.includes(p))) problems.push(`a stack trace or path in the answer: ${what}`);
      return problems.length === 0;
    }),
    { numRuns: RUNS, endOnFailure: true },
  );
  const byStatus = Object.entries(counts)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ');
  t.log(`${operations.length} operations, ${Object.values(counts).reduce((a, b) => a + b, 0)} requests; by status: ${byStatus}`);
  t.deepEqual(problems, []);
});
