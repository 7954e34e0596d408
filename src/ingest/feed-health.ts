// Each detection feed watched like a dependency. The chain is the reference: a fill the chain
// brought first that RTDS has not delivered within `rtdsMaxLagMs` means RTDS is silent or lagging
// (its socket can stay open while it sends nothing). That is said once — log and operator alert —
// copying carries on from the chain, and the recovery (RTDS timely again) is said once too. Without
// a chain feed RTDS is judged by silence alone. The state of every feed is written to
// ingest_feed_state every few seconds, for /ready and /metrics of any process.
import { sql } from 'kysely';
import type { Db } from '../db/client.ts';
import { enqueueOperatorAlert } from '../events/notification-outbox.ts';
import type { Logger } from '../observability/logger.ts';

export type FeedName = 'rtds' | 'chain' | 'data_api';

export interface FeedSnapshot {
  readonly feed: FeedName;
  readonly configured: boolean;
  readonly connected: boolean;
  readonly degraded: boolean;
  readonly lastMessageAt: number | null;
  /** Chain: head age; RTDS: how far behind the chain its last confirmed fill came. */
  readonly lagMs: number | null;
  readonly headBlock: bigint | null;
  readonly detail: string | null;
}

/** What the feeds report about themselves when asked. */
export interface FeedProbes {
  rtds(): { connected: boolean; lastMessageAt: number | null };
  chain?(): {
    connected: boolean;
    lastMessageAt: number | null;
    head: bigint | null;
    headTimeMs: number | null;
    /** Since when the socket is down or still connecting; null while connected (or not started). */
    downSince: number | null;
  };
  dataApi(): { ok: boolean; lastPollAt: number | null };
}

export interface FeedHealthOptions {
  readonly db: Db;
  readonly logger: Logger;
  readonly probes: FeedProbes;
  /** RTDS this far behind the chain (or silent this long) is degraded. */
  readonly rtdsMaxLagMs: number;
  /**
   * A chain socket down (or still connecting) for less than this is "connecting", not degraded: a
   * start or a routine reconnect takes a moment, and /ready must not cry wolf. Default 10 s.
   */
  readonly chainConnectGraceMs?: number;
  readonly now?: () => number;
}

type RtdsState = { kind: 'ok' } | { kind: 'degraded'; since: number; reason: string };

export class FeedHealth {
  /** Fills the chain brought first, awaiting RTDS: fill key → when the chain brought it. */
  private readonly awaitingRtds = new Map<string, number>();
  private rtdsConnectedSince: number | null = null;
  /** Fills RTDS missed (past the limit), kept so a very late delivery reads as late, not timely. */
  private readonly missedRtds = new Map<string, number>();
  private rtds: RtdsState = { kind: 'ok' };
  private rtdsLagMs: number | null = null;
  /** Fills RTDS never delivered within the limit while degraded. */
  missedByRtds = 0;
  private readonly now: () => number;
  private firstCheckAt: number | null = null;

  constructor(private readonly opts: FeedHealthOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Since when RTDS has been connected without a break, as far as this process has looked. */
  private rtdsUpSince(now: number): number | null {
    if (!this.opts.probes.rtds().connected) this.rtdsConnectedSince = null;
    else this.rtdsConnectedSince ??= now;
    return this.rtdsConnectedSince;
  }

  get rtdsDegraded(): boolean {
    return this.rtds.kind === 'degraded';
  }

  /**
   * A feed brought a fill; `first` when its sighting won the race. `filledAtMs`: the fill's own time
   * (whole seconds). A fill made before the current RTDS connection was up is never awaited from
   * RTDS, which streams only what happens while it is connected: the chain's catch-up at start
   * brings the last minute's fills, and awaiting them flagged RTDS degraded at every start.
   */
  onSighting(feed: FeedName, fillKey: string, first: boolean, filledAtMs?: number): void {
    const now = this.now();
    const upSince = this.rtdsUpSince(now);
    if (feed === 'chain' && first && this.opts.probes.chain) {
      if (filledAtMs !== undefined && (upSince === null || filledAtMs < upSince - 1_000)) return;
      this.awaitingRtds.set(fillKey, now);
      if (this.awaitingRtds.size > 50_000) this.awaitingRtds.delete(this.awaitingRtds.keys().next().value!);
      return;
    }
    if (feed !== 'rtds') return;
    const chainAt = this.awaitingRtds.get(fillKey) ?? this.missedRtds.get(fillKey);
    this.awaitingRtds.delete(fillKey);
    this.missedRtds.delete(fillKey);
    this.rtdsLagMs = chainAt === undefined ? 0 : now - chainAt;
    if (this.rtds.kind === 'degraded' && this.rtdsLagMs <= this.opts.rtdsMaxLagMs) void this.recovered();
  }

  /** Re-evaluates RTDS (call every second or so). */
  async check(): Promise<void> {
    const now = this.now();
    const limit = this.opts.rtdsMaxLagMs;
    this.rtdsUpSince(now);
    const r = this.opts.probes.rtds();
    // Checks start when this process leads: an RTDS that never connects counts from there.
    this.firstCheckAt ??= now;
    let reason: string | null = null;
    let oldest: number | null = null;
    for (const at of this.awaitingRtds.values()) oldest = oldest === null ? at : Math.min(oldest, at);
    if (oldest !== null && now - oldest > limit)
      reason = `RTDS has not delivered a fill the chain brought ${Math.round((now - oldest) / 1000)} s ago`;
    else if (!r.connected && now - (r.lastMessageAt ?? this.firstCheckAt) > limit)
      reason =
        r.lastMessageAt === null
          ? `RTDS has not connected in ${Math.round((now - this.firstCheckAt) / 1000)} s`
          : `RTDS disconnected for ${Math.round((now - r.lastMessageAt) / 1000)} s`;
    // Fills RTDS missed are counted once, not waited for again: while degraded too, or the fills
    // of the outage (which RTDS never replays) would degrade it again right after it recovers.
    if (reason !== null || this.rtds.kind === 'degraded') this.dropMissed(now, limit);
    if (reason === null || this.rtds.kind === 'degraded') return;
    this.rtds = { kind: 'degraded', since: now, reason };
    const chain = this.opts.probes.chain !== undefined;
    const message = `${reason}: ${chain ? 'copying continues from the chain feed (about one block behind)' : 'copying continues from the Data API poll only (15 s or more late)'}.`;
    this.opts.logger.warn({ feed: 'rtds', limitMs: limit }, `leader-fill feed degraded: ${message}`);
    await this.alert('feed_degraded', `Detection: ${message}`);
  }

  private dropMissed(now: number, limit: number): void {
    for (const [k, at] of this.awaitingRtds) {
      if (now - at <= limit) continue;
      this.awaitingRtds.delete(k);
      this.missedByRtds += 1;
      this.missedRtds.set(k, at);
      if (this.missedRtds.size > 50_000) this.missedRtds.delete(this.missedRtds.keys().next().value!);
    }
  }

  private async recovered(): Promise<void> {
    if (this.rtds.kind !== 'degraded') return;
    const outage = this.now() - this.rtds.since;
    this.rtds = { kind: 'ok' };
    this.opts.logger.info(
      { feed: 'rtds', outageMs: outage },
      'leader-fill feed recovered: RTDS is delivering fills in time again',
    );
    await this.alert('feed_recovered', `Detection: RTDS recovered after ${Math.round(outage / 1000)} s.`);
  }

  private async alert(alert: string, message: string): Promise<void> {
    try {
      await enqueueOperatorAlert(
        this.opts.db,
        {
          type: 'operator.alert',
          at: new Date(this.now()).toISOString(),
          data: { alert, feed: 'rtds', message },
        },
        `feed:rtds:${alert}:${this.now()}`,
      );
    } catch (err) {
      this.opts.logger.warn({ err }, 'queueing the feed operator alert failed');
    }
  }

  snapshot(): FeedSnapshot[] {
    const now = this.now();
    const p = this.opts.probes;
    const r = p.rtds();
    const c = p.chain?.();
    const d = p.dataApi();
    return [
      {
        feed: 'rtds',
        configured: true,
        connected: r.connected,
        degraded: this.rtds.kind === 'degraded',
        lastMessageAt: r.lastMessageAt,
        lagMs: this.rtdsLagMs,
        headBlock: null,
        detail: this.rtds.kind === 'degraded' ? this.rtds.reason : null,
      },
      this.chainSnapshot(c, now),
      {
        feed: 'data_api',
        configured: true,
        connected: d.ok,
        degraded: !d.ok,
        lastMessageAt: d.lastPollAt,
        lagMs: null,
        headBlock: null,
        detail: null,
      },
    ];
  }

  private chainSnapshot(c: ReturnType<NonNullable<FeedProbes['chain']>> | undefined, now: number) {
    const base = {
      feed: 'chain' as const,
      configured: c !== undefined,
      connected: c?.connected ?? false,
      lastMessageAt: c?.lastMessageAt ?? null,
      lagMs: c?.headTimeMs == null ? null : Math.max(0, now - c.headTimeMs),
      headBlock: c?.head ?? null,
    };
    if (c === undefined)
      return {
        ...base,
        degraded: true,
        detail: 'no POLYGON_WS_URL: fills rely on RTDS and the Data API poll',
      };
    if (c.connected) return { ...base, degraded: false, detail: null };
    const downMs = c.downSince === null ? 0 : now - c.downSince;
    if (downMs <= (this.opts.chainConnectGraceMs ?? 10_000))
      return { ...base, degraded: false, detail: 'connecting' };
    return {
      ...base,
      degraded: true,
      detail: `socket down for ${Math.round(downMs / 1000)} s; reconnecting`,
    };
  }

  /** Writes every feed's state for the other processes' /ready and /metrics. */
  async persist(): Promise<void> {
    for (const s of this.snapshot()) {
      await sql`
        INSERT INTO ingest_feed_state (feed, configured, connected, degraded, last_message_at, lag_ms, head_block, detail, updated_at)
        VALUES (${s.feed}, ${s.configured}, ${s.connected}, ${s.degraded},
                ${s.lastMessageAt === null ? null : new Date(s.lastMessageAt)}, ${s.lagMs}, ${s.headBlock?.toString() ?? null}::bigint,
                ${s.detail}, now())
        ON CONFLICT (feed) DO UPDATE SET configured = EXCLUDED.configured, connected = EXCLUDED.connected,
          degraded = EXCLUDED.degraded, last_message_at = EXCLUDED.last_message_at, lag_ms = EXCLUDED.lag_ms,
          head_block = EXCLUDED.head_block, detail = EXCLUDED.detail, updated_at = now()`.execute(
        this.opts.db,
      );
    }
  }
}
