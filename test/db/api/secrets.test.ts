// Secrets never leave: no password, token, API secret, passphrase or private key in any response
// body or any log line (pino output captured at debug level) across the whole account, vault and
// follow flow, including its failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogMailer } from '../../../src/auth/mailers.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, uniqueEmail, type TestApi } from './api-harness.ts';

describe('secrets', () => {
  const t = useTestDatabase();
  let api: TestApi;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
  });
  afterAll(async () => api?.app.close());

  it('never appear in responses or logs', async () => {
    const email = uniqueEmail();
    const password = 'Tr0ub4dor&3-horse-staple';
    const secrets: string[] = [password];
    const bodies: string[] = [];
    const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, token?: string) => {
      const res = await api.app.inject({
        method,
        url: `/api/v1${url}`,
        ...(payload !== undefined ? { payload: payload as object } : {}),
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      bodies.push(res.body);
      return res;
    };

    await call('POST', '/auth/register', { email, password });
    await call('POST', '/auth/login', { email, password: `${password}-wrong` });
    const login = (await call('POST', '/auth/login', { email, password })).json() as {
      accessToken: string;
      refreshToken: string;
    };
    const refreshed = (await call('POST', '/auth/refresh', { refreshToken: login.refreshToken })).json() as {
      accessToken: string;
      refreshToken: string;
    };
    const access = refreshed.accessToken;
    // Reuse: logged as a warning; the token itself must not be.
    await call('POST', '/auth/refresh', { refreshToken: login.refreshToken });
    const fresh = (await call('POST', '/auth/login', { email, password })).json() as {
      accessToken: string;
      refreshToken: string;
    };

    const creds = {
      apiKey: '7c2f1e0a-6b5d-4c3b-9a87-1234567890ab',
      apiSecret: 'U2VjcmV0U2VjcmV0U2VjcmV0U2VjcmV0U2VjcmV0=',
      apiPassphrase: 'd1c2b3a4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2',
      privateKey: `0x${'5e'.repeat(32)}`,
    };
    secrets.push(...Object.values(creds));
    await call('POST', '/credentials', { ...creds, signatureType: 0 }, fresh.accessToken);
    await call('POST', '/credentials', { ...creds, signatureType: 0 }, fresh.accessToken); // duplicate
    await call(
      'POST',
      '/credentials',
      { ...creds, apiKey: 'other-key-1', apiSecret: 'reject-me', signatureType: 0 },
      fresh.accessToken,
    );
    await call('POST', '/credentials', { ...creds, signatureType: 9 }, fresh.accessToken); // validation echo?
    await call('GET', '/credentials', undefined, fresh.accessToken);
    await call('POST', '/follows', { traderWallet: `0x${'7'.repeat(40)}`, mode: 'live' }, fresh.accessToken);
    await call('GET', '/me', undefined, access); // revoked by reuse: 401
    await call('POST', '/auth/password-reset/request', { email });
    const resetToken = decodeURIComponent(/token=(.+)$/.exec(api.mails.at(-1)!.link!)![1]!);
    await call('POST', '/auth/password-reset/confirm', {
      token: resetToken,
      password: 'a new long passphrase',
    });

    // Tokens issued along the way are secrets too (responses legitimately carry the ones they issue,
    // so those are checked against the logs only).
    const tokens = [
      login.accessToken,
      login.refreshToken,
      refreshed.accessToken,
      refreshed.refreshToken,
      fresh.accessToken,
      fresh.refreshToken,
      resetToken,
    ];
    const logs = api.logLines.join('\n');
    expect(api.logLines.length).toBeGreaterThan(20); // the capture works
    expect(logs).toContain('refresh token reuse');
    for (const s of [...secrets, ...tokens]) expect(logs, s).not.toContain(s);
    for (const s of secrets) for (const b of bodies) expect(b).not.toContain(s);
    // The validation error does not echo the submitted values.
    expect(bodies.some((b) => b.includes('validation_failed'))).toBe(true);
  });

  it('the log mail transport prints the link only outside production', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (l: string) => void lines.push(l) });
    const message = {
      to: 'a@example.com',
      subject: 'Reset',
      text: 'x',
      link: 'http://app/reset#token=pr_SECRET',
    };
    await createLogMailer(logger, { includeLinks: false }).send(message);
    expect(lines.join('')).not.toContain('pr_SECRET');
    expect(lines.join('')).toContain('SMTP_URL is not configured');
    await createLogMailer(logger, { includeLinks: true }).send(message);
    expect(lines.at(-1)).toContain('pr_SECRET');
  });
});
