// Builds the real API (real routes, services, PostgreSQL) for a test file, with an adjustable clock,
// captured mail and captured log lines.
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { AccessTokens, deriveAccessTokenKey } from '../../../src/auth/access-tokens.ts';
import type { Db } from '../../../src/db/client.ts';
import { registerApi } from '../../../src/http/api/register-api.ts';
import type { ApiDeps, ApiSettings } from '../../../src/http/api/api-deps.ts';
import { buildHttpApp } from '../../../src/http/app.ts';
import { createLogger } from '../../../src/observability/logger.ts';
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

export interface TestApi {
  app: FastifyInstance;
  clock: TestClock;
  mails: MailMessage[];
  logLines: string[];
  masterKey: MasterKey;
  verifier: FakeVerifier;
  deps: ApiDeps;
}

export async function buildTestApi(
  db: Db,
  opts: { settings?: Partial<ApiSettings>; clock?: TestClock; redis?: Redis } = {},
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
    accessTokens: new AccessTokens(deriveAccessTokenKey(masterKey.bytes()), 900, clock.now),
    mailer: { send: async (m) => void mails.push(m) },
    masterKey,
    credentialVerifier: verifier,
    ...(opts.redis ? { redis: opts.redis } : {}),
    settings: {
      publicUrl: 'http://app.test',
      corsOrigins: ['https://app.example.com'],
      bodyLimitBytes: 65_536,
      rateLimit: { perIp: 100_000, perUser: 100_000, authPerIp: 100_000 },
      refreshTokenTtlDays: 30,
      ...opts.settings,
    },
  };
  const app = buildHttpApp({ logger, checks: [] });
  await registerApi(app, deps);
  await app.ready();
  return { app, clock, mails, logLines, masterKey, verifier, deps };
}

let n = 0;
export const uniqueEmail = () => `user${++n}.${Date.now().toString(36)}@example.com`;
export const GOOD_PASSWORD = 'correct horse battery staple';

/** Registers and signs in a user; returns its id and tokens. */
export async function signUp(api: TestApi, email = uniqueEmail(), password = GOOD_PASSWORD) {
  const reg = await api.app.inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email, password },
  });
  if (reg.statusCode !== 201) throw new Error(`register failed: ${reg.statusCode} ${reg.body}`);
  const login = await api.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
  });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
  const tokens = login.json() as { accessToken: string; refreshToken: string; sessionId: string };
  const userId = (reg.json() as { user: { id: string } }).user.id;
  return { email, password, userId, ...tokens, auth: { authorization: `Bearer ${tokens.accessToken}` } };
}
