// One active process per singleton role (ingest, the job scheduler, the Telegram bot), held by a
// PostgreSQL session advisory lock on a dedicated connection. The others stand by and retry; when the
// leader's connection goes away (crash, network, a server restart) its lock goes with it and a
// standby takes over within one retry period.
//
// Every role used to carry its own copy of this loop, each logging "another process is active;
// standing by" every 5 s, and reading any failed attempt — "database does not exist" at shutdown
// included — as "another process is active". Here the state is explicit and each change is logged
// once (issue 16 item 9):
//
//   starting ──► leader ──(lock connection lost | lead failed)──► standby / unreachable ──► ...
//       │            └──(stop)──► stopped
//       └──► standby (the lock is held elsewhere)  ⇄  unreachable (the database cannot be asked)
//
// A failed attempt says why (connection refused, database does not exist, ...), and nothing is
// logged about attempts that fail because the process is shutting down.
import pg from 'pg';
import type { Logger } from '../observability/logger.ts';

export type LeadershipState = 'starting' | 'leader' | 'standby' | 'unreachable' | 'stopped';

export interface Leadership {
  readonly isLeader: boolean;
  readonly state: LeadershipState;
  /** Epoch ms when this process last became the leader; null unless it leads. */
  readonly leaderSince: number | null;
  /** Resolves once this process leads (its `lead` has returned) or leadership is stopped. */
  whenLeading(): Promise<void>;
  stop(): Promise<void>;
}

export interface LeadershipOptions {
  /** The role's name in log lines and the lock connection's application_name. */
  readonly name: string;
  readonly lockKey: number;
  readonly databaseUrl: string;
  readonly logger: Logger;
  /** Runs on becoming leader; returns what to run on stepping down. A throw means "stand by". */
  readonly lead: () => Promise<() => Promise<void>>;
  readonly standbyRetryMs?: number;
}

/** What a failed connection or query means, in words an operator can act on. */
export function describeDatabaseError(err: unknown): string {
  const e = err as { code?: string; message?: string } | undefined;
  switch (e?.code) {
    case '3D000':
      return 'the database does not exist';
    case '28P01':
    case '28000':
      return 'the database refused the credentials';
    case '57P01':
    case '57P02':
    case '57P03':
      return 'the database server is shutting down or starting up';
    case 'ECONNREFUSED':
      return 'the database server refused the connection (not running?)';
    case 'ENOTFOUND':
      return 'the database host is unknown';
    case 'ETIMEDOUT':
      return 'connecting to the database timed out';
    default:
      return e?.message ?? String(err);
  }
}

export function holdLeadership(opts: LeadershipOptions): Leadership {
  return new LeadershipHolder(opts);
}

class LeadershipHolder implements Leadership {
  private running = true;
  private current: LeadershipState = 'starting';
  private lastProblem: string | undefined;
  private since: number | null = null;
  private client: pg.Client | undefined;
  private stepDown: (() => Promise<void>) | undefined;
  private wake: (() => void) | undefined;
  private leading = deferred();
  private readonly loop: Promise<void>;

  constructor(private readonly opts: LeadershipOptions) {
    this.loop = this.run();
  }

  get isLeader() {
    return this.current === 'leader' && this.since !== null;
  }

  get state() {
    return this.current;
  }

  get leaderSince() {
    return this.since;
  }

  whenLeading(): Promise<void> {
    return this.leading.promise;
  }

  async stop(): Promise<void> {
    if (!this.running) return this.loop;
    this.running = false;
    await this.resign();
    this.enter('stopped');
    this.leading.resolve();
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (await this.attempt()) {
        // Leading until stopped or the lock connection is lost.
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      if (this.running) await this.sleep(this.opts.standbyRetryMs ?? 5_000);
    }
  }

  private enter(next: LeadershipState, problem?: string): void {
    const { logger, name } = this.opts;
    // Attempts that fail because the process is stopping say nothing (the database may already be gone).
    if (!this.running && next !== 'stopped') return;
    if (next === this.current && problem === this.lastProblem) return;
    const before = this.current;
    this.current = next;
    this.lastProblem = problem;
    if (next === 'leader') logger.info(`${name} is the active process`);
    else if (next === 'standby') logger.info(`another ${name} process is active; standing by`);
    else if (next === 'unreachable')
      logger.warn({ reason: problem }, `${name} cannot check leadership: ${problem}; retrying`);
    else if (next === 'stopped' && before === 'leader') logger.info(`${name} stepped down`);
    else if (next === 'stopped') logger.debug(`${name} stopped standing by`);
  }

  private async resign(): Promise<void> {
    this.since = null;
    // A later whenLeading() waits for the next term; callers of this one were already answered.
    if (this.leading.done) this.leading = deferred();
    const down = this.stepDown;
    this.stepDown = undefined;
    if (down)
      await down().catch((err: unknown) =>
        this.opts.logger.error({ err }, `${this.opts.name} step-down failed`),
      );
    const c = this.client;
    this.client = undefined;
    if (c) {
      await c.query('SELECT pg_advisory_unlock($1)', [this.opts.lockKey]).catch(() => undefined);
      await c.end().catch(() => undefined);
    }
  }

  /** One try at the lock: 'leader', 'standby', or the problem that kept it from asking. */
  private async tryLock(): Promise<{ got: pg.Client } | { problem: string | null }> {
    const c = new pg.Client({
      connectionString: this.opts.databaseUrl,
      application_name: `polycopy-${this.opts.name}-lock`,
    });
    // Until the lock is held, a dropped connection is only a failed attempt; without a listener pg
    // would raise it as an uncaught exception.
    c.on('error', () => undefined);
    try {
      await c.connect();
      const r = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [this.opts.lockKey]);
      if (r.rows[0]?.ok && this.running) return { got: c };
      await c.end();
      return { problem: null };
    } catch (err) {
      await c.end().catch(() => undefined);
      return { problem: describeDatabaseError(err) };
    }
  }

  private async attempt(): Promise<boolean> {
    const r = await this.tryLock();
    if (!this.running) {
      if ('got' in r) await r.got.end().catch(() => undefined);
      return false;
    }
    if (!('got' in r)) {
      if (r.problem === null) this.enter('standby');
      else this.enter('unreachable', r.problem);
      return false;
    }
    this.holdLock(r.got);
    this.since = Date.now();
    this.enter('leader');
    try {
      this.stepDown = await this.opts.lead();
    } catch (err) {
      this.opts.logger.error({ err }, `${this.opts.name} could not start as the active process; standing by`);
      await this.resign();
      this.current = 'starting';
      return false;
    }
    this.leading.resolve();
    return true;
  }

  /** Keeps the lock's connection; losing it loses the lock, so the process steps down. */
  private holdLock(client: pg.Client): void {
    this.client = client;
    client.removeAllListeners('error');
    client.on('error', (err) => {
      if (!this.running) return;
      const reason = describeDatabaseError(err);
      this.opts.logger.error(
        { reason },
        `${this.opts.name} lost its lock connection (${reason}); stepping down`,
      );
      this.current = 'starting';
      void this.resign().then(() => this.wake?.());
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void; readonly done: boolean } {
  let settle!: () => void;
  let done = false;
  const promise = new Promise<void>((r) => (settle = r));
  return {
    promise,
    resolve: () => {
      done = true;
      settle();
    },
    get done() {
      return done;
    },
  };
}
