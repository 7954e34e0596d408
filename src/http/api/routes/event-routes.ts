// GET /api/v1/events: the signed-in user's live updates as server-sent events (docs/api.md,
// "Live updates"). Authenticated by the access token (Authorization: Bearer, API clients) or by a
// one-time ticket in the query string (?ticket=, from POST /events/ticket: a browser's EventSource
// cannot send headers, and a long-lived token must not sit in a URL). Events come from this process's UserEventHub (one LISTEN connection fanning out
// PostgreSQL NOTIFY), so a copy recorded by any worker reaches the stream wherever it is connected.
// The stream checks the caller's token and session again at every heartbeat and ends (after an
// `auth.expired` event) once either is no longer valid: revocation and expiry apply to open streams.
import type { OutgoingHttpHeader, OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UserEventHub } from '../../../events/hub.ts';
import type { UserEventMessage } from '../../../events/publish.ts';
import { AppError } from '../../../services/app-error.ts';
import { authenticate, type AuthContext } from '../../../services/authenticate.ts';
import {
  issueStreamTicket,
  liveSession,
  redeemStreamTicket,
  STREAM_TICKET_PATTERN,
} from '../../../services/event-stream-tickets.ts';
import type { RouteApp } from './route-app.ts';
import type { ApiDeps } from '../api-deps.ts';
import { limiter } from '../rate-limits.ts';
import { bearerToken, requireAuth } from '../request-auth.ts';
import { BearerSecurity, errors } from '../schemas.ts';

export interface EventStreamSettings {
  /** Heartbeat comment (and token/session re-check) interval; default 15 000 ms. */
  heartbeatMs?: number;
  /** Open streams per user per API process; default 5 (more: 429). */
  maxStreamsPerUser?: number;
}

/** One SSE frame. `data` is one line of JSON (no raw newlines can occur in JSON.stringify output). */
export function sseFrame(event: UserEventMessage): string {
  const body = {
    type: event.type,
    at: event.at,
    data: event.data,
    ...(event.truncated ? { truncated: true } : {}),
  };
  return `event: ${event.type}\ndata: ${JSON.stringify(body)}\n\n`;
}

export function eventRoutes(
  deps: ApiDeps,
  hub: UserEventHub,
  settings: EventStreamSettings = {},
): FastifyPluginAsyncZod {
  const stream: StreamSettings = {
    heartbeatMs: settings.heartbeatMs ?? 15_000,
    maxStreams: settings.maxStreamsPerUser ?? 5,
  };
  return async (app) => {
    const perUser = limiter(app, deps.settings.rateLimit.perUser, (req) =>
      req.auth ? `user:${req.auth.userId}` : null,
    );
    const { bearerAuth, streamAuth } = authHooks(deps);
    ticketRoute(app, deps, [bearerAuth, perUser]);
    const open = new Set<() => void>();
    // Open streams would keep the server from closing: end them first.
    app.addHook('preClose', async () => {
      for (const end of [...open]) end();
    });
    streamRoute(app, { deps, hub, stream, open }, [streamAuth, perUser]);
  };
}

interface StreamSettings {
  readonly heartbeatMs: number;
  readonly maxStreams: number;
}

interface StreamContext {
  readonly deps: ApiDeps;
  readonly hub: UserEventHub;
  readonly stream: StreamSettings;
  /** The end() of every open stream of this process. */
  readonly open: Set<() => void>;
}

type PreHandler = (req: FastifyRequest, reply: FastifyReply) => Promise<void>;

function authHooks(deps: ApiDeps) {
  const bearerAuth = async (req: FastifyRequest) => {
    const token = bearerToken(req);
    if (!token) throw new AppError('unauthenticated', 'send Authorization: Bearer <access token>');
    req.auth = await authenticate(deps, token);
  };
  // The stream: a ticket or the bearer token, not both (which one would be meant is unclear).
  const streamAuth = async (req: FastifyRequest) => {
    const ticket = (req.query as { ticket?: string }).ticket;
    if (ticket === undefined) return bearerAuth(req);
    if (req.headers.authorization !== undefined)
      throw new AppError('validation_failed', 'send either ?ticket= or Authorization, not both');
    req.auth = await redeemStreamTicket(deps, ticket);
  };
  return { bearerAuth, streamAuth };
}

function ticketRoute(app: RouteApp, deps: ApiDeps, preHandler: PreHandler[]): void {
  app.post(
    '/events/ticket',
    {
      preHandler,
      schema: {
        tags: ['live'],
        summary: 'A one-time ticket to open the event stream from a browser (GET /events?ticket=)',
        description:
          'Single-use, valid 60 seconds, bound to this session: the stream it opens lasts as long as ' +
          'the session (logout or revocation ends it with auth.expired). Get a new one to reconnect.',
        security: BearerSecurity,
        response: {
          201: z.object({ ticket: z.string(), expiresAt: z.string() }),
          ...errors(401),
        },
      },
    },
    async (req, reply) => reply.code(201).send(await issueStreamTicket(deps, requireAuth(req))),
  );
}

function streamRoute(app: RouteApp, ctx: StreamContext, preHandler: PreHandler[]): void {
  app.get(
    '/events',
    {
      schema: {
        tags: ['live'],
        summary: 'Your live updates (server-sent events)',
        description:
          'text/event-stream of your events: copy.executed, copy.failed, copy.skipped, ' +
          'position.closed, pnl.updated. Each frame is `event: <type>` and `data: {"type", "at", ' +
          '"data"}`; ids and amounts are strings. A comment line is sent every 15 s as a heartbeat. ' +
          'The stream ends with an auth.expired event when the access token expires or the session ' +
          'ends: reconnect with a fresh token. Events are not replayed (no Last-Event-ID): refetch ' +
          'state after reconnecting.',
        security: BearerSecurity,
        querystring: z.strictObject({
          ticket: z
            .string()
            .regex(STREAM_TICKET_PATTERN, 'must be a ticket from POST /events/ticket')
            .optional()
            .describe('a one-time ticket from POST /events/ticket, instead of the Authorization header'),
        }),
        response: {
          200: z.string().meta({ description: 'text/event-stream' }),
          ...errors(400, 401, 429),
        },
      },
      preHandler,
    },
    async (req, reply) => serveStream(ctx, req, reply),
  );
}

/** Holds the response open and writes the user's events to it until it, the session or the hub ends. */
function serveStream(ctx: StreamContext, req: FastifyRequest, reply: FastifyReply): void {
  const { deps, hub, open } = ctx;
  const { heartbeatMs, maxStreams } = ctx.stream;
  const { userId, sessionId } = requireAuth(req);
  const token = bearerToken(req);
  // A bearer stream ends with its access token; a ticket stream with its session.
  const stillSignedIn = (): Promise<AuthContext | null> =>
    token !== null ? authenticate(deps, token) : liveSession(deps, userId, sessionId);
  if (hub.subscriberCount(userId) >= maxStreams)
    throw new AppError('rate_limited', `at most ${maxStreams} open event streams per user`);

  reply.hijack();
  const res = reply.raw;
  const headers: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(reply.getHeaders()))
    if (v !== undefined && v !== null) headers[k] = v as OutgoingHttpHeader;
  res.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-store, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  const write = (chunk: string) => {
    if (!res.writableEnded && !res.destroyed) res.write(chunk);
  };

  let ended = false;
  const cleanup = () => {
    if (ended) return false;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    offHubClose();
    open.delete(end);
    return true;
  };
  const end = () => {
    if (cleanup()) res.end();
  };
  const unsubscribe = hub.subscribe(userId, (event) => write(sseFrame(event)));
  const offHubClose = hub.onClose(end);
  open.add(end);
  const heartbeat = setInterval(() => {
    write(': heartbeat\n\n');
    void recheck();
  }, heartbeatMs);
  // A token that expired or a session that ended closes the stream; a database hiccup does not.
  const recheck = async () => {
    try {
      if ((await stillSignedIn())?.userId === userId) return;
    } catch (err) {
      if (!(err instanceof AppError)) return;
    }
    write(`event: auth.expired\ndata: ${JSON.stringify({ type: 'auth.expired' })}\n\n`);
    end();
  };
  req.raw.on('close', cleanup);
  res.on('close', cleanup);
  res.on('error', cleanup);
  write('retry: 5000\n: connected\n\n');
}
