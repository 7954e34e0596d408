// Prometheus metrics for /metrics, on prom-client (text exposition format 0.0.4).
//
// Two kinds of figures:
// - read from PostgreSQL at scrape time (collect() callbacks over one read per scrape, reused for
//   `dbCacheMs`), so every process reports the same platform-wide truth whichever role serves the
//   scrape: queue depth by status, copies by outcome and reason, the detection → fill latency
//   histogram of executed copies, ingest lag, and the collectors' (detection feeds, periodic jobs);
// - kept in this process: HTTP request durations, live-event streams, and the process's own
//   figures (prom-client's default metrics: CPU, memory, heap, event-loop lag, GC).
// The database figures have their own registry: when the database cannot be read the scrape still
// answers, without them and with polycopy_metrics_database_up 0 to alert on.
import { sql } from 'kysely';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/client.ts';
import { processMetricsText } from './process-metrics.ts';

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

type Labels = Readonly<Record<string, string>>;

/** One series of a gauge or counter read from the database. */
export interface Sample {
  readonly labels?: Labels;
  readonly value: number;
}

/** One series of a histogram read from the database: cumulative counts per bound (`≤ bounds[i]`). */
export interface HistogramSeries {
  readonly labels?: Labels;
  readonly cumulative: readonly number[];
  readonly count: number;
  readonly sum: number;
}

/** Where a collector registers its database figures, and how it reads the database for them. */
export interface DatabaseFigures {
  readonly registry: Registry;
  /**
   * A read shared by every metric of one scrape that shows its figures (one query per scrape, so the
   * metrics agree), reused by later scrapes for `dbCacheMs`.
   */
  cached<T>(read: (db: Db) => Promise<T>): () => Promise<T>;
}

export type DatabaseCollector = (figures: DatabaseFigures) => void;

/** A gauge whose series are the scrape's read: series absent from it are not reported. */
export function databaseGauge<T>(
  f: DatabaseFigures,
  m: { name: string; help: string; labelNames?: readonly string[] },
  read: () => Promise<T>,
  samples: (figures: T) => readonly Sample[],
): void {
  new Gauge({
    name: m.name,
    help: m.help,
    labelNames: m.labelNames ?? [],
    registers: [f.registry],
    async collect() {
      const figures = await read();
      this.reset();
      // An unlabelled gauge resets to 0; with no figure it says nothing rather than a false 0.
      if ((m.labelNames ?? []).length === 0) this.remove();
      for (const s of samples(figures)) this.set(s.labels ?? {}, s.value);
    },
  });
}

/** A counter whose totals are counted in the database (rows by outcome, ...). */
export function databaseCounter<T>(
  f: DatabaseFigures,
  m: { name: string; help: string; labelNames: readonly string[] },
  read: () => Promise<T>,
  samples: (figures: T) => readonly Sample[],
): void {
  new Counter({
    name: m.name,
    help: m.help,
    labelNames: m.labelNames,
    registers: [f.registry],
    async collect() {
      const figures = await read();
      this.reset();
      for (const s of samples(figures)) this.inc(s.labels ?? {}, s.value);
    },
  });
}

/**
 * A histogram whose buckets are counted in the database (SQL FILTER per bound), not observed here:
 * prom-client's Histogram has no way to set counts, so its get() answers the read's series, in
 * the shape prom-client's own histograms give the registry to format.
 */
class DatabaseHistogram extends Histogram<string> {
  constructor(
    registry: Registry,
    private readonly m: { name: string; help: string; labelNames: readonly string[] },
    private readonly bounds: readonly number[],
    private readonly series: () => Promise<readonly HistogramSeries[]>,
  ) {
    super({
      name: m.name,
      help: m.help,
      labelNames: m.labelNames,
      buckets: [...bounds],
      registers: [registry],
    });
  }

  override async get() {
    const values = (await this.series()).flatMap((s) => {
      const labels = s.labels ?? {};
      return [
        ...this.bounds.map((b, i) => ({
          metricName: `${this.m.name}_bucket`,
          labels: { ...labels, le: b },
          value: s.cumulative[i]!,
        })),
        { metricName: `${this.m.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: s.count },
        { metricName: `${this.m.name}_sum`, labels, value: s.sum },
        { metricName: `${this.m.name}_count`, labels, value: s.count },
      ];
    });
    // What prom-client's own Histogram answers at run time; its typings call `type` a numeric enum
    // and require a collect function, neither of which the registry reads.
    const metric = { name: this.m.name, help: this.m.help, type: 'histogram', values, aggregator: 'sum' };
    return metric as unknown as Awaited<ReturnType<Histogram<string>['get']>>;
  }

  /** The registry formats from this when a metric has it (prom-client's Histogram does). */
  async getForPromString() {
    return this.get();
  }
}

export function databaseHistogram<T>(
  f: DatabaseFigures,
  m: { name: string; help: string; labelNames?: readonly string[] },
  bounds: readonly number[],
  read: () => Promise<T>,
  series: (figures: T) => readonly HistogramSeries[],
): void {
  new DatabaseHistogram(f.registry, { ...m, labelNames: m.labelNames ?? [] }, bounds, async () =>
    series(await read()),
  );
}

export const HTTP_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
export const COPY_LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];
export const QUEUE_STATUSES = ['pending', 'processing', 'completed', 'failed', 'cancelled'] as const;

export interface PlatformMetricsOptions {
  db: Db;
  /** How long figures read from the database are reused between scrapes; default 5000 ms. */
  dbCacheMs?: number;
  /** Live-event streams of this process (the API's UserEventHub), when it runs one. */
  events?: { subscriberCount(): number; readonly received: number };
  /** More database figures, after the built-in ones (the detection feeds', the periodic jobs'). */
  collectors?: readonly DatabaseCollector[];
}

export class PlatformMetrics {
  private readonly registry = new Registry();
  private readonly databaseRegistry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'polycopy_http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route template and status code (this process).',
    labelNames: ['method', 'route', 'status_code'],
    buckets: HTTP_DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly databaseUp = new Gauge({
    name: 'polycopy_metrics_database_up',
    help: 'Whether the database figures could be read.',
    registers: [this.registry],
  });
  /** Scrapes so far: a read is shared by the metrics of one scrape whatever the cache time. */
  private scrapes = 0;

  constructor(private readonly opts: PlatformMetricsOptions) {
    const figures: DatabaseFigures = {
      registry: this.databaseRegistry,
      cached: (read) => this.cachedRead(read),
    };
    registerPlatformFigures(figures);
    for (const c of opts.collectors ?? []) c(figures);
    if (opts.events) registerEventFigures(this.registry, opts.events);
  }

  /** The whole exposition: database figures (cached) and this process's. */
  async render(): Promise<string> {
    this.scrapes += 1;
    let database: string;
    try {
      database = await this.databaseRegistry.metrics();
      this.databaseUp.set(1);
    } catch {
      // The scrape still answers (HTTP figures, and database_up 0 to alert on).
      database = '';
      this.databaseUp.set(0);
    }
    const text = [database, await this.registry.metrics(), await processMetricsText()].join('\n');
    // prom-client separates families with blank lines and writes a not-a-number as `Nan` (before
    // the first event-loop sample); the exposition served has neither (`NaN`, as Prometheus writes it).
    return `${text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => line.replace(/ Nan$/, ' NaN'))
      .join('\n')}\n`;
  }

  private cachedRead<T>(read: (db: Db) => Promise<T>): () => Promise<T> {
    let last: { scrape: number; at: number; value: Promise<T> } | undefined;
    return () => {
      const ttl = this.opts.dbCacheMs ?? 5000;
      const now = Date.now();
      if (!last || (last.scrape !== this.scrapes && now - last.at >= ttl))
        last = { scrape: this.scrapes, at: now, value: read(this.opts.db) };
      return last.value;
    };
  }
}

function registerEventFigures(registry: Registry, events: NonNullable<PlatformMetricsOptions['events']>) {
  new Gauge({
    name: 'polycopy_event_streams',
    help: 'Open live-event (SSE) streams on this process.',
    registers: [registry],
    collect() {
      this.set(events.subscriberCount());
    },
  });
  new Counter({
    name: 'polycopy_user_events_received_total',
    help: 'User events received by this process from PostgreSQL NOTIFY (all users).',
    registers: [registry],
    collect() {
      // The hub counts; the counter shows its count.
      this.reset();
      this.inc(events.received);
    },
  });
}

const sumOf = <K extends string>(rows: ReadonlyArray<Record<K, string>>, key: K) =>
  rows.reduce((n, r) => n + Number(r[key]), 0);

/** The queue, the copies' outcomes and latency, and ingest lag. */
function registerPlatformFigures(f: DatabaseFigures): void {
  const read = f.cached(readPlatformFigures);
  databaseGauge(
    f,
    {
      name: 'polycopy_queue_depth',
      help: 'trade_queue rows by status (completed/failed/cancelled until the retention purge).',
      labelNames: ['status'],
    },
    read,
    ({ queue }) => {
      const byStatus = new Map(queue.map((r) => [r.status, Number(r.n)]));
      return QUEUE_STATUSES.map((status) => ({ labels: { status }, value: byStatus.get(status) ?? 0 }));
    },
  );
  databaseGauge(
    f,
    {
      name: 'polycopy_queue_unsettled',
      help: 'Failed rows whose order may exist at the venue: awaiting reconciliation (a lookup by its id), or flagged for an operator after the reconciler gave up. Alert on needs_operator > 0.',
      labelNames: ['state'],
    },
    read,
    ({ queue }) => [
      { labels: { state: 'awaiting_reconciliation' }, value: sumOf(queue, 'reconcile') },
      { labels: { state: 'needs_operator' }, value: sumOf(queue, 'operator') },
    ],
  );
  databaseCounter(
    f,
    {
      name: 'polycopy_copies_total',
      help: 'Decided copies by outcome (executed, failed, skipped) and reason code (none when executed).',
      labelNames: ['outcome', 'reason'],
    },
    read,
    ({ outcomes }) =>
      outcomes.map((r) => ({
        labels: { outcome: r.outcome, reason: r.reason ?? 'none' },
        value: Number(r.n),
      })),
  );
  databaseHistogram(
    f,
    {
      name: 'polycopy_copy_latency_seconds',
      help: "Leader fill detection to the copy's fill, over executed BUY copies (trades.execution_time_ms).",
    },
    COPY_LATENCY_BUCKETS,
    read,
    ({ latency: lat }) => [
      {
        cumulative: COPY_LATENCY_BUCKETS.map((_, i) => Number(lat[`b${i}`])),
        count: Number(lat.n),
        sum: Number(lat.sum_ms) / 1000,
      },
    ],
  );
  registerIngestFigures(f, read);
}

function registerIngestFigures(f: DatabaseFigures, read: () => Promise<PlatformFigures>): void {
  databaseGauge(
    f,
    {
      name: 'polycopy_ingest_lag_seconds',
      help: 'Seconds since the newest leader fill was detected (grows when leaders are quiet, too).',
    },
    read,
    ({ ingest }) => (ingest.lag === null ? [] : [{ value: Math.max(0, Number(ingest.lag)) }]),
  );
  databaseGauge(
    f,
    {
      name: 'polycopy_ingest_last_detected_timestamp_seconds',
      help: 'Unix time the newest leader fill was detected.',
    },
    read,
    ({ ingest }) => (ingest.last === null ? [] : [{ value: Number(ingest.last) }]),
  );
}

type PlatformFigures = Awaited<ReturnType<typeof readPlatformFigures>>;

async function readPlatformFigures(db: Db) {
  const [queue, outcomes, latency, ingest] = await Promise.all([
    sql<{ status: string; n: string; reconcile: string; operator: string }>`
      SELECT status, count(*) AS n,
             count(*) FILTER (WHERE stage = 'reconciliation') AS reconcile,
             count(*) FILTER (WHERE stage = 'operator') AS operator
        FROM trade_queue GROUP BY status`.execute(db),
    sql<{ outcome: string; reason: string | null; n: string }>`
      SELECT outcome, reason, count(*) AS n FROM copy_decisions
       WHERE outcome <> 'queued' GROUP BY outcome, reason ORDER BY outcome, reason`.execute(db),
    sql<Record<string, string | null>>`
      SELECT ${sql.join(
        COPY_LATENCY_BUCKETS.map(
          (b, i) =>
            sql`count(*) FILTER (WHERE execution_time_ms <= ${Math.round(b * 1000)}) AS ${sql.ref(`b${i}`)}`,
        ),
      )}, count(*) AS n, coalesce(sum(execution_time_ms), 0) AS sum_ms
        FROM trades
       WHERE is_copy_trade AND copy_tx_hash IS NOT NULL AND execution_time_ms IS NOT NULL`.execute(db),
    sql<{ lag: string | null; last: string | null }>`
      SELECT extract(epoch FROM now() - max(detected_at))::text AS lag,
             extract(epoch FROM max(detected_at))::text AS last
        FROM leader_fills`.execute(db),
  ]);
  return { queue: queue.rows, outcomes: outcomes.rows, latency: latency.rows[0]!, ingest: ingest.rows[0]! };
}
