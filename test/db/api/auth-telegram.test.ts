// Telegram login widget sign-in through the API, with payloads hashed here exactly as Telegram
// does (HMAC-SHA256 under SHA-256 of the bot token over the sorted key=value lines): sign-in and
// account creation, tampered and foreign payloads, the one-day limit, 503 without a bot token,
// two-factor, and linking Telegram to an email account.
import { createHash, createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';

const BOT_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

/** Telegram's own recipe, written independently of the server's code. */
function hashed<T extends Record<string, string | number>>(
  fields: T,
  token = BOT_TOKEN,
): T & { hash: string } {
  const dataCheckString = Object.keys(fields)
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('\n');
  const key = createHash('sha256').update(token).digest();
  return { ...fields, hash: createHmac('sha256', key).update(dataCheckString).digest('hex') };
}

let nextTelegramId = 7_000_000_000 + Math.floor(Math.random() * 1_000_000) * 100;

describe('Telegram sign-in', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let unconfigured: TestApi;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db, { settings: { telegramBotToken: BOT_TOKEN } });
    unconfigured = await buildTestApi(t.current.db);
  });
  afterAll(async () => {
    await api?.app.close();
    await unconfigured?.app.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}, on = api) =>
    on.app.inject({ method: 'POST', url: `/api/v1${url}`, payload: payload as object, headers });
  const nowS = () => Math.floor(api.clock.now().getTime() / 1000);
  const payload = (over: Record<string, string | number> = {}) =>
    hashed({
      id: ++nextTelegramId,
      first_name: 'Ada',
      username: 'ada_l',
      photo_url: 'https://t.me/i/userpic/320/ada.jpg',
      auth_date: nowS() - 60,
      ...over,
    });
  const snapshot = async () =>
    (
      await sql<{ s: string }>`
        SELECT (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM auth_sessions) || '/' ||
               (SELECT coalesce(max(updated_at)::text, '') FROM users) AS s`.execute(t.current.db)
    ).rows[0]!.s;
  const expectRejected = async (
    url: string,
    body: unknown,
    status: number,
    code: string,
    headers = {},
    on = api,
  ) => {
    const before = await snapshot();
    const res = await post(url, body, headers, on);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json()).toMatchObject({ error: { code } });
    expect(await snapshot()).toBe(before);
  };
  const me = async (accessToken: string) =>
    (
      await api.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${accessToken}` },
      })
    ).json() as { id: string; telegramId: string | null; username: string | null; email: string | null };

  it('signs in with a valid payload, creating the account on first use', async () => {
    const p = payload();
    const res = await post('/auth/telegram', p);
    expect(res.statusCode, res.body).toBe(200);
    const first = await me((res.json() as { accessToken: string }).accessToken);
    expect(first).toMatchObject({ telegramId: String(p.id), username: 'ada_l', email: null });
    // Without the optional fields (the hash covers only what is sent), same user.
    const minimal = hashed({ id: p.id, first_name: 'Ada', auth_date: nowS() });
    const again = await post('/auth/telegram', minimal);
    expect(again.statusCode, again.body).toBe(200);
    expect((await me((again.json() as { accessToken: string }).accessToken)).id).toBe(first.id);
  });

  it('refuses tampered, foreign, stale and malformed payloads, writing nothing', async () => {
    const p = payload();
    await expectRejected('/auth/telegram', { ...p, id: p.id + 1 }, 401, 'invalid_signature');
    await expectRejected('/auth/telegram', { ...p, username: 'someone_else' }, 401, 'invalid_signature');
    const { hash: _drop, ...unsigned } = p;
    await expectRejected(
      '/auth/telegram',
      hashed(unsigned, '987654321:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw'),
      401,
      'invalid_signature',
    );
    await expectRejected(
      '/auth/telegram',
      { ...p, hash: p.hash.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) },
      401,
      'invalid_signature',
    );
    await expectRejected('/auth/telegram', payload({ auth_date: nowS() - 86_401 }), 401, 'invalid_signature');
    await expectRejected('/auth/telegram', payload({ auth_date: nowS() + 3600 }), 401, 'invalid_signature');
    await expectRejected('/auth/telegram', { ...p, hash: 'zz' }, 400, 'validation_failed');
    await expectRejected('/auth/telegram', { ...p, id: String(p.id) }, 400, 'validation_failed');
    await expectRejected('/auth/telegram', { ...p, extra: 'x' }, 400, 'validation_failed');
    // The same payload is fine (and within a day): it was never the payload that was wrong.
    expect((await post('/auth/telegram', p)).statusCode).toBe(200);
  });

  it('answers 503 telegram_unavailable without a bot token', async () => {
    await expectRejected('/auth/telegram', payload(), 503, 'telegram_unavailable', {}, unconfigured);
    const u = await signUp(unconfigured);
    await expectRejected('/auth/link/telegram', payload(), 503, 'telegram_unavailable', u.auth, unconfigured);
  });

  it('asks a Telegram account with two-factor on for a code', async () => {
    const p = payload();
    const first = await post('/auth/telegram', p);
    const auth = { authorization: `Bearer ${(first.json() as { accessToken: string }).accessToken}` };
    const { secret } = (await post('/auth/2fa/enroll', {}, auth)).json() as { secret: string };
    const code = () =>
      TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: api.clock.now().getTime() });
    expect((await post('/auth/2fa/confirm', { code: code() }, auth)).statusCode).toBe(200);
    api.clock.advance(30_000);
    const fresh = hashed({ id: p.id, first_name: 'Ada', auth_date: nowS() });
    await expectRejected('/auth/telegram', fresh, 401, 'totp_required');
    const ok = await post('/auth/telegram', { ...fresh, totp: code() });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('links Telegram to an email account; it then signs in to it; another account cannot take it', async () => {
    const u = await signUp(api);
    const p = payload();
    const linked = await post('/auth/link/telegram', p, u.auth);
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json()).toMatchObject({ id: u.userId, email: u.email, telegramId: String(p.id) });
    const signIn = await post('/auth/telegram', payload({ id: p.id }));
    expect((await me((signIn.json() as { accessToken: string }).accessToken)).id).toBe(u.userId);

    const v = await signUp(api);
    await expectRejected('/auth/link/telegram', payload({ id: p.id }), 409, 'identity_taken', v.auth);
    await expectRejected(
      '/auth/link/telegram',
      { ...payload(), hash: 'a'.repeat(64) },
      401,
      'invalid_signature',
      v.auth,
    );
    // A second Telegram account on the same user: conflict.
    await expectRejected('/auth/link/telegram', payload(), 409, 'conflict', u.auth);
  });
});
