/** Calls to the gateway that serves this page (same origin); errors carry the API's Chinese message. */
import { chinese, english, lang } from './i18n';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly english: string,
    readonly chinese: string,
  ) {
    super(english);
  }
  /** What the page shows: the API's messageZh in Chinese, its message in English. */
  shown(): string {
    return lang() === 'zh' ? `${this.chinese}（${this.code}）` : `${this.english} (${this.code})`;
  }
}

/**
 * What the page says for an answer without the API's JSON (a proxy's HTML page, a cut-off body): by
 * its status, never the proxy's English words.
 */
function plainFailure(status: number): ApiFailure {
  const key = status === 429 ? 'error.tooMany' : status === 502 || status === 503 || status === 504 ? 'error.unavailable' : 'error.unrecognised';
  return new ApiFailure(status, `HTTP_${status}`, english(key), chinese(key));
}

/** A 200 answer without what the API always sends in it. */
export const malformed = () => plainFailure(200);

export async function api<T = any>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiFailure(0, 'NETWORK', english('error.network'), chinese('error.network'));
  }
  let body: unknown;
  try {
    body = res.headers.get('content-type')?.includes('json') ? JSON.parse(await res.text()) : undefined;
  } catch {
    // a broken body: as if there were none
  }
  const answer = typeof body === 'object' && body !== null ? (body as Record<string, any>) : undefined;
  if (!res.ok) {
    const error = answer?.error;
    if (typeof error?.code !== 'string' || typeof error.message !== 'string') throw plainFailure(res.status);
    throw new ApiFailure(res.status, error.code, error.message, typeof error.messageZh === 'string' ? error.messageZh : error.message);
  }
  if (!answer) throw plainFailure(res.status);
  return answer as T;
}

export const postJson = <T = any>(path: string, body: unknown) =>
  api<T>(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
