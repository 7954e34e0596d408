// Prometheus metrics (text exposition format 0.0.4), hand-written: no client library.
//
// Two kinds of figures:
// - read from PostgreSQL at scrape time (cached `dbCacheMs`), so every process reports the same
//   platform-wide truth whichever role serves the scrape: queue depth by status, copies by outcome
//   and reason, the detection → fill latency histogram of executed copies, ingest lag;
// - kept in this process: HTTP request durations, live-event streams, and the process's own
//   figures (prom-client's default metrics: CPU, memory, heap, event-loop lag, GC).
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import { processMetricsText } from './process-metrics.ts';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Readonly<Record<string, string>>;

/** A sample value as Prometheus reads it (Go ParseFloat, plus +Inf / -Inf / NaN). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** Lines for one metric family. */
export function family(
  name: string,
  type: 'counter' | 'gauge' | 'histogram',
  help: string,
  samples: ReadonlyArray<{ suffix?: string; labels?: Labels; value: number }>,
): string {
  const lines = [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`];
  for (const s of samples)
    lines.push(`${name}${s.suffix ?? ''}${labelText(s.labels ?? {})} ${formatValue(s.value)}`);
  return lines.join('\n');
}

/** Samples of one histogram series from cumulative bucket counts (`counts[i]` ≤ `bounds[i]`). */
function histogramSamples(
  labels: Labels,
  bounds: readonly number[],
  cumulative: readonly number[],
  count: number,
  sum: number,
) {
  return [
    ...bounds.map((b, i) => ({
      suffix: '_bucket',
      labels: { ...labels, le: formatValue(b) },
      value: cumulative[i]!,
    })),
    { suffix: '_bucket', labels: { ...labels, le: '+Inf' }, value: count },
    { suffix: '_sum', labels, value: sum },
    { suffix: '_count', labels, value: count },
  ];
}

/** An in-process histogram with labelled series. */
export class Histogram {
  private readonly series = new Map<
    string,
    { labels: Labels; buckets: number[]; count: number; sum: number }
  >();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels, buckets: this.bounds.map(() => 0), count: 0, sum: 0 }));
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]!) s.buckets[i]! += 1;
    s.count += 1;
    s.sum += value;
  }

  render(): string {
    const samples = [...this.series.values()].flatMap((s) =>
      histogramSamples(s.labels, this.bounds, s.buckets, s.count, s.sum),
    );
    return family(this.name, 'histogram', this.help, samples);
  }
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
  /** More database figures, rendered after the built-in ones (the detection feeds', the periodic jobs'). */
  collectors?: ReadonlyArray<(db: Db) => Promise<string>>;
}

export class PlatformMetrics {
  readonly httpDuration = new Histogram(
    'polycopy_http_request_duration_seconds',
    'HTTP request duration in seconds, by method, route template and status code (this process).',
    HTTP_DURATION_BUCKETS,
  );
  private cached: { at: number; text: string } | undefined;

  constructor(private readonly opts: PlatformMetricsOptions) {}

  /** The whole exposition: database figures (cached) and this process's. */
  async render(): Promise<string> {
    const parts = [await this.databaseFigures(), this.httpDuration.render(), await processMetricsText()];
    const events = this.opts.events;
    if (events) {
      parts.push(
        family('polycopy_event_streams', 'gauge', 'Open live-event (SSE) streams on this process.', [
          { value: events.subscriberCount() },
        ]),
        family(
          'polycopy_user_events_received_total',
          'counter',
          'User events received by this process from PostgreSQL NOTIFY (all users).',
          [{ value: events.received }],
        ),
      );
    }
    return `${parts.join('\n')}\n`;
  }

  private async databaseFigures(): Promise<string> {
    const ttl = this.opts.dbCacheMs ?? 5000;
    const now = Date.now();
    if (this.cached && now - this.cached.at < ttl) return this.cached.text;
    let text: string;
    try {
      const extra = await Promise.all((this.opts.collectors ?? []).map((c) => c(this.opts.db)));
      text = [await collectDatabaseFigures(this.opts.db), ...extra, up(1)].join('\n');
    } catch {
      // The scrape still answers (HTTP figures, and database_up 0 to alert on).
      text = up(0);
    }
    this.cached = { at: now, text };
    return text;
  }
}

const up = (v: 0 | 1) =>
  family('polycopy_metrics_database_up', 'gauge', 'Whether the database figures below could be read.', [
    { value: v },
  ]);

const sumOf = <K extends string>(rows: ReadonlyArray<Record<K, string>>, key: K) =>
  rows.reduce((n, r) => n + Number(r[key]), 0);

export async function collectDatabaseFigures(db: Db): Promise<string> {
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

  const byStatus = new Map(queue.rows.map((r) => [r.status, Number(r.n)]));
  const lat = latency.rows[0]!;
  const ing = ingest.rows[0]!;
  const out = [
    family(
      'polycopy_queue_depth',
      'gauge',
      'trade_queue rows by status (completed/failed/cancelled until the retention purge).',
      QUEUE_STATUSES.map((status) => ({ labels: { status }, value: byStatus.get(status) ?? 0 })),
    ),
    family(
      'polycopy_queue_unsettled',
      'gauge',
      'Failed rows whose order may exist at the venue: awaiting reconciliation (a lookup by its id), or flagged for an operator after the reconciler gave up. Alert on needs_operator > 0.',
      [
        { labels: { state: 'awaiting_reconciliation' }, value: sumOf(queue.rows, 'reconcile') },
        { labels: { state: 'needs_operator' }, value: sumOf(queue.rows, 'operator') },
      ],
    ),
    family(
      'polycopy_copies_total',
      'counter',
      'Decided copies by outcome (executed, failed, skipped) and reason code (none when executed).',
      outcomes.rows.map((r) => ({
        labels: { outcome: r.outcome, reason: r.reason ?? 'none' },
        value: Number(r.n),
      })),
    ),
    family(
      'polycopy_copy_latency_seconds',
      'histogram',
      "Leader fill detection to the copy's fill, over executed BUY copies (trades.execution_time_ms).",
      histogramSamples(
        {},
        COPY_LATENCY_BUCKETS,
        COPY_LATENCY_BUCKETS.map((_, i) => Number(lat[`b${i}`])),
        Number(lat.n),
        Number(lat.sum_ms) / 1000,
      ),
    ),
  ];
  if (ing.lag !== null && ing.last !== null) {
    out.push(
      family(
        'polycopy_ingest_lag_seconds',
        'gauge',
        'Seconds since the newest leader fill was detected (grows when leaders are quiet, too).',
        [{ value: Math.max(0, Number(ing.lag)) }],
      ),
      family(
        'polycopy_ingest_last_detected_timestamp_seconds',
        'gauge',
        'Unix time the newest leader fill was detected.',
        [{ value: Number(ing.last) }],
      ),
    );
  }
  return out.join('\n');
}
