// Serves the web dashboard (the Vite build in web/dist) from the API process, next to /api/v1.
//   /assets/*        hashed build output: cached for a year, immutable (a new build has new names)
//   /<file.ext>      other files at the root of the build (favicon...): revalidated every time
//   /<client route>  any other GET path without an extension: index.html (the app's router takes
//                    over), never cached so a new build is picked up on the next load
//   /api/...         never HTML: an unknown API path is the API's JSON 404, whatever the method
//   /metrics, /health, /ready, /docs  operator paths, never HTML: when one is switched off (say
//                    METRICS_ENABLED=false) a scraper or probe gets the JSON 404, not the dashboard
// Security headers (the CSP included) come from Helmet, registered by the API for every response.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { routeNotFound } from './not-found.ts';

export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
export const REVALIDATE_CACHE = 'no-cache';

/** True when `dir` holds a build to serve (its index.html exists). */
export function hasWebBuild(dir: string | null | undefined): dir is string {
  return typeof dir === 'string' && dir !== '' && existsSync(join(dir, 'index.html'));
}

const NEVER_HTML = ['/api', '/metrics', '/health', '/ready', '/docs'];
const isApiPath = (path: string) => NEVER_HTML.some((p) => path === p || path.startsWith(`${p}/`));
// A last segment with a dot (`/favicon.svg`, `/assets/x.js`) names a file; client routes have none.
const looksLikeFile = (path: string) => /\.[A-Za-z0-9]+$/.test(path.slice(path.lastIndexOf('/') + 1));

/**
 * Registers the dashboard's routes when `distDir` holds a build; returns whether it did. Without a
 * build only the JSON 404 applies (the API works without the web app).
 */
export async function registerWebApp(
  app: FastifyInstance,
  distDir: string | null | undefined,
): Promise<boolean> {
  if (!hasWebBuild(distDir)) return false;
  // serve:false: only reply.sendFile is used, from the two routes below, so every path's behaviour
  // is decided here (a missing file is a 404 through the not-found handler, never index.html).
  await app.register(fastifyStatic, {
    root: distDir,
    serve: false,
    index: false,
    dotfiles: 'ignore',
    etag: true,
    lastModified: true,
  });

  app.get('/assets/*', { schema: { hide: true } }, (req, reply) => {
    const rest = (req.params as { '*': string })['*'];
    if (/(^|\/)\.|%2e|%2f|%5c|\\/i.test(rest)) return routeNotFound(req, reply);
    reply.header('cache-control', IMMUTABLE_CACHE);
    return reply.sendFile(`assets/${rest}`, { cacheControl: false });
  });

  app.get('/*', { schema: { hide: true } }, (req, reply) => {
    const path = req.url.split('?')[0]!;
    // Dot segments (`..`, `.env`) are never files of the build: 404 before the file system is asked.
    if (isApiPath(path) || /(^|\/)\.|%2e|%2f|%5c|\\/i.test(path)) return routeNotFound(req, reply);
    if (looksLikeFile(path)) {
      reply.header('cache-control', REVALIDATE_CACHE);
      return reply.sendFile(path.slice(1), { cacheControl: false });
    }
    reply.header('cache-control', REVALIDATE_CACHE).type('text/html; charset=utf-8');
    return reply.sendFile('index.html', { cacheControl: false });
  });
  return true;
}
