/** Requests to a henan-chain gateway's HTTP API v1, for the commands that anchor and check against one. */
import { InvalidArgumentError } from 'commander';
import { GatewayRefused, UsageError } from './outcomes';

/**
 * Parses a --gateway value: an http(s) URL, returned without its trailing slash so that API paths
 * append to it. A path is kept, for a gateway served under a prefix behind a proxy.
 */
export function gatewayUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be an http:// or https:// URL, e.g. http://127.0.0.1:8080');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`must be an http:// or https:// URL, not ${url.protocol}`);
  // API paths are appended to the URL: after a query or a fragment they would land in it.
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) {
    throw new InvalidArgumentError('must be the gateway\u2019s base URL, without a query (?) or a fragment (#)');
  }
  return url.href.replace(/\/$/, '');
}

export interface GatewayRequest {
  token?: string;
  json?: unknown;
  /** A multipart upload (fetch sets its content type and boundary). */
  form?: FormData;
}

/**
 * Sends one request and returns the parsed JSON answer. An API error becomes GatewayRefused; a
 * gateway that cannot be reached, or that answers something other than JSON, is a UsageError: the
 * URL is what to check then.
 */
export async function callGateway<T>(gateway: string, method: 'GET' | 'POST', path: string, { token, json, form }: GatewayRequest = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) headers['content-type'] = 'application/json';
  let status: number;
  let text: string;
  try {
    const response = await fetch(gateway + path, { method, headers, body: json === undefined ? form : JSON.stringify(json) });
    status = response.status;
    text = await response.text();
  } catch (err) {
    // fetch says only "fetch failed"; what failed (ECONNREFUSED, ENOTFOUND...) is in its cause.
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw new UsageError(`cannot reach the gateway at ${gateway}: ${cause}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UsageError(`${method} ${gateway}${path} answered HTTP ${status} without JSON: is ${gateway} a henan-chain gateway?`);
  }
  if (status >= 400) {
    const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    throw new GatewayRefused(status, String(error?.code ?? 'UNKNOWN'), String(error?.message ?? text));
  }
  return body as T;
}

/**
 * A refusal from a gateway consulted only to check something: the check did not run, so it is a
 * UsageError (exit 2), never the exit 1 of a verdict. `failed` says what did not happen.
 */
export function checkNotRun(err: GatewayRefused, failed: string): UsageError {
  return new UsageError(`${failed}: ${err.code} (HTTP ${err.status}): ${err.message}`);
}

/** callGateway for a check, its refusals made UsageErrors by checkNotRun. */
export async function consultGateway<T>(failed: string, gateway: string, method: 'GET' | 'POST', path: string, request: GatewayRequest = {}): Promise<T> {
  try {
    return await callGateway<T>(gateway, method, path, request);
  } catch (err) {
    if (err instanceof GatewayRefused) throw checkNotRun(err, failed);
    throw err;
  }
}
