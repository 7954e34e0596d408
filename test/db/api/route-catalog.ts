// THE CLASSIFICATION OF EVERY ROUTE. The authorization matrix (authorization-matrix.test.ts), the
// fuzzer (fuzz.test.ts) and the secrets sweep (secrets.test.ts) all read this table, and the matrix
// enumerates the routes the app actually registered (an onRoute hook in api-harness.ts): a route
// missing here fails the matrix, and so does an entry here for a route that no longer exists.
//
// Adding a route: add one entry, keyed "METHOD /url" with Fastify's `:param` syntax, saying
//   access   'public' (no token), 'user' (a signed-in user) or 'admin' (role admin);
//   stepUp   true when the route needs a fresh TOTP code in x-totp for a caller with 2FA on;
//   owned    true when the URL names a resource of the caller (:id): another user's id must read
//            as 404, exactly like an id that does not exist;
//   list     true when it lists the caller's own rows: another user's rows must never appear;
//   stream   true for server-sent event streams (checked over real HTTP);
//   sample   a request that passes validation, made by actor `a` on their own resources. The
//            matrix sends it as an authorized caller (must not be refused 401/403, never 5xx); for
//            `owned` routes it also sends sample(alice) with bob's token (must be 404); the fuzzer
//            mutates its body, query and path parameters; the secrets sweep sends it and checks the
//            answer. Make it safe to send more than once (a second send may be a 4xx, never a 5xx).
import type { Actor, World } from './route-world.ts';
import { wallet } from '../../support/fixtures.ts';
import { siweProof, telegramPayload, newWallet } from './identity-helpers.ts';
import { uniqueEmail } from './api-harness.ts';

export type Access = 'public' | 'user' | 'admin';

export interface SampleRequest {
  /** Full URL with path parameters filled in (and a query string when the sample needs one). */
  url: string;
  body?: unknown;
}

export interface RouteSpec {
  access: Access;
  stepUp?: boolean;
  owned?: boolean;
  list?: boolean;
  stream?: boolean;
  sample: (a: Actor, w: World) => SampleRequest | Promise<SampleRequest>;
}

const V1 = '/api/v1';
// A sample with no body and no parameters (any method).
const at = (url: string) => () => ({ url });

export const ROUTES: Record<string, RouteSpec> = {
  // ---- process endpoints (src/http/app.ts, metrics-routes.ts)
  'GET /health': { access: 'public', sample: at('/health') },
  'GET /ready': { access: 'public', sample: at('/ready') },
  'GET /metrics': { access: 'public', sample: at('/metrics') },
  'GET /api/v1/openapi.json': { access: 'public', sample: at(`${V1}/openapi.json`) },
  // /docs/* (Swagger UI's static pages) are public too: see isDocsRoute below.

  // ---- sign-up and sign-in (auth-routes.ts, identity-routes.ts)
  'POST /api/v1/auth/register': {
    access: 'public',
    sample: () => ({
      url: `${V1}/auth/register`,
      body: { email: uniqueEmail(), password: 'correct horse battery staple' },
    }),
  },
  'POST /api/v1/auth/login': {
    access: 'public',
    // Sends the wrong password on purpose: a public sample must not lock anyone out when repeated,
    // and a 401 invalid_credentials is still "not refused for want of a token".
    sample: () => ({
      url: `${V1}/auth/login`,
      body: { email: 'nobody@example.com', password: 'not the password' },
    }),
  },
  'POST /api/v1/auth/refresh': {
    access: 'public',
    sample: () => ({ url: `${V1}/auth/refresh`, body: { refreshToken: 'rt_not_a_real_token_at_all' } }),
  },
  'POST /api/v1/auth/verify-email/confirm': {
    access: 'public',
    sample: () => ({ url: `${V1}/auth/verify-email/confirm`, body: { token: 'ev_not_a_real_token' } }),
  },
  'POST /api/v1/auth/password-reset/request': {
    access: 'public',
    sample: () => ({ url: `${V1}/auth/password-reset/request`, body: { email: 'nobody@example.com' } }),
  },
  'POST /api/v1/auth/password-reset/confirm': {
    access: 'public',
    sample: () => ({
      url: `${V1}/auth/password-reset/confirm`,
      body: { token: 'pr_not_a_real_token', password: 'a brand new passphrase' },
    }),
  },
  'GET /api/v1/auth/siwe/nonce': { access: 'public', sample: at(`${V1}/auth/siwe/nonce`) },
  'POST /api/v1/auth/siwe/verify': {
    access: 'public',
    sample: async (_a, w) => ({
      url: `${V1}/auth/siwe/verify`,
      body: await siweProof(w.api, newWallet().account),
    }),
  },
  'POST /api/v1/auth/telegram': {
    access: 'public',
    sample: (_a, w) => ({ url: `${V1}/auth/telegram`, body: telegramPayload(w.api) }),
  },

  // ---- public reads (leaderboard-routes.ts)
  'GET /api/v1/leaderboard': { access: 'public', sample: at(`${V1}/leaderboard?sort=total_pnl&limit=5`) },
  'GET /api/v1/traders/:wallet': {
    access: 'public',
    sample: (a) => ({ url: `${V1}/traders/${a.traderWallet}?limit=5` }),
  },
  // ---- a leader fill and its feed lags (leader-fill-routes.ts); an unknown key answers 404
  'GET /api/v1/leader-fills/:fillKey': {
    access: 'public',
    sample: at(`${V1}/leader-fills/${'ab'.repeat(32)}`),
  },
  // ---- discovery categories (discovery-routes.ts)
  'GET /api/v1/leaderboard/categories': { access: 'public', sample: at(`${V1}/leaderboard/categories`) },
  'GET /api/v1/leaderboard/categories/:category': {
    access: 'public',
    sample: at(`${V1}/leaderboard/categories/rising?limit=5`),
  },

  // ---- the what-if backtest (backtest-routes.ts): signed-in users, reads only
  'POST /api/v1/traders/:wallet/backtest': {
    access: 'user',
    sample: (a) => ({
      url: `${V1}/traders/${a.traderWallet}/backtest`,
      body: {
        days: 7,
        startingBalanceUsd: '1000',
        proportionalityFactor: '0.1',
        excludedMarkets: ['some-slug'],
      },
    }),
  },

  // ---- the signed-in account (session-routes.ts, account-security-routes.ts)
  'GET /api/v1/me': { access: 'user', sample: at(`${V1}/me`) },
  'GET /api/v1/auth/sessions': { access: 'user', list: true, sample: at(`${V1}/auth/sessions`) },
  'DELETE /api/v1/auth/sessions/:id': {
    access: 'user',
    owned: true,
    sample: (a) => ({ url: `${V1}/auth/sessions/${a.spareSessionId}` }),
  },
  'POST /api/v1/auth/logout': {
    access: 'user',
    // Logging out ends the caller's session: the matrix and the sweep send it last (see LAST).
    sample: at(`${V1}/auth/logout`),
  },
  'POST /api/v1/auth/verify-email/request': { access: 'user', sample: at(`${V1}/auth/verify-email/request`) },
  'POST /api/v1/auth/2fa/enroll': { access: 'user', sample: at(`${V1}/auth/2fa/enroll`) },
  'POST /api/v1/auth/2fa/confirm': {
    access: 'user',
    sample: () => ({ url: `${V1}/auth/2fa/confirm`, body: { code: '000000' } }),
  },
  'POST /api/v1/auth/2fa/disable': {
    access: 'user',
    sample: () => ({ url: `${V1}/auth/2fa/disable`, body: { code: '000000' } }),
  },
  'POST /api/v1/auth/link/email': {
    access: 'user',
    stepUp: true,
    sample: () => ({
      url: `${V1}/auth/link/email`,
      body: { email: uniqueEmail(), password: 'a long enough passphrase 42' },
    }),
  },
  'POST /api/v1/auth/link/wallet': {
    access: 'user',
    sample: async (_a, w) => ({
      url: `${V1}/auth/link/wallet`,
      body: await siweProof(w.api, newWallet().account),
    }),
  },
  'POST /api/v1/auth/link/telegram': {
    access: 'user',
    sample: (_a, w) => ({ url: `${V1}/auth/link/telegram`, body: telegramPayload(w.api) }),
  },
  'DELETE /api/v1/auth/identities/:kind': {
    access: 'user',
    stepUp: true,
    sample: () => ({ url: `${V1}/auth/identities/wallet` }),
  },

  // ---- credentials (credential-routes.ts)
  'POST /api/v1/credentials': {
    access: 'user',
    stepUp: true,
    sample: (a) => ({
      url: `${V1}/credentials`,
      body: {
        apiKey: `sample-${a.name}-${Math.random().toString(36).slice(2)}`,
        apiSecret: 'c2VjcmV0',
        apiPassphrase: 'sample-pass',
        signatureType: 0,
        dailySpendLimitUsd: '10',
      },
    }),
  },
  'GET /api/v1/credentials': { access: 'user', list: true, sample: at(`${V1}/credentials`) },
  'GET /api/v1/credentials/audit': {
    access: 'user',
    list: true,
    sample: at(`${V1}/credentials/audit?action=create&limit=10`),
  },
  'GET /api/v1/credentials/:id': {
    access: 'user',
    owned: true,
    sample: (a) => ({ url: `${V1}/credentials/${a.credentialId}` }),
  },
  'PATCH /api/v1/credentials/:id': {
    access: 'user',
    owned: true,
    stepUp: true,
    sample: (a) => ({ url: `${V1}/credentials/${a.credentialId}`, body: { dailySpendLimitUsd: '150' } }),
  },
  'POST /api/v1/credentials/:id/revoke': {
    access: 'user',
    owned: true,
    stepUp: true,
    sample: (a) => ({ url: `${V1}/credentials/${a.credentialId}/revoke`, body: { reason: 'sample' } }),
  },

  // ---- following (follow-routes.ts)
  'POST /api/v1/follows': {
    access: 'user',
    sample: () => ({
      url: `${V1}/follows`,
      body: { traderWallet: wallet(), mode: 'paper', proportionalityFactor: '0.1', maxSlippagePercent: '2' },
    }),
  },
  'GET /api/v1/follows': { access: 'user', list: true, sample: at(`${V1}/follows`) },
  'GET /api/v1/follows/:id': {
    access: 'user',
    owned: true,
    sample: (a) => ({ url: `${V1}/follows/${a.followId}` }),
  },
  'PATCH /api/v1/follows/:id': {
    access: 'user',
    owned: true,
    sample: (a) => ({ url: `${V1}/follows/${a.followId}`, body: { stopLossPercent: '5' } }),
  },
  'DELETE /api/v1/follows/:id': {
    access: 'user',
    owned: true,
    sample: (a) => ({ url: `${V1}/follows/${a.followId}?positions=keep` }),
  },
  'POST /api/v1/follows/:id/positions/:assetId/close': {
    access: 'user',
    owned: true,
    // The actor's open lot (route-world.ts); a second send finds the close already pending (409).
    sample: (a) => ({ url: `${V1}/follows/${a.followId}/positions/lot-${a.name}/close` }),
  },

  // ---- presets (preset-routes.ts)
  'GET /api/v1/presets': { access: 'user', list: true, sample: at(`${V1}/presets`) },
  'POST /api/v1/presets': {
    access: 'user',
    sample: () => ({
      url: `${V1}/presets`,
      body: { name: `sample ${wallet().slice(2, 10)}`, settings: { copySells: false, maxBuyPrice: '0.9' } },
    }),
  },
  'GET /api/v1/presets/:id': {
    access: 'user',
    owned: true,
    sample: (a) => ({ url: `${V1}/presets/${a.presetId}` }),
  },
  'PATCH /api/v1/presets/:id': {
    access: 'user',
    owned: true,
    sample: (a) => ({ url: `${V1}/presets/${a.presetId}`, body: { settings: { budgetUsd: '250' } } }),
  },
  'DELETE /api/v1/presets/:id': {
    access: 'user',
    owned: true,
    sample: (a) => ({ url: `${V1}/presets/${a.presetId}` }),
  },

  // ---- the caller's reads (read-routes.ts) and controls (control-routes.ts, event-routes.ts)
  'GET /api/v1/portfolio': { access: 'user', sample: at(`${V1}/portfolio`) },
  'GET /api/v1/positions': { access: 'user', list: true, sample: at(`${V1}/positions?status=open`) },
  'GET /api/v1/copy-trades': { access: 'user', list: true, sample: at(`${V1}/copy-trades`) },
  'GET /api/v1/decisions': { access: 'user', list: true, sample: at(`${V1}/decisions`) },
  'GET /api/v1/queue': { access: 'user', list: true, sample: at(`${V1}/queue`) },
  'POST /api/v1/emergency-stop': {
    access: 'user',
    stepUp: true,
    sample: () => ({ url: `${V1}/emergency-stop`, body: { closePositions: false } }),
  },
  'GET /api/v1/events': { access: 'user', stream: true, sample: at(`${V1}/events`) },
  'POST /api/v1/events/ticket': { access: 'user', sample: at(`${V1}/events/ticket`) },
  'GET /api/v1/traders/:wallet/pnl': {
    access: 'public',
    sample: (a) => ({ url: `${V1}/traders/${a.traderWallet}/pnl?window=7d` }),
  },
  'GET /api/v1/traders/:wallet/positions': {
    access: 'public',
    sample: (a) => ({ url: `${V1}/traders/${a.traderWallet}/positions?limit=5` }),
  },
  'GET /api/v1/leaderboard/sparklines': {
    access: 'public',
    sample: (a) => ({ url: `${V1}/leaderboard/sparklines?wallets=${a.traderWallet}&days=7` }),
  },
  'GET /api/v1/config': { access: 'public', sample: at(`${V1}/config`) },
  'GET /api/v1/portfolio/summary': { access: 'user', sample: at(`${V1}/portfolio/summary`) },
  'GET /api/v1/portfolio/equity': {
    access: 'user',
    sample: at(`${V1}/portfolio/equity?mode=paper&window=7d`),
  },
  'GET /api/v1/activity': { access: 'user', list: true, sample: at(`${V1}/activity?limit=20`) },

  // ---- the Telegram bot (telegram-routes.ts)
  'POST /api/v1/me/telegram/link-code': { access: 'user', sample: at(`${V1}/me/telegram/link-code`) },
  'GET /api/v1/me/notifications': { access: 'user', sample: at(`${V1}/me/notifications`) },
  'PATCH /api/v1/me/notifications': {
    access: 'user',
    sample: () => ({ url: `${V1}/me/notifications`, body: { levels: { copy_skipped: 'off' } } }),
  },

  // ---- admin (admin-routes.ts); the samples act on the victim
  'GET /api/v1/admin/users': { access: 'admin', sample: at(`${V1}/admin/users?q=example.com&limit=5`) },
  'GET /api/v1/admin/users/:id': {
    access: 'admin',
    sample: (_a, w) => ({ url: `${V1}/admin/users/${w.victim.userId}` }),
  },
  'POST /api/v1/admin/users/:id/deactivate': {
    access: 'admin',
    stepUp: true,
    sample: (_a, w) => ({
      url: `${V1}/admin/users/${w.victim.userId}/deactivate`,
      body: { reason: 'sample' },
    }),
  },
  'POST /api/v1/admin/users/:id/activate': {
    access: 'admin',
    stepUp: true,
    sample: (_a, w) => ({ url: `${V1}/admin/users/${w.victim.userId}/activate`, body: {} }),
  },
  'PATCH /api/v1/admin/users/:id/role': {
    access: 'admin',
    stepUp: true,
    sample: (_a, w) => ({ url: `${V1}/admin/users/${w.victim.userId}/role`, body: { role: 'user' } }),
  },
  'PATCH /api/v1/admin/users/:id/tier': {
    access: 'admin',
    stepUp: true,
    sample: (_a, w) => ({ url: `${V1}/admin/users/${w.victim.userId}/tier`, body: { tier: 'basic' } }),
  },
  'GET /api/v1/admin/kill-switch': { access: 'admin', sample: at(`${V1}/admin/kill-switch`) },
  'POST /api/v1/admin/kill-switch': {
    access: 'admin',
    stepUp: true,
    sample: () => ({ url: `${V1}/admin/kill-switch`, body: { enabled: false } }),
  },
  'GET /api/v1/admin/queue': {
    access: 'admin',
    sample: (_a, w) => ({ url: `${V1}/admin/queue?status=pending&userId=${w.victim.userId}` }),
  },
  'GET /api/v1/admin/queue/:id': {
    access: 'admin',
    sample: (_a, w) => ({ url: `${V1}/admin/queue/${w.victim.pendingQueueId}` }),
  },
  'POST /api/v1/admin/queue/:id/cancel': {
    access: 'admin',
    stepUp: true,
    sample: (_a, w) => ({
      url: `${V1}/admin/queue/${w.victim.pendingQueueId}/cancel`,
      body: { reason: 'sample' },
    }),
  },
  'POST /api/v1/admin/queue/:id/requeue': {
    access: 'admin',
    stepUp: true,
    sample: (_a, w) => ({ url: `${V1}/admin/queue/${w.victim.failedQueueId}/requeue`, body: {} }),
  },
  'GET /api/v1/admin/audit': { access: 'admin', sample: at(`${V1}/admin/audit?limit=10`) },
  // job-routes.ts
  'GET /api/v1/admin/jobs': { access: 'admin', sample: at(`${V1}/admin/jobs`) },
  'GET /api/v1/admin/monitoring/:query': {
    access: 'admin',
    sample: at(`${V1}/admin/monitoring/table-sizes`),
  },
};

/** Swagger UI's pages and assets (registered by @fastify/swagger-ui under /docs): public. */
export function isDocsRoute(method: string, url: string): boolean {
  return method === 'GET' && (url === '/docs' || url.startsWith('/docs/'));
}

/** Routes that end the caller's session: run after every other route of the same caller. */
export const LAST = new Set(['POST /api/v1/auth/logout']);

export const routeKey = (method: string, url: string) => `${method} ${url}`;

/** The method of a "METHOD /url" key, for inject. */
export function methodOf(key: string): 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT' {
  return key.slice(0, key.indexOf(' ')) as 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
}
