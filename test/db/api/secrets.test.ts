// Secrets never leave: no password, token, API secret, passphrase or private key in any response
// body or any log line (pino output captured at debug level) across the whole account, vault and
// follow flow, including its failures; and, route by route over the whole catalog
// (route-catalog.ts — every registered route, as the authorization matrix proves), none of the
// secrets of 2FA, SIWE, Telegram, identities, reads, live events, metrics and admin work, nor any
// secret material the database holds (hashes, ciphertexts, wrapped keys), in any answer or log line.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogMailer } from '../../../src/auth/mailers.ts';
import { UserEventHub } from '../../../src/events/hub.ts';
import { publishUserEvent } from '../../../src/events/publish.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, uniqueEmail, type TestApi } from './api-harness.ts';
import { newWallet, siweProof, TEST_BOT_TOKEN, telegramPayload } from './identity-helpers.ts';
import { LAST, methodOf, ROUTES } from './route-catalog.ts';
import { buildWorld, type Actor } from './route-world.ts';

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

describe('secrets, route by route', () => {
  const t = useTestDatabase();
  const METRICS_TOKEN = 'metrics-scrape-token-5f2c9a1e7d';
  let api: TestApi;
  let hub: UserEventHub;
  beforeAll(async () => {
    hub = new UserEventHub({ databaseUrl: t.current.url, logger: createLogger('silent') });
    await hub.start();
    api = await buildTestApi(t.current.db, {
      settings: { telegramBotToken: TEST_BOT_TOKEN },
      metrics: { token: METRICS_TOKEN },
      events: { hub },
      accessTokenTtlSeconds: 86_400,
    });
  });
  afterAll(async () => {
    await api?.app.close();
    await hub?.close();
  });

  it('never appear in any answer of any route, in the event stream, or in any log line', async () => {
    const db = t.current.db;
    const w = await buildWorld(api, db); // 2FA enrolment (carol, admin2fa), credentials, follows...
    const inject = (method: string, url: string, headers: Record<string, string> = {}, payload?: unknown) =>
      api.app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(payload !== undefined ? { payload: payload as object } : {}),
      });

    // Second factors in use: a TOTP sign-in and a recovery-code sign-in of carol.
    const carolCodes = api.responses
      .find((r) => r.url === '/api/v1/auth/2fa/confirm' && r.status === 200)!
      .body.match(/[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}/g)!;
    expect(carolCodes.length).toBeGreaterThanOrEqual(10);
    expect(
      (
        await inject(
          'POST',
          '/api/v1/auth/login',
          {},
          { email: w.carol.email, password: w.carol.password, totp: carolCodes[0] },
        )
      ).statusCode,
    ).toBe(200);
    // A spent recovery code, refused, in the body and in x-totp (refusals are where inputs get logged).
    expect(
      (
        await inject(
          'POST',
          '/api/v1/auth/login',
          {},
          { email: w.carol.email, password: w.carol.password, totp: carolCodes[0] },
        )
      ).statusCode,
    ).toBe(401);
    expect(
      (
        await inject(
          'PATCH',
          `/api/v1/credentials/${w.carol.credentialId}`,
          { authorization: `Bearer ${w.carol.accessToken}`, 'x-totp': carolCodes[0]! },
          { dailySpendLimitUsd: '1' },
        )
      ).statusCode,
    ).toBe(401);
    // Wrong codes are logged as failures; the code itself must not be.
    await inject(
      'POST',
      '/api/v1/auth/login',
      {},
      { email: w.carol.email, password: w.carol.password, totp: '000000' },
    );

    // Wallet and Telegram sign-in, link and unlink.
    const siweWallet = newWallet();
    const siwe = await inject(
      'POST',
      '/api/v1/auth/siwe/verify',
      {},
      await siweProof(api, siweWallet.account),
    );
    expect(siwe.statusCode, siwe.body).toBe(200);
    const tg = await inject('POST', '/api/v1/auth/telegram', {}, telegramPayload(api));
    expect(tg.statusCode, tg.body).toBe(200);
    const bob = { authorization: `Bearer ${w.bob.accessToken}` };
    expect((await inject('POST', '/api/v1/auth/link/telegram', bob, telegramPayload(api))).statusCode).toBe(
      200,
    );
    expect((await inject('DELETE', '/api/v1/auth/identities/telegram', bob)).statusCode).toBe(200);

    // The live stream: a frame of bob's.
    const baseUrl = await api.app.listen({ host: '127.0.0.1', port: 0 });
    const ac = new AbortController();
    const stream = await fetch(`${baseUrl}/api/v1/events`, { headers: bob, signal: ac.signal });
    const reader = stream.body!.getReader();
    let streamed = new TextDecoder().decode((await reader.read()).value);
    await publishUserEvent(db, w.bob.userId, 'pnl.updated', { cause: 'mark', totalUnrealizedPnlUsd: '1.5' });
    while (!streamed.includes('pnl.updated'))
      streamed += new TextDecoder().decode((await reader.read()).value);
    ac.abort();

    // Metrics with its bearer token.
    expect((await inject('GET', '/metrics')).statusCode).toBe(401);
    expect((await inject('GET', '/metrics', { authorization: `Bearer ${METRICS_TOKEN}` })).statusCode).toBe(
      200,
    );

    // Every route in the catalog, as the caller it is for (step-up routes also with a code).
    const keys = Object.keys(ROUTES).sort((a, b) => Number(LAST.has(a)) - Number(LAST.has(b)));
    for (const key of keys) {
      const spec = ROUTES[key]!;
      if (spec.stream) continue;
      const callers: Array<[Actor | null, Record<string, string>]> =
        spec.access === 'public'
          ? [[null, {}]]
          : spec.access === 'admin'
            ? [
                [w.admin, {}],
                ...(spec.stepUp
                  ? [[w.admin2fa, w.stepUp(w.admin2fa)] as [Actor, Record<string, string>]]
                  : []),
              ]
            : [
                [w.bob, {}],
                ...(spec.stepUp ? [[w.carol, w.stepUp(w.carol)] as [Actor, Record<string, string>]] : []),
              ];
      for (const [caller, extra] of callers) {
        const req = await spec.sample(caller ?? w.bob, w);
        const res = await inject(
          methodOf(key),
          req.url,
          { ...(caller ? { authorization: `Bearer ${caller.accessToken}` } : {}), ...extra },
          req.body,
        );
        expect(res.statusCode, `${key}: ${res.body}`).toBeLessThan(500);
      }
    }

    // --- What must never leave.
    const keyRows = await db.selectFrom('polymarket_api_keys').selectAll().execute();
    const b64hex = (b: Buffer | null) => (b ? [b.toString('base64'), b.toString('hex')] : []);
    const stored = [
      ...(await db.selectFrom('users').select(['password_hash', 'two_factor_secret']).execute()).flatMap(
        (u) => [...(u.password_hash ? [u.password_hash] : []), ...b64hex(u.two_factor_secret)],
      ),
      ...keyRows.flatMap((k) => [
        k.key_hash,
        ...b64hex(k.encrypted_api_key),
        ...b64hex(k.encrypted_api_secret),
        ...b64hex(k.encrypted_api_passphrase),
        ...b64hex(k.encrypted_private_key),
        ...b64hex(k.wrapped_data_key),
      ]),
      ...(
        await sql<{ h: string }>`
        SELECT token_hash AS h FROM auth_refresh_tokens UNION ALL SELECT code_hash FROM auth_recovery_codes
        UNION ALL SELECT token_hash FROM auth_one_time_tokens`.execute(db)
      ).rows.map((r) => r.h),
    ];
    expect(stored.length).toBeGreaterThan(50);
    const configured = [
      TEST_BOT_TOKEN,
      METRICS_TOKEN,
      api.masterKey.bytes().toString('base64'),
      api.masterKey.bytes().toString('hex'),
      siweWallet.privateKey,
    ];
    const actors = [w.alice, w.bob, w.carol, w.admin, w.admin2fa, w.victim];
    const submitted = [
      ...actors.flatMap((a) => [a.password, `pass-${a.name}`]),
      ...actors.map((a) => a.apiKey),
      'sample-pass',
    ];
    // Issued once, in their own answer (the enrolment shows the TOTP secret; confirmation the
    // recovery codes; sign-ins their tokens): never in any other answer, never in a log line.
    const enrolSecrets = api.responses
      .filter((r) => r.url === '/api/v1/auth/2fa/enroll' && r.status === 200)
      .map((r) => (JSON.parse(r.body) as { secret: string }).secret);
    expect(enrolSecrets.length).toBeGreaterThanOrEqual(3);
    const recoveryCodes = api.responses
      .filter((r) => r.url === '/api/v1/auth/2fa/confirm' && r.status === 200)
      .flatMap((r) => (JSON.parse(r.body) as { recoveryCodes: string[] }).recoveryCodes);
    const tokens = api.responses
      .filter((r) => r.status === 200 && r.body.startsWith('{"tokenType":"Bearer"'))
      .flatMap((r) => {
        const b = JSON.parse(r.body) as { accessToken: string; refreshToken: string };
        return [b.accessToken, b.refreshToken];
      });
    expect(tokens.length).toBeGreaterThan(10);

    const bodies = [...api.responses.map((r) => r.body), streamed];
    const logs = api.logLines.join('\n');
    expect(api.logLines.length).toBeGreaterThan(200); // the capture works
    for (const s of [...stored, ...configured, ...submitted]) {
      expect(logs.includes(s), `a log line carries ${s.slice(0, 12)}…`).toBe(false);
      for (const b of bodies) expect(b.includes(s), `an answer carries ${s.slice(0, 12)}…`).toBe(false);
    }
    for (const s of [...enrolSecrets, ...recoveryCodes, ...tokens]) {
      expect(logs.includes(s), `a log line carries ${s.slice(0, 12)}…`).toBe(false);
      expect(
        bodies.filter((b) => b.includes(s)).length,
        `${s.slice(0, 12)}… appears beyond its own answer`,
      ).toBe(1);
    }
    // The mails are the transport of their tokens: the log mailer is not used here, and the API's
    // own log lines never carry a mailed link.
    for (const m of api.mails) if (m.link) expect(logs).not.toContain(m.link);
  }, 180_000);
});
