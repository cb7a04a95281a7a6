/** A small HTTP client for the gateway's own API: the demo seed, the CLI and the tests speak through it. */
export interface ApiCall {
  method: 'GET' | 'POST';
  path: string;
  token?: string;
  json?: unknown;
  form?: FormData;
}

export interface ApiReply {
  status: number;
  contentType: string;
  body: any;
  text: string;
}

export type ApiClient = (call: ApiCall) => Promise<ApiReply>;

export function httpClient(baseUrl: string): ApiClient {
  return async ({ method, path, token, json, form }) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | FormData | undefined;
    if (json !== undefined) {
      body = JSON.stringify(json);
      headers['content-type'] = 'application/json';
    } else if (form) {
      body = form;
    }
    const res = await fetch(baseUrl + path, { method, headers, body });
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    let parsed: unknown;
    if (contentType.includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, contentType, body: parsed, text };
  };
}

/** Fails with the server's own error text unless the reply has the expected status. */
export function expectStatus(reply: ApiReply, status: number, what: string): any {
  if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status} ${reply.text}`);
  return reply.body;
}
