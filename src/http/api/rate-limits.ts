// Rate limits as hooks: per client IP on every API route, stricter per IP on sign-in and sign-up,
// per user on signed-in routes. The counters live in the @fastify/rate-limit store: Redis when
// REDIS_URL is set (shared by every API process), in memory otherwise. A store outage lets requests
// through (skipOnError) rather than taking the API down; account lockout still bounds guessing.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../services/app-error.ts';

export const RATE_WINDOW_MS = 60_000;

export function limiter(
  app: FastifyInstance,
  max: number,
  key: (req: FastifyRequest) => string | null,
): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const check = app.createRateLimit({
    max,
    timeWindow: RATE_WINDOW_MS,
    keyGenerator: (req) => key(req) ?? 'none',
    skipOnError: true,
  });
  return async (req, reply) => {
    if (key(req) === null) return;
    const result = await check(req);
    if (result.isAllowed) return;
    reply.header('x-ratelimit-limit', String(result.max));
    reply.header('x-ratelimit-remaining', String(result.remaining));
    reply.header('x-ratelimit-reset', String(result.ttlInSeconds));
    if (result.isExceeded) {
      throw new AppError('rate_limited', 'too many requests; slow down', result.ttlInSeconds);
    }
  };
}
