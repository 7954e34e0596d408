// The platform API under /api/v1: security headers, CORS allow-list, body-size limit, rate limits,
// zod request/response schemas, the OpenAPI document (/api/v1/openapi.json) and its browsable page
// (/docs), the one error body, and the routes. Routes stay thin: each calls one use case in
// src/services.
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { UserEventHub } from '../../events/hub.ts';
import { AppError } from '../../services/app-error.ts';
import { authenticate } from '../../services/authenticate.ts';
import type { PortfolioView } from '../../services/get-portfolio.ts';
import { UserViewCache, type UserViewCacheOptions } from '../../services/user-view-cache.ts';
import type { ApiDeps } from './api-deps.ts';
import { contentSecurityPolicy } from '../content-security-policy.ts';
import { routeNotFound } from '../not-found.ts';
import { registerWebApp } from '../web-app.ts';
import { apiErrorHandler } from './error-handler.ts';
import { completeDocument } from './openapi-completeness.ts';
import { limiter } from './rate-limits.ts';
import { bearerToken } from './request-auth.ts';
import { accountSecurityRoutes } from './routes/account-security-routes.ts';
import { adminRoutes } from './routes/admin-routes.ts';
import { jobRoutes } from './routes/job-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { backtestRoutes } from './routes/backtest-routes.ts';
import { configRoutes } from './routes/config-routes.ts';
import { controlRoutes } from './routes/control-routes.ts';
import { credentialRoutes } from './routes/credential-routes.ts';
import { dashboardRoutes } from './routes/dashboard-routes.ts';
import { discoveryRoutes } from './routes/discovery-routes.ts';
import { eventRoutes, type EventStreamSettings } from './routes/event-routes.ts';
import { followRoutes } from './routes/follow-routes.ts';
import { identityRoutes } from './routes/identity-routes.ts';
import { leaderFillRoutes } from './routes/leader-fill-routes.ts';
import { leaderboardRoutes } from './routes/leaderboard-routes.ts';
import { presetRoutes } from './routes/preset-routes.ts';
import { readRoutes } from './routes/read-routes.ts';
import { sessionRoutes } from './routes/session-routes.ts';
import { telegramRoutes } from './routes/telegram-routes.ts';
import { traderSeriesRoutes } from './routes/trader-series-routes.ts';

export const API_PREFIX = '/api/v1';

/** Optional parts: the live-event stream exists when the process runs a UserEventHub. */
export interface ApiExtras {
  events?: EventStreamSettings & { hub: UserEventHub };
  /** The per-user read cache's TTL and clock (tests freeze the clock to see only invalidations). */
  viewCache?: UserViewCacheOptions;
}

interface ReadViewCaches {
  readonly portfolio: UserViewCache<PortfolioView>;
}

/** The app decorator under which the composition root hands the API its UserEventHub. */
export const USER_EVENT_HUB = 'userEventHub';

function extrasFromApp(app: FastifyInstance): ApiExtras {
  if (!app.hasDecorator(USER_EVENT_HUB)) return {};
  return { events: { hub: (app as unknown as Record<string, UserEventHub>)[USER_EVENT_HUB]! } };
}

export async function registerApi(
  app: FastifyInstance,
  deps: ApiDeps,
  extras: ApiExtras = extrasFromApp(app),
): Promise<void> {
  await registerSecurityPlugins(app, deps);
  await registerOpenApi(app);
  const views = readViewCaches(extras);
  await app.register(
    async (api) => {
      api.setValidatorCompiler(validatorCompiler);
      api.setSerializerCompiler(serializerCompiler);
      api.setErrorHandler(apiErrorHandler);
      api.setNotFoundHandler(routeNotFound);
      api.decorateRequest('auth', null);
      api.addHook('onRoute', (route) => {
        route.bodyLimit ??= deps.settings.bodyLimitBytes;
      });
      api.addHook(
        'onRequest',
        limiter(api, deps.settings.rateLimit.perIp, (req) => `ip:${req.ip}`),
      );
      if (views) {
        // Before the answer leaves: the writer's next read cannot overtake the invalidation.
        api.addHook('onSend', async (req, _reply, payload) => {
          invalidateAfterWrite(views, req);
          return payload;
        });
        api.addHook('onClose', async () => views.portfolio.close());
      }
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
      await registerPublicRoutes(api, deps, extras);
      await api.register(signedInRoutes(deps, views));
    },
    { prefix: API_PREFIX },
  );
  // The dashboard at / (after the API, so Helmet's headers and the /api routes come first).
  await registerWebApp(app, deps.settings.webDistDir);
}

/** Security headers, CORS allow-list, the refresh cookie's parser, the rate limiter's store. */
async function registerSecurityPlugins(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: contentSecurityPolicy({
        telegramLogin: deps.settings.telegramBotToken !== undefined,
        https: deps.settings.publicUrl.startsWith('https:'),
      }),
    },
    referrerPolicy: { policy: 'no-referrer' },
    // The pages are never framed (clickjacking): the CSP's frame-ancestors 'none' for new browsers.
    frameguard: { action: 'deny' },
  });
  // Parses the one cookie the API reads (the refresh token, on /auth/refresh and /auth/logout).
  await app.register(cookie);
  await app.register(cors, {
    // Only listed browser origins; requests without an Origin header (curl, servers) are not CORS.
    origin: (origin, cb) => cb(null, origin !== undefined && deps.settings.corsOrigins.includes(origin)),
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'x-totp', 'x-requested-with'],
    // The refresh cookie, for an allowed origin (a dev server on another port); none for the rest.
    credentials: true,
    exposedHeaders: ['retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
    maxAge: 600,
  });
  await app.register(rateLimit, {
    global: false,
    ...(deps.redis ? { redis: deps.redis, nameSpace: 'polycopy:rate-limit:' } : {}),
  });
}

async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'polycopy API',
        version: '1.0.0',
        description:
          'Copy-trading platform for Polymarket. Every error answers {"error": {"code", "message"}}. ' +
          'Money and percentages are decimal strings. See docs/api.md.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => completeDocument(jsonSchemaTransformObject(input)),
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}

/**
 * The signed-in reads cached per user (src/services/user-view-cache.ts). Only with an event hub:
 * without one nothing would tell this process that a copy changed a portfolio.
 */
function readViewCaches(extras: ApiExtras): ReadViewCaches | undefined {
  if (!extras.events) return undefined;
  return { portfolio: new UserViewCache<PortfolioView>(extras.events.hub, extras.viewCache) };
}

/** A write through this process shows at once: the writer's cached views go when it answers. */
function invalidateAfterWrite(views: ReadViewCaches, req: FastifyRequest): void {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' || !req.auth) return;
  // An admin's write may change anyone's figures (tier, kill switch, settled rows).
  if (req.auth.role === 'admin') views.portfolio.clear();
  else views.portfolio.invalidate(req.auth.userId);
}

/** Sign-up and sign-in (a tighter per-IP budget), public reads, the live-event stream. */
async function registerPublicRoutes(api: FastifyInstance, deps: ApiDeps, extras: ApiExtras): Promise<void> {
  // Sign-up, sign-in and token routes: a tighter per-IP budget against guessing.
  await api.register(async (pub) => {
    pub.addHook(
      'onRequest',
      limiter(pub, deps.settings.rateLimit.authPerIp, (req) => `auth:${req.ip}`),
    );
    await pub.register(authRoutes(deps));
    await pub.register(identityRoutes(deps));
  });

  // Public reads (per-IP budget only).
  await api.register(leaderboardRoutes(deps));
  await api.register(discoveryRoutes(deps));
  await api.register(traderSeriesRoutes(deps));
  await api.register(leaderFillRoutes(deps));
  await api.register(configRoutes(deps));

  // Live events: authenticated inside (a bearer token, or a one-time ticket for EventSource).
  if (extras.events) await api.register(eventRoutes(deps, extras.events.hub, extras.events));
}

/** Everything else needs a signed-in user; the admin routes an admin. */
function signedInRoutes(deps: ApiDeps, views: ReadViewCaches | undefined) {
  return async (priv: FastifyInstance) => {
    priv.addHook('onRequest', async (req: FastifyRequest) => {
      const token = bearerToken(req);
      if (!token) throw new AppError('unauthenticated', 'send Authorization: Bearer <access token>');
      req.auth = await authenticate(deps, token);
    });
    priv.addHook(
      'onRequest',
      limiter(priv, deps.settings.rateLimit.perUser, (req) => (req.auth ? `user:${req.auth.userId}` : null)),
    );
    await priv.register(sessionRoutes(deps));
    await priv.register(accountSecurityRoutes(deps));
    await priv.register(credentialRoutes(deps));
    await priv.register(followRoutes(deps));
    await priv.register(presetRoutes(deps));
    await priv.register(backtestRoutes(deps));
    await priv.register(readRoutes(deps, views?.portfolio));
    await priv.register(dashboardRoutes(deps));
    await priv.register(controlRoutes(deps));
    await priv.register(telegramRoutes(deps));
    await priv.register(async (admin) => {
      admin.addHook('onRequest', async (req: FastifyRequest, _reply: FastifyReply) => {
        if (req.auth?.role !== 'admin') throw new AppError('forbidden', 'admins only');
      });
      await admin.register(adminRoutes(deps));
      await admin.register(jobRoutes(deps));
    });
  };
}
