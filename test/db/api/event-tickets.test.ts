// The live-event stream opened from a browser without a long-lived token in the URL: a one-time,
// 60-second ticket from POST /events/ticket (src/services/event-stream-tickets.ts). Real HTTP, real
// PostgreSQL NOTIFY. Also: no token or ticket in a query string reaches the request log.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../../../src/db/client.ts';
import { UserEventHub } from '../../../src/events/hub.ts';
import { publishUserEvent } from '../../../src/events/publish.ts';
import { registerApi } from '../../../src/http/api/register-api.ts';
import { buildHttpApp } from '../../../src/http/app.ts';
import { redactUrl } from '../../../src/observability/logger.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, signUp, type TestApi } from './api-harness.ts';
import { openStream } from './sse-client.ts';

describe('event stream tickets', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let app: FastifyInstance;
  let hub: UserEventHub;
  let url: string;

  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
    hub = new UserEventHub({ databaseUrl: t.current.url, logger: api.deps.logger });
    await hub.start();
    app = buildHttpApp({ logger: api.deps.logger, checks: [] });
    await registerApi(app, api.deps, { events: { hub, heartbeatMs: 100 } });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await hub?.close();
    await api?.app.close();
  });

  const ticketFor = async (auth: Record<string, string>) => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/events/ticket', headers: auth });
    expect(res.statusCode).toBe(201);
    return res.json() as { ticket: string; expiresAt: string };
  };
  const ticketRows = () => t.current.db.selectFrom('auth_stream_tickets').selectAll().execute();

  it('issues a single-use ticket (only its hash stored) that opens the stream without any header', async () => {
    const u = await signUp(api);
    const { ticket, expiresAt } = await ticketFor(u.auth);
    expect(ticket).toMatch(/^st_[A-Za-z0-9_-]{43}$/);
    expect(expiresAt).toBe('2030-01-01T00:01:00.000Z');
    const rows = await ticketRows();
    expect(rows.some((r) => r.ticket_hash === ticket || JSON.stringify(r).includes(ticket))).toBe(false);

    const stream = await openStream(url, { ticket });
    expect(stream.res.status).toBe(200);
    await withTransaction(t.current.db, async (tx) => {
      await publishUserEvent(tx, u.userId, 'copy.executed', { queueId: 'q-1' });
    });
    expect((await stream.next('copy.executed')).data.data).toEqual({ queueId: 'q-1' });

    // Spent: a second use (EventSource's automatic reconnect) is refused.
    const again = await fetch(`${url}/api/v1/events?ticket=${ticket}`);
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ error: { code: 'invalid_token' } });
    await stream.close();
  });

  it('ends the ticket stream with auth.expired when the session is logged out', async () => {
    const u = await signUp(api);
    const stream = await openStream(url, { ticket: (await ticketFor(u.auth)).ticket });
    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: u.auth });
    expect(out.statusCode).toBe(204);
    await stream.next('auth.expired', () => true, 3000);
    await stream.until(() => stream.ended, 'the stream to end');
  });

  it('refuses expired, unknown, malformed and doubled credentials, and a ticket of an ended session', async () => {
    const u = await signUp(api);
    const expired = await ticketFor(u.auth);
    api.clock.advance(61_000);
    const late = await fetch(`${url}/api/v1/events?ticket=${expired.ticket}`);
    expect(late.status).toBe(401);
    expect(await late.json()).toMatchObject({ error: { code: 'invalid_token' } });

    const unknown = await fetch(`${url}/api/v1/events?ticket=st_${'A'.repeat(43)}`);
    expect(unknown.status).toBe(401);
    const malformed = await fetch(`${url}/api/v1/events?ticket=not-a-ticket`);
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'validation_failed' } });
    const fresh = await ticketFor(u.auth);
    const both = await fetch(`${url}/api/v1/events?ticket=${fresh.ticket}`, {
      headers: { authorization: `Bearer ${u.accessToken}` },
    });
    expect(both.status).toBe(400);
    // The refused request did not spend it...
    const row = (await ticketRows()).filter(
      (r) => r.used_at === null && r.user_id === u.userId && r.expires_at > api.clock.now(),
    );
    expect(row).toHaveLength(1);
    // ...but a ticket of a session that ended opens nothing.
    await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: u.auth });
    const ended = await fetch(`${url}/api/v1/events?ticket=${fresh.ticket}`);
    expect(ended.status).toBe(401);

    const anon = await app.inject({ method: 'POST', url: '/api/v1/events/ticket' });
    expect(anon.statusCode).toBe(401);
    expect(anon.json()).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('never writes a token or ticket sent in a query string into the request log', async () => {
    const u = await signUp(api);
    const { ticket } = await ticketFor(u.auth);
    api.logLines.length = 0;
    await app.inject({ method: 'GET', url: `/api/v1/me?access_token=${u.accessToken}` });
    const s = await openStream(url, { ticket });
    await s.close();
    const logs = api.logLines.join('\n');
    expect(logs).toContain('access_token=[redacted]');
    expect(logs).toContain('ticket=[redacted]');
    expect(logs).not.toContain(u.accessToken);
    expect(logs).not.toContain(ticket);
    expect(redactUrl('/a?limit=5&Token=x&q=abc&api%5Fkey=z')).toBe(
      '/a?limit=5&Token=[redacted]&q=abc&api%5Fkey=[redacted]',
    );
    expect(redactUrl('/a?code')).toBe('/a?code');
  });
});
