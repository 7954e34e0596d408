// /metrics figures of the detection feeds (docs/detection.md), read from PostgreSQL at scrape time
// like the other database figures: each feed's state as the active detector last wrote it
// (ingest_feed_state), and over the last 24 hours of fills, per feed, how long after the fill it
// arrived, how far behind the first feed, and how many fills it brought first.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import {
  databaseGauge,
  databaseHistogram,
  type DatabaseFigures,
  type HistogramSeries,
  type Sample,
} from './metrics.ts';

export const FEED_LAG_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 15, 30, 60, 300];
const FEEDS = ['rtds', 'chain', 'data_api'] as const;

type LagRow = { feed: string; n: string; sum: string | null } & Record<string, string | null>;

function lagQuery(db: Db, expr: ReturnType<typeof sql>) {
  return sql<LagRow>`
    SELECT s.feed, count(*) AS n, sum(lag) AS sum,
           ${sql.join(FEED_LAG_BUCKETS.map((b, i) => sql`count(*) FILTER (WHERE lag <= ${b}) AS ${sql.ref(`b${i}`)}`))}
      FROM (SELECT s.feed, greatest(0, extract(epoch FROM ${expr}))::float8 AS lag
              FROM leader_fill_sightings s JOIN leader_fills f ON f.fill_key = s.fill_key
             WHERE f.detected_at > now() - interval '24 hours') s
     GROUP BY s.feed`.execute(db);
}

async function readFeedFigures(db: Db) {
  const [state, afterFill, behindFirst, won] = await Promise.all([
    db.selectFrom('ingest_feed_state').selectAll().execute(),
    lagQuery(db, sql`s.seen_at - f.filled_at`),
    lagQuery(
      db,
      sql`s.seen_at - (SELECT min(x.seen_at) FROM leader_fill_sightings x WHERE x.fill_key = s.fill_key)`,
    ),
    sql<{ source: string; n: string }>`
      SELECT source, count(*) AS n FROM leader_fills
       WHERE detected_at > now() - interval '24 hours' AND source IN ('rtds', 'chain', 'data_api')
       GROUP BY source`.execute(db),
  ]);
  const wonBy = new Map(won.rows.map((r) => [r.source, Number(r.n)]));
  return {
    state: new Map(state.map((r) => [r.feed, r])),
    afterFill: afterFill.rows,
    behindFirst: behindFirst.rows,
    wonBy,
    total: [...wonBy.values()].reduce((a, b) => a + b, 0),
  };
}

type FeedFigures = Awaited<ReturnType<typeof readFeedFigures>>;

const lagSeries = (rows: readonly LagRow[]): HistogramSeries[] =>
  rows.map((r) => ({
    labels: { feed: r.feed },
    cumulative: FEED_LAG_BUCKETS.map((_, i) => Number(r[`b${i}`])),
    count: Number(r.n),
    sum: Number(r.sum ?? 0),
  }));

export function collectFeedFigures(f: DatabaseFigures): void {
  const read = f.cached(readFeedFigures);
  const gauge = (name: string, help: string, value: (feed: string, x: FeedFigures) => number | null) =>
    databaseGauge(f, { name, help, labelNames: ['feed'] }, read, (x) =>
      FEEDS.flatMap((feed): Sample[] => {
        const v = value(feed, x);
        return v === null ? [] : [{ labels: { feed }, value: v }];
      }),
    );
  const state = (feed: string, x: FeedFigures) => x.state.get(feed);
  gauge('polycopy_feed_configured', 'Whether the detection feed is configured (1) or not (0).', (feed, x) =>
    state(feed, x) ? Number(state(feed, x)!.configured) : null,
  );
  gauge(
    'polycopy_feed_connected',
    'Whether the active detector has the feed connected (1) or not (0).',
    (feed, x) => (state(feed, x) ? Number(state(feed, x)!.connected) : null),
  );
  gauge(
    'polycopy_feed_degraded',
    'Whether the feed is degraded (RTDS silent or behind the chain; a feed down).',
    (feed, x) => (state(feed, x) ? Number(state(feed, x)!.degraded) : null),
  );
  gauge(
    'polycopy_feed_lag_seconds',
    'Chain: age of the head block; RTDS: how far behind the chain its last fill came.',
    (feed, x) => (state(feed, x)?.lag_ms == null ? null : Number(state(feed, x)!.lag_ms) / 1000),
  );
  gauge(
    'polycopy_feed_last_message_timestamp_seconds',
    'Unix time the feed last delivered anything.',
    (feed, x) => (state(feed, x)?.last_message_at ? state(feed, x)!.last_message_at!.getTime() / 1000 : null),
  );
  databaseHistogram(
    f,
    {
      name: 'polycopy_feed_detection_lag_seconds',
      help: "Per feed, the fill's time (venue/block time, 1 s precision) to its arrival on that feed; fills of the last 24 h.",
      labelNames: ['feed'],
    },
    FEED_LAG_BUCKETS,
    read,
    (x) => lagSeries(x.afterFill),
  );
  databaseHistogram(
    f,
    {
      name: 'polycopy_feed_behind_first_seconds',
      help: 'Per feed, how long after the first feed it brought the same fill; fills of the last 24 h.',
      labelNames: ['feed'],
    },
    FEED_LAG_BUCKETS,
    read,
    (x) => lagSeries(x.behindFirst),
  );
  gauge(
    'polycopy_feed_fills_first',
    'Fills of the last 24 h each feed brought first.',
    (feed, x) => x.wonBy.get(feed) ?? 0,
  );
  gauge(
    'polycopy_feed_fills_first_share',
    'Share (0–1) of the last 24 h of fills each feed brought first.',
    (feed, x) => (x.total === 0 ? null : (x.wonBy.get(feed) ?? 0) / x.total),
  );
}
