// The real API (routes, services, PostgreSQL) built as test/db/api/api-harness.ts builds it, but with
// a CredentialVerifier supplied by the test (here: the real Polymarket verifier pointed at the
// simulator), the system clock, and every log line captured.
import type { FastifyInstance } from 'fastify';
import { AccessTokens, deriveAccessTokenKey } from '../../../src/auth/access-tokens.ts';
import { systemClock } from '../../../src/auth/clock.ts';
import type { Db } from '../../../src/db/client.ts';
import type { ApiDeps } from '../../../src/http/api/api-deps.ts';
import { registerApi } from '../../../src/http/api/register-api.ts';
import { buildHttpApp } from '../../../src/http/app.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import type { CredentialVerifier } from '../../../src/services/credential-verifier.ts';
import { MasterKey } from '../../../src/vault/master-key.ts';

export interface LiveTestApi {
  app: FastifyInstance;
  deps: ApiDeps;
  masterKey: MasterKey;
  logLines: string[];
}

export async function buildApiWithVerifier(
  db: Db,
  credentialVerifier: CredentialVerifier,
): Promise<LiveTestApi> {
  const logLines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void logLines.push(line) });
  const masterKey = MasterKey.generate();
  const deps: ApiDeps = {
    db,
    clock: systemClock,
    logger,
    accessTokens: new AccessTokens(deriveAccessTokenKey(masterKey.bytes()), 900, systemClock),
    mailer: { send: async () => undefined },
    masterKey,
    credentialVerifier,
    settings: {
      publicUrl: 'http://app.test',
      corsOrigins: ['https://app.example.com'],
      bodyLimitBytes: 65_536,
      rateLimit: { perIp: 100_000, perUser: 100_000, authPerIp: 100_000 },
      refreshTokenTtlDays: 30,
      paperStartingBalanceUsd: '10000',
    },
  };
  const app = buildHttpApp({ logger, checks: [] });
  await registerApi(app, deps);
  await app.ready();
  return { app, deps, masterKey, logLines };
}

let n = 0;

/** Registers and signs in a fresh user. */
export async function signUp(api: LiveTestApi): Promise<{ userId: string; auth: Record<string, string> }> {
  const email = `live${++n}.${Date.now().toString(36)}@example.com`;
  const password = 'correct horse battery staple';
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
  const { accessToken } = login.json() as { accessToken: string };
  return {
    userId: (reg.json() as { user: { id: string } }).user.id,
    auth: { authorization: `Bearer ${accessToken}` },
  };
}
