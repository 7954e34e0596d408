// GET /metrics (Prometheus text format) and the hook timing every HTTP request. Registered on the
// root app before the API so the hook covers every route (docs/api.md, "Metrics").
//
// Unauthenticated by default, like /health and /ready: the figures are platform-wide aggregates
// (no user ids, no secrets, route templates rather than URLs). With `token` set, a scrape must send
// `Authorization: Bearer <token>` (401 otherwise); with `enabled: false` the route does not exist.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { METRICS_CONTENT_TYPE, type PlatformMetrics } from '../../../observability/metrics.ts';
import { errorBody } from '../error-handler.ts';

export interface MetricsEndpointOptions {
  enabled?: boolean;
  token?: string | null;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function registerMetricsEndpoint(
  app: FastifyInstance,
  metrics: PlatformMetrics,
  opts: MetricsEndpointOptions = {},
): void {
  if (opts.enabled === false) return;
  app.addHook('onResponse', async (req, reply) => {
    metrics.httpDuration.observe(
      {
        method: req.method,
        route: req.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  const expected = opts.token ? digest(opts.token) : null;
  app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
    if (expected) {
      const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      if (!m || !timingSafeEqual(digest(m[1]!), expected))
        return reply
          .code(401)
          .send(errorBody('unauthenticated', 'send Authorization: Bearer <metrics token>'));
    }
    return reply
      .header('content-type', METRICS_CONTENT_TYPE)
      .header('cache-control', 'no-store')
      .send(await metrics.render());
  });
}
