/** Calls to the gateway that serves this page (same origin); errors carry the API's Chinese message. */
import { lang, t } from './i18n';

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

export async function api<T = any>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiFailure(0, 'NETWORK', 'The gateway cannot be reached', t('error.network'));
  }
  const text = await res.text();
  if (!res.ok) {
    let error: { code?: string; message?: string; messageZh?: string } = {};
    try {
      error = JSON.parse(text).error ?? {};
    } catch {
      // not the API's error body
    }
    throw new ApiFailure(res.status, error.code ?? `HTTP_${res.status}`, error.message ?? res.statusText, error.messageZh ?? error.message ?? res.statusText);
  }
  return (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T;
}

export const postJson = <T = any>(path: string, body: unknown) =>
  api<T>(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
