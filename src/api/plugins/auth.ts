import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  type AuthService,
  allows,
  canPredict,
  localPrincipal,
  type Principal,
  type RoutePermission,
} from '../../auth/index.js';
import { LatheError } from '../../core/index.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route requires. Every route under /api/ must declare it; startup fails otherwise. */
    permission?: RoutePermission;
  }
  interface FastifyRequest {
    /** The caller; set by the auth hook before any handler runs. */
    principal: Principal | null;
  }
}

/** Routes that are public without declaring it: the UI's static files, probes, metrics and API docs.
 * Everything under /api/ and /ajax-api/ must declare its permission. */
const publicByDefault = (url: string) =>
  (!url.startsWith('/api/') && !url.startsWith('/ajax-api/')) ||
  url.startsWith('/api/docs') ||
  url === '/api/openapi.json';

export interface AuthPluginOptions {
  enabled: boolean;
  auth: AuthService;
}

/**
 * Authenticates every request from `Authorization: Bearer <token>` and enforces each route's
 * declared permission. With auth off, every request acts as the local admin.
 */
export const authPlugin = fp(async (app: FastifyInstance, opts: AuthPluginOptions) => {
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    route.config ??= {};
    const config = route.config as { permission?: RoutePermission };
    if (config.permission) return;
    if (!publicByDefault(route.url)) {
      throw new Error(`route ${route.method} ${route.url} declares no permission (config.permission)`);
    }
    config.permission = 'public';
  });
  // Callback-style (an async hook costs a promise per request); only a token lookup awaits.
  app.addHook('onRequest', (request, _reply, done) => {
    const required = request.routeOptions.config?.permission;
    if (!required) return done(); // unmatched route: the not-found handler answers
    if (!opts.enabled) {
      request.principal = localPrincipal;
      return done();
    }
    let secret: string | null;
    try {
      secret = bearer(request);
    } catch (err) {
      return done(err as Error);
    }
    if (secret === null) {
      if (required === 'public') return done();
      return done(
        new LatheError(
          'UNAUTHENTICATED',
          'this route needs an API token: send "Authorization: Bearer <token>"',
        ),
      );
    }
    opts.auth.authenticate(secret).then((principal) => {
      request.principal = principal;
      if (!allows(principal, required)) {
        return done(
          new LatheError(
            'PERMISSION_DENIED',
            `this route needs the ${required} permission; your token has ${principal.permissions.join(', ') || 'none'}`,
            { required, granted: [...principal.permissions] },
          ),
        );
      }
      // `predict` routes name their endpoint: a token scoped `predict:NAME` may call that one only.
      const endpoint = (request.params as { name?: unknown } | undefined)?.name;
      if (required === 'predict' && typeof endpoint === 'string' && !canPredict(principal, endpoint))
        return done(
          new LatheError(
            'PERMISSION_DENIED',
            `this token may call ${(principal.endpoints ?? []).join(', ')} only, not endpoint ${endpoint}`,
            { endpoint },
          ),
        );
      done();
    }, done);
  });
});

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw new LatheError('UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"');
  return m[1]!;
}

/** The caller of a route that requires a permission (never null there). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new LatheError('UNAUTHENTICATED', 'this route needs an API token');
  return request.principal;
}
