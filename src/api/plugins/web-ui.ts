import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** The built UI: `web/dist` at the package root (the same place from `src/` and `dist/`). */
export const webDistDir = fileURLToPath(new URL('../../../web/dist', import.meta.url));

const csp =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";

/** True when `dir` holds a built UI (its `index.html`). Check once, at startup. */
export function isUiBuilt(dir: string): boolean {
  return existsSync(`${dir}/index.html`);
}

/**
 * Serves the web UI in `dir` at `/` (`built` from {@link isUiBuilt}; without a build, `/` says how
 * to build it). Hashed assets are cached for a year; `index.html` is never cached. Unknown UI paths
 * (client-side routes) get index.html from `sendUiPage` in the not-found handler.
 */
export const webUiPlugin = fp(async (app: FastifyInstance, opts: { dir: string; built: boolean }) => {
  const root = opts.dir;
  if (!opts.built) {
    app.get('/', { schema: { hide: true } }, async (_req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><title>Lathe</title><p>The web UI is not built. Run <code>npm run build:web</code>, then reload.</p>',
        ),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: true,
    index: ['index.html'],
    schemaHide: true,
    cacheControl: false, // set below: assets immutable, index.html never cached
    setHeaders(res, path) {
      res.setHeader('x-content-type-options', 'nosniff');
      if (path.endsWith('index.html')) {
        res.setHeader('cache-control', 'no-cache');
        res.setHeader('content-security-policy', csp);
        res.setHeader('x-frame-options', 'DENY');
      } else if (path.includes('/assets/'))
        res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    },
  });
});

/** True when an unmatched request is a browser asking for a client-side route of the UI. */
export function wantsUiPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0]!;
  if (/^\/(ajax-)?api(\/|$)/.test(path) || /\.[a-z0-9]+$/i.test(path)) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

/**
 * Answers with the built UI's index.html; only for a `dir` that {@link webUiPlugin} serves as built.
 * The plugin's `setHeaders` gives it the same headers as `/` (never cached, content security policy).
 */
export function sendUiPage(reply: FastifyReply, dir: string): FastifyReply {
  return reply.sendFile('index.html', dir);
}
