/**
 * Serves the portal's built pages (portal/dist/site, made by `vite build`) at `/`: hashed assets as
 * immutable, index.html never cached (it names the current assets), and every deep link of the portal
 * (/verify/…, /provenance/…, /audit/…, /offline) answered with index.html, whose script routes it.
 * Runs after the API's router, so it only sees what no API route took. A page or asset asked for with
 * another method than GET or HEAD exists all the same: 405 with Allow (RFC 9110 §15.5.6), not 404.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type Koa from 'koa';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** The portal's pages: every path a person may open or bookmark (an audit kind without its id too). */
const DEEP_LINK = /^\/(?:$|verify\/(?:licence|sealed-document)(?:\/[^/]+)?$|provenance(?:\/[^/]+)?$|audit(?:\/[^/]+){0,2}$|offline$)/;
/** File names Vite writes: no dot segments, no encoded separators. */
const ASSET = /^\/assets\/[A-Za-z0-9_.-]+$/;

async function fileOf(root: string, path: string): Promise<Buffer | undefined> {
  const full = resolve(join(root, path));
  if (!full.startsWith(resolve(root) + sep)) return undefined;
  try {
    if (!(await stat(full)).isFile()) return undefined;
    return await readFile(full);
  } catch {
    return undefined;
  }
}

/** What the portal serves at `path`: its bytes, media type and headers; undefined when nothing. */
async function served(root: string, path: string): Promise<{ bytes: Buffer; type: string; headers: Record<string, string> } | undefined> {
  if (ASSET.test(path)) {
    const bytes = await fileOf(root, path);
    // Vite names each asset by its content's hash: the name changes whenever the content does.
    return bytes && { bytes, type: TYPES[extname(path)] ?? 'application/octet-stream', headers: { 'Cache-Control': 'public, max-age=31536000, immutable' } };
  }
  if (!DEEP_LINK.test(path)) return undefined;
  const page = await fileOf(root, 'index.html');
  return (
    page && {
      bytes: page,
      type: TYPES['.html']!,
      headers: {
        'Cache-Control': 'no-cache',
        'Content-Security-Policy': "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob: mediastream:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
      },
    }
  );
}

export function portalSite(root: string): Koa.Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.body !== undefined) return;
    let path: string;
    try {
      path = decodeURIComponent(ctx.path);
    } catch {
      return;
    }
    // A page's path with a slash after it (typed, or a link cut after the id) goes to the page.
    const bare = path.replace(/\/+$/, '');
    if ((ctx.method === 'GET' || ctx.method === 'HEAD') && bare !== path && bare !== '' && DEEP_LINK.test(bare)) {
      ctx.status = 301;
      ctx.redirect(ctx.path.replace(/\/+$/, '') + ctx.search);
      return;
    }
    const file = await served(root, path);
    if (!file) return;
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      // As the router answers for its routes: OPTIONS lists the methods, any other is a 405 (the error middleware gives its body).
      ctx.set('Allow', 'GET, HEAD');
      ctx.status = ctx.method === 'OPTIONS' ? 200 : 405;
      if (ctx.method === 'OPTIONS') ctx.body = '';
      return;
    }
    ctx.status = 200;
    ctx.type = file.type;
    for (const [name, value] of Object.entries(file.headers)) ctx.set(name, value);
    ctx.body = file.bytes;
  };
}
