// GET /metrics: Prometheus text exposition with exact figures for fixture data, checked by a small
// parser of the format (HELP/TYPE before samples, label syntax, histogram invariants).
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../../src/db/client.ts';
import type { FillSource } from '../../../src/db/schema.ts';
import { registerApi } from '../../../src/http/api/register-api.ts';
import { registerMetricsEndpoint } from '../../../src/http/api/routes/metrics-routes.ts';
import { buildHttpApp } from '../../../src/http/app.ts';
import { collectFeedFigures } from '../../../src/observability/feed-metrics.ts';
import { PlatformMetrics } from '../../../src/observability/metrics.ts';
import {
  insertQueueRow,
  insertRelationship,
  insertTrade,
  insertTrader,
  insertUser,
} from '../../support/fixtures.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { buildTestApi, type TestApi } from './api-harness.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text format strictly enough to catch syntax errors; throws on any bad line. */
function parseExposition(text: string) {
  expect(text.endsWith('\n')).toBe(true);
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples: Sample[] = [];
  const seen = new Set<string>();
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const VALUE = '(?:[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|[+-]Inf|NaN)';
  const sampleRe = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (${VALUE})$`);
  const labelRe = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/;
  for (const line of text.slice(0, -1).split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line))) {
      expect(helps.has(m[1]!), `duplicate HELP ${m[1]}`).toBe(false);
      helps.add(m[1]!);
    } else if ((m = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line))) {
      expect(types.has(m[1]!), `duplicate TYPE ${m[1]}`).toBe(false);
      types.set(m[1]!, m[2]!);
    } else if ((m = sampleRe.exec(line))) {
      const name = m[1]!;
      const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
      expect(types.has(family), `sample ${name} before its TYPE`).toBe(true);
      if (family !== name) expect(types.get(family)).toBe('histogram');
      const labels: Record<string, string> = {};
      let rest = m[2] ?? '';
      while (rest.length > 0) {
        const l = labelRe.exec(rest);
        if (!l) throw new Error(`bad labels in: ${line}`);
        labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
        rest = rest.slice(l[0].length);
      }
      const key = `${name}${JSON.stringify(labels)}`;
      expect(seen.has(key), `duplicate series ${key}`).toBe(false);
      seen.add(key);
      const v = m[3]!;
      samples.push({ name, labels, value: v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v) });
    } else {
      throw new Error(`not exposition syntax: ${JSON.stringify(line)}`);
    }
  }
  // Histogram invariants: per series, buckets non-decreasing in le, +Inf bucket = _count.
  for (const [family, type] of types) {
    if (type !== 'histogram') continue;
    const series = new Map<string, Sample[]>();
    for (const s of samples.filter((x) => x.name === `${family}_bucket`)) {
      const { le, ...rest } = s.labels;
      expect(le).toBeDefined();
      const k = JSON.stringify(rest);
      series.set(k, [...(series.get(k) ?? []), s]);
    }
    for (const [k, buckets] of series) {
      const les = buckets.map((b) => (b.labels.le === '+Inf' ? Infinity : Number(b.labels.le)));
      expect([...les].sort((x, y) => x - y)).toEqual(les);
      expect(les.at(-1)).toBe(Infinity);
      for (let i = 1; i < buckets.length; i++)
        expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
      const count = samples.find((s) => s.name === `${family}_count` && JSON.stringify(s.labels) === k);
      expect(count?.value).toBe(buckets.at(-1)!.value);
      expect(samples.some((s) => s.name === `${family}_sum` && JSON.stringify(s.labels) === k)).toBe(true);
    }
  }
  // Label order carries no meaning in the format (prom-client writes `le` first).
  const key = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort());
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples.find((s) => s.name === name && key(s.labels) === key(labels))?.value;
  return { types, samples, value };
}

describe('GET /metrics', () => {
  const t = useTestDatabase();
  let api: TestApi;
  let app: FastifyInstance;

  let seededAt = 0;
  beforeAll(async () => {
    api = await buildTestApi(t.current.db);
    app = buildHttpApp({ logger: api.deps.logger, checks: [] });
    registerMetricsEndpoint(app, new PlatformMetrics({ db: t.current.db, dbCacheMs: 0 }));
    await registerApi(app, api.deps);
    await app.ready();

    const db = t.current.db;
    const user = await insertUser(db);
    const trader = await insertTrader(db);
    const rel = await insertRelationship(db, user.id, trader.wallet_address);
    // Queue: 3 pending, 1 processing, 0 completed, 2 failed, 1 cancelled.
    for (const status of ['pending', 'pending', 'pending', 'cancelled'] as const)
      await insertQueueRow(db, user.id, rel.id, { status });
    // The failed ones: one awaiting reconciliation (its order may exist), one failed for good.
    await insertQueueRow(db, user.id, rel.id, {
      status: 'failed',
      stage: 'reconciliation',
      error_message: 'reconcile: unknown_outcome: timeout',
    } as never);
    await insertQueueRow(db, user.id, rel.id, {
      status: 'failed',
      error_message: 'book_cannot_fill: order not filled',
    } as never);
    await insertQueueRow(db, user.id, rel.id, {
      status: 'processing',
      lease_expires_at: new Date(Date.now() + 60_000),
    } as never);
    // Leader fills, the newest detected 42 s ago; decisions on them.
    seededAt = Date.now();
    const fills = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6'];
    for (const [i, key] of fills.entries())
      await sql`
        INSERT INTO leader_fills (fill_key, trader_wallet_address, transaction_hash, asset_id, condition_id,
                                  side, price, size, occurrence, filled_at, detected_at, source)
        VALUES (${key}, ${trader.wallet_address}, ${`0x${key}`}, 'a', 'c', 'BUY', 0.5, 10, 0, now(),
                now() - make_interval(secs => ${42 + i * 60}), 'test')`.execute(db);
    const decisions: Array<[string, string, string | null]> = [
      ['f1', 'executed', null],
      ['f2', 'executed', null],
      ['f3', 'skipped', 'slippage_exceeded'],
      ['f4', 'skipped', 'slippage_exceeded'],
      ['f5', 'failed', 'book_cannot_fill'],
      ['f6', 'queued', null],
    ];
    for (const [fill_key, outcome, reason] of decisions)
      await db
        .insertInto('copy_decisions')
        .values({ fill_key, copy_relationship_id: rel.id, user_id: user.id, outcome, reason } as never)
        .execute();
    // Executed BUY copies (copy_tx_hash set) with detection → fill of 40 ms, 300 ms, 1.5 s, 70 s.
    const copy = { is_copy_trade: true, copying_user_id: user.id, copy_relationship_id: rel.id };
    for (const [i, ms] of [40, 300, 1500, 70_000].entries())
      await insertTrade(db, { ...copy, copy_tx_hash: `0x${String(i).repeat(64)}`, execution_time_ms: ms });
    // Not counted: a split lot (no order id of its own) and a leader trade.
    await insertTrade(db, { ...copy, copy_tx_hash: null, execution_time_ms: 10 });
    await insertTrade(db, { execution_time_ms: 10 });
  });
  afterAll(async () => {
    await app.close();
    await api.app.close();
  });

  it('exposes queue depth, copies by outcome, copy latency, ingest lag and HTTP durations', async () => {
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/v1/leaderboard' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/v1/portfolio' })).statusCode).toBe(401);

    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const m = parseExposition(res.body);

    expect(Object.fromEntries(m.types)).toMatchObject({
      polycopy_queue_depth: 'gauge',
      polycopy_copies_total: 'counter',
      polycopy_copy_latency_seconds: 'histogram',
      polycopy_ingest_lag_seconds: 'gauge',
      polycopy_http_request_duration_seconds: 'histogram',
      polycopy_metrics_database_up: 'gauge',
    });
    const depth = (status: string) => m.value('polycopy_queue_depth', { status });
    expect([
      depth('pending'),
      depth('processing'),
      depth('completed'),
      depth('failed'),
      depth('cancelled'),
    ]).toEqual([3, 1, 0, 2, 1]);
    expect(m.types.get('polycopy_queue_unsettled')).toBe('gauge');
    expect(m.value('polycopy_queue_unsettled', { state: 'awaiting_reconciliation' })).toBe(1);
    expect(m.value('polycopy_queue_unsettled', { state: 'needs_operator' })).toBe(0);
    expect(
      m.samples.filter((s) => s.name === 'polycopy_copies_total').map((s) => [s.labels, s.value]),
    ).toEqual([
      [{ outcome: 'executed', reason: 'none' }, 2],
      [{ outcome: 'failed', reason: 'book_cannot_fill' }, 1],
      [{ outcome: 'skipped', reason: 'slippage_exceeded' }, 2],
    ]);
    const bucket = (le: string) => m.value('polycopy_copy_latency_seconds_bucket', { le });
    expect(['0.05', '0.1', '0.25', '0.5', '1', '2', '5', '10', '30', '60', '+Inf'].map(bucket)).toEqual([
      1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 4,
    ]);
    expect(m.value('polycopy_copy_latency_seconds_count')).toBe(4);
    expect(m.value('polycopy_copy_latency_seconds_sum')).toBeCloseTo(71.84, 6);
    const lag = m.value('polycopy_ingest_lag_seconds')!;
    expect(lag).toBeGreaterThanOrEqual(42);
    // 42 s plus however long the machine took to get from the seeding to this scrape.
    expect(lag).toBeLessThan(42 + (Date.now() - seededAt) / 1000 + 1);
    expect(m.value('polycopy_metrics_database_up')).toBe(1);

    const http = (suffix: string, labels: Record<string, string>) =>
      m.value(`polycopy_http_request_duration_seconds${suffix}`, labels);
    expect(http('_count', { method: 'GET', route: '/health', status_code: '200' })).toBe(2);
    expect(http('_bucket', { method: 'GET', route: '/health', status_code: '200', le: '+Inf' })).toBe(2);
    expect(http('_count', { method: 'GET', route: '/api/v1/leaderboard', status_code: '200' })).toBe(1);
    expect(http('_count', { method: 'GET', route: '/api/v1/portfolio', status_code: '401' })).toBe(1);

    // The process's own figures (prom-client's default metrics), in the same valid exposition.
    expect(m.value('process_resident_memory_bytes')).toBeGreaterThan(1_000_000);
    expect(m.value('nodejs_heap_size_total_bytes')).toBeGreaterThan(1_000_000);
    expect(m.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('exposes each feed: state, lag histograms (after the fill, behind the first feed) and fills won', async () => {
    const db = t.current.db;
    const trader = await insertTrader(db);
    const filledAt = Date.now() - 60_000;
    // Per fill: the feed that won, then each feed's arrival in seconds after the fill.
    const fills: Array<[string, string, Partial<Record<FillSource, number>>]> = [
      ['g1', 'chain', { chain: 2, rtds: 2.3, data_api: 20 }],
      ['g2', 'rtds', { rtds: 0.4, chain: 2.1 }],
      ['g3', 'rtds', { rtds: 0.2, chain: 1.9, data_api: 8 }],
      ['g4', 'data_api', { data_api: 12 }],
    ];
    for (const [key, source, seen] of fills) {
      await sql`
        INSERT INTO leader_fills (fill_key, trader_wallet_address, transaction_hash, asset_id, condition_id,
                                  side, price, size, occurrence, filled_at, source)
        VALUES (${key}, ${trader.wallet_address}, ${`0x${key}`}, 'a', 'c', 'BUY', 0.5, 10, 0,
                ${new Date(filledAt)}, ${source})`.execute(db);
      for (const [feed, s] of Object.entries(seen) as [FillSource, number][])
        await db
          .insertInto('leader_fill_sightings')
          .values({ fill_key: key, feed, seen_at: new Date(filledAt + s * 1000) })
          .execute();
    }
    await db
      .insertInto('ingest_feed_state')
      .values([
        { feed: 'rtds', configured: true, connected: false, degraded: true, lag_ms: '12500' },
        {
          feed: 'chain',
          configured: true,
          connected: true,
          degraded: false,
          lag_ms: '1500',
          head_block: '70',
        },
        { feed: 'data_api', configured: true, connected: true, degraded: false },
      ])
      .execute();

    const m = parseExposition(
      await new PlatformMetrics({ db, dbCacheMs: 0, collectors: [collectFeedFigures] }).render(),
    );
    expect(Object.fromEntries(m.types)).toMatchObject({
      polycopy_feed_connected: 'gauge',
      polycopy_feed_degraded: 'gauge',
      polycopy_feed_lag_seconds: 'gauge',
      polycopy_feed_detection_lag_seconds: 'histogram',
      polycopy_feed_behind_first_seconds: 'histogram',
      polycopy_feed_fills_first: 'gauge',
      polycopy_feed_fills_first_share: 'gauge',
    });
    const byFeed = (name: string, labels: Record<string, string> = {}) =>
      ['rtds', 'chain', 'data_api'].map((feed) => m.value(name, { feed, ...labels }));
    expect(byFeed('polycopy_feed_connected')).toEqual([0, 1, 1]);
    expect(byFeed('polycopy_feed_degraded')).toEqual([1, 0, 0]);
    expect(byFeed('polycopy_feed_lag_seconds')).toEqual([12.5, 1.5, undefined]);
    expect(byFeed('polycopy_feed_fills_first')).toEqual([2, 1, 1]);
    expect(byFeed('polycopy_feed_fills_first_share')).toEqual([0.5, 0.25, 0.25]);

    const buckets = (name: string, feed: string) =>
      ['0.25', '0.5', '1', '2', '3', '10', '15', '30', '+Inf'].map((le) =>
        m.value(`${name}_bucket`, { feed, le }),
      );
    const afterFill = 'polycopy_feed_detection_lag_seconds';
    expect(buckets(afterFill, 'rtds')).toEqual([1, 2, 2, 2, 3, 3, 3, 3, 3]);
    expect(buckets(afterFill, 'chain')).toEqual([0, 0, 0, 2, 3, 3, 3, 3, 3]);
    expect(buckets(afterFill, 'data_api')).toEqual([0, 0, 0, 0, 0, 1, 2, 3, 3]);
    expect(m.value(`${afterFill}_sum`, { feed: 'rtds' })).toBeCloseTo(2.9, 6);
    const behind = 'polycopy_feed_behind_first_seconds';
    expect(buckets(behind, 'rtds')).toEqual([2, 3, 3, 3, 3, 3, 3, 3, 3]);
    expect(buckets(behind, 'chain')).toEqual([1, 1, 1, 3, 3, 3, 3, 3, 3]);
    expect(buckets(behind, 'data_api')).toEqual([1, 1, 1, 1, 1, 2, 2, 3, 3]);
    expect(m.value(`${behind}_sum`, { feed: 'chain' })).toBeCloseTo(3.4, 6);
    expect(m.value(`${behind}_sum`, { feed: 'data_api' })).toBeCloseTo(25.8, 6);
  });

  it('reports database_up 0 (and still answers) when the database figures cannot be read', async () => {
    // A pool pointed at a port nothing listens on: every query fails to connect.
    const dead = createDb('postgres://postgres@127.0.0.1:1/nowhere', { poolMax: 1 });
    const broken = new PlatformMetrics({ db: dead.db, dbCacheMs: 0 });
    const text = await broken.render();
    await dead.close();
    const m = parseExposition(text);
    expect(m.value('polycopy_metrics_database_up')).toBe(0);
    expect(m.types.has('polycopy_queue_depth')).toBe(false);
  });

  it('can require a bearer token, or be disabled', async () => {
    const guarded = buildHttpApp({ logger: api.deps.logger, checks: [] });
    registerMetricsEndpoint(guarded, new PlatformMetrics({ db: t.current.db, dbCacheMs: 0 }), {
      token: 'scrape-secret',
    });
    expect((await guarded.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect(
      (await guarded.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong' } })).statusCode,
    ).toBe(401);
    const ok = await guarded.inject({ url: '/metrics', headers: { authorization: 'Bearer scrape-secret' } });
    expect(ok.statusCode).toBe(200);
    expect(parseExposition(ok.body).value('polycopy_queue_depth', { status: 'pending' })).toBe(3);
    await guarded.close();

    const off = buildHttpApp({ logger: api.deps.logger, checks: [] });
    registerMetricsEndpoint(off, new PlatformMetrics({ db: t.current.db }), { enabled: false });
    expect((await off.inject({ url: '/metrics' })).statusCode).toBe(404);
    await off.close();
  });
});
