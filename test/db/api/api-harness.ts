// Builds the real API (real routes, services, PostgreSQL) for a test file, with an adjustable clock,
// captured mail, captured log lines, and every route the app registered (an onRoute hook added
// before anything else, so the authorization matrix sees exactly what production serves).
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Redis } from 'ioredis';
import { AccessTokens, deriveAccessTokenKey } from '../../../src/auth/access-tokens.ts';
import type { Db } from '../../../src/db/client.ts';
import type { UserEventHub } from '../../../src/events/hub.ts';
import { registerApi } from '../../../src/http/api/register-api.ts';
import type { ApiDeps, ApiSettings } from '../../../src/http/api/api-deps.ts';
import {
  registerMetricsEndpoint,
  type MetricsEndpointOptions,
} from '../../../src/http/api/routes/metrics-routes.ts';
import { buildHttpApp } from '../../../src/http/app.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { PlatformMetrics } from '../../../src/observability/metrics.ts';
import type { CredentialVerifier, CredentialsToVerify } from '../../../src/services/credential-verifier.ts';
import type { MailMessage } from '../../../src/services/mailer.ts';
import { MasterKey } from '../../../src/vault/master-key.ts';

export class TestClock {
  constructor(public current = new Date('2030-01-01T00:00:00Z')) {}
  now = (): Date => new Date(this.current.getTime());
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** A verifier for tests: accepts unless the secret is 'reject-me'; records what it saw. */
export class FakeVerifier implements CredentialVerifier {
  seen: CredentialsToVerify[] = [];
  async verify(c: CredentialsToVerify) {
    this.seen.push(c);
    return c.apiSecret === 'reject-me'
      ? { ok: false as const, reason: 'invalid api key' }
      : { ok: true as const };
  }
}

/** A route as registered: its method(s), full URL template and whether it declares a body schema. */
export interface RegisteredRoute {
  method: string;
  url: string;
  hasBody: boolean;
  hasQuery: boolean;
  hidden: boolean;
}

export interface TestApi {
  app: FastifyInstance;
  routes: RegisteredRoute[];
  /** Every response body sent through Fastify (SSE streams write directly and are not here). */
  responses: Array<{ method: string; url: string; status: number; body: string }>;
  clock: TestClock;
  mails: MailMessage[];
  logLines: string[];
  masterKey: MasterKey;
  verifier: FakeVerifier;
  deps: ApiDeps;
}

export async function buildTestApi(
  db: Db,
  opts: {
    settings?: Partial<ApiSettings>;
    clock?: TestClock;
    redis?: Redis;
    /** Also serve /metrics as the platform does (src/app/platform.ts). */
    metrics?: MetricsEndpointOptions;
    /** Also serve /api/v1/events from this hub. */
    events?: { hub: UserEventHub; heartbeatMs?: number };
    /** Access token lifetime (default 900 s, as in production). */
    accessTokenTtlSeconds?: number;
    /** The periodic jobs GET /admin/jobs lists (default: none). */
    jobs?: ApiDeps['jobs'];
  } = {},
): Promise<TestApi> {
  const logLines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logLines.push(line) });
  const clock = opts.clock ?? new TestClock();
  const masterKey = MasterKey.generate();
  const mails: MailMessage[] = [];
  const verifier = new FakeVerifier();
  const deps: ApiDeps = {
    db,
    clock: clock.now,
    logger,
    accessTokens: new AccessTokens(
      deriveAccessTokenKey(masterKey.bytes()),
      opts.accessTokenTtlSeconds ?? 900,
      clock.now,
    ),
    mailer: { send: async (m) => void mails.push(m) },
    masterKey,
    credentialVerifier: verifier,
    ...(opts.redis ? { redis: opts.redis } : {}),
    ...(opts.jobs ? { jobs: opts.jobs } : {}),
    settings: {
      publicUrl: 'http://app.test',
      corsOrigins: ['https://app.example.com'],
      bodyLimitBytes: 65_536,
      rateLimit: { perIp: 100_000, perUser: 100_000, authPerIp: 100_000 },
      refreshTokenTtlDays: 30,
      paperStartingBalanceUsd: '10000',
      ...opts.settings,
    },
  };
  const app = buildHttpApp({ logger, checks: [] });
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (r: RouteOptions) => {
    const schema = r.schema as { body?: unknown; querystring?: unknown; hide?: boolean } | undefined;
    for (const method of Array.isArray(r.method) ? r.method : [r.method])
      routes.push({
        method: String(method).toUpperCase(),
        url: r.url,
        hasBody: schema?.body !== undefined,
        hasQuery: schema?.querystring !== undefined,
        hidden: schema?.hide === true,
      });
  });
  const responses: TestApi['responses'] = [];
  app.addHook('onSend', async (req, reply, payload) => {
    const body =
      typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
    if (body !== null) responses.push({ method: req.method, url: req.url, status: reply.statusCode, body });
    return payload;
  });
  if (opts.metrics) registerMetricsEndpoint(app, new PlatformMetrics({ db }), opts.metrics);
  await registerApi(app, deps, opts.events ? { events: opts.events } : {});
  await app.ready();
  return { app, routes, responses, clock, mails, logLines, masterKey, verifier, deps };
}

let n = 0;
export const uniqueEmail = () => `user${++n}.${Date.now().toString(36)}@example.com`;
export const GOOD_PASSWORD = 'correct horse battery staple';

/** Registers a user, which signs them in (the sign-up's session); returns its id and tokens. */
export async function signUp(api: TestApi, email = uniqueEmail(), password = GOOD_PASSWORD) {
  const reg = await api.app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email, password },
  });
  if (reg.statusCode !== 201) throw new Error(`register failed: ${reg.statusCode} ${reg.body}`);
  const body = reg.json() as {
    user: { id: string };
    accessToken: string;
    refreshToken: string;
    sessionId: string;
  };
  const tokens = {
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
    sessionId: body.sessionId,
  };
  return {
    email,
    password,
    userId: body.user.id,
    ...tokens,
    auth: { authorization: `Bearer ${tokens.accessToken}` },
  };
}
