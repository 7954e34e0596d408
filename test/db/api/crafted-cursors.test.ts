// Crafted page cursors: a cursor of the right kind and shape whose values PostgreSQL cannot take
// (an id above bigint's maximum, a timestamp that names no instant, a NUL in a text key) used to
// reach SQL and fail there (22003 / 22008 / 22021) as 500 internal. Every list answers 400 with the
// one error body instead, and a cursor it issued itself still works.
import { beforeAll, describe, expect, it } from 'vitest';
import { insertTrader } from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';

const cursor = (k: string, v: unknown[]) => Buffer.from(JSON.stringify({ k, v })).toString('base64url');

const BAD_IDS = ['9223372036854775808', '9999999999999999999'];
const BAD_TIMES = [
  '2030-13-45T99:99:99Z',
  '2024-02-30 10:00:00+00',
  '2023-02-29 10:00:00+00',
  '0000-01-01T00:00:00Z',
  '2030-01-01 24:00:00+00',
  '2030-01-01 10:00:60+00',
  '2030-01-01 10:00:00+99',
];
const W = `0x${'c'.repeat(40)}`;

describe('crafted page cursors', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let user: Awaited<ReturnType<typeof signUp>>;
  let admin: Awaited<ReturnType<typeof signUp>>;

  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
    user = await signUp(api);
    admin = await signUp(api);
    await t.current.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.userId).execute();
    await insertTrader(t.current.db, { wallet_address: W });
  });

  const get = (url: string, headers: Record<string, string>) =>
    api.app.inject({ method: 'GET', url: `/api/v1${url}`, headers });

  function cases(): Array<{
    url: string;
    kind: string;
    values: unknown[][];
    headers: Record<string, string>;
  }> {
    const ids = BAD_IDS.map((id) => [id]);
    const timeAndId = [
      ...BAD_TIMES.map((ts) => [ts, '1']),
      ...BAD_IDS.map((id) => ['2030-01-01 00:00:00+00', id]),
    ];
    return [
      { url: '/queue', kind: 'queue', values: ids, headers: user.auth },
      { url: '/decisions', kind: 'decisions', values: ids, headers: user.auth },
      { url: '/follows', kind: 'follows', values: ids, headers: user.auth },
      { url: '/positions', kind: 'positions', values: timeAndId, headers: user.auth },
      { url: '/copy-trades', kind: 'copy-trades', values: timeAndId, headers: user.auth },
      { url: '/admin/users', kind: 'admin-users', values: ids, headers: admin.auth },
      { url: '/admin/queue', kind: 'admin-queue', values: ids, headers: admin.auth },
      { url: '/admin/audit', kind: 'admin-audit', values: ids, headers: admin.auth },
      {
        url: `/traders/${W}`,
        kind: 'trader-fills',
        values: [...BAD_TIMES.map((ts) => [ts, 'key']), ['2030-01-01 00:00:00+00', 'a\u0000b']],
        headers: {},
      },
    ];
  }

  it('answers 400 validation_failed, never 500, on every list', async () => {
    const seen: string[] = [];
    for (const c of cases()) {
      for (const v of c.values) {
        const sep = c.url.includes('?') ? '&' : '?';
        const res = await get(`${c.url}${sep}cursor=${cursor(c.kind, v)}`, c.headers);
        seen.push(`${c.url} ${JSON.stringify(v)} → ${res.statusCode}`);
        expect(res.statusCode, `${c.url} ${JSON.stringify(v)}`).toBe(400);
        expect(res.json(), `${c.url} ${JSON.stringify(v)}`).toEqual({
          error: {
            code: 'validation_failed',
            message: 'query.cursor: not a cursor of this list (pass back nextCursor unchanged)',
          },
        });
      }
    }
    expect(seen.length).toBe(6 * 2 + 2 * 9 + 8);
  });

  it('still accepts the largest id and a real leap day', async () => {
    for (const [url, kind, v] of [
      ['/queue', 'queue', ['9223372036854775807']],
      ['/positions', 'positions', ['2024-02-29 23:59:59.999999+00', '9223372036854775807']],
      ['/copy-trades', 'copy-trades', ['2024-02-29T10:00:00Z', '1']],
      [`/traders/${W}`, 'trader-fills', ['2024-02-29 10:00:00+05:30', 'key']],
    ] as const) {
      const res = await get(`${url}?cursor=${cursor(kind, [...v])}`, user.auth);
      expect(res.statusCode, url).toBe(200);
    }
  });
});
