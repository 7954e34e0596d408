// The HTTP server shell. The API (/api/v1, /docs) is registered on it through `register`; this file
// owns the liveness and readiness endpoints every role exposes.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../observability/logger.ts';
import { routeNotFound } from './not-found.ts';

export interface ReadinessCheck {
  name: string;
  /** Resolves when healthy, optionally with details to show; throws (with a safe message) when not. */
  check(): Promise<void | Record<string, unknown>>;
  /**
   * A dependency the process can work without (Redis: rate limits and caches fall back): when it
   * fails /ready still answers 200, with status `degraded` and the check's error, so a load
   * balancer does not take every API process out of rotation for it.
   */
  optional?: boolean;
}

export interface HttpAppOptions {
  logger: Logger;
  checks: ReadinessCheck[];
  /** How long one readiness check may take before it counts as failed. */
  checkTimeoutMs?: number;
  /** Trust X-Forwarded-For (behind a reverse proxy), so per-IP limits see the client. */
  trustProxy?: boolean;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}

export function buildHttpApp(opts: HttpAppOptions): FastifyInstance {
  // Typed with Fastify's base logger so plugins (the API) register on it without logger generics.
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: 1_048_576,
    trustProxy: opts.trustProxy ?? false,
    // URLs the router refuses before any route runs (a path parameter over 100 characters, broken
    // percent-encoding): the API's one error body, and never the URL echoed back.
    frameworkErrors: (err, _req, reply) => {
      const r = reply as unknown as { code(n: number): { send(body: unknown): unknown } };
      void r
        .code(err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400)
        .send({ error: { code: 'bad_request', message: 'the request URL is malformed or too long' } });
    },
  }) as unknown as FastifyInstance;
  // Paths no route serves (outside the API's own prefix too: /api/v2/..., a POST to a page) answer
  // the API's JSON 404, never Fastify's default body.
  app.setNotFoundHandler(routeNotFound);
  const startedAt = Date.now();
  let shuttingDown = false;
  app.addHook('onClose', async () => {
    shuttingDown = true;
  });

  // Liveness: the process is up and its event loop answers. Never touches dependencies, so a
  // database outage does not get healthy processes restarted.
  app.get('/health', async () => ({
    status: 'ok',
    uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
  }));

  // Readiness: every required dependency answers. 503 while one does not, or while shutting down;
  // 200 `degraded` while only an optional one (Redis) does not.
  app.get('/ready', async (_req, reply) => {
    const timeout = opts.checkTimeoutMs ?? 2000;
    const results = await Promise.all(
      opts.checks.map(async (c) => {
        try {
          const details = await withTimeout(c.check(), timeout);
          return [c.name, details ? { ok: true, details } : { ok: true }] as const;
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          return [c.name, { ok: false, error, ...(c.optional ? { optional: true } : {}) }] as const;
        }
      }),
    );
    const failed = results.filter(([, r]) => !r.ok);
    const ready = !shuttingDown && failed.every(([, r]) => 'optional' in r);
    const status = !ready ? 'not_ready' : failed.length > 0 ? 'degraded' : 'ready';
    return reply.code(ready ? 200 : 503).send({ status, checks: Object.fromEntries(results) });
  });
  return app;
}
