// A small response cache for public, identical-for-everyone reads (the leaderboard): the serialized
// body with its strong ETag, kept for a TTL. In Redis when a client is given (shared by every API
// process), in process memory otherwise. Expiry is decided by the injected clock in both stores
// (Redis's own expiry only reclaims memory), so tests move a clock instead of sleeping. A Redis
// failure never fails the request: the body is computed afresh.
//
// Misses are single-flight per process: when an entry expires under load (1,000 requests/s), the
// requests arriving while it is recomputed wait for that one computation instead of each running
// the query (which would put dozens of identical queries on the database at every expiry).
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../auth/clock.ts';

export interface CachedBody {
  body: string;
  /** Strong validator: a quoted hash of the exact body bytes. */
  etag: string;
  expiresAt: number;
}

export interface ResponseCache {
  /** The cached body for key, or compute(), store and return it. */
  getOrCompute(key: string, compute: () => Promise<string>): Promise<CachedBody>;
}

export const strongEtag = (body: string) =>
  `"${createHash('sha256').update(body, 'utf8').digest('base64url').slice(0, 32)}"`;

/** True when an If-None-Match header matches the ETag (weak comparison, as RFC 9110 §13.1.2 says). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .includes(etag);
}

export function memoryResponseCache(opts: {
  clock: Clock;
  ttlMs: number;
  maxEntries?: number;
}): ResponseCache {
  const max = opts.maxEntries ?? 1000;
  const entries = new Map<string, CachedBody>();
  const flight = singleFlight();
  return {
    async getOrCompute(key, compute) {
      const now = opts.clock().getTime();
      const hit = entries.get(key);
      if (hit && hit.expiresAt > now) return hit;
      return flight(key, async () => {
        const body = await compute();
        const entry = { body, etag: strongEtag(body), expiresAt: now + opts.ttlMs };
        entries.delete(key);
        if (entries.size >= max) {
          // Drop expired entries first, then the oldest inserted.
          for (const [k, e] of entries) if (e.expiresAt <= now) entries.delete(k);
          if (entries.size >= max) entries.delete(entries.keys().next().value as string);
        }
        entries.set(key, entry);
        return entry;
      });
    },
  };
}

export function redisResponseCache(opts: {
  redis: Redis;
  clock: Clock;
  ttlMs: number;
  prefix: string;
  onError?: (err: unknown) => void;
}): ResponseCache {
  const flight = singleFlight();
  return {
    async getOrCompute(key, compute) {
      const now = opts.clock().getTime();
      const redisKey = opts.prefix + createHash('sha256').update(key).digest('base64url');
      try {
        const raw = await opts.redis.get(redisKey);
        if (raw !== null) {
          const hit = JSON.parse(raw) as CachedBody;
          if (typeof hit.body === 'string' && typeof hit.etag === 'string' && hit.expiresAt > now) return hit;
        }
      } catch (err) {
        opts.onError?.(err);
      }
      return flight(key, async () => {
        const body = await compute();
        const entry = { body, etag: strongEtag(body), expiresAt: now + opts.ttlMs };
        try {
          await opts.redis.set(redisKey, JSON.stringify(entry), 'PX', opts.ttlMs);
        } catch (err) {
          opts.onError?.(err);
        }
        return entry;
      });
    },
  };
}

/** Runs at most one `fn` per key at a time; concurrent callers share its result (or its error). */
export function singleFlight(): <T>(key: string, fn: () => Promise<T>) => Promise<T> {
  const running = new Map<string, Promise<unknown>>();
  return <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const current = running.get(key);
    if (current) return current as Promise<T>;
    const p = fn().finally(() => running.delete(key));
    running.set(key, p);
    return p;
  };
}
