// Gathers the legs of one leader order from the stream for a short window before they are recorded
// together (src/domain/leader-order-legs.ts: one leader order, one copy). The first leg of a
// (transaction, wallet, token, side) opens a group; legs arriving within `windowMs` join it; then
// the group is recorded as one order. A leg after that opens a group of its own (copied on its own,
// sized on its own). The wait is the price of not under-copying a sweep: `windowMs` (25 ms by
// default) is added to the first copy's latency of every stream fill; 0 turns grouping off.
import { legGroupKey } from '../domain/leader-order-legs.ts';
import type { LeaderFill } from './leader-fill.ts';

interface Group<R> {
  legs: LeaderFill[];
  firstSeenAt: Date;
  waiters: Array<{ resolve: (r: R) => void; reject: (err: unknown) => void }>;
  timer: NodeJS.Timeout | undefined;
}

export class LegGrouper<R> {
  private readonly groups = new Map<string, Group<R>>();

  constructor(
    private readonly windowMs: number,
    /** Records one order's legs; one result per leg, in order. `firstSeenAt`: the first leg's arrival. */
    private readonly recordOrder: (legs: LeaderFill[], firstSeenAt: Date) => Promise<R[]>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Adds a leg; resolves with its own result once its group is recorded. */
  add(fill: LeaderFill): Promise<R> {
    const key = legGroupKey(fill);
    let group = this.groups.get(key);
    if (!group) {
      group = { legs: [], firstSeenAt: this.now(), waiters: [], timer: undefined };
      this.groups.set(key, group);
      if (this.windowMs > 0) group.timer = setTimeout(() => void this.flush(key), this.windowMs);
    }
    const g = group;
    const result = new Promise<R>((resolve, reject) => g.waiters.push({ resolve, reject }));
    g.legs.push(fill);
    if (this.windowMs <= 0) void this.flush(key);
    return result;
  }

  /** Records every open group now (on stop), without waiting out their windows. */
  async flushAll(): Promise<void> {
    await Promise.all([...this.groups.keys()].map((k) => this.flush(k)));
  }

  private async flush(key: string): Promise<void> {
    const g = this.groups.get(key);
    if (!g) return;
    this.groups.delete(key);
    clearTimeout(g.timer);
    try {
      const results = await this.recordOrder(g.legs, g.firstSeenAt);
      g.waiters.forEach((w, i) => w.resolve(results[i]!));
    } catch (err) {
      for (const w of g.waiters) w.reject(err);
    }
  }
}
