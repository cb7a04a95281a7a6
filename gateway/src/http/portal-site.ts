/**
 * Serves the portal's built pages (portal/dist/site, made by `vite build`) at `/`: hashed assets as
 * immutable, index.html never cached (it names the current assets), and every deep link of the portal
 * (/verify/…, /provenance/…, /audit/…, /offline) answered with index.html, whose script routes it.
 * Runs after the API's router, so it only sees what no API route took.
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

/** The portal's pages: every path a person may open or bookmark. */
const DEEP_LINK = /^\/(?:$|verify\/(?:licence|sealed-document)(?:\/[^/]+)?$|provenance(?:\/[^/]+)?$|audit(?:\/[^/]+\/[^/]+)?$|offline$)/;
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

export function portalSite(root: string): Koa.Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.body !== undefined || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return;
    let path: string;
    try {
      path = decodeURIComponent(ctx.path);
    } catch {
      return;
    }
    if (ASSET.test(path)) {
      const bytes = await fileOf(root, path);
      if (!bytes) return;
      ctx.status = 200;
      ctx.type = TYPES[extname(path)] ?? 'application/octet-stream';
      // Vite names each asset by its content's hash: the name changes whenever the content does.
      ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
      ctx.body = bytes;
      return;
    }
    if (DEEP_LINK.test(path)) {
      const page = await fileOf(root, 'index.html');
      if (!page) return;
      ctx.status = 200;
      ctx.type = TYPES['.html']!;
      ctx.set('Cache-Control', 'no-cache');
      ctx.set('Content-Security-Policy', "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob: mediastream:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
      ctx.body = page;
    }
  };
}
