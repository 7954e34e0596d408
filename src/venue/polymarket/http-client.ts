// A tiny JSON-over-HTTP client for Polymarket's three REST services (CLOB, Data API, Gamma), on
// Node's global fetch. It does four things and no more: paces each request with the shared
// RateLimiter (Polymarket queues excess requests, so going over shows up as copy latency we do not
// control); bounds each request with a timeout; parses bodies without turning numbers into floats;
// and turns every failure into a VenueError through errors.ts. It never retries (retry.ts does),
// and it never logs: request headers carry API credentials.
import type { z } from 'zod';
import { VenueError, mapPolymarketHttpError, mapTransportError, type VenueOperation } from '../errors.ts';
import type { RateLimitFamilyId, RateLimiter } from '../rate-limits.ts';
import { parseLosslessJson, toPlainJson, type LosslessJson } from './lossless-json.ts';

export type QueryValue = string | number | boolean | readonly string[] | undefined | null;

export interface HttpClientOptions {
  /** Service root, e.g. https://clob.polymarket.com or http://127.0.0.1:8080/gamma. */
  readonly baseUrl: string;
  /** Names the service in error messages. */
  readonly service: string;
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
  /** Shared pacing; omit to send unpaced (tests). */
  readonly limiter?: RateLimiter;
  readonly fetch?: typeof fetch;
  readonly userAgent?: string;
}

export interface HttpRequest<T> {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path from the service root, starting with "/". Signed as-is by L2 auth (no query). */
  readonly path: string;
  /** Arrays become repeated keys (`?id=a&id=b`), the form Polymarket's services accept. */
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** The exact body string (L2 signatures cover these bytes). */
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly family: RateLimitFamilyId;
  /** Decides how ambiguous failures are classified (a placement's are unknown_outcome). */
  readonly operation: VenueOperation;
  readonly schema: z.ZodType<T>;
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export function joinUrl(baseUrl: string, path: string, query?: Readonly<Record<string, QueryValue>>): URL {
  const root = baseUrl.replace(/\/+$/, '');
  const url = new URL(root + (path.startsWith('/') ? path : `/${path}`));
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value))
      for (const item of value as readonly string[]) url.searchParams.append(key, item);
    else url.searchParams.append(key, String(value));
  }
  return url;
}

function parseBody(text: string): LosslessJson | string | undefined {
  if (text.trim() === '') return undefined;
  try {
    return parseLosslessJson(text);
  } catch {
    return text;
  }
}

export class PolymarketHttpClient {
  readonly baseUrl: string;
  private readonly service: string;
  private readonly timeoutMs: number;
  private readonly limiter: RateLimiter | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly userAgent: string;

  constructor(options: HttpClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.service = options.service;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.limiter = options.limiter;
    this.fetchImpl = options.fetch ?? fetch;
    this.userAgent = options.userAgent ?? 'polycopy';
  }

  async request<T>(req: HttpRequest<T>): Promise<T> {
    if (this.limiter) await this.limiter.acquire(req.family);
    const url = joinUrl(this.baseUrl, req.path, req.query);
    const controller = new AbortController();
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const timer = setTimeout(() => controller.abort(new TimeoutError(timeoutMs)), timeoutMs);
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const response = await this.fetchImpl(url, {
        method: req.method,
        headers: {
          Accept: 'application/json',
          'User-Agent': this.userAgent,
          ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...req.headers,
        },
        body: req.body,
        signal: controller.signal,
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      // The body is read under the same timeout: a server that sends headers and then stalls is
      // as ambiguous as one that never answers.
      text = await response.text();
    } catch (error) {
      const cause = controller.signal.aborted ? (controller.signal.reason as unknown) : error;
      throw mapTransportError(cause, req.operation);
    } finally {
      clearTimeout(timer);
    }

    const body = parseBody(text);
    if (status < 200 || status > 299) {
      throw mapPolymarketHttpError({
        status,
        body: toPlainJson(body),
        retryAfterHeader: retryAfter,
        operation: req.operation,
      });
    }
    const parsed = req.schema.safeParse(body ?? null);
    if (!parsed.success) {
      // A 2xx we cannot read. For a placement the order may exist; for anything else it is most
      // likely a proxy or an error page, which a later try may not repeat.
      const kind = req.operation === 'place' ? 'unknown_outcome' : 'retryable';
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'unknown';
      throw new VenueError(
        kind,
        `${this.service} ${req.method} ${req.path}: unexpected response shape (${where})`,
        { reason: 'server_error', httpStatus: status, cause: parsed.error },
      );
    }
    return parsed.data;
  }
}

/** The abort reason for a timed-out request; named so mapTransportError classifies it `timeout`. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`request timed out after ${timeoutMs} ms`);
  }
}
