// Browser sessions (docs/security.md "In the browser"). The refresh token travels in an httpOnly,
// SameSite=Strict cookie scoped to /api/v1/auth, so page scripts never see it; the access token is
// returned in the body for the app to keep in memory. The cookie is the only ambient credential the
// API accepts, and only on POST /auth/refresh and POST /auth/logout: those refuse a cookie-borne
// request without the app's marker header (a cross-site page cannot send a custom header without a
// CORS preflight, which the allow-list refuses) or from a foreign Origin.
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../services/app-error.ts';
import type { TokenPair } from '../../services/issue-session.ts';
import type { ApiSettings } from './api-deps.ts';

export const REFRESH_COOKIE = 'polycopy_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/auth';
/** The header every request of the web app carries (X-Requested-With: polycopy-web). */
export const BROWSER_HEADER = 'x-requested-with';
export const BROWSER_HEADER_VALUE = 'polycopy-web';

type CookieSettings = Pick<ApiSettings, 'publicUrl' | 'corsOrigins'>;

/** The request comes from the web app (it sent the marker header). */
export function isBrowserRequest(req: FastifyRequest): boolean {
  return req.headers[BROWSER_HEADER] === BROWSER_HEADER_VALUE;
}

const secure = (req: FastifyRequest, settings: CookieSettings) =>
  settings.publicUrl.startsWith('https:') || req.protocol === 'https';

export function setRefreshCookie(
  req: FastifyRequest,
  reply: FastifyReply,
  pair: TokenPair,
  settings: CookieSettings,
  now: Date,
): void {
  const maxAge = Math.max(0, Math.floor((Date.parse(pair.refreshTokenExpiresAt) - now.getTime()) / 1000));
  reply.setCookie(REFRESH_COOKIE, pair.refreshToken, {
    path: REFRESH_COOKIE_PATH,
    httpOnly: true,
    sameSite: 'strict',
    secure: secure(req, settings),
    maxAge,
  });
}

export function clearRefreshCookie(req: FastifyRequest, reply: FastifyReply, settings: CookieSettings): void {
  reply.clearCookie(REFRESH_COOKIE, {
    path: REFRESH_COOKIE_PATH,
    httpOnly: true,
    sameSite: 'strict',
    secure: secure(req, settings),
  });
}

/** The refresh token in the request's cookie, if any. */
export function refreshCookie(req: FastifyRequest): string | null {
  const v = req.cookies?.[REFRESH_COOKIE];
  return typeof v === 'string' && v !== '' ? v : null;
}

/**
 * A request authenticated by the cookie must come from the app: the marker header, and an Origin
 * (when the browser sent one) that is this platform's or an allowed one. Else 403, nothing done.
 */
export function assertCookieRequestAllowed(req: FastifyRequest, settings: CookieSettings): void {
  if (!isBrowserRequest(req))
    throw new AppError(
      'csrf_failed',
      `a request using the session cookie must send X-Requested-With: ${BROWSER_HEADER_VALUE}`,
    );
  const origin = req.headers.origin;
  if (origin === undefined) return;
  const own = new URL(settings.publicUrl).origin;
  if (origin !== own && !settings.corsOrigins.includes(origin))
    throw new AppError('csrf_failed', 'this origin may not use the session cookie');
}

/**
 * Answers a new session or refreshed pair: the refresh token goes into the cookie, and into the body
 * too unless the web app asked (it must not be readable by page scripts).
 */
export function tokenPairBody(
  req: FastifyRequest,
  reply: FastifyReply,
  pair: TokenPair,
  settings: CookieSettings,
  now: Date,
): Omit<TokenPair, 'refreshToken'> & { refreshToken?: string } {
  setRefreshCookie(req, reply, pair, settings, now);
  if (!isBrowserRequest(req)) return pair;
  const { refreshToken: _omitted, ...rest } = pair;
  return rest;
}
