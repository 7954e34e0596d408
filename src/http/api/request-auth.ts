// The signed-in caller on the request: set by the authenticate hook of protected routes.
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../services/app-error.ts';
import type { AuthContext } from '../../services/authenticate.ts';
import type { RequestMeta } from '../../services/auth-deps.ts';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

export function requireAuth(req: FastifyRequest): AuthContext {
  if (!req.auth) throw new AppError('unauthenticated', 'sign in first');
  return req.auth;
}

export function requestMeta(req: FastifyRequest): RequestMeta {
  const ua = req.headers['user-agent'];
  return { ip: req.ip ?? null, userAgent: typeof ua === 'string' ? ua : null };
}

export function bearerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(h.trim());
  return m ? m[1]! : null;
}
